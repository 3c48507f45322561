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

        Returns `summary` (state, phase, engine, timing with the idle timeout countdown, DPU-hours with an
        ESTIMATED cost, configuration, `findings` with next steps) and `raw`, the GetSession response.
        Read-only.
        """
        return await session_health(deps, SessionId)

    return [make_tool(get_athena_session, read_only("Get Athena Spark session health"))]
