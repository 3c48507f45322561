"""get_athena_session: the health summary of one Spark session."""

from __future__ import annotations

from mcp.server.mcpserver.tools import Tool

from athena_session_mcp.tools import Deps, make_tool, read_only
from athena_session_mcp.tools.args import (
    SessionIdArg,
)
from athena_session_mcp.tools.models import (
    GetSessionResult,
)
from athena_session_mcp.tools.reads import session_health


def build(deps: Deps) -> list[Tool]:
    async def get_athena_session(SessionId: SessionIdArg) -> GetSessionResult:
        """Look up one Amazon Athena Spark session (GetSession) and explain its health.

        Returns `summary`: state and phase, engine, timing (for an IDLE session, the time left before
        its idle timeout ends it), DPUs, DPU-hours with an ESTIMATED cost, role, encryption, logging, and
        `findings`, each with a next step for the session's engine; and `raw`, the GetSession response.
        Read-only. list_athena_sessions finds session ids.
        """
        return await session_health(deps, SessionId)

    return [make_tool(get_athena_session, read_only("Get Athena Spark session health"))]
