"""The agent-framework examples run offline: each launches the server over stdio against the emulator."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

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
    report = await example.inspect_session("demo-idle-near-timeout")
    assert "get_athena_session" in report["tools"]
    assert report["summary"]["session_id"] == "demo-idle-near-timeout"
    assert report["summary"]["state"] == "IDLE"
    assert report["agent"] == "Athena session inspector"
    out = capsys.readouterr().out
    assert "- get_athena_session: Look up one Amazon Athena Spark session" in out
    assert "IDLE_TIMEOUT_SOON" in out


async def test_langchain_example_loads_the_tools_and_invokes_get_athena_session_offline() -> None:
    # langchain-mcp-adapters has no release for mcp 2.x (see the example's COMPATIBILITY note): 0.3.2
    # requires mcp<2 and 0.3.1 fails to import. Skip with the reason until one works with this SDK.
    pytest.importorskip("langchain_mcp_adapters.client", exc_type=ImportError)
    example = load_example("langchain_agent")
    report = await example.inspect_session("demo-busy")
    assert "get_athena_session" in report["tools"]
    assert report["summary"]["session_id"] == "demo-busy"


def test_langchain_example_explains_a_missing_or_incompatible_adapter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "langchain_mcp_adapters.client", None)  # makes the import fail
    example = load_example("langchain_agent")
    with pytest.raises(SystemExit, match="needs langchain-mcp-adapters working with the installed mcp SDK"):
        example.multi_server_client_class()
