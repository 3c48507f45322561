"""list_athena_executors: the executors of one Spark session (ListExecutors), with counts by state and type."""

from __future__ import annotations

from mcp.server.mcpserver.tools import Tool

from athena_session_mcp.athena.vocabulary import (
    ExecutorState,
)
from athena_session_mcp.health.models import (
    OutModel,
)
from athena_session_mcp.tools import Deps, make_tool, read_only
from athena_session_mcp.tools.args import (
    AccountArg,
    ExecutorsMaxResultsArg,
    ExecutorStateFilterArg,
    NextTokenArg,
    SessionIdArg,
)
from athena_session_mcp.tools.common import no_rows_hint
from athena_session_mcp.tools.models import (
    ExecutorCounts,
    ExecutorRow,
    PageArgs,
    page_fields,
)
from athena_session_mcp.tools.reads import EXECUTORS_PAGE_SIZE, executor_counts, executor_row, read_executors


class ListExecutorsArgs(PageArgs):
    """Arguments that continue right after the last executor shown."""

    SessionId: str
    ExecutorStateFilter: ExecutorState | None = None


class ListExecutorsResult(OutModel):
    """Result of list_athena_executors: one ListExecutors page, newest executors first, with counts."""

    session_id: str
    executor_state_filter: str | None = None
    executors: list[ExecutorRow]
    counts: ExecutorCounts
    returned: int
    next_token: str | None = None
    more_available: bool
    continue_with: ListExecutorsArgs | None = None
    hint: str


def build(base: Deps) -> list[Tool]:
    async def list_athena_executors(
        SessionId: SessionIdArg,
        ExecutorStateFilter: ExecutorStateFilterArg = None,
        MaxResults: ExecutorsMaxResultsArg = EXECUTORS_PAGE_SIZE,
        NextToken: NextTokenArg = None,
        Account: AccountArg = None,
    ) -> ListExecutorsResult:
        """List the executors of one Amazon Athena Spark session (ListExecutors), newest first, with counts by
        state and type (both engines).

        ExecutorStateFilter FAILED finds failed executors. One page per call: pass next_token as NextToken.
        Read-only.
        """
        deps = base.in_account(Account)
        response = await read_executors(
            deps, SessionId, state_filter=ExecutorStateFilter, max_results=MaxResults, next_token=NextToken
        )
        rows = [executor_row(item) for item in response.get("ExecutorsSummary", [])]
        next_token = response.get("NextToken") or None
        if next_token is not None:
            hint = (
                "More executors exist: pass next_token as NextToken (same SessionId, filter and MaxResults)."
            )
        elif not rows:
            hint = no_rows_hint("executors", "in this session", "ExecutorStateFilter", ExecutorStateFilter)
        else:
            hint = "That is all."
        return ListExecutorsResult(
            session_id=SessionId,
            executor_state_filter=ExecutorStateFilter,
            executors=rows,
            counts=executor_counts(rows),
            hint=hint,
            **page_fields(
                len(rows),
                ListExecutorsArgs(
                    SessionId=SessionId,
                    ExecutorStateFilter=ExecutorStateFilter,
                    MaxResults=MaxResults,
                    NextToken=next_token,
                    Account=Account,
                ),
            ),
        )

    return [make_tool(list_athena_executors, read_only("List executors of an Athena Spark session"))]
