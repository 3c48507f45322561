"""The OpenAI Agents SDK talking to athena-session-mcp over stdio, offline against the built-in emulator.

Lists the tools, calls get_athena_session directly and builds an Agent that could use them. No model is
called, so no OpenAI API key is needed; `Runner.run(agent, "...")` would need one.

    pip install 'athena-session-mcp[emulator]' openai-agents
    python examples/openai_agents_example.py [SESSION_ID]

For your AWS account instead of the emulator, drop "--emulator" and pass AWS_PROFILE/AWS_REGION in `env`
(the server gets only the environment you give it, plus PATH/HOME).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Mapping, Sequence
from typing import Any, cast

from agents import Agent
from agents.mcp import MCPServerStdio, MCPServerStdioParams

# `sys.executable -m athena_session_mcp` runs the server from this Python; a client config would use
# "uvx" with ["--from", "athena-session-mcp[emulator]", "athena-session-mcp", "serve", "--emulator"].
SERVER: MCPServerStdioParams = {
    "command": sys.executable,
    "args": ["-m", "athena_session_mcp", "serve", "--emulator"],
    "env": {"AWS_REGION": "us-east-1"},
}


def make_agent(server: MCPServerStdio) -> Agent[Any]:
    """An agent that answers questions about Athena Spark sessions with the server's tools."""
    return Agent(
        name="Athena session inspector",
        instructions=(
            "Answer questions about Amazon Athena Spark sessions with the athena tools. "
            "Quote the idle-timeout countdown and the findings' suggested next steps."
        ),
        mcp_servers=[server],
    )


async def inspect_session(session_id: str = "demo-idle-near-timeout") -> dict[str, Any]:
    """List the tools, call get_athena_session and return both (printing a short report)."""
    async with MCPServerStdio(
        params=SERVER,
        name="athena-sessions-offline",
        cache_tools_list=True,
        client_session_timeout_seconds=60,
    ) as server:
        tools = await server.list_tools()
        print(f"{len(tools)} tools:")
        for tool in tools:
            print(f"  - {tool.name}: {(tool.description or '').splitlines()[0]}")
        result = await server.call_tool("get_athena_session", {"SessionId": session_id})
        agent = make_agent(server)
        print(f"\nAgent {agent.name!r} is ready with {len(agent.mcp_servers)} MCP server(s).")
    if result.is_error or result.structured_content is None:
        text = " ".join(str(getattr(block, "text", "")) for block in result.content)
        raise RuntimeError(f"get_athena_session failed: {text}")
    summary = cast(Mapping[str, Any], result.structured_content["summary"])
    print(f"\n{summary['session_id']}: {summary['headline']}")
    for finding in cast(Sequence[Mapping[str, Any]], summary["findings"]):
        print(f"  {finding['severity'].upper()} {finding['code']}: {finding['suggestion']}")
    return {"tools": [tool.name for tool in tools], "summary": dict(summary), "agent": agent.name}


def main(argv: Sequence[str]) -> int:
    asyncio.run(inspect_session(*argv[:1]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
