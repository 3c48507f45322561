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
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from tests.conftest import FAKE_ENV
from tests.reliability import (
    FakeAthena,
    Json,
    Reply,
    aws_error,
    emulator_process,
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
        server_env(CREDENTIALS),
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


@pytest.fixture(scope="module")
def emulator_url() -> Iterator[str]:
    with emulator_process(CREDENTIALS) as url:
        yield url


@pytest.fixture(scope="module")
def endpoint_token(emulator_url: str) -> str:
    """A real GetSessionEndpoint auth token from the emulator, asked for directly with boto3."""
    client: Any = boto3.session.Session(  # pyright: ignore[reportUnknownMemberType]
        aws_access_key_id=FAKE_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=SECRET_KEY,
        aws_session_token=SESSION_TOKEN,
        region_name="us-east-1",
    ).client("athena", endpoint_url=emulator_url)
    # Spark Connect endpoints exist for Apache Spark version 3.5 sessions only.
    token = str(client.get_session_endpoint(SessionId="demo-spark35-idle")["AuthToken"])
    assert len(token) >= 32
    return token


def test_successful_and_failed_calls_at_debug_never_show_credentials_or_endpoint_tokens(
    emulator_url: str, endpoint_token: str
) -> None:
    with spawn(emulator_url, "DEBUG") as server:
        responses = exercise_every_tool(server)
        stderr = server.stderr()
    assert any(not is_tool_error(r) and "result" in r for r in responses), "nothing succeeded: a weak test"
    assert any(is_tool_error(r) for r in responses), "nothing failed: a weak test"
    assert stderr.strip(), "DEBUG logging wrote nothing: the log check would prove nothing"
    assert_no_secrets(json.dumps(responses), endpoint_token)
    assert_no_secrets(stderr, endpoint_token)


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
