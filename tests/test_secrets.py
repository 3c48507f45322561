"""Secrets never leave the server: with recognisable fake credentials and session token, and the real
console script at --log-level DEBUG, no tool output, error message or log line shows the secret key, the
session token, a GetSessionEndpoint auth token, a request signature or a presigned URL; and logs stay
small per call.

Every listed tool is called (with schema-valid arguments for each seeded session, and with invalid ones),
so tools added later are checked too.
"""

from __future__ import annotations

import json
import re

import pytest
from mcp import Client

from athena_session_mcp.app import build_server
from athena_session_mcp.athena.responses import REDACTED, clean_response
from athena_session_mcp.settings import Settings
from tests.conftest import FAKE_ENV
from tests.reliability import (
    FakeAthena,
    Json,
    Reply,
    aws_error,
    example_arguments,
    get_session_body,
    healthy,
    serve_fake,
)
from tests.stdio_harness import StdioServer, is_tool_error, server_env, tool_text

SECRET_KEY = FAKE_ENV["AWS_SECRET_ACCESS_KEY"]
SESSION_TOKEN = FAKE_ENV["AWS_SESSION_TOKEN"]
FAKE_AUTH_TOKEN = "fake-endpoint-auth-token-never-printed-0123456789"
PRESIGNED = (
    "https://demo.notebook.us-east-1.athena.invalid/?X-Amz-Signature=deadbeefcafe&X-Amz-Credential=AKIA"
)
# Markers of credentials or signed requests in any text: header names and values, query-string signatures.
LEAK_PATTERNS = [
    re.compile(r"X-Amz-Signature", re.IGNORECASE),
    re.compile(r"X-Amz-Security-Token", re.IGNORECASE),
    re.compile(r"AWS4-HMAC-SHA256"),
    re.compile(r"Signature="),
    re.compile(r"AuthToken[\"']?\s*[:=]\s*[\"']?[A-Za-z0-9_\-]{16,}"),
    re.compile(r"(aws_secret_access_key|aws_session_token)\s*[=:]", re.IGNORECASE),
]
SEEDED = [
    "demo-idle-near-timeout",
    "demo-idle",
    "demo-busy",
    "demo-degraded",
    "demo-failed",
    "demo-terminated-idle",
    "demo-creating",
    "demo-unencrypted",
    "demo-spark35-idle",  # Apache Spark version 3.5: the engine with Spark Connect endpoints (tokens)
    "demo-spark35-failed",
]
CREDENTIALS = {k: v for k, v in FAKE_ENV.items() if k.startswith("AWS_")}


def assert_no_secrets(text: str, *secrets: str) -> None:
    for secret in (SECRET_KEY, SESSION_TOKEN, *secrets):
        assert secret not in text, f"a secret ({secret[:6]}…) leaked"
    for pattern in LEAK_PATTERNS:
        match = pattern.search(text)
        assert match is None, (
            f"leak marker {pattern.pattern!r}: …{text[max(0, match.start() - 80) : match.end() + 40]}…"
        )


def spawn(endpoint_url: str, level: str) -> StdioServer:
    server = StdioServer(
        ["serve", "--endpoint-url", endpoint_url, "--region", "us-east-1", "--log-level", level],
        # S3 and CloudWatch Logs (diagnose_athena_session) go to the same loopback endpoint, never to AWS.
        server_env(CREDENTIALS, {"AWS_ENDPOINT_URL": endpoint_url}),
    ).start()
    try:
        server.initialize(timeout=60)
    except BaseException:
        server.close()
        raise
    return server


def exercise_every_tool(server: StdioServer) -> list[Json]:
    """Call each listed tool for every seeded session (valid arguments), and with bad ones."""
    tools: list[Json] = server.request("tools/list")["result"]["tools"]
    assert any(tool["name"] == "get_athena_session" for tool in tools)
    responses: list[Json] = []
    for tool in tools:
        for session_id in SEEDED:
            responses.append(
                server.call_tool(tool["name"], example_arguments(tool["inputSchema"], session_id))
            )
        responses.append(server.call_tool(tool["name"], {"SessionId": SECRET_KEY, "Bogus": SESSION_TOKEN}))
    responses.append(server.call_tool("no_such_tool", {"SessionId": SESSION_TOKEN}))
    return responses


