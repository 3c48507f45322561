"""Assemble the MCP server: tools, argument validation, resources and prompts."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.tools import Tool

from athena_session_mcp import __version__
from athena_session_mcp.athena.client import AthenaGateway
from athena_session_mcp.athena.deadline import deadline
from athena_session_mcp.settings import Settings
from athena_session_mcp.tools import (
    Deps,
    account_summary,
    calculations,
    diagnose,
    digest,
    executors,
    history,
    listing,
    prompts,
    resources,
    session,
    status,
    terminate,
    utc_now,
    workgroups,
)
from athena_session_mcp.tools.accounts import EVERY_ACCOUNT_TOOLS, offer_accounts
from athena_session_mcp.transport.validation import ArgumentValidator
from athena_session_mcp.views import build_apps, link_tools

if TYPE_CHECKING:
    from athena_session_mcp.transport.oauth import ServerAuth

SERVER_NAME = "athena-session-mcp"

INSTRUCTIONS = """\
Inspect Amazon Athena for Apache Spark sessions. get_athena_session returns a health summary of one
session (state, phase, idle-timeout countdown, DPU usage and estimated cost, configuration) with
findings that say what to do next, plus the raw GetSession response. Session ids look like UUIDs;
if you do not have one, find a Spark workgroup with list_spark_workgroups and list its sessions with
list_athena_sessions (only active sessions unless StateFilter names a state, e.g. TERMINATED or FAILED).
get_athena_session_status is the cheap poll; summarize_athena_workgroup_sessions digests a whole
workgroup (every state); list_athena_calculations and get_athena_calculation show what a PySpark engine
version 3 session ran (Apache Spark version 3.5 sessions have no Calculation APIs).
diagnose_athena_session explains in one call why a session or its calculations failed (executors,
calculation output, driver logs, likely causes); list_athena_executors lists a session's executors.
Lists are paged and bounded: follow next_token or continue_with. Costs are estimates.
"""


class AthenaMCPServer(MCPServer):
    """MCPServer whose stdio transport answers malformed requests instead of dropping them."""

    async def run_stdio_async(self) -> None:
        """MCPServer.run_stdio_async with the read stream wrapped. There is no public way to run an
        MCPServer on given streams, so this reaches `_lowlevel_server` (the only private SDK use);
        tests/test_stdio_guard.py fails loudly if an SDK upgrade changes what this copies."""
        from mcp.server.stdio import stdio_server

        from athena_session_mcp.transport.stdio import InvalidRequestAnswerer

        async with stdio_server() as (read_stream, write_stream):
            lowlevel = self._lowlevel_server
            await lowlevel.run(
                InvalidRequestAnswerer(read_stream, write_stream),
                write_stream,
                lowlevel.create_initialization_options(),
            )


def build_tools(deps: Deps) -> list[Tool]:
    """Every tool this server offers with these settings."""
    tools = [
        *session.build(deps),
        *status.build(deps),
        *listing.build(deps),
        *workgroups.build(deps),
        *calculations.build(deps),
        *executors.build(deps),
        *diagnose.build(deps),
        *digest.build(deps),
        *history.build(deps),
        *account_summary.build(deps),
        *terminate.build(deps),  # empty unless settings.allow_write
    ]
    offer_accounts(tools, [account.name for account in deps.settings.accounts])
    return tools


def _within(seconds: float, tool: Tool) -> Tool:
    """`tool` with every AWS read of a call ending by `seconds` (athena.deadline): a tool answers
    with what it read by then, and names what it did not."""
    fn = tool.fn

    @functools.wraps(fn)
    async def call(*args: Any, **kwargs: Any) -> Any:
        with deadline(seconds):
            return await fn(*args, **kwargs)

    return tool.model_copy(update={"fn": call})


def build_server(
    settings: Settings,
    *,
    gateway: AthenaGateway | None = None,
    clock: Callable[[], datetime] = utc_now,
    auth: ServerAuth | None = None,
) -> MCPServer:
    """The MCP server for `settings`. Nothing touches AWS until the first tool call. With `auth` (OAuth
    over streamable HTTP) requests need a valid access token and tool calls are audited."""
    deps = Deps(gateway=gateway or AthenaGateway(settings), settings=settings, clock=clock)
    tools = [_within(settings.tool_deadline_seconds, tool) for tool in build_tools(deps)]
    # MCP Apps views: tools carry _meta.ui links; clients without Apps ignore them (results unchanged).
    link_tools(tools)
    server = AthenaMCPServer(
        SERVER_NAME,
        title="Athena Spark sessions",
        version=__version__,
        instructions=INSTRUCTIONS,
        tools=tools,
        extensions=[build_apps()],
        log_level="WARNING",
        auth=auth.settings if auth is not None else None,
        token_verifier=auth.verifier if auth is not None else None,
    )
    if auth is not None:  # first, so that every call is audited, even one with bad arguments
        server.middleware.append(auth.tool_guard(tools, EVERY_ACCOUNT_TOOLS if settings.accounts else ()))
    server.middleware.append(ArgumentValidator({tool.name: tool for tool in tools}))
    resources.register(server, deps)
    prompts.register(server)
    return server
