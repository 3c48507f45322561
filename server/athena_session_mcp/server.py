"""Assemble the MCP server: tools, argument validation, resources and prompts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.tools import Tool

from athena_session_mcp import __version__
from athena_session_mcp.aws import AthenaGateway
from athena_session_mcp.config import Settings
from athena_session_mcp.tools import Deps, session, utc_now
from athena_session_mcp.validation import ArgumentValidator

SERVER_NAME = "athena-session-mcp"

INSTRUCTIONS = """\
Inspect Amazon Athena for Apache Spark sessions. get_athena_session returns a health summary of one
session (state, phase, idle-timeout countdown, DPU usage and estimated cost, configuration) with
findings that say what to do next, plus the raw GetSession response. Session ids look like UUIDs;
if you do not have one, list the sessions of a Spark workgroup first. Costs are estimates.
"""


def build_tools(deps: Deps) -> list[Tool]:
    """Every tool this server offers with these settings."""
    tools = session.build(deps)
    for tool in tools:
        # Unknown arguments are mistakes (often a misspelt SessionId): say so instead of ignoring them.
        tool.parameters["additionalProperties"] = False
    return tools


def build_server(
    settings: Settings,
    *,
    gateway: AthenaGateway | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> MCPServer:
    """The MCP server for `settings`. Nothing touches AWS until the first tool call."""
    deps = Deps(gateway=gateway or AthenaGateway(settings), settings=settings, clock=clock)
    tools = build_tools(deps)
    server = MCPServer(
        SERVER_NAME,
        title="Athena Spark sessions",
        version=__version__,
        instructions=INSTRUCTIONS,
        tools=tools,
        log_level="WARNING",
    )
    server.middleware.append(ArgumentValidator({tool.name: tool for tool in tools}))
    return server
