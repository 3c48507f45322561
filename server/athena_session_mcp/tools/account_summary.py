"""summarize_athena_account: every Spark workgroup in every configured region in one answer: sessions by
state, those about to time out, failures in the window, DPU-hours and their estimated cost per workgroup and
per day, the share spent idle before an idle timeout, the costliest sessions, and every gap named.

Reads: ListWorkGroups (Spark ones), ListSessions per state per workgroup (the digest's listing), and
GetSession for each session that ran in the window; regions and workgroups side by side with a fixed
concurrency, every read within the tool call's deadline (athena/deadline.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated, Any

import anyio
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.tools import Tool
from pydantic import Field

from athena_session_mcp.athena.errors import AwsCallError
from athena_session_mcp.athena.responses import as_datetime, as_map, as_str, clip
from athena_session_mcp.athena.vocabulary import ALIVE_SESSION_STATES, session_arn, workgroup_arn
from athena_session_mcp.health.account import (
    IDLE_SHARE_WORTH_A_STEP,
    SessionCost,
    idle_share,
    ran_since,
    session_cost,
    shorter_timeout_step,
)
from athena_session_mcp.health.grammar import trusted
from athena_session_mcp.health.models import Finding, SessionSummary
from athena_session_mcp.health.session import cost_text, sort_findings, summarize_session
from athena_session_mcp.tools import Deps, make_tool, read_only
from athena_session_mcp.tools.account_summary_models import (
    AccountSummary,
    CostlySession,
    DayCost,
    TagCost,
    WorkgroupCost,
)
from athena_session_mcp.tools.args import AccountArg
from athena_session_mcp.tools.digest_reads import Listing, list_every_state
from athena_session_mcp.tools.history_reads import gap, spark_workgroups
from athena_session_mcp.tools.reads import read_session

SESSIONS_PER_WORKGROUP = 100  # newest first, every state
CONCURRENCY = 16  # AWS reads in flight per region
WORKGROUP_ROWS = 25
TOP_SESSIONS = 10
MAX_GAPS = 10
TAGS = 15
IDLE_FINDINGS = 3  # workgroups with the largest idle share get a finding each
COVERS = (
    "DPU-hours are each session's whole life (GetSession Statistics.DpuExecutionInMillis) for the sessions "
    "that ran in the window (still running, or ended in it), counted on the day they started, times "
    "--dpu-hour-price: an ESTIMATE, not a bill. Not included: sessions beyond the newest {per} of a "
    "workgroup, sessions that ended before the window or that ListSessions no longer lists "
    "(list_athena_session_history finds those in metrics and CloudTrail), storage, requests and anything "
    "outside Athena Spark. "
    "Idle DPU-hours ASSUME an idle session holds only its coordinator's DPUs. Tags are the workgroups' "
    "(ListTagsForResource), or an Apache Spark 3.5 session's own when it has some."
)

DaysArg = Annotated[int, Field(ge=1, le=14, description="The window, in days back (1-14).")]
RegionsArg = Annotated[
    list[Annotated[str, Field(pattern=r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$", max_length=32)]] | None,
    Field(max_length=40, description="Some of the configured regions; omit for all."),
]


@dataclass
class _Read:
    """What one workgroup's reads found."""

    region: str
    workgroup: str
    items: list[Mapping[str, Any]] = field(default_factory=list[Mapping[str, Any]])
    summaries: list[SessionSummary] = field(default_factory=list[SessionSummary])
    tags: dict[str, str] = field(default_factory=dict[str, str])  # the workgroup's cost-allocation tags
    # An Apache Spark version 3.5 session's own tags (StartSession Tags, CopyWorkGroupTags), by session id.
    session_tags: dict[str, dict[str, str]] = field(default_factory=dict[str, dict[str, str]])


