"""list_athena_session_history: the sessions that ran in the last days, ended ones included, from three
sources: ListSessions (every state), CloudWatch `DPUCount` metrics and CloudTrail StartSession events."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

import anyio
from mcp.server.mcpserver.tools import Tool
from pydantic import Field

from athena_session_mcp.athena.errors import AwsCallError
from athena_session_mcp.athena.responses import as_datetime, as_map, as_str, clip, iso_or_none
from athena_session_mcp.athena.vocabulary import SESSION_STATES, SessionState, is_spark_engine
from athena_session_mcp.health.models import OutModel
from athena_session_mcp.health.untrusted import UNTRUSTED_LABEL
from athena_session_mcp.tools import Deps, make_tool, read_only
from athena_session_mcp.tools.args import (
    AccountArg,
    NextTokenArg,
)
from athena_session_mcp.tools.common import engine_version
from athena_session_mcp.tools.reads import read_pages

# Documented: Athena's DPUCount (User Guide, "Monitor … with CloudWatch"); ListMetrics lists metrics with data
# in the past two weeks; CloudTrail LookupEvents keeps 90 days, pages by 50, 2 requests/s per region.
DPU_NAMESPACE = "AmazonAthenaForApacheSpark"
DPU_METRIC = "DPUCount"
METRICS_DAYS = 14
TRAIL_PAGE = 50
TRAIL_MAX_PAGES = 20
TRAIL_INTERVAL_SECONDS = 0.5
# ASSUMED (no page says how often Athena publishes DPUCount): one datapoint a minute, each the DPUs in use
# then, so a period's Sum x 60 s is its DPU-seconds. Read by the hour: a Sum per hour is exact under that
# assumption and returns 60x fewer datapoints than minutes would (metric-only times are to the hour).
DATAPOINT_SECONDS = 60
METRIC_PERIOD = 3600
CONCURRENCY = 8
MAX_PAGE = 50
Source = Literal["ListSessions", "CloudWatch metrics", "CloudTrail"]
SOURCES: tuple[Source, ...] = ("ListSessions", "CloudWatch metrics", "CloudTrail")
ONLY_NOTE = (
    "Known only from {sources}: ListSessions no longer returns it, so its state and details can no longer "
    "be read."
)

DaysArg = Annotated[int, Field(title="Days", ge=1, le=90, description="How many days back (1-90).")]
HistoryWorkGroupArg = Annotated[
    str | None,
    Field(
        title="WorkGroup",
        min_length=1,
        max_length=128,
        pattern=r"^[a-zA-Z0-9._-]{1,128}$",
        description="Only this workgroup.",
    ),
]
RegionArg = Annotated[
    str | None,
    Field(
        title="Region",
        max_length=32,
        pattern=r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$",
        description="Only this configured region.",
    ),
]
HistoryStateArg = Annotated[
    SessionState | None,
    Field(title="StateFilter", description="Only sessions ListSessions reports in this state."),
]
HistoryMaxResultsArg = Annotated[
    int, Field(title="MaxResults", ge=1, le=MAX_PAGE, description="Rows per page (1-50).")
]


class HistoryRow(OutModel):
    """One session that ran in the window."""

    session_id: str = Field(description="The session ID.")
    region: str = Field(description="Its region.")
    workgroup: str | None = Field(None, description="Its workgroup.")
    engine_version: str | None = Field(None, description="Its engine (ListSessions only).")
    state: str | None = Field(None, description="Status.State from ListSessions; null when no source says.")
    started_at: str | None = Field(None, description="Start (ISO-8601 UTC).")
    ended_at: str | None = Field(None, description="End (ListSessions), or the last DPUCount minute.")
    dpu_hours: float | None = Field(None, description="DPU-hours from DPUCount metrics in the window.")
    state_change_reason: str | None = Field(None, description="UNTRUSTED text from AWS (StateChangeReason).")
    sources: list[Source] = Field(description="Which sources knew it.")
    note: str | None = Field(None, description="What can no longer be read about it.")


class HistoryResult(OutModel):
    """Result of list_athena_session_history."""

    days: int = Field(description="The window, in days back from now.")
    regions: list[str] = Field(description="The regions read.")
    account: str | None = Field(None, description="The declared account read; absent: the server's own.")
    sessions: list[HistoryRow] = Field(description="Newest first.")
    total: int = Field(description="Sessions found in the window (all pages).")
    next_token: str | None = Field(None, description="Pass as NextToken (same arguments) for more.")
    limits: list[str] = Field(
        default_factory=list[str], description="Where a source's limits cut the history."
    )
    untrusted: str = Field(description="How to treat state_change_reason.")
    hint: str = Field(description="What to do next.")


@dataclass
class _Seen:
    region: str
    session_id: str
    workgroup: str | None = None
    engine: str | None = None
    state: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    reason: str | None = None
    dpu_hours: float | None = None
    sources: set[str] = field(default_factory=set[str])


def _gap(region: str, what: str, exc: AwsCallError) -> str:
    return f"{region}: {what} not read ({exc.code or 'error'}; grant {exc.action or what})."


async def _spark_workgroups(deps: Deps) -> list[str]:
    names: list[str] = []
    token: str | None = None
    for _ in range(20):
        kwargs: dict[str, Any] = {"MaxResults": 50, **({"NextToken": token} if token else {})}
        page = await deps.gateway.call(
            lambda client, kwargs=kwargs: client.list_work_groups(**kwargs),
            action="athena:ListWorkGroups",
            what="Workgroups",
        )
        names += [
            str(item.get("Name"))
            for item in page.get("WorkGroups", [])
            if item.get("Name") and is_spark_engine(engine_version(as_map(item)))
        ]
        token = page.get("NextToken")
        if not token:
            break
    return names


async def _from_listings(
    deps: Deps, region: str, workgroup: str | None, seen: dict[tuple[str, str], _Seen], limits: list[str]
) -> None:
    try:
        workgroups = [workgroup] if workgroup else await _spark_workgroups(deps)
    except AwsCallError as exc:
        limits.append(_gap(region, "ListSessions (workgroups)", exc))
        return
    limiter = anyio.CapacityLimiter(CONCURRENCY)
    failed: list[str] = []

    async def one(name: str, state: str) -> None:
        async with limiter:
            try:
                items, _, _ = await read_pages(
                    deps, {"WorkGroup": name, "StateFilter": state}, page_size=100, max_items=500, max_pages=5
                )
            except AwsCallError as exc:
                failed.append(_gap(region, f"ListSessions of {name} ({state})", exc))
                return
        for item in items:
            _listed(seen, region, name, item)

    async with anyio.create_task_group() as group:
        for name in workgroups:
            for state in SESSION_STATES:
                group.start_soon(one, name, state)
    limits.extend(sorted(failed)[:5])


def _listed(seen: dict[tuple[str, str], _Seen], region: str, workgroup: str, item: Mapping[str, Any]) -> None:
    session_id = as_str(item.get("SessionId"))
    if not session_id:
        return
    status = as_map(item.get("Status"))
    row = seen.setdefault((region, session_id), _Seen(region, session_id))
    row.sources.add("ListSessions")
    row.workgroup = workgroup
    row.engine = engine_version(item)
    row.state = as_str(status.get("State"))
    row.start = as_datetime(status.get("StartDateTime")) or row.start
    row.end = as_datetime(status.get("EndDateTime"))
    row.reason = as_str(status.get("StateChangeReason"))


async def _from_metrics(
    deps: Deps,
    region: str,
    workgroup: str | None,
    since: datetime,
    now: datetime,
    seen: dict[tuple[str, str], _Seen],
    limits: list[str],
) -> None:
    start = max(since, now - timedelta(days=METRICS_DAYS))

    def read(client: Any) -> dict[tuple[str, str], list[tuple[datetime, float]]]:
        keys: set[tuple[str, str]] = set()
        kwargs: dict[str, Any] = {"Namespace": DPU_NAMESPACE, "MetricName": DPU_METRIC}
        if workgroup:
            kwargs["Dimensions"] = [{"Name": "WorkGroup", "Value": workgroup}]
        for page in client.get_paginator("list_metrics").paginate(**kwargs):
            for metric in page.get("Metrics", []):
                dims = {str(d.get("Name")): str(d.get("Value")) for d in metric.get("Dimensions", [])}
                if "SessionId" in dims and "WorkGroup" in dims:
                    keys.add((dims["SessionId"], dims["WorkGroup"]))
        ordered = sorted(keys)
        points: dict[tuple[str, str], list[tuple[datetime, float]]] = {}
        for first in range(0, len(ordered), 500):  # GetMetricData takes 500 queries per call
            batch = ordered[first : first + 500]
            queries = [
                {
                    "Id": f"q{i}",
                    "MetricStat": {
                        "Metric": {
                            "Namespace": DPU_NAMESPACE,
                            "MetricName": DPU_METRIC,
                            "Dimensions": [
                                {"Name": "SessionId", "Value": s},
                                {"Name": "WorkGroup", "Value": w},
                            ],
                        },
                        "Period": METRIC_PERIOD,
                        "Stat": "Sum",
                    },
                }
                for i, (s, w) in enumerate(batch)
            ]
            for page in client.get_paginator("get_metric_data").paginate(
                MetricDataQueries=queries, StartTime=start, EndTime=now
            ):
                for result in page.get("MetricDataResults", []):
                    key = batch[int(str(result["Id"])[1:])]
                    pairs = zip(result.get("Timestamps", []), result.get("Values", []), strict=False)
                    points.setdefault(key, []).extend((t, float(v)) for t, v in pairs)
        return points

    try:
        points = await deps.gateway.call_service(
            "cloudwatch", read, action="cloudwatch:GetMetricData", what="DPUCount metrics"
        )
    except AwsCallError as exc:
        limits.append(_gap(region, "CloudWatch DPUCount metrics", exc))
        return
    for (session_id, workgroup_name), series in points.items():
        if not series:
            continue
        row = seen.setdefault((region, session_id), _Seen(region, session_id))
        row.sources.add("CloudWatch metrics")
        row.workgroup = row.workgroup or workgroup_name
        times = sorted(t for t, _ in series)
        row.start = row.start or times[0]
        if "ListSessions" not in row.sources:
            row.end = times[-1] + timedelta(seconds=METRIC_PERIOD)
        row.dpu_hours = round(sum(v for _, v in series) * DATAPOINT_SECONDS / 3600, 4)


async def _from_trail(
    deps: Deps,
    region: str,
    workgroup: str | None,
    since: datetime,
    now: datetime,
    seen: dict[tuple[str, str], _Seen],
    limits: list[str],
) -> None:
    token: str | None = None
    for page_number in range(TRAIL_MAX_PAGES):
        if page_number:
            await anyio.sleep(TRAIL_INTERVAL_SECONDS)  # LookupEvents allows 2 requests per second
        kwargs: dict[str, Any] = {
            "LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "StartSession"}],
            "StartTime": since,
            "EndTime": now,
            "MaxResults": TRAIL_PAGE,
            **({"NextToken": token} if token else {}),
        }
        try:
            page = await deps.gateway.call_service(
                "cloudtrail",
                lambda client, kwargs=kwargs: client.lookup_events(**kwargs),
                action="cloudtrail:LookupEvents",
                what="StartSession events",
            )
        except AwsCallError as exc:
            limits.append(_gap(region, "CloudTrail StartSession events", exc))
            return
        for event in page.get("Events", []):
            _started(seen, region, workgroup, event)
        token = page.get("NextToken")
        if not token:
            return
    limits.append(
        f"{region}: CloudTrail read stopped after {TRAIL_MAX_PAGES * TRAIL_PAGE} StartSession events (2 requests "
        "per second allowed); older starts in the window are missing: lower Days."
    )


def _started(
    seen: dict[tuple[str, str], _Seen], region: str, workgroup: str | None, event: Mapping[str, Any]
) -> None:
    try:
        record = as_map(json.loads(str(event.get("CloudTrailEvent") or "{}")))
    except ValueError:
        return
    # Assumed shape (no documented sample): responseElements.sessionId, requestParameters.workGroup.
    session_id = as_str(as_map(record.get("responseElements")).get("sessionId"))
    name = as_str(as_map(record.get("requestParameters")).get("workGroup"))
    if not session_id or (workgroup and name != workgroup):
        return
    row = seen.setdefault((region, session_id), _Seen(region, session_id))
    row.sources.add("CloudTrail")
    row.workgroup = row.workgroup or name
    row.start = row.start or as_datetime(event.get("EventTime"))


def build(base: Deps) -> list[Tool]:
    async def list_athena_session_history(
        Days: DaysArg = 7,
        WorkGroup: HistoryWorkGroupArg = None,
        Region: RegionArg = None,
        StateFilter: HistoryStateArg = None,
        MaxResults: HistoryMaxResultsArg = 25,
        NextToken: NextTokenArg = None,
        Account: AccountArg = None,
    ) -> HistoryResult:
        """List the Amazon Athena Spark sessions that ran in the last Days, ended ones too, in every configured region.

        Merges ListSessions (every state), CloudWatch DPUCount metrics (14 days) and CloudTrail StartSession
        events (90 days); each row says which sources knew it. A session only metrics or CloudTrail know has
        no state here. `limits` says where a source cut the history short. Read-only.
        """
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
        seen: dict[tuple[str, str], _Seen] = {}
        limits: list[str] = []
        async with anyio.create_task_group() as group:
            for region in regions:
                here = deps.in_region(region)
                group.start_soon(_from_listings, here, region, WorkGroup, seen, limits)
                group.start_soon(_from_metrics, here, region, WorkGroup, since, now, seen, limits)
                group.start_soon(_from_trail, here, region, WorkGroup, since, now, seen, limits)
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
            # Ran in the window: still running (or its end is unknown), or ended after its start.
            if (r.end is None or r.end >= since)
            and (StateFilter is None or r.state == StateFilter)
            and (WorkGroup is None or r.workgroup == WorkGroup)
        ]
        rows.sort(
            key=lambda r: (r.start.timestamp() if r.start else 0.0, r.region, r.session_id), reverse=True
        )
        offset = int(NextToken) if NextToken and NextToken.isdigit() else 0
        page = rows[offset : offset + MaxResults]
        more = offset + MaxResults < len(rows)
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
            total=len(rows),
            next_token=str(offset + MaxResults) if more else None,
            limits=limits,
            untrusted=f"state_change_reason: {UNTRUSTED_LABEL}",
            hint=hint,
        )

    return [make_tool(list_athena_session_history, read_only("List Athena Spark session history"))]
