"""The AWS side: client configuration, credential/region/network failures, concurrency, raw output."""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, datetime
from typing import Any

import anyio
import pytest
from mcp import Client

from athena_session_mcp import __version__
from athena_session_mcp.app import build_server
from athena_session_mcp.athena.client import AthenaGateway
from athena_session_mcp.athena.errors import AwsCallError
from athena_session_mcp.athena.responses import clean_response
from athena_session_mcp.settings import ENV_PRICE, Settings, SettingsError
from tests.conftest import text_of
from tests.reliability import FakeAthena, Json, Reply, free_port, get_session_body, serve_fake


class PeakCounter:
    """A FakeAthena behaviour that answers GetSession after `delay` and records peak concurrency."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.in_flight = 0
        self.peak = 0
        self._lock = threading.Lock()

    def __call__(self, operation: str, request: Json) -> Reply:
        with self._lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        time.sleep(self.delay)
        with self._lock:
            self.in_flight -= 1
        return Reply(body=get_session_body("s-1"))


async def call_once(settings: Settings, session_id: str = "s-1") -> Any:
    async with Client(build_server(settings)) as client:
        return await client.call_tool("get_athena_session", {"SessionId": session_id})


def test_client_is_built_lazily_once_with_retries_timeouts_and_user_agent() -> None:
    gateway = AthenaGateway(Settings(region="eu-west-1", endpoint_url="http://127.0.0.1:9"))
    assert gateway.region == "eu-west-1"
    client = gateway.client()
    assert gateway.client() is client
    config: dict[str, Any] = vars(client.meta.config)  # the stubs do not declare Config's attributes
    assert config["retries"] == {"mode": "standard", "total_max_attempts": 3}
    assert (config["connect_timeout"], config["read_timeout"]) == (3.0, 10.0)
    assert f"athena-session-mcp/{__version__}" in (config["user_agent_extra"] or "")
    assert client.meta.endpoint_url == "http://127.0.0.1:9"
    assert client.meta.region_name == "eu-west-1"


def test_aws_region_env_is_honoured_and_flags_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_REGION", "ap-southeast-2")
    assert Settings.resolve().region == "ap-southeast-2"
    assert Settings.resolve(region="us-west-2").region == "us-west-2"
    assert AthenaGateway(Settings.resolve()).client().meta.region_name == "ap-southeast-2"


def test_botocore_resolves_service_specific_endpoint_env_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_ATHENA", "http://127.0.0.1:4566")
    assert AthenaGateway(Settings.resolve()).client().meta.endpoint_url == "http://127.0.0.1:4566"


def test_price_comes_from_flag_then_env_and_bad_values_are_refused() -> None:
    assert Settings.resolve({ENV_PRICE: "0.44"}).dpu_hour_price == 0.44
    assert Settings.resolve({ENV_PRICE: "0.44"}, dpu_hour_price=0.5).dpu_hour_price == 0.5
    assert Settings.resolve({}).dpu_hour_price == 0.35
    with pytest.raises(SettingsError, match="number of USD"):
        Settings.resolve({ENV_PRICE: "cheap"})
    with pytest.raises(SettingsError, match="between 0 and 1000"):
        Settings.resolve({}, dpu_hour_price=-1)


async def test_missing_credentials_give_an_error_that_says_how_to_provide_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    result = await call_once(Settings(region="us-east-1", endpoint_url=f"http://127.0.0.1:{free_port()}"))
    assert result.is_error
    assert "No usable AWS credentials" in text_of(result)
    assert "AWS_PROFILE" in text_of(result) and "sso login" in text_of(result)


async def test_missing_region_gives_an_error_that_says_how_to_set_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    result = await call_once(Settings())
    assert result.is_error
    assert "No AWS region is configured" in text_of(result)
    assert "--region" in text_of(result)


LOCAL_REGION_HELP = (
    "No AWS region is configured. Set the region: --region us-east-1, or AWS_REGION / AWS_DEFAULT_REGION, or a "
    "region in the AWS profile. MCP clients start the server with a minimal environment, so put AWS_REGION in "
    "the client config's env block."
)
HOSTED_REGION_HELP = (
    "No AWS region is configured. Set the region: --region us-east-1, or AWS_REGION / AWS_DEFAULT_REGION, or a "
    "region in the AWS profile. This server is served over HTTP: the MCP client's config does not reach it, so "
    "whoever runs the server must set AWS_REGION in the server's environment (or pass --region) and restart it."
)


async def test_missing_region_on_a_local_server_points_at_the_client_configs_env_block(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    assert text_of(await call_once(Settings())).endswith(LOCAL_REGION_HELP)


async def test_missing_region_on_an_http_server_points_at_the_servers_own_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A hosted server never sees the MCP client's config: an env block there would change nothing.
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    text = text_of(await call_once(Settings(served_over_http=True)))
    assert text.endswith(HOSTED_REGION_HELP) and "env block" not in text


async def test_unknown_profile_is_reported_by_name_of_the_setting() -> None:
    result = await call_once(Settings(profile="no-such-profile", region="us-east-1"))
    assert result.is_error
    assert "profile was not found" in text_of(result)


async def test_unreachable_endpoint_gives_a_network_error_quickly() -> None:
    settings = Settings(region="us-east-1", endpoint_url=f"http://127.0.0.1:{free_port()}", max_attempts=1)
    with anyio.fail_after(10):
        result = await call_once(settings)
    assert result.is_error
    assert "Could not connect to the Athena endpoint" in text_of(result)


@pytest.mark.slow  # waits on real time (deadlines, timeouts): make test only
async def test_endpoint_that_never_answers_times_out_within_the_read_timeout() -> None:
    hang = FakeAthena()
    hang.always(Reply(body=get_session_body("s-1"), delay=3))
    with serve_fake(hang) as url:
        settings = Settings(region="us-east-1", endpoint_url=url, read_timeout=0.3, max_attempts=2)
        with anyio.fail_after(10):
            result = await call_once(settings)
    assert result.is_error
    assert "did not answer" in text_of(result)
    assert hang.attempts["GetSession"] == 2  # the retry budget is bounded and used


@pytest.mark.slow  # waits on real time (deadlines, timeouts): make test only
async def test_concurrent_calls_run_in_parallel_off_the_event_loop() -> None:
    slow = PeakCounter(delay=0.3)
    with serve_fake(FakeAthena(slow)) as url:
        server = build_server(Settings(region="us-east-1", endpoint_url=url))
        async with Client(server) as client:
            results: list[Any] = []

            async def one() -> None:
                results.append(await client.call_tool("get_athena_session", {"SessionId": "s-1"}))

            async with anyio.create_task_group() as tg:
                for _ in range(6):
                    tg.start_soon(one)
    assert [r.is_error for r in results] == [False] * 6
    assert slow.peak >= 3


async def test_gateway_wraps_unexpected_failures_without_leaking_details() -> None:
    gateway = AthenaGateway(Settings(region="us-east-1"))

    def explode(_: object) -> None:
        raise RuntimeError(f"secret {os.environ['AWS_SECRET_ACCESS_KEY']}")

    with pytest.raises(AwsCallError) as caught:
        await gateway.call(explode, action="athena:GetSession", what="Session 'x'")
    assert "RuntimeError" in str(caught.value)
    assert os.environ["AWS_SECRET_ACCESS_KEY"] not in str(caught.value)


def test_clean_response_drops_metadata_keeps_unknown_fields_and_formats_datetimes() -> None:
    response = {
        "ResponseMetadata": {"RequestId": "r"},
        "Status": {"StartDateTime": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)},
        "FieldFromANewerBotocore": {"Nested": [datetime(2026, 1, 2), b"bytes", 3]},
    }
    assert clean_response(response) == {
        "Status": {"StartDateTime": "2026-01-02T03:04:05Z"},
        "FieldFromANewerBotocore": {"Nested": ["2026-01-02T00:00:00Z", "bytes", 3]},
    }
