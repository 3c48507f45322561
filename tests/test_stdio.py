"""End to end over real stdio: the console script spawned by a real MCP client, talking to the
emulator on a loopback port, with only the environment an MCP client config would pass."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from mcp import Client, StdioServerParameters

from athena_session_mcp import emulator
from athena_session_mcp.cli.demo import run_demo
from athena_session_mcp.emulator import EmulatorServer
from tests.stdio_harness import CONSOLE_SCRIPT


@pytest.fixture(scope="module")
def emulator_url() -> Iterator[str]:
    with EmulatorServer(seed=True) as server:
        yield server.endpoint_url


def client_env() -> dict[str, str]:
    # What a client config passes: explicit AWS_* only (the SDK adds HOME/PATH/... itself).
    return {
        "AWS_ACCESS_KEY_ID": "AKIATESTFAKEKEY00000",
        "AWS_SECRET_ACCESS_KEY": "fake-secret",
        "AWS_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }


async def test_console_script_serves_get_athena_session_over_stdio(emulator_url: str) -> None:
    params = StdioServerParameters(
        command=str(CONSOLE_SCRIPT), args=["--endpoint-url", emulator_url], env=client_env()
    )
    async with Client(params) as client:
        names = [tool.name for tool in (await client.list_tools()).tools]
        result = await client.call_tool("get_athena_session", {"SessionId": emulator.SESSION_FAILED})
        missing = await client.call_tool("get_athena_session", {"SessionId": "no-such-session"})
    assert "get_athena_session" in names
    assert not result.is_error
    content: dict[str, Any] = result.structured_content or {}
    assert content["summary"]["state"] == "FAILED"
    assert content["summary"]["findings"][0]["code"] == "SESSION_FAILED"
    assert content["raw"]["SessionId"] == emulator.SESSION_FAILED
    assert missing.is_error
    assert "was not found" in str(missing.content[0].model_dump().get("text"))


async def test_endpoint_can_come_from_aws_endpoint_url_in_the_client_env(emulator_url: str) -> None:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "athena_session_mcp", "serve"],
        env={**client_env(), "AWS_ENDPOINT_URL": emulator_url},
    )
    async with Client(params) as client:
        result = await client.call_tool(
            "get_athena_session", {"SessionId": emulator.SESSION_IDLE_NEAR_TIMEOUT}
        )
    assert not result.is_error
    assert result.structured_content is not None
    summary: dict[str, Any] = result.structured_content["summary"]
    assert summary["findings"][0]["code"] == "IDLE_TIMEOUT_SOON"


async def test_serve_emulator_flag_needs_no_aws_configuration_at_all() -> None:
    params = StdioServerParameters(command=str(CONSOLE_SCRIPT), args=["serve", "--emulator"], env={})
    async with Client(params) as client:
        result = await client.call_tool("get_athena_session", {"SessionId": emulator.SESSION_BUSY})
    assert not result.is_error
    assert (result.structured_content or {})["summary"]["phase"] == "running"


def test_demo_prints_every_seeded_session_readably_without_color() -> None:
    out = io.StringIO()
    assert run_demo(out) == 0
    text = out.getvalue()
    for session_id in emulator.DEMO_SESSION_IDS:
        assert f"━━ {session_id} " in text
    assert "IDLE_TIMEOUT_SOON" in text and "SESSION_FAILED" in text
    assert "→ " in text and "(estimate)" in text
    assert "\033[" not in text
    # The demo ends on a real triage of both failed sessions: each reason names memory.
    assert "━━ diagnosis of demo-failed: FAILED (unhealthy) · most likely: Out of memory" in text
    assert (
        "━━ diagnosis of demo-spark35-failed: FAILED (unhealthy) · most likely: Out of memory (the driver)"
        in text
    )
    assert (
        text.rsplit("━━ ", 1)[-1].startswith("diagnosis of demo-spark35-failed")
        and "CoordinatorDpuSize" in text
    )
    assert "java.lang.OutOfMemoryError" in text and "untrusted job output" in text