def test_successful_and_failed_calls_at_debug_never_show_credentials_or_endpoint_tokens(
    emulator_url: str,
) -> None:
    # The emulator mints a fresh AuthToken per GetSessionEndpoint call, so a token fetched here could never
    # match one a tool saw; the AuthToken pattern catches any endpoint answer a tool would pass on.
    with spawn(emulator_url, "DEBUG") as server:
        responses = exercise_every_tool(server)
        stderr = server.stderr()
    assert any(not is_tool_error(r) and "result" in r for r in responses), "nothing succeeded: a weak test"
    assert any(is_tool_error(r) for r in responses), "nothing failed: a weak test"
    assert stderr.strip(), "DEBUG logging wrote nothing: the log check would prove nothing"
    assert_no_secrets(json.dumps(responses))
    assert_no_secrets(stderr)


def faulty(operation: str, request: Json) -> Reply:
    """Endpoint tokens and presigned URLs on offer, and an error for everything else that is asked for."""
    if operation == "GetSessionEndpoint":
        return Reply(
            body={"EndpointUrl": PRESIGNED, "AuthToken": FAKE_AUTH_TOKEN, "AuthTokenExpirationTime": 1.9e9}
        )
    if operation == "GetSession":
        body = get_session_body(str(request.get("SessionId")))
        body["Description"] = "notebook at " + PRESIGNED  # a presigned URL in free text from AWS
        return Reply(body=body)
    return healthy(operation, request)


FAULT_REPLIES = [
    aws_error(400, "ExpiredTokenException", "The security token included in the request is expired"),
    aws_error(400, "UnrecognizedClientException", "The security token included in the request is invalid."),
    aws_error(403, "InvalidSignatureException", "The request signature we calculated does not match."),
    aws_error(400, "AccessDeniedException", "User: arn:aws:sts::1:assumed-role/r/s is not authorized"),
    aws_error(500, "InternalServerException", "Internal error"),
    Reply(status=502, body=b"<html>Bad Gateway</html>"),
    Reply(drop=True),
]


@pytest.mark.slow  # starts a process
def test_error_paths_and_presigned_urls_at_debug_never_show_credentials_or_signatures() -> None:
    fake = FakeAthena(faulty)
    with serve_fake(fake) as url, spawn(url, "DEBUG") as server:
        responses = exercise_every_tool(server)
        for reply in FAULT_REPLIES:
            fake.always(reply)
            response = server.call_tool("get_athena_session", {"SessionId": "s-1"})
            assert is_tool_error(response), tool_text(response)
            responses.append(response)
        fake.reset(faulty)
        stderr = server.stderr()
    output = json.dumps(responses)
    # A tool that asks for a Spark Connect endpoint gets FAKE_AUTH_TOKEN: it must never show it.
    assert_no_secrets(stderr, FAKE_AUTH_TOKEN)
    # The presigned URL AWS put in the description is data, not ours to hide; everything else must be clean.
    assert_no_secrets(output.replace(PRESIGNED, "<description url>"), FAKE_AUTH_TOKEN)
    assert "X-Amz-Signature" not in stderr


def test_info_logs_stay_under_two_kilobytes_per_call(emulator_url: str) -> None:
    with spawn(emulator_url, "INFO") as server:
        before = server.stderr_size()
        calls = 0
        for session_id in [*SEEDED, "no-such-session", "x" * 300]:
            server.call_tool("get_athena_session", {"SessionId": session_id})
            server.call_tool("get_athena_session_status", {"SessionId": session_id})
            calls += 2
        server.call_tool("get_athena_session", {"SessionId": "A" * 1_000_000})
        calls += 1
        per_call = (server.stderr_size() - before) / calls
        stderr = server.stderr()
    assert per_call < 2048, f"{per_call:.0f} bytes of log per call"
    assert "A" * 1000 not in stderr, "a huge argument was logged verbatim"
    assert_no_secrets(stderr)


def test_assert_no_secrets_catches_the_endpoint_token_and_its_field() -> None:
    """The checks above can fail: the token itself and any AuthToken field are caught."""
    for leaked in (f"notes: {FAKE_AUTH_TOKEN}", '{"AuthToken": "abcdefghijklmnop0123"}'):
        with pytest.raises(AssertionError):
            assert_no_secrets(leaked, FAKE_AUTH_TOKEN)


