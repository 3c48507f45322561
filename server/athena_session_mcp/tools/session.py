"""get_athena_session: the health summary of one Spark session."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mcp.server.mcpserver.tools import Tool

from athena_session_mcp.athena.responses import clean_response
from athena_session_mcp.health.models import GetSessionResult, SessionIdArg
from athena_session_mcp.health.session import summarize_session
from athena_session_mcp.tools import Deps, make_tool, read_only
from athena_session_mcp.tools.common import FIND_SESSIONS, learn_session_engine

if TYPE_CHECKING:
    from types_boto3_athena.type_defs import GetSessionResponseTypeDef


async def read_session(deps: Deps, session_id: str) -> GetSessionResponseTypeDef:
    """GetSession through the gateway (errors become ToolErrors that name the fix)."""
    return await deps.gateway.call(
        lambda client: client.get_session(SessionId=session_id),
        action="athena:GetSession",
        what=f"Session {session_id!r}",
        finder=FIND_SESSIONS,
    )


async def session_health(deps: Deps, session_id: str) -> GetSessionResult:
    """What get_athena_session (and the athena://sessions resource) return for one session."""
    response = await read_session(deps, session_id)
    # GetSession names the engine (EngineVersion); only when it does not is the workgroup asked, once.
    engine = await learn_session_engine(deps, session_id, response)
    summary = summarize_session(
        response, now=deps.clock(), price_per_dpu_hour=deps.settings.dpu_hour_price, engine_version=engine
    )
    return GetSessionResult(summary=summary, raw=clean_response(response))


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
