"""list_athena_sessions: the sessions of one Spark workgroup (ListSessions), condensed and paged."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcp.server.mcpserver.tools import Tool
from pydantic import Field

from athena_session_mcp.athena.responses import as_datetime, as_map, as_str, clip, iso_or_none
from athena_session_mcp.athena.vocabulary import (
    Engine,
    Phase,
    SessionState,
    engine_kind,
    session_phase,
)
from athena_session_mcp.health.models import (
    OutModel,
)
from athena_session_mcp.health.untrusted import UNTRUSTED_TEXT
from athena_session_mcp.tools import Deps, make_tool, read_only
from athena_session_mcp.tools.args import (
    AccountArg,
    NextTokenArg,
    SessionsMaxResultsArg,
    SessionStateFilterArg,
    WorkGroupArg,
)
from athena_session_mcp.tools.common import (
    engine_version,
    no_rows_hint,
    request_params,
)
from athena_session_mcp.tools.models import PageArgs, page_fields
from athena_session_mcp.tools.reads import read_pages


class SessionRow(OutModel):
    """One session of a ListSessions page, condensed. Long texts end with '…' when shortened."""

    session_id: str
    state: str | None = None
    phase: Phase
    description: str | None = Field(None, description=UNTRUSTED_TEXT)
    engine_version: str | None = None
    engine_kind: Engine | None = Field(None, description="spark-3.5 has no Calculation APIs.")
    started_at: str | None = None
    idle_since: str | None = None
    ended_at: str | None = None
    state_change_reason: str | None = Field(None, description=UNTRUSTED_TEXT)


class ListSessionsArgs(PageArgs):
    """Arguments that continue right after the last session shown."""

    WorkGroup: str
    StateFilter: SessionState | None = None


class ListSessionsResult(OutModel):
    """Result of list_athena_sessions: condensed sessions of one workgroup, newest first as Athena returns them."""

    workgroup: str
    state_filter: SessionState | None = Field(None, description="null: only active sessions were listed.")
    sessions: list[SessionRow] = Field(default_factory=list[SessionRow])
    returned: int
    next_token: str | None = None
    more_available: bool
    continue_with: ListSessionsArgs | None = None
    hint: str


DEFAULT_PAGE_SIZE = 25
# ListSessions "Lists the sessions in a workgroup that are in an active state like CREATING, CREATED, IDLE,
# or BUSY" unless StateFilter names a state: an unfiltered listing is never the whole workgroup.
ACTIVE_ONLY = (
    " Without StateFilter Athena lists only active sessions (like CREATING, CREATED, IDLE, BUSY): "
    "StateFilter TERMINATED or FAILED lists ended ones."
)


def session_row(item: Mapping[str, Any]) -> SessionRow:
    status = as_map(item.get("Status"))
    state = as_str(status.get("State"))
    version = engine_version(item)
    return SessionRow(
        session_id=as_str(item.get("SessionId")) or "",
        state=state,
        phase=session_phase(state),
        description=clip(as_str(item.get("Description")), 120),
        engine_version=version,
        engine_kind=engine_kind(version),
        started_at=iso_or_none(as_datetime(status.get("StartDateTime"))),
        idle_since=iso_or_none(as_datetime(status.get("IdleSinceDateTime"))),
        ended_at=iso_or_none(as_datetime(status.get("EndDateTime"))),
        state_change_reason=clip(as_str(status.get("StateChangeReason")), 160),
    )


def build(base: Deps) -> list[Tool]:
    async def list_athena_sessions(
        WorkGroup: WorkGroupArg,
        StateFilter: SessionStateFilterArg = None,
        MaxResults: SessionsMaxResultsArg = DEFAULT_PAGE_SIZE,
        NextToken: NextTokenArg = None,
        Account: AccountArg = None,
    ) -> ListSessionsResult:
        """List the Amazon Athena Spark sessions of one workgroup (ListSessions), newest first, one row each.

        Without StateFilter Athena lists only active sessions; StateFilter TERMINATED or FAILED lists ended
        ones. One page per call: pass next_token as NextToken. summarize_athena_workgroup_sessions digests
        every state at once. Read-only.
        """
        deps = base.in_account(Account)
        request = request_params(WorkGroup=WorkGroup, StateFilter=StateFilter, NextToken=NextToken)
        items, _, next_token = await read_pages(
            deps, request, page_size=MaxResults, max_items=MaxResults, max_pages=1
        )
        rows = [session_row(item) for item in items]
        narrow = "" if StateFilter else " Or narrow it with StateFilter (e.g. IDLE, BUSY, FAILED)."
        if next_token is not None:
            hint = (
                f"More {'' if StateFilter else 'active '}sessions exist: pass next_token as NextToken (same "
                f"WorkGroup, StateFilter and MaxResults; continue_with has them).{narrow}"
            )
        elif not rows:
            kind = "sessions" if StateFilter else "active sessions"
            hint = no_rows_hint(kind, f"in workgroup {WorkGroup!r}", "StateFilter", StateFilter, ACTIVE_ONLY)
        elif StateFilter:
            hint = f"That is every session in state {StateFilter}. Use get_athena_session on a session_id for its health."
        else:
            hint = f"That is every active session.{ACTIVE_ONLY} Use get_athena_session on a session_id for its health."
        return ListSessionsResult(
            workgroup=WorkGroup,
            state_filter=StateFilter,
            sessions=rows,
            hint=hint,
            **page_fields(
                len(rows),
                ListSessionsArgs(
                    WorkGroup=WorkGroup,
                    StateFilter=StateFilter,
                    MaxResults=MaxResults,
                    NextToken=next_token,
                    Account=Account,
                ),
            ),
        )

    return [make_tool(list_athena_sessions, read_only("List Athena Spark sessions in a workgroup"))]
