"""list_athena_executors: the executors of one Spark session (ListExecutors), with counts by state and type."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from mcp.server.mcpserver.tools import Tool

from athena_session_mcp.athena.responses import as_datetime, as_int, as_str, iso_or_none
from athena_session_mcp.athena.vocabulary import EXECUTOR_STATES, EXECUTOR_TYPES
from athena_session_mcp.health.models import SessionIdArg
from athena_session_mcp.tools import Deps, make_tool, read_only
from athena_session_mcp.tools.budget import Page, Shown, fit_page
from athena_session_mcp.tools.common import FIND_SESSIONS, no_rows_hint, request_params
from athena_session_mcp.tools.diagnosis_models import (
    ExecutorCounts,
    ExecutorMaxResultsArg,
    ExecutorRow,
    ExecutorStateFilterArg,
    ListExecutorsArgs,
    ListExecutorsResult,
)
from athena_session_mcp.tools.fleet_models import NextTokenArg

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient
    from types_boto3_athena.type_defs import ListExecutorsResponseTypeDef

DEFAULT_PAGE_SIZE = 50


def executor_row(item: Mapping[str, Any]) -> ExecutorRow:
    """One ExecutorsSummary item, condensed (StartDateTime/TerminationDateTime are epoch milliseconds)."""
    return ExecutorRow(
        executor_id=as_str(item.get("ExecutorId")) or "",
        type=as_str(item.get("ExecutorType")),
        state=as_str(item.get("ExecutorState")),
        size_dpu=as_int(item.get("ExecutorSize")),
        started_at=_epoch(item.get("StartDateTime")),
        terminated_at=_epoch(item.get("TerminationDateTime")),
    )


def _epoch(value: Any) -> str | None:
    # The service model types these as long, not timestamp, and does not give the unit: values past
    # 10^11 are read as epoch milliseconds, smaller ones as epoch seconds (assumed; see FIDELITY.md).
    number = as_int(value)
    if number is None:
        return iso_or_none(as_datetime(value))
    seconds = number / 1000 if number > 10**11 else number
    return iso_or_none(datetime.fromtimestamp(seconds, UTC))


def executor_counts(rows: Iterable[ExecutorRow]) -> ExecutorCounts:
    """Counts by state and type, in the service's order; unknown values are counted too."""
    rows = list(rows)
    states = Counter(row.state or "UNKNOWN" for row in rows)
    types = Counter(row.type or "UNKNOWN" for row in rows)

    def ordered(counts: Counter[str], known: tuple[str, ...]) -> dict[str, int]:
        order = [*known, *sorted(set(counts) - set(known))]
        return {key: counts[key] for key in order if counts[key]}

    return ExecutorCounts(
        total=len(rows), by_state=ordered(states, EXECUTOR_STATES), by_type=ordered(types, EXECUTOR_TYPES)
    )


async def read_executors(
    deps: Deps,
    session_id: str,
    *,
    state_filter: str | None = None,
    max_results: int = DEFAULT_PAGE_SIZE,
    next_token: str | None = None,
) -> ListExecutorsResponseTypeDef:
    """One ListExecutors page through the gateway (errors become ToolErrors that name the fix)."""
    request = request_params(
        SessionId=session_id, MaxResults=max_results, ExecutorStateFilter=state_filter, NextToken=next_token
    )

    def list_page(client: AthenaClient) -> ListExecutorsResponseTypeDef:
        return client.list_executors(**request)

    return await deps.gateway.call(
        list_page, action="athena:ListExecutors", what=f"Session {session_id!r}", finder=FIND_SESSIONS
    )


def build(deps: Deps) -> list[Tool]:
    async def list_athena_executors(
        SessionId: SessionIdArg,
        ExecutorStateFilter: ExecutorStateFilterArg = None,
        MaxResults: ExecutorMaxResultsArg = DEFAULT_PAGE_SIZE,
        NextToken: NextTokenArg = None,
    ) -> ListExecutorsResult:
        """List the executors of one Amazon Athena Spark session (ListExecutors), newest first, with counts by
        state and type. Works on both engines (PySpark engine version 3 and Apache Spark version 3.5).

        ExecutorStateFilter FAILED finds failed executors. One page per call: pass next_token as NextToken;
        counts cover this answer's executors. diagnose_athena_session explains a failure in one call.
        Read-only.
        """
        response = await read_executors(
            deps, SessionId, state_filter=ExecutorStateFilter, max_results=MaxResults, next_token=NextToken
        )
        rows = [executor_row(item) for item in response.get("ExecutorsSummary", [])]
        last_token = response.get("NextToken") or None
        pages = [Page(NextToken or None, 0)]

        def result(shown: Shown) -> ListExecutorsResult:
            if shown.cut:
                hint = (
                    f"Output budget reached: showing {shown.count} of {len(rows)} executors. Call again with "
                    "continue_with's arguments to continue right after the last executor shown."
                )
            elif shown.cont.more:
                hint = "More executors exist: pass next_token as NextToken (same SessionId and filter)."
            elif not rows:
                hint = no_rows_hint(
                    "executors", "in this session", "ExecutorStateFilter", ExecutorStateFilter
                )
            else:
                hint = "That is all."
            return ListExecutorsResult(
                session_id=SessionId,
                executor_state_filter=ExecutorStateFilter,
                executors=rows[: shown.count],
                counts=executor_counts(rows[: shown.count]),
                continue_with=shown.resume(
                    lambda size, token: ListExecutorsArgs(
                        SessionId=SessionId,
                        ExecutorStateFilter=ExecutorStateFilter,
                        MaxResults=size,
                        NextToken=token,
                    )
                ),
                hint=hint,
                **shown.fields(),
            )

        return fit_page(result, total=len(rows), pages=pages, last_token=last_token, page_size=MaxResults)

    return [make_tool(list_athena_executors, read_only("List executors of an Athena Spark session"))]
