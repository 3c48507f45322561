"""terminate_athena_session: end a session (TerminateSession). Registered only with --allow-write."""

from __future__ import annotations

from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.tools import Tool
from mcp.types import ToolAnnotations

from athena_session_mcp.fleet_models import TerminateSessionResult
from athena_session_mcp.models import SessionIdArg
from athena_session_mcp.states import session_phase
from athena_session_mcp.tools import Deps, make_tool
from athena_session_mcp.tools.common import FIND_SESSIONS, athena_error, with_hint


def build(deps: Deps) -> list[Tool]:
    if not deps.settings.allow_write:
        return []

    async def terminate_athena_session(SessionId: SessionIdArg) -> TerminateSessionResult:
        """Terminate one Amazon Athena Spark session (TerminateSession): its running calculations stop,
        its resources are released and it can never run calculations again. Destructive and not
        reversible; only offered because the server runs with --allow-write.

        Returns the state Athena reports right after the request (usually TERMINATING, then TERMINATED
        within a minute) and its coarse phase. Confirm with the user first, and check with
        get_athena_session that this is the right session (workgroup, description, running calculations).
        Poll get_athena_session_status to see it reach TERMINATED.
        """
        try:
            response = await deps.gateway.call(
                lambda client: client.terminate_session(SessionId=SessionId),
                action="athena:TerminateSession",
                what=f"Session {SessionId!r}",
                finder=FIND_SESSIONS,
            )
        except ToolError as exc:
            code, message = athena_error(exc)
            if (
                code == "InvalidRequestException"
                and "terminat" in message.lower()
                and "not found" not in message.lower()
            ):
                raise with_hint(
                    exc, "The session has probably ended already: check it with get_athena_session_status."
                ) from exc.__cause__
            raise
        state = response.get("State")
        phase = session_phase(state)
        return TerminateSessionResult(
            session_id=SessionId,
            state=state,
            phase=phase,
            message=(
                f"Termination requested; the session is {state or 'in an unreported state'} ({phase}). "
                "Poll get_athena_session_status until TERMINATED; start a new session for further work."
            ),
        )

    annotations = ToolAnnotations(
        title="Terminate an Athena Spark session",
        read_only_hint=False,
        destructive_hint=True,
        idempotent_hint=False,
        open_world_hint=True,
    )
    return [make_tool(terminate_athena_session, annotations)]