async def _read_region(
    deps: Deps,
    region: str,
    since: datetime,
    reads: list[_Read],
    gaps: list[str],
    ctx: Context,
    done: list[int],
) -> None:
    try:
        names = await spark_workgroups(deps, region, gaps)
    except AwsCallError as exc:
        gaps.append(gap(region, "Spark workgroups", exc))
        return
    limiter = anyio.CapacityLimiter(CONCURRENCY)

    async def workgroup(name: str) -> None:
        read = _Read(region, name)
        listing = Listing()
        shown = trusted("id", name) or "a workgroup"  # a name in the server's own sentence
        try:
            await list_every_state(deps, name, SESSIONS_PER_WORKGROUP, limiter, listing)
        except AwsCallError as exc:
            gaps.append(gap(region, f"sessions of {shown}", exc))
            return
        listing.merge(SESSIONS_PER_WORKGROUP)
        gaps.extend(f"{region}: {shown} {state} sessions not listed" for state in listing.failed)
        read.items = listing.items
        reads.append(read)
        unread = 0
        tag_errors: list[AwsCallError] = []

        async def examine(session_id: str) -> None:
            nonlocal unread
            async with limiter:
                try:
                    response = await read_session(deps, session_id)
                except AwsCallError:
                    unread += 1
                    return
            summary = summarize_session(
                response, now=deps.clock(), price_per_dpu_hour=deps.settings.dpu_hour_price
            )
            read.summaries.append(summary)
            arn = session_arn(region, summary.config.execution_role_arn, name, session_id)
            if summary.engine_kind == "spark-3.5" and arn:
                try:
                    tags = await _list_tags(deps, arn, f"A session of workgroup {name!r}")
                except AwsCallError as exc:
                    tag_errors.append(exc)  # counted under its workgroup's tags, and said so
                else:
                    if tags:
                        read.session_tags[session_id] = tags

        async with anyio.create_task_group() as group:
            for item in listing.items:
                ended = as_datetime(as_map(item.get("Status")).get("EndDateTime"))
                session_id = as_str(item.get("SessionId"))
                if session_id and ran_since(ended, since):
                    group.start_soon(examine, session_id)
        await _read_tags(deps, region, read, gaps)
        if unread:
            gaps.append(
                f"{region}: {unread} session(s) of {shown} not read (GetSession failed or the deadline passed)"
            )
        if tag_errors:
            what = f"own tags of {len(tag_errors)} Apache Spark 3.5 session(s) of {shown}"
            gaps.append(gap(region, what, tag_errors[0]) + "; counted under the workgroup's tags")
        done[0] += 1  # workgroups finished, every region's
        await ctx.report_progress(done[0], None, f"Read {shown} in {region} ({done[0]} workgroups so far)")

    async with anyio.create_task_group() as group:
        for name in names:
            group.start_soon(workgroup, name)


async def _list_tags(deps: Deps, arn: str, what: str) -> dict[str, str]:
    """ListTagsForResource on `arn`, as key -> value."""
    answer = await deps.gateway.call(
        lambda client: client.list_tags_for_resource(ResourceARN=arn),
        action="athena:ListTagsForResource",
        what=what,
    )
    return {str(t.get("Key")): str(t.get("Value", "")) for t in answer.get("Tags", []) if t.get("Key")}


async def _read_tags(deps: Deps, region: str, read: _Read, gaps: list[str]) -> None:
    """The workgroup's tags, when a session read names the account (its execution role)."""
    role = next((s.config.execution_role_arn for s in read.summaries if s.config.execution_role_arn), None)
    arn = workgroup_arn(region, role, read.workgroup)
    if arn is None:
        return
    try:
        read.tags = await _list_tags(deps, arn, f"Workgroup {read.workgroup!r}")
    except AwsCallError as exc:
        gaps.append(gap(region, f"tags of {trusted('id', read.workgroup) or 'a workgroup'}", exc))


