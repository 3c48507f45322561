"""get_athena_session_status: the cheap poll of one session's state (GetSessionStatus)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

from mcp.server.mcpserver.tools import Tool
from pydantic import Field

from athena_session_mcp.athena.responses import as_map, as_str, clean_response
from athena_session_mcp.athena.vocabulary import (
    ALIVE_SESSION_STATES,
    engine_kind,
    session_phase,
)
from athena_session_mcp.health.models import (
    Finding,
    OutModel,
    SessionHealthBase,
    SessionTiming,
)
from athena_session_mcp.health.session import headline, sort_findings, state_findings
from athena_session_mcp.health.timing import session_timing
from athena_session_mcp.health.untrusted import UNTRUSTED_TEXT
from athena_session_mcp.tools import Deps, make_tool, read_only
from athena_session_mcp.tools.args import (
    AccountArg,
    SessionIdArg,
)
from athena_session_mcp.tools.common import FIND_SESSIONS, known_session_engine
from athena_session_mcp.tools.reads import in_some_region


class SessionStatusSummary(SessionHealthBase):
    """The cheap poll: a session's state in the same vocabulary as get_athena_session's summary."""

    timing: SessionTiming = Field(
        description="Without the idle_timeout_* fields: get_athena_session has them."
    )
    findings: list[Finding] = Field(default_factory=list[Finding])


class GetSessionStatusResult(OutModel):
    """Result of get_athena_session_status: the status summary plus the raw GetSessionStatus response."""

    summary: SessionStatusSummary
    region: str | None = None
    account: str | None = None
    raw: dict[str, Any] = Field(description=UNTRUSTED_TEXT)


if TYPE_CHECKING:
    from types_boto3_athena.type_defs import GetSessionStatusResponseTypeDef


def build(base: Deps) -> list[Tool]:
    async def get_athena_session_status(
        SessionId: SessionIdArg, Account: AccountArg = None
    ) -> GetSessionStatusResult:
        """Poll one Amazon Athena Spark session's state (GetSessionStatus), cheaply.

        For waiting until a session is IDLE or has ended; it cannot see the idle timeout. Read-only.
        """
        deps = base.in_account(Account)

        def poll(here: Deps) -> Awaitable[GetSessionStatusResponseTypeDef]:
            return here.gateway.call(
                lambda client: client.get_session_status(SessionId=SessionId),
                action="athena:GetSessionStatus",
                what=f"Session {SessionId!r}",
                finder=FIND_SESSIONS,
            )

        response, here = await in_some_region(deps, SessionId, poll)
        status = as_map(response.get("Status"))
        state = as_str(status.get("State"))
        phase = session_phase(state)
        now = deps.clock()
        # GetSessionStatus carries no SessionConfiguration, so there is no idle timeout to count down;
        # the findings say so rather than only "ready".
        timing = session_timing(status, {}, now)
        # GetSessionStatus does not name the engine either; use it if this server has already learnt it.
        findings = state_findings(
            state, timing, engine_kind(known_session_engine(here, SessionId)), poll=True
        )
        sort_findings(findings)
        summary = SessionStatusSummary(
            session_id=as_str(response.get("SessionId")) or SessionId,
            state=state,
            phase=phase,
            alive=state in ALIVE_SESSION_STATES,
            state_change_reason=as_str(status.get("StateChangeReason")),
            headline=headline(state, phase, timing, now=now),
            timing=timing,
            findings=findings,
        )
        return GetSessionStatusResult(
            summary=summary,
            region=here.gateway.region,
            account=here.gateway.account_name,
            raw=clean_response(response),
        )

    return [make_tool(get_athena_session_status, read_only("Poll Athena Spark session status"))]
