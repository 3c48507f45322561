"""list_athena_sessions: the sessions of one Spark workgroup (ListSessions), condensed and paged."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from mcp.server.mcpserver.tools import Tool
from pydantic import Field

from athena_session_mcp.athena.responses import as_datetime, as_map, as_str, clip, iso_or_none
from athena_session_mcp.athena.vocabulary import engine_kind, session_phase
from athena_session_mcp.tools import Deps, make_tool, read_only
from athena_session_mcp.tools.budget import Shown, fit_page
from athena_session_mcp.tools.common import (
    engine_version,
    no_rows_hint,
    request_params,
)
from athena_session_mcp.tools.fleet_models import (
    AccountArg,
    ListSessionsArgs,
    ListSessionsResult,
    MaxResultsArg,
    NextTokenArg,
    SessionRow,
    SessionStateFilterArg,
    WorkGroupArg,
)
from athena_session_mcp.tools.reads import ALL_PAGES_MAX_PAGES, read_pages

DEFAULT_PAGE_SIZE = 50
# ListSessions "Lists the sessions in a workgroup that are in an active state like CREATING, CREATED, IDLE,
# or BUSY" unless StateFilter names a state: an unfiltered listing is never the whole workgroup.
ACTIVE_ONLY = (
    " Without StateFilter Athena lists only active sessions (like CREATING, CREATED, IDLE, BUSY): "
    "StateFilter TERMINATED or FAILED lists ended ones."
)
# AllPages stops after this many sessions or this many ListSessions calls, whichever comes first.
ALL_PAGES_MAX_ITEMS = 500

AllPagesArg = Annotated[
    bool,
    Field(
        title="AllPages",
        description=f"Follow NextToken for you, up to {ALL_PAGES_MAX_ITEMS} sessions (and the output budget).",
    ),
]


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
        MaxResults: MaxResultsArg = DEFAULT_PAGE_SIZE,
        NextToken: NextTokenArg = None,
        AllPages: AllPagesArg = False,
        Account: AccountArg = None,
    ) -> ListSessionsResult:
        """List the Amazon Athena Spark sessions of one workgroup (ListSessions), newest first, one row each.

        Without StateFilter Athena lists only active sessions; StateFilter TERMINATED or FAILED lists ended
        ones (one state per call). One page per call: pass next_token as NextToken, or set AllPages
        (bounded); when an answer stops early, `continue_with` holds the exact arguments to go on.
        get_athena_session explains one session; list_spark_workgroups finds workgroup names. Read-only.
        """
        deps = base.in_account(Account)
        request = request_params(WorkGroup=WorkGroup, StateFilter=StateFilter, NextToken=NextToken)
        max_items = ALL_PAGES_MAX_ITEMS if AllPages else MaxResults
        items, pages, last_token = await read_pages(
            deps,
            request,
            page_size=MaxResults,
            max_items=max_items,
            max_pages=ALL_PAGES_MAX_PAGES if AllPages else 1,
        )
        rows = [session_row(item) for item in items]
        capped = AllPages and last_token is not None

        def result(shown: Shown) -> ListSessionsResult:
            cont = shown.cont
            narrow = "" if StateFilter else " Or narrow it with StateFilter (e.g. IDLE, BUSY, FAILED)."
            if shown.cut and cont.repeats:
                hint = (
                    f"Output budget reached: showing {shown.count} of {len(rows)} sessions read. Call "
                    f"list_athena_sessions with continue_with's arguments: its first {cont.repeats} sessions "
                    f"repeat the last ones shown here, and its next_token continues without a gap.{narrow}"
                )
            elif shown.cut:
                hint = (
                    f"Output budget reached: showing {shown.count} of {len(rows)} sessions read. Pass next_token "
                    f"as NextToken (continue_with has the exact arguments) for the rest.{narrow}"
                )
            elif capped:
                hint = (
                    f"AllPages stopped after {len(rows)} sessions in {len(pages)} pages (its cap). Pass "
                    f"next_token as NextToken to continue.{narrow}"
                )
            elif cont.more:
                hint = (
                    f"More {'' if StateFilter else 'active '}sessions exist: pass next_token as NextToken (same "
                    f"WorkGroup and StateFilter).{narrow}"
                )
            elif not rows:
                items = "sessions" if StateFilter else "active sessions"
                hint = no_rows_hint(
                    items, f"in workgroup {WorkGroup!r}", "StateFilter", StateFilter, ACTIVE_ONLY
                )
            elif StateFilter:
                hint = (
                    f"That is every session in state {StateFilter}. Use get_athena_session on a session_id "
                    "for its health."
                )
            else:
                hint = (
                    f"That is every active session.{ACTIVE_ONLY} Use get_athena_session on a session_id for "
                    "its health."
                )
            return ListSessionsResult(
                workgroup=WorkGroup,
                state_filter=StateFilter,
                sessions=rows[: shown.count],
                pages_read=len(pages),
                continue_with=shown.resume(
                    lambda size, token: ListSessionsArgs(
                        WorkGroup=WorkGroup,
                        StateFilter=StateFilter,
                        MaxResults=size,
                        NextToken=token,
                        Account=Account,
                    )
                ),
                hint=hint,
                **shown.fields(stopped_early=capped),
            )

        return fit_page(result, total=len(rows), pages=pages, last_token=last_token, page_size=MaxResults)

    return [make_tool(list_athena_sessions, read_only("List Athena Spark sessions in a workgroup"))]