def with_secret_spark_properties(operation: str, request: Json) -> Reply:
    """GetSession as Athena returns it for a session started with secrets in its Spark properties (a Spark
    Connect token, an S3A secret key): EngineConfiguration.SparkProperties comes back as it was set."""
    if operation != "GetSession":
        return healthy(operation, request)
    body = get_session_body(str(request.get("SessionId")))
    body["EngineConfiguration"]["SparkProperties"] = {
        "spark.connect.authenticate.token": FAKE_AUTH_TOKEN,
        "spark.hadoop.fs.s3a.secret.key": SECRET_KEY,
        "spark.sql.shuffle.partitions": "64",
    }
    return Reply(body=body)


async def test_secret_spark_properties_in_get_session_are_never_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = FakeAthena(with_secret_spark_properties)
    with serve_fake(fake) as url:
        monkeypatch.setenv("AWS_ENDPOINT_URL", url)  # S3/Logs of diagnose_athena_session: loopback, not AWS
        server = build_server(Settings(region="us-east-1", endpoint_url=url))
        async with Client(server) as client:
            tools = (await client.list_tools()).tools
            results = [
                await client.call_tool(tool.name, example_arguments(tool.input_schema, "s-1"))
                for tool in tools
            ]
    assert fake.attempts["GetSession"] > 0, "no tool read the session: a weak test"
    output = json.dumps([result.model_dump(mode="json") for result in results])
    assert "spark.sql.shuffle.partitions" in output, "the properties did not pass through: a weak test"
    assert_no_secrets(output, FAKE_AUTH_TOKEN)


def test_clean_response_redacts_secret_named_settings_and_keeps_the_rest() -> None:
    settings = {
        "spark.connect.authenticate.token": FAKE_AUTH_TOKEN,
        "spark.hadoop.fs.s3a.access.key": "AKIAEXAMPLEEXAMPLE",
        "db.password": "hunter2",
        "spark.sql.shuffle.partitions": "64",
    }
    raw = clean_response(
        {"EngineConfiguration": {"SparkProperties": settings, "AdditionalConfigs": settings}}
    )
    for name in ("SparkProperties", "AdditionalConfigs"):
        shown = raw["EngineConfiguration"][name]
        assert set(shown) == set(settings), "every key stays visible"
        assert shown["spark.sql.shuffle.partitions"] == "64"
        assert {shown[k] for k in settings if k != "spark.sql.shuffle.partitions"} == {REDACTED}


def test_clean_response_redacts_secret_named_classification_properties() -> None:
    # EngineConfiguration.Classifications[] is a list of {Name, Properties} (botocore's Athena model).
    raw = clean_response(
        {
            "EngineConfiguration": {
                "Classifications": [
                    {
                        "Name": "spark-defaults",
                        "Properties": {
                            "spark.hadoop.fs.s3a.secret.key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                            "spark.connect.authenticate.token": FAKE_AUTH_TOKEN,
                            "spark.executor.cores": "4",
                        },
                    }
                ]
            }
        }
    )
    shown = raw["EngineConfiguration"]["Classifications"][0]
    assert shown["Name"] == "spark-defaults"
    assert shown["Properties"] == {
        "spark.hadoop.fs.s3a.secret.key": REDACTED,
        "spark.connect.authenticate.token": REDACTED,
        "spark.executor.cores": "4",
    }


def test_a_settings_map_is_shown_up_to_its_bound_and_says_how_many_more() -> None:
    from athena_session_mcp.athena.responses import MORE_SETTINGS, SETTING_VALUE_CHARS, SETTINGS_MAP_CHARS

    properties = {f"spark.setting.{i:03d}": "v" * 5_000 for i in range(100)}
    shown = clean_response({"EngineConfiguration": {"SparkProperties": properties}})["EngineConfiguration"][
        "SparkProperties"
    ]
    values = [v for k, v in shown.items() if k != MORE_SETTINGS]
    assert values and all(len(v) == SETTING_VALUE_CHARS and v.endswith("…") for v in values)
    assert len(json.dumps(shown)) <= SETTINGS_MAP_CHARS + 200
    assert shown[MORE_SETTINGS] == f"{100 - len(values)} more settings not shown (100 in all)"
    small = {"spark.executor.memory": "4g", "spark.hadoop.fs.s3a.secret.key": "x"}
    engine = clean_response({"EngineConfiguration": {"AdditionalConfigs": small}})["EngineConfiguration"]
    assert engine["AdditionalConfigs"] == {
        "spark.executor.memory": "4g",
        "spark.hadoop.fs.s3a.secret.key": REDACTED,
    }