def build(base: Deps) -> list[Tool]:
    async def summarize_athena_account(
        ctx: Context, Days: DaysArg = 1, Regions: RegionsArg = None, Account: AccountArg = None
    ) -> AccountSummary:
        """Summarize every Amazon Athena Spark workgroup in every configured region: sessions, failures and cost.

        Alive sessions by state, those near their idle timeout, failures in the last Days, DPU-hours and
        ESTIMATED cost per workgroup and day, the share spent idle, the costliest sessions; `gaps` names
        what was not read. Read-only.
        """
        deps = base.in_account(Account)
        configured = list(await deps.gateway.regions())
        unknown = [r for r in Regions or [] if r not in configured]
        if unknown:
            raise AwsCallError(
                f"Regions {', '.join(unknown)} are not among the configured regions ({', '.join(configured)}): "
                "--regions/ATHENA_SESSION_MCP_REGIONS sets them."
            )
        regions = list(dict.fromkeys(Regions)) if Regions else configured
        now = deps.clock()
        since = now - timedelta(days=Days)
        reads: list[_Read] = []
        gaps: list[str] = []
        done = [0]
        async with anyio.create_task_group() as group:
            for region in regions:
                group.start_soon(_read_region, deps.in_region(region), region, since, reads, gaps, ctx, done)
        return _answer(deps, Days, regions, since, reads, gaps)

    return [make_tool(summarize_athena_account, read_only("Summarize an account's Athena Spark sessions"))]


