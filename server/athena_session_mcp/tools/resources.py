"""The athena://sessions/{SessionId} resource template: get_athena_session's answer as a readable resource."""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError

from athena_session_mcp.athena.errors import AwsCallError, is_not_found
from athena_session_mcp.tools import Deps
from athena_session_mcp.tools.answers import lean, to_text
from athena_session_mcp.tools.reads import session_health

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
            result = await session_health(deps, SessionId)
        except AwsCallError as exc:
            # Same messages as the tool; unknown ids become the protocol's not-found error.
            error = ResourceNotFoundError if is_not_found(exc) else ResourceError
            raise error(str(exc)) from exc.__cause__
        return to_text(lean(result))

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
