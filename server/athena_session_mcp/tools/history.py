"""list_athena_session_history: the sessions that ran in the last days, ended ones included, from three
sources: ListSessions (every state), CloudWatch `DPUCount` metrics and CloudTrail StartSession events."""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Annotated, Literal

import anyio
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.tools import Tool
from pydantic import Field

from athena_session_mcp.athena.errors import AwsCallError
from athena_session_mcp.athena.responses import clip, iso_or_none
from athena_session_mcp.athena.vocabulary import SessionState
from athena_session_mcp.health.account import ran_since
from athena_session_mcp.health.models import OutModel
from athena_session_mcp.health.untrusted import UNTRUSTED_LABEL, UNTRUSTED_TEXT
from athena_session_mcp.tools import Deps, make_tool, read_only
from athena_session_mcp.tools.args import (
    AccountArg,
    NextTokenArg,
)
from athena_session_mcp.tools.history_reads import (
    METRICS_DAYS,
    Seen,
    from_listings,
    from_metrics,
    from_trail,
)

MAX_PAGE = 50
Source = Literal["ListSessions", "CloudWatch metrics", "CloudTrail"]
SOURCES: tuple[Source, ...] = ("ListSessions", "CloudWatch metrics", "CloudTrail")
ONLY_NOTE = (
    "Known only from {sources}: ListSessions no longer returns it, so its state and details can no longer "
    "be read."
)

# A page ends at a row; the next starts right after it in the answer's order (newest first). The token is
# that row's sort key, not a position: a session that starts between two calls comes first and shifts every
# position, but not what lies after a given row.
Key = tuple[float, str, str]


def _key(row: Seen) -> Key:
    return (row.start.timestamp() if row.start else 0.0, row.region, row.session_id)


def _token(key: Key) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode()


def _after(token: str) -> Key:
    try:
        start, region, session_id = json.loads(base64.urlsafe_b64decode(token.encode()))
        if isinstance(start, int | float) and isinstance(region, str) and isinstance(session_id, str):
            return (float(start), region, session_id)
    except (ValueError, TypeError):
        pass
    raise AwsCallError(
        "NextToken is not a next_token this tool gave: pass a previous answer's next_token unchanged, "
        "with the same other arguments, or leave NextToken out for the first page."
    )


DaysArg = Annotated[int, Field(ge=1, le=90, description="How many days back (1-90).")]
HistoryWorkGroupArg = Annotated[
    str | None,
    Field(
        min_length=1,
        max_length=128,
        pattern=r"^[a-zA-Z0-9._-]{1,128}$",
        description="Only this workgroup.",
    ),
]
RegionArg = Annotated[
    str | None,
    Field(
        max_length=32,
        pattern=r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$",
        description="Only this configured region.",
    ),
]
HistoryStateArg = Annotated[
    SessionState | None,
    Field(description="Only sessions ListSessions reports in this state."),
]
HistoryMaxResultsArg = Annotated[int, Field(ge=1, le=MAX_PAGE, description="Rows per page (1-50).")]


class HistoryRow(OutModel):
    """One session that ran in the window."""

    session_id: str
    region: str
    workgroup: str | None = None
    engine_version: str | None = None
    state: str | None = None
    started_at: str | None = None
    ended_at: str | None = Field(None, description="End, or the last DPUCount minute.")
    dpu_hours: float | None = Field(None, description="From DPUCount metrics in the window.")
    state_change_reason: str | None = Field(None, description=UNTRUSTED_TEXT)
    sources: list[Source]
    note: str | None = None


class HistoryResult(OutModel):
    """Result of list_athena_session_history."""

    days: int
    regions: list[str]
    account: str | None = None
    sessions: list[HistoryRow]
    total: int
    next_token: str | None = None
    limits: list[str] = Field(default_factory=list[str])
    untrusted: str
    hint: str