def _answer(
    deps: Deps, days: int, regions: list[str], since: datetime, reads: list[_Read], gaps: list[str]
) -> AccountSummary:
    price = deps.settings.dpu_hour_price
    rows: list[WorkgroupCost] = []
    per_day: dict[str, float] = defaultdict(float)
    per_tag: dict[str, float] = defaultdict(float)
    sessions: list[tuple[SessionCost, CostlySession]] = []
    all_costs: list[SessionCost] = []
    findings: list[Finding] = []
    idle_steps: list[tuple[float, Finding]] = []
    near_total = failed_total = 0
    for read in sorted(reads, key=lambda r: (r.region, r.workgroup)):
        active = Counter(
            state
            for item in read.items
            if (state := as_str(as_map(item.get("Status")).get("State"))) in ALIVE_SESSION_STATES
        )
        window = [s for s in read.summaries if ran_since(as_datetime(s.timing.ended_at), since)]
        costs = [session_cost(s) for s in window]
        all_costs += costs
        near = sum(1 for s in window if any(f.code == "IDLE_TIMEOUT_SOON" for f in s.findings))
        failed = sum(1 for s in window if s.state == "FAILED")
        near_total, failed_total = near_total + near, failed_total + failed
        dpu = round(sum(c.dpu_hours for c in costs), 4)
        for summary, cost in zip(window, costs, strict=True):
            # A session with tags of its own (Apache Spark version 3.5) is billed under them; the others
            # under their workgroup's.
            own = read.session_tags.get(summary.session_id or "")
            for key, value in (own if own else read.tags).items():
                per_tag[clip(f"{key}={value}", 120) or key] += cost.dpu_hours
        share = idle_share(costs)
        rows.append(
            WorkgroupCost(
                region=read.region,
                workgroup=read.workgroup,
                active=dict(active),
                near_idle_timeout=near,
                failed_in_window=failed,
                dpu_hours=dpu,
                estimated_cost_usd=round(dpu * price, 4),
                idle_dpu_hours=round(sum(c.idle_dpu_hours for c in costs), 4),
                idle_share=share,
            )
        )
        name = trusted("id", read.workgroup)
        if share is not None and share > IDLE_SHARE_WORTH_A_STEP and name:
            timeouts = [s.timing.idle_timeout_seconds or 0 for s in window]
            idle_steps.append(
                (
                    share,
                    Finding(
                        severity="warning",
                        code="IDLE_SHARE_HIGH",
                        message=f"{round(share * 100)}% of {name}'s DPU-hours in {read.region} were spent idle.",
                        suggestion=shorter_timeout_step(name, timeouts, share),
                    ),
                )
            )
        for summary, cost in zip(window, costs, strict=True):
            if cost.day:
                per_day[cost.day] += cost.dpu_hours
            sessions.append(
                (
                    cost,
                    CostlySession(
                        session_id=summary.session_id or "",
                        region=read.region,
                        workgroup=read.workgroup,
                        state=summary.state,
                        dpu_hours=cost.dpu_hours,
                        estimated_cost_usd=round(cost.dpu_hours * price, 4),
                        ended_by_idle_timeout=cost.ended_by_idle_timeout,
                    ),
                )
            )
    findings += [f for _, f in sorted(idle_steps, key=lambda pair: -pair[0])[:IDLE_FINDINGS]]
    if near_total:
        findings.append(
            Finding(
                severity="warning",
                code="IDLE_TIMEOUT_SOON",
                message=f"{near_total} idle session(s) will be ended by their idle timeout soon.",
                suggestion="summarize_athena_workgroup_sessions on their workgroup names them.",
            )
        )
    if failed_total:
        findings.append(
            Finding(
                severity="critical",
                code="FAILURES_IN_WINDOW",
                message=f"{failed_total} session(s) failed in the last {days} day(s).",
                suggestion="list_athena_session_history with StateFilter FAILED lists them; diagnose_athena_session explains one.",
            )
        )
    if gaps:
        findings.append(
            Finding(
                severity="warning",
                code="PARTIAL",
                message=f"{len(gaps)} part(s) of the account were not read: the totals leave them out.",
                suggestion="See gaps: usually an IAM permission, throttling, or the deadline.",
            )
        )
    sort_findings(findings)
    rows.sort(key=lambda r: (-r.dpu_hours, r.region, r.workgroup))
    sessions.sort(key=lambda pair: -pair[0].dpu_hours)
    dpu_total = round(sum(c.dpu_hours for c in all_costs), 4)
    idle_total = round(sum(c.idle_dpu_hours for c in all_costs), 4)
    read_sessions = sum(len(r.summaries) for r in reads)
    account_idle = idle_share(all_costs)
    headline = (
        f"{len(reads)} Spark workgroup(s) in {len(regions)} region(s), last {days} day(s): "
        f"{cost_text(dpu_total, round(dpu_total * price, 4))}"
        + (f", {round((account_idle or 0) * 100)}% idle" if dpu_total else "")
        + (f" · {len(gaps)} gap(s)" if gaps else "")
    )
    return AccountSummary(
        headline=headline,
        days=days,
        regions=regions,
        account=deps.gateway.account_name,
        workgroups_read=len(reads),
        sessions_read=read_sessions,
        workgroups=rows[:WORKGROUP_ROWS],
        workgroups_not_shown=max(0, len(rows) - WORKGROUP_ROWS),
        by_day=[
            DayCost(day=day, dpu_hours=round(dpu, 4), estimated_cost_usd=round(dpu * price, 4))
            for day, dpu in sorted(per_day.items())
        ][-14:],
        by_tag=[
            TagCost(tag=tag, dpu_hours=round(dpu, 4), estimated_cost_usd=round(dpu * price, 4))
            for tag, dpu in sorted(per_tag.items(), key=lambda pair: (-pair[1], pair[0]))[:TAGS]
        ],
        top_sessions=[row for _, row in sessions[:TOP_SESSIONS]],
        dpu_hours=dpu_total,
        estimated_cost_usd=round(dpu_total * price, 4),
        price_per_dpu_hour_usd=price,
        idle_dpu_hours=idle_total,
        idle_share=account_idle,
        findings=findings,
        gaps=sorted(clip(g, 200) or "" for g in gaps)[:MAX_GAPS]
        + ([f"… and {len(gaps) - MAX_GAPS} more"] if len(gaps) > MAX_GAPS else []),
        covers=COVERS.format(per=SESSIONS_PER_WORKGROUP),
    )
