"""S3 and CloudWatch Logs clients: built only when a diagnosis needs them, with Athena's session, region
and retries, on botocore's standard endpoint variables; the sensitive-data switch from flag or env."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from athena_session_mcp.app import build_server
from athena_session_mcp.athena.client import AthenaGateway
from athena_session_mcp.cli.main import main
from athena_session_mcp.settings import ENV_SENSITIVE, Settings, SettingsError
from tests.fleet import call_ok, emulated_athena

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient


@pytest.fixture
def emulated() -> Iterator[AthenaClient]:
    with emulated_athena() as client:
        yield client


async def test_get_athena_session_never_builds_s3_or_logs_clients(
    emulated: AthenaClient, clients_built: list[str]
) -> None:
    settings = Settings(region="us-east-1", allow_sensitive_data_access=True)
    gateway = AthenaGateway(settings, client=emulated)
    await call_ok(build_server(settings, gateway=gateway), "get_athena_session", {"SessionId": "demo-failed"})
    assert clients_built == []
    await call_ok(
        build_server(settings, gateway=gateway), "diagnose_athena_session", {"SessionId": "demo-failed"}
    )
    assert sorted(clients_built) == ["logs", "s3"]  # built once each, on first need


def test_s3_and_logs_share_athenas_region_retries_and_timeouts() -> None:
    gateway = AthenaGateway(Settings(region="eu-west-1", max_attempts=7, read_timeout=4.0))
    athena, s3, logs = gateway.client(), gateway.s3(), gateway.logs()
    assert s3.meta.region_name == logs.meta.region_name == athena.meta.region_name == "eu-west-1"
    # The stubs do not declare Config's attributes.
    expected: dict[str, Any] = vars(athena.meta.config)
    for client in (s3, logs):
        config: dict[str, Any] = vars(client.meta.config)
        assert config["retries"] == expected["retries"] == {"mode": "standard", "total_max_attempts": 7}
        assert config["read_timeout"] == expected["read_timeout"] == 4.0
    assert gateway.s3() is s3 and gateway.logs() is logs


def test_clients_follow_aws_endpoint_url_and_the_per_service_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
    both = AthenaGateway(Settings(region="us-east-1"))
    assert both.s3().meta.endpoint_url == both.logs().meta.endpoint_url == "http://127.0.0.1:4566"
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9001")
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://127.0.0.1:9002")
    each = AthenaGateway(Settings(region="us-east-1"))
    assert each.s3().meta.endpoint_url == "http://127.0.0.1:9001"
    assert each.logs().meta.endpoint_url == "http://127.0.0.1:9002"


def test_the_athena_endpoint_flag_is_not_applied_to_s3_or_logs() -> None:
    gateway = AthenaGateway(Settings(region="us-east-1", endpoint_url="http://athena.internal:8443"))
    assert gateway.client().meta.endpoint_url == "http://athena.internal:8443"
    assert "athena.internal" not in gateway.s3().meta.endpoint_url
    assert "athena.internal" not in gateway.logs().meta.endpoint_url


@pytest.mark.parametrize(
    ("value", "expected"), [("true", True), ("1", True), ("YES", True), ("off", False), ("", False)]
)
def test_the_environment_variable_switches_sensitive_data_access(value: str, expected: bool) -> None:
    assert Settings.resolve({ENV_SENSITIVE: value}).allow_sensitive_data_access is expected


def test_the_flag_wins_and_a_bad_value_says_what_is_accepted() -> None:
    assert Settings.resolve(
        {ENV_SENSITIVE: "false"}, allow_sensitive_data_access=True
    ).allow_sensitive_data_access
    with pytest.raises(SettingsError, match="true or false"):
        Settings.resolve({ENV_SENSITIVE: "maybe"})
    assert Settings.resolve({}).allow_sensitive_data_access is False


def test_cli_diagnosis_on_the_emulator_reads_stderr_through_aws_endpoint_url(
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
    argv = ["--emulator", "--allow-sensitive-data-access", "call", "--json", "diagnose_athena_session"]
    status = main([*argv, "--SessionId=demo-failed"])
    out = capsys.readouterr().out
    assert status == 0
    content = json.loads(out)
    assert content["causes"][0]["code"] == "OUT_OF_MEMORY" and content["gaps"] == []
    assert {k: v for k, v in os.environ.items() if k.startswith("AWS_")} == before