def build(base: Deps) -> list[Tool]:
    async def list_athena_session_history(
        ctx: Context,
        Days: DaysArg = 7,
        WorkGroup: HistoryWorkGroupArg = None,
        Region: RegionArg = None,
        StateFilter: HistoryStateArg = None,
        MaxResults: HistoryMaxResultsArg = 25,
        NextToken: NextTokenArg = None,
        Account: AccountArg = None,
    ) -> HistoryResult:
        """List the Amazon Athena Spark sessions that ran in the last Days, ended ones too, in every configured region.

        Merges ListSessions, CloudWatch DPUCount metrics (14 days) and CloudTrail StartSession events (90
        days); each row names its sources, and one only metrics or CloudTrail know has no state. Read-only.
        """
        after = _after(NextToken) if NextToken is not None else None  # refused before any AWS call
        deps = base.in_account(Account)
        configured = await deps.gateway.regions()
        if Region is not None and Region not in configured:
            raise AwsCallError(
                f"Region {Region} is not among the configured regions ({', '.join(configured)}): "
                "--regions/ATHENA_SESSION_MCP_REGIONS sets them."
            )
        regions = [Region] if Region else list(configured)
        now = deps.clock()
        since = now - timedelta(days=Days)
        seen: dict[tuple[str, str], Seen] = {}
        limits: list[str] = []

        def sources(region: str) -> list[tuple[str, str, Callable[[], Awaitable[None]]]]:
            here = deps.in_region(region)
            return [
                (region, "ListSessions", lambda: from_listings(here, region, WorkGroup, seen, limits)),
                (
                    region,
                    "CloudWatch metrics",
                    lambda: from_metrics(here, region, WorkGroup, since, now, seen, limits),
                ),
                (region, "CloudTrail", lambda: from_trail(here, region, WorkGroup, since, now, seen, limits)),
            ]

        reads = [one for region in regions for one in sources(region)]
        done = [0]

        async def read(region: str, source: str, run: Callable[[], Awaitable[None]]) -> None:
            await run()
            done[0] += 1  # a client that hears progress keeps waiting (account-wide reads take seconds)
            await ctx.report_progress(done[0], len(reads), f"Read {source} in {region}")

        async with anyio.create_task_group() as group:
            for region, source, run in reads:
                group.start_soon(read, region, source, run)
        if Days > METRICS_DAYS:
            limits.append(
                f"CloudWatch metrics cover only the last {METRICS_DAYS} days: sessions that started before "
                f"{iso_or_none(now - timedelta(days=METRICS_DAYS))} have no DPU-hours here."
            )
        limits.append(
            "How long ListSessions keeps ended sessions is not documented; sessions whose execution role "
            "cannot publish DPUCount have no metrics."
        )
        rows = [
            r
            for r in seen.values()
            if ran_since(r.end, since)
            and (StateFilter is None or r.state == StateFilter)
            and (WorkGroup is None or r.workgroup == WorkGroup)
        ]
        rows.sort(key=_key, reverse=True)
        total = len(rows)
        if after is not None:
            rows = [r for r in rows if _key(r) < after]
        page = rows[:MaxResults]
        more = len(rows) > MaxResults
        out = [
            HistoryRow(
                session_id=r.session_id,
                region=r.region,
                workgroup=r.workgroup,
                engine_version=r.engine,
                state=r.state,
                started_at=iso_or_none(r.start),
                ended_at=iso_or_none(r.end),
                dpu_hours=r.dpu_hours,
                state_change_reason=clip(r.reason, 160),
                sources=[s for s in SOURCES if s in r.sources],
                note=None
                if "ListSessions" in r.sources
                else ONLY_NOTE.format(sources=" and ".join(s for s in SOURCES if s in r.sources)),
            )
            for r in page
        ]
        hint = (
            "Pass next_token as NextToken (same arguments) for older sessions."
            if more
            else "That is every session found. get_athena_session explains one that ListSessions still lists."
        )
        if StateFilter:
            hint += " StateFilter keeps only sessions ListSessions still reports: metrics and CloudTrail carry no state."
        return HistoryResult(
            days=Days,
            regions=regions,
            account=deps.gateway.account_name,
            sessions=out,
            total=total,
            next_token=_token(_key(page[-1])) if more else None,
            limits=limits,
            untrusted=f"state_change_reason: {UNTRUSTED_LABEL}",
            hint=hint,
        )

    return [make_tool(list_athena_session_history, read_only("List Athena Spark session history"))]
