"""`athena-session-mcp doctor`: every check passes against the emulator; a wrong endpoint (a web server's
404 page, a closed port) fails with the endpoint named and the fix; --json; no secret ever printed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from athena_session_mcp.cli.main import main
from tests.conftest import FAKE_ENV
from tests.reliability import FakeAthena, Json, Reply, aws_error, free_port
from tests.wire_clients import installed_protocol

ORDER = [
    "versions",
    "credentials",
    "region",
    "athena endpoint",
    "athena:ListWorkGroups",
    "athena:GetWorkGroup",
    "athena:ListSessions",
    "s3 (diagnoses)",
    "cloudwatch logs (diagnoses)",
    "http serving",
]
HTML_404 = b"<!doctype html><html><title>404 Not Found</title><p>The requested URL was not found.</p></html>"
SECRETS = (FAKE_ENV["AWS_SECRET_ACCESS_KEY"], FAKE_ENV["AWS_SESSION_TOKEN"])


def doctor(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["doctor", *argv])
    out = capsys.readouterr().out
    for secret in SECRETS:
        assert secret not in out
    return code, out


def as_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[dict[str, Any]]]:
    code, out = doctor(capsys, *argv, "--json")
    return code, json.loads(out)


def test_every_check_passes_against_the_emulator(capsys: pytest.CaptureFixture[str]) -> None:
    code, checks = as_json(capsys, "--emulator", "--workgroup", "demo-spark")
    assert code == 0
    assert [c["check"] for c in checks] == ORDER
    assert all(c["ok"] is True for c in checks), checks
    assert set(checks[0]) == {"check", "ok", "detail", "fix"}
    protocol = "REST-JSON" if installed_protocol() == "rest-json" else "JSON 1.1"
    assert f"speaks {protocol} to Athena" in checks[0]["detail"]
    assert "account 123456789012" in checks[1]["detail"]  # moto's default account
    # demo-spark's result location (emulator/seed.py), and its default log group
    assert checks[7]["detail"] == "s3:GetObject allowed under s3://athena-session-mcp-demo/spark/"
    assert checks[8]["detail"] == "logs:DescribeLogStreams allowed on /aws-athena/demo-spark"


def test_without_a_workgroup_the_workgroup_reads_are_skipped_and_say_how_to_run_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = doctor(capsys, "--emulator")
    assert code == 0
    assert "skip  athena:GetWorkGroup" in out and "run with --workgroup NAME" in out
    assert "skip  s3 (diagnoses)" in out and "skip  cloudwatch logs (diagnoses)" in out


def test_a_web_server_instead_of_athena_fails_the_endpoint_with_the_fix(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fake_athena: FakeAthena,
    fake_athena_url: str,
) -> None:
    fake_athena.reset()
    fake_athena.always(Reply(status=404, body=HTML_404, headers={"Content-Type": "text/html"}))
    monkeypatch.setenv("AWS_ENDPOINT_URL", fake_athena_url)  # STS too: no call leaves the machine
    code, out = doctor(capsys, "--endpoint-url", fake_athena_url)
    assert code == 1
    assert "FAIL  athena endpoint" in out and f"{fake_athena_url} does not answer as Athena" in out
    assert f"The endpoint {fake_athena_url} answered athena:ListWorkGroups with HTTP 404" in out
    assert "Athena did not see the call" in out and "--endpoint-url" in out
    assert "not an AWS STS answer" in out, out
    assert "<" not in out and "athena:ListSessions" not in out  # nothing after a failed endpoint


def test_a_closed_port_fails_fast_and_says_so(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)
    code, checks = as_json(capsys, "--endpoint-url", url)
    assert code == 1
    endpoint = next(c for c in checks if c["check"] == "athena endpoint")
    assert endpoint["ok"] is False and "Could not connect to the Athena endpoint" in endpoint["fix"]


def test_no_credentials_skips_the_aws_checks(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    code, checks = as_json(capsys, "--endpoint-url", "http://127.0.0.1:9")
    assert code == 1
    by_name = {c["check"]: c for c in checks}
    assert by_name["credentials"]["ok"] is False and "AWS_PROFILE" in by_name["credentials"]["fix"]
    assert by_name["athena endpoint"]["ok"] is None


def test_http_settings_are_checked_as_serve_reads_them_and_a_token_is_never_shown(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "doctor-test-token-0123456789"
    monkeypatch.setenv("ATHENA_SESSION_MCP_AUTH_TOKEN", token)
    code, out = doctor(capsys, "--emulator")
    assert code == 0 and "a bearer token is set (not shown)" in out and token not in out
    monkeypatch.delenv("ATHENA_SESSION_MCP_AUTH_TOKEN")
    code, checks = as_json(capsys, "--emulator", "--oauth-issuer", "https://issuer.example.com")
    http = checks[-1]
    assert code == 1 and http["check"] == "http serving" and http["ok"] is False
    assert "--public-url" in http["fix"]


def test_a_denied_listing_still_checks_the_workgroup_reads(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fake_athena: FakeAthena,
    fake_athena_url: str,
) -> None:
    def behaviour(operation: str, request: Json) -> Reply:
        if operation == "ListWorkGroups":
            return aws_error(400, "AccessDeniedException", "not authorized to perform athena:ListWorkGroups")
        if operation == "GetWorkGroup":
            return Reply(body={"WorkGroup": {"Name": "wg", "Configuration": {}}})
        return Reply(body={"Sessions": []} if operation == "ListSessions" else {})

    fake_athena.reset(behaviour)
    monkeypatch.setenv("AWS_ENDPOINT_URL", fake_athena_url)
    code, checks = as_json(capsys, "--endpoint-url", fake_athena_url, "--workgroup", "wg")
    by_name = {c["check"]: c for c in checks}
    assert code == 1
    assert by_name["athena endpoint"]["ok"] is True  # Athena answered, with an AWS error
    assert (
        by_name["athena:ListWorkGroups"]["ok"] is False
        and 'Resource "*"' in by_name["athena:ListWorkGroups"]["fix"]
    )
    assert by_name["athena:GetWorkGroup"]["ok"] is True and by_name["athena:ListSessions"]["ok"] is True
    assert by_name["s3 (diagnoses)"]["ok"] is None  # the workgroup names no result location


SECOND_ROLE = "arn:aws:iam::111122223333:role/athena-session-mcp-reader"  # emulator/constants.py


def test_a_declared_account_is_checked_by_assuming_its_role(capsys: pytest.CaptureFixture[str]) -> None:
    code, checks = as_json(capsys, "--emulator", "--account", f"second={SECOND_ROLE}")
    assert code == 0
    [account] = [c for c in checks if c["check"] == "account second"]
    assert account["ok"] is True
    # moto's AssumeRole answers keys of the role's account; GetCallerIdentity with them says so.
    assert account["detail"] == (
        "sts:AssumeRole allowed: arn:aws:sts::111122223333:assumed-role/athena-session-mcp-reader/"
        "athena-session-mcp (account 111122223333)"
    )
    assert [c["check"] for c in checks][-2:] == ["account second", "http serving"]


def test_an_account_whose_sts_cannot_be_reached_fails_with_the_account_named(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", f"http://127.0.0.1:{free_port()}")  # nothing listens there
    code, checks = as_json(capsys, "--emulator", "--account", f"second={SECOND_ROLE}")
    assert code == 1
    [account] = [c for c in checks if c["check"] == "account second"]
    assert account["ok"] is False
    assert account["detail"] == f"sts:AssumeRole on {SECOND_ROLE} failed"
    assert account["fix"].startswith(
        f"Could not reach account 'second': sts:AssumeRole on {SECOND_ROLE} failed."
    )
    assert "Could not connect to the AWS STS endpoint" in account["fix"]
