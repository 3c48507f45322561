"""The history's three sources, read per region: ListSessions of every Spark workgroup in every state,
CloudWatch `DPUCount` metrics and CloudTrail StartSession events, merged into one record per session
(Seen) with each source's gaps. list_athena_session_history decides and pages in tools/history.py."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import anyio

from athena_session_mcp.athena.errors import AwsCallError
from athena_session_mcp.athena.responses import as_datetime, as_map, as_str
from athena_session_mcp.athena.vocabulary import SESSION_STATES
from athena_session_mcp.tools import Deps
from athena_session_mcp.tools.common import engine_version
from athena_session_mcp.tools.reads import read_pages, spark_workgroup_page

# Documented: Athena's DPUCount (User Guide, "Monitor … with CloudWatch"); ListMetrics lists metrics with data
# in the past two weeks; CloudTrail LookupEvents keeps 90 days, pages by 50, 2 requests/s per region.
DPU_NAMESPACE = "AmazonAthenaForApacheSpark"
DPU_METRIC = "DPUCount"
METRICS_DAYS = 14
TRAIL_PAGE = 50
TRAIL_MAX_PAGES = 20
TRAIL_INTERVAL_SECONDS = 0.5
CONCURRENCY = 8  # ListSessions calls in flight at once
# ASSUMED (no page says how often Athena publishes DPUCount): one datapoint a minute, each the DPUs in use
# then, so a period's Sum x 60 s is its DPU-seconds. Read by the hour: a Sum per hour is exact under that
# assumption and returns 60x fewer datapoints than minutes would (metric-only times are to the hour).
DATAPOINT_SECONDS = 60
METRIC_PERIOD = 3600


@dataclass
class Seen:
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


def gap(region: str, what: str, exc: AwsCallError) -> str:
    """What an account-wide read (history, account summary) could not read in `region`, and the IAM
    action that would allow it."""
    return f"{region}: {what} not read ({exc.code or 'error'}" + (
        f"; needs {exc.action})" if exc.action else ")"
    )


# ListWorkGroups' largest page; account-wide reads scan at most this many pages (1,000 workgroups).
WORKGROUP_PAGE = 50
MAX_WORKGROUP_PAGES = 20


async def spark_workgroups(deps: Deps, region: str, limits: list[str]) -> list[str]:
    """The names of the Apache Spark workgroups in the gateway's region; past MAX_WORKGROUP_PAGES pages,
    a line in `limits` says the rest were not read."""
    names: list[str] = []
    token: str | None = None
    for _ in range(MAX_WORKGROUP_PAGES):
        items, _, token = await spark_workgroup_page(deps, token, WORKGROUP_PAGE)
        names += [name for item in items if (name := as_str(item.get("Name")))]
        if token is None:
            return names
    limits.append(
        f"{region}: workgroups past the first {WORKGROUP_PAGE * MAX_WORKGROUP_PAGES} not read "
        "(ListWorkGroups has more pages)"
    )
    return names


async def from_listings(
    deps: Deps, region: str, workgroup: str | None, seen: dict[tuple[str, str], Seen], limits: list[str]
) -> None:
    try:
        workgroups = [workgroup] if workgroup else await spark_workgroups(deps, region, limits)
    except AwsCallError as exc:
        limits.append(gap(region, "ListSessions (workgroups)", exc))
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
                failed.append(gap(region, f"ListSessions of {name} ({state})", exc))
                return
        for item in items:
            listed(seen, region, name, item)

    async with anyio.create_task_group() as group:
        for name in workgroups:
            for state in SESSION_STATES:
                group.start_soon(one, name, state)
    limits.extend(sorted(failed)[:5])


def listed(seen: dict[tuple[str, str], Seen], region: str, workgroup: str, item: Mapping[str, Any]) -> None:
    session_id = as_str(item.get("SessionId"))
    if not session_id:
        return
    status = as_map(item.get("Status"))
    row = seen.setdefault((region, session_id), Seen(region, session_id))
    row.sources.add("ListSessions")
    row.workgroup = workgroup
    row.engine = engine_version(item)
    row.state = as_str(status.get("State"))
    row.start = as_datetime(status.get("StartDateTime")) or row.start
    row.end = as_datetime(status.get("EndDateTime"))
    row.reason = as_str(status.get("StateChangeReason"))


async def from_metrics(
    deps: Deps,
    region: str,
    workgroup: str | None,
    since: datetime,
    now: datetime,
    seen: dict[tuple[str, str], Seen],
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
        limits.append(gap(region, "CloudWatch DPUCount metrics", exc))
        return
    for (session_id, workgroup_name), series in points.items():
        if not series:
            continue
        row = seen.setdefault((region, session_id), Seen(region, session_id))
        row.sources.add("CloudWatch metrics")
        row.workgroup = row.workgroup or workgroup_name
        times = sorted(t for t, _ in series)
        row.start = row.start or times[0]
        if "ListSessions" not in row.sources:
            row.end = times[-1] + timedelta(seconds=METRIC_PERIOD)
        row.dpu_hours = round(sum(v for _, v in series) * DATAPOINT_SECONDS / 3600, 4)


async def from_trail(
    deps: Deps,
    region: str,
    workgroup: str | None,
    since: datetime,
    now: datetime,
    seen: dict[tuple[str, str], Seen],
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
            limits.append(gap(region, "CloudTrail StartSession events", exc))
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
    seen: dict[tuple[str, str], Seen], region: str, workgroup: str | None, event: Mapping[str, Any]
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
    row = seen.setdefault((region, session_id), Seen(region, session_id))
    row.sources.add("CloudTrail")
    row.workgroup = row.workgroup or name
    row.start = row.start or as_datetime(event.get("EventTime"))
