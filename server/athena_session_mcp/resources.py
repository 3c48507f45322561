"""The athena://sessions/{SessionId} resource template: get_athena_session's answer as a readable resource."""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError, ToolError

from athena_session_mcp.models import GetSessionResult
from athena_session_mcp.raw import clean_response
from athena_session_mcp.summary import summarize_session
from athena_session_mcp.tools import Deps
from athena_session_mcp.tools.common import FIND_SESSIONS, is_not_found

SESSION_URI_TEMPLATE = "athena://sessions/{SessionId}"


def register(server: MCPServer, deps: Deps) -> None:
    async def athena_session(SessionId: str) -> str:
        """Health summary and raw GetSession response of one Athena Spark session, as JSON: the same
        document get_athena_session returns (summary + raw). SessionId is the session's ID."""
        if not 1 <= len(SessionId) <= 256:
            raise ResourceNotFoundError(
                f"SessionId must be 1-256 characters (got {len(SessionId)}): use athena://sessions/<SessionId> "
                "with an id from list_athena_sessions."
            )
        try:
            response = await deps.gateway.call(
                lambda client: client.get_session(SessionId=SessionId),
                action="athena:GetSession",
                what=f"Session {SessionId!r}",
                finder=FIND_SESSIONS,
            )
        except ToolError as exc:
            # Same messages as the tool; unknown ids become the protocol's not-found error.
            error = ResourceNotFoundError if is_not_found(exc) else ResourceError
            raise error(str(exc)) from exc.__cause__
        summary = summarize_session(
            response, now=deps.clock(), price_per_dpu_hour=deps.settings.dpu_hour_price
        )
        return GetSessionResult(summary=summary, raw=clean_response(response)).model_dump_json(indent=2)

    server.resource(
        SESSION_URI_TEMPLATE,
        name="athena_session",
        title="Athena Spark session health",
        description=(
            "Health summary (state, phase, idle-timeout countdown, DPU usage and ESTIMATED cost, config, "
            "findings) plus the raw GetSession response of one Athena Spark session, as JSON; the same "
            "document as the get_athena_session tool."
        ),
        mime_type="application/json",
    )(athena_session)
