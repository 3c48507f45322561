"""The agent-framework examples run offline: each launches the server over stdio against the emulator."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from mcp import Client

from athena_session_mcp.app import build_server
from athena_session_mcp.emulator.constants import SESSION_IDLE_NEAR_TIMEOUT
from athena_session_mcp.settings import Settings
from tests.stdio_harness import CONSOLE_SCRIPT

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load_example(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_openai_agents_example_lists_and_calls_the_tools_offline(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pytest.importorskip("agents.mcp", reason="openai-agents is not installed")
    example = load_example("openai_agents_example")
    report = await example.inspect_session(SESSION_IDLE_NEAR_TIMEOUT)
    async with Client(build_server(Settings(region="us-east-1"))) as client:
        offered = [tool.name for tool in (await client.list_tools()).tools]
    assert report["tools"] == offered, "the example must see every tool the server offers"
    summary = report["summary"]
    assert summary["session_id"] == SESSION_IDLE_NEAR_TIMEOUT
    assert summary["state"] == "IDLE"  # as seeded
    codes = [finding["code"] for finding in summary["findings"]]
    assert "IDLE_TIMEOUT_SOON" in codes  # seeded about 3 minutes before its idle timeout
    out = capsys.readouterr().out
    assert "- get_athena_session: Look up one Amazon Athena Spark session" in out
    assert f"{SESSION_IDLE_NEAR_TIMEOUT}: {summary['headline']}" in out
    for code in codes:
        assert f" {code}: " in out, f"the example did not print the server's finding {code}"


def test_langchain_example_loads_the_tools_and_invokes_get_athena_session_offline() -> None:
    # langchain-mcp-adapters needs mcp<2, so it lives in its own environment (the Makefile builds
    # .venv-langchain and passes its python here); the example launches this environment's server.
    python = os.environ.get("LANGCHAIN_PYTHON")
    if not python:
        pytest.skip("LANGCHAIN_PYTHON is not set: `make test` builds .venv-langchain and sets it")
    completed = subprocess.run(
        [python, str(EXAMPLES / "langchain_agent.py"), "demo-busy", "--server-command", str(CONSOLE_SCRIPT)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert "LangChain tools: get_athena_session" in completed.stdout
    assert "demo-busy: BUSY (running)" in completed.stdout
    assert "SESSION_BUSY" in completed.stdout


def test_langchain_example_explains_a_missing_or_incompatible_adapter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "langchain_mcp_adapters.client", None)  # makes the import fail
    example = load_example("langchain_agent")
    with pytest.raises(SystemExit, match="needs langchain-mcp-adapters working with the installed mcp SDK"):
        example.multi_server_client_class()
