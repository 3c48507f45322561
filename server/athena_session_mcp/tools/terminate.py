"""terminate_athena_session: end a session (TerminateSession). Registered only with --allow-write."""

from __future__ import annotations

from mcp.server.mcpserver.tools import Tool
from mcp.types import ToolAnnotations
from pydantic import Field

from athena_session_mcp.athena.responses import as_map, as_str
from athena_session_mcp.athena.vocabulary import (
    INACTIVE_SESSION_STATES,
    Phase,
    session_phase,
)
from athena_session_mcp.health.models import (
    OutModel,
)
from athena_session_mcp.tools import Deps, make_tool
from athena_session_mcp.tools.args import (
    AccountArg,
    SessionIdArg,
)
from athena_session_mcp.tools.common import FIND_SESSIONS


class TerminateSessionResult(OutModel):
    """Result of terminate_athena_session."""

    session_id: str
    state: str | None = None
    phase: Phase
    state_before: str | None = None
    had_effect: bool = Field(
        description="false: it was already inactive, so TerminateSession was not called."
    )
    message: str


def build(base: Deps) -> list[Tool]:
    if not base.settings.allow_write:
        return []

    async def terminate_athena_session(
        SessionId: SessionIdArg, Account: AccountArg = None
    ) -> TerminateSessionResult:
        """Terminate one Amazon Athena Spark session (TerminateSession): its work stops, its resources are
        released, it can never run again. Destructive, not reversible; only with --allow-write.

        A session already FAILED, TERMINATED or TERMINATING is left alone (had_effect false). Confirm with the
        user first; get_athena_session_status shows it reach TERMINATED.
        """
        deps = base.in_account(Account)
        what = f"Session {SessionId!r}"
        status = await deps.gateway.call(
            lambda client: client.get_session_status(SessionId=SessionId),
            action="athena:GetSessionStatus",
            what=what,
            finder=FIND_SESSIONS,
        )
        before = as_str(as_map(status.get("Status")).get("State"))
        if before in INACTIVE_SESSION_STATES:  # TerminateSession would have no effect: not called
            return TerminateSessionResult(
                session_id=SessionId,
                state=before,
                phase=session_phase(before),
                state_before=before,
                had_effect=False,
                message=(
                    f"Nothing to do: the session is already {before} ({session_phase(before)}), and "
                    "TerminateSession has no effect on an inactive session. Start a new session for further work."
                ),
            )
        response = await deps.gateway.call(
            lambda client: client.terminate_session(SessionId=SessionId),
            action="athena:TerminateSession",
            what=what,
            finder=FIND_SESSIONS,
        )
        state = as_str(response.get("State"))
        phase = session_phase(state)
        return TerminateSessionResult(
            session_id=SessionId,
            state=state,
            phase=phase,
            state_before=before,
            had_effect=True,
            message=(
                f"Termination requested; the session was {before or 'in an unreported state'} and is now "
                f"{state or 'in an unreported state'} ({phase}). Poll get_athena_session_status until "
                "TERMINATED; start a new session for further work."
            ),
        )

    annotations = ToolAnnotations(
        title="Terminate an Athena Spark session",
        read_only_hint=False,
        destructive_hint=True,
        # TerminateSession on an inactive session "succeeds but has no effect": repeating it changes nothing.
        idempotent_hint=True,
        open_world_hint=True,
    )
    return [make_tool(terminate_athena_session, annotations)]
