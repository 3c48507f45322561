"""LangChain tools from athena-session-mcp via langchain-mcp-adapters, offline against the built-in emulator.

Loads the server's tools as LangChain tools with MultiServerMCPClient and invokes get_athena_session
directly; no model is called. Hand `tools` to any LangChain/LangGraph agent, e.g.
`langchain.agents.create_agent(model, tools)`.

    pip install 'athena-session-mcp[emulator]' langchain-mcp-adapters
    python examples/langchain_agent.py [SESSION_ID]

COMPATIBILITY: langchain-mcp-adapters has no release for the MCP Python SDK 2.x yet (0.3.2 requires
mcp<2), while athena-session-mcp needs mcp 2.3. They need not share an environment: the adapter only
launches the server as a subprocess and speaks MCP to it over stdio, and protocol negotiation lets its
mcp 1.x client talk to this 2.x server. So install the adapter in its own environment and point it at
the server's command (`make test` does exactly this in .venv-langchain and runs this file):

    python -m venv .venv-langchain && .venv-langchain/bin/pip install 'langchain-mcp-adapters>=0.3.2,<0.4'
    .venv-langchain/bin/python examples/langchain_agent.py --server-command .venv/bin/athena-session-mcp
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import shutil
import sys
from collections.abc import Sequence
from typing import Any

# A stdio connection as langchain-mcp-adapters spells it. The server gets only this environment (plus
# the adapter's defaults), so AWS settings go here; --emulator needs none.
SERVER: dict[str, Any] = {
    "transport": "stdio",
    "command": shutil.which("athena-session-mcp") or "athena-session-mcp",
    "args": ["serve", "--emulator"],
    "env": {"AWS_REGION": "us-east-1"},
}


def multi_server_client_class() -> Any:
    """`from langchain_mcp_adapters.client import MultiServerMCPClient`, with a clear message when it fails
    (loaded by name so this file also type-checks where the package is missing)."""
    try:
        return importlib.import_module("langchain_mcp_adapters.client").MultiServerMCPClient
    except ImportError as exc:
        raise SystemExit(
            "This example needs langchain-mcp-adapters working with the installed mcp SDK "
            f"(see COMPATIBILITY at the top of {__file__}): {exc}"
        ) from None


def _structured(result: Any) -> dict[str, Any]:
    """The tool's JSON result, whether the adapter returned a string or a list of content blocks."""
    if isinstance(result, str):
        return json.loads(result)
    if isinstance(result, list):
        texts = [block.get("text", "") if isinstance(block, dict) else str(block) for block in result]  # pyright: ignore[reportUnknownVariableType, reportUnknownMemberType, reportUnknownArgumentType]
        return json.loads("".join(texts))  # pyright: ignore[reportUnknownArgumentType]
    raise TypeError(f"unexpected tool result type {type(result).__name__}")


async def inspect_session(session_id: str = "demo-idle-near-timeout") -> dict[str, Any]:
    """Load the tools, invoke get_athena_session and return the tool names and the session summary."""
    client = multi_server_client_class()({"athena-sessions-offline": SERVER})
    tools: list[Any] = await client.get_tools()
    print(f"{len(tools)} LangChain tools: {', '.join(tool.name for tool in tools)}")
    get_session = next(tool for tool in tools if tool.name == "get_athena_session")
    summary = _structured(await get_session.ainvoke({"SessionId": session_id}))["summary"]
    print(f"{summary['session_id']}: {summary['headline']}")
    for finding in summary["findings"]:
        print(f"  {finding['severity'].upper()} {finding['code']}: {finding['suggestion']}")
    return {"tools": [tool.name for tool in tools], "summary": summary}


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description="LangChain tools from athena-session-mcp, offline.")
    parser.add_argument("session_id", nargs="?", default="demo-idle-near-timeout")
    parser.add_argument(
        "--server-command",
        default=SERVER["command"],
        help="The athena-session-mcp executable (it may live in another environment).",
    )
    args = parser.parse_args(argv)
    SERVER["command"] = args.server_command
    asyncio.run(inspect_session(args.session_id))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
