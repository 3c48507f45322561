"""What a real account keeps about sessions beyond ListSessions, emulated: Athena's ``DPUCount`` metric in
moto's CloudWatch, CloudTrail ``StartSession`` events (moto has no LookupEvents: ``install_history`` adds
it), and Account Management ``ListRegions``. Shapes the documentation does not give are assumptions
(assumptions.py, FIDELITY.md)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from . import assumptions
from .constants import DEFAULT_REGION, DEMO_SPARK35_WORKGROUP, DEMO_SPARK_WORKGROUP, SECOND_REGION
from .constants import SPARK35_ENGINE_VERSION as SPARK35
from .constants import SPARK_ENGINE_VERSION as PYSPARK

__all__ = [
    "DPU_METRIC",
    "DPU_NAMESPACE",
    "PAST_SESSIONS",
    "PastSession",
    "install_history",
    "publish_dpu_count",
    "record_start_session",
    "seed_history",
]

# Documented (User Guide, "Monitor Apache Spark calculations with CloudWatch metrics").
DPU_NAMESPACE = "AmazonAthenaForApacheSpark"
DPU_METRIC = "DPUCount"
_EVENTS_ATTR = "_athena_session_mcp_cloudtrail_events"


@dataclass(frozen=True, kw_only=True)
class PastSession:
    """A session that ran before now and that ListSessions no longer returns (it is in no Athena state):
    known from its DPUCount datapoints and/or its StartSession event only."""

    session_id: str
    workgroup: str
    engine_version: str
    started_ago: timedelta
    ran: timedelta
    dpus: int
    region: str = DEFAULT_REGION
    metrics: bool = True  # its execution role could publish DPUCount
    trail: bool = True  # a StartSession event (CloudTrail keeps 90 days)
    tags: tuple[tuple[str, str], ...] = ()


# Two weeks of history; sessions older than the metrics' two weeks are known from CloudTrail only.
PAST_SESSIONS: tuple[PastSession, ...] = (
    PastSession(
        session_id="demo-past-nightly-1",
        workgroup=DEMO_SPARK_WORKGROUP,
        engine_version=PYSPARK,
        started_ago=timedelta(days=1, hours=2),
        ran=timedelta(hours=1),
        dpus=4,
        tags=(("team", "analytics"),),
    ),
    PastSession(
        session_id="demo-past-nightly-2",
        workgroup=DEMO_SPARK_WORKGROUP,
        engine_version=PYSPARK,
        started_ago=timedelta(days=2, hours=2),
        ran=timedelta(minutes=90),
        dpus=4,
        tags=(("team", "analytics"),),
    ),
    PastSession(
        session_id="demo-past-spark35-etl",
        workgroup=DEMO_SPARK35_WORKGROUP,
        engine_version=SPARK35,
        started_ago=timedelta(days=5),
        ran=timedelta(hours=2),
        dpus=8,
        tags=(("team", "etl"),),
    ),
    PastSession(
        session_id="demo-past-no-metrics",
        workgroup=DEMO_SPARK_WORKGROUP,
        engine_version=PYSPARK,
        started_ago=timedelta(days=9),
        ran=timedelta(minutes=30),
        dpus=2,
        metrics=False,  # its execution role lacked cloudwatch:PutMetricData
    ),
    PastSession(
        session_id="demo-past-metrics-only",
        workgroup=DEMO_SPARK35_WORKGROUP,
        engine_version=SPARK35,
        started_ago=timedelta(days=3),
        ran=timedelta(minutes=45),
        dpus=2,
        trail=False,  # started in a way that left no event in this region's trail
    ),
    PastSession(
        session_id="demo-past-old",
        workgroup=DEMO_SPARK_WORKGROUP,
        engine_version=PYSPARK,
        started_ago=timedelta(days=20),
        ran=timedelta(hours=1),
        dpus=4,
        metrics=False,  # older than the two weeks ListMetrics covers
    ),
    PastSession(
        session_id="demo-eu-past-1",
        workgroup=DEMO_SPARK_WORKGROUP,
        engine_version=PYSPARK,
        region=SECOND_REGION,
        started_ago=timedelta(days=4),
        ran=timedelta(hours=1),
        dpus=2,
    ),
)


def publish_dpu_count(
    account_id: str,
    region: str,
    *,
    session_id: str,
    workgroup: str,
    start: datetime,
    end: datetime,
    dpus: float,
) -> None:
    """DPUCount datapoints for one session, one per period from start to end (below PutMetricData's
    validation, so back-dated points follow the emulator's clock)."""
    from moto.cloudwatch.models import cloudwatch_backends

    backend = cloudwatch_backends[account_id][region]
    step = timedelta(seconds=assumptions.DPU_COUNT_PERIOD_SECONDS)
    dimensions = [{"Name": "SessionId", "Value": session_id}, {"Name": "WorkGroup", "Value": workgroup}]
    points: list[dict[str, Any]] = []
    at = start
    while at < end:
        points.append(
            {
                "MetricName": DPU_METRIC,
                "Dimensions": dimensions,
                # moto keeps naive UTC datetimes
                "Timestamp": at.astimezone(UTC).replace(tzinfo=None),
                "Value": dpus,
                "Unit": "Count",
            }
        )
        at += step
    if points:
        backend.put_metric_data(DPU_NAMESPACE, points)


def _events(account_id: str, region: str) -> list[dict[str, Any]]:
    # Kept on moto's CloudTrail backend, so moto's reset() forgets them with the rest.
    from moto.cloudtrail.models import cloudtrail_backends

    backend = cloudtrail_backends[account_id][region]
    events = backend.__dict__.get(_EVENTS_ATTR)
    if not isinstance(events, list):
        events = backend.__dict__[_EVENTS_ATTR] = []
    return cast(list[dict[str, Any]], events)


def record_start_session(
    account_id: str,
    region: str,
    *,
    session_id: str,
    workgroup: str,
    at: datetime,
    description: str | None = None,
    tags: tuple[tuple[str, str], ...] = (),
) -> None:
    """A CloudTrail management event for a StartSession call (shape assumed: no documented sample)."""
    request: dict[str, Any] = {"workGroup": workgroup, "engineConfiguration": {"maxConcurrentDpus": 20}}
    if description:
        request["description"] = description
    if tags:
        request["tags"] = [{"key": k, "value": v} for k, v in tags]
    record = {
        "eventVersion": "1.09",
        "eventTime": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": "athena.amazonaws.com",
        "eventName": "StartSession",
        "awsRegion": region,
        "requestParameters": request,
        "responseElements": {"sessionId": session_id, "state": "CREATING"},
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account_id,
    }
    _events(account_id, region).append(
        {
            "EventId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{region}/{session_id}")),
            "EventName": "StartSession",
            "ReadOnly": "false",
            "EventTime": at,
            "EventSource": "athena.amazonaws.com",
            "Username": assumptions.CLOUDTRAIL_DEMO_USERNAME,
            "Resources": [{"ResourceType": "AWS::Athena::WorkGroup", "ResourceName": workgroup}],
            "CloudTrailEvent": json.dumps(record),
        }
    )


def lookup_events(account_id: str, region: str, params: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """CloudTrail LookupEvents over the recorded events: one EventName attribute, a time window within 90
    days, newest first, at most 50 per page."""
    attributes = cast(list[Mapping[str, Any]], params.get("LookupAttributes") or [])
    if len(attributes) > 1:
        raise _InvalidLookupError("LookupAttributes accepts one attribute")
    wanted = None
    if attributes:
        if attributes[0].get("AttributeKey") != "EventName":
            raise _InvalidLookupError("The emulator filters LookupEvents by EventName only")
        wanted = attributes[0].get("AttributeValue")
    oldest = now - timedelta(days=assumptions.CLOUDTRAIL_RETENTION_DAYS)
    start = max(_when(params.get("StartTime")) or oldest, oldest)
    end = _when(params.get("EndTime")) or now
    size = int(params.get("MaxResults") or 50)
    if not 1 <= size <= 50:
        raise _InvalidLookupError("MaxResults must be between 1 and 50")
    chosen = sorted(
        (
            e
            for e in _events(account_id, region)
            if (wanted is None or e["EventName"] == wanted) and start <= e["EventTime"] <= end
        ),
        key=lambda e: e["EventTime"],
        reverse=True,
    )
    offset = int(params.get("NextToken") or 0)
    page = chosen[offset : offset + size]
    answer: dict[str, Any] = {"Events": [{**e, "EventTime": e["EventTime"].timestamp()} for e in page]}
    if offset + size < len(chosen):
        answer["NextToken"] = str(offset + size)
    return answer


def _when(value: object) -> datetime | None:
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str) and value:
        try:
            return datetime.fromtimestamp(float(value), UTC)
        except ValueError:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return None


class _InvalidLookupError(Exception):
    """LookupEvents refused its LookupAttributes or MaxResults."""


def seed_history(account_id: str, region: str, now: datetime) -> None:
    """DPUCount and StartSession events for the region's live sessions and its PAST_SESSIONS."""
    from .control import service_for

    service = service_for(account_id, region)
    with service.state.lock:
        sessions = list(service.state.sessions.values())
        for session in sessions:
            view = service.view(session, now)
            end = view.ended_at or now
            alive_ms = max((end - session.started_at).total_seconds() * 1000, 1)
            record_start_session(
                account_id,
                region,
                session_id=session.session_id,
                workgroup=session.workgroup,
                at=session.started_at,
                description=session.description,
            )
            publish_dpu_count(
                account_id,
                region,
                session_id=session.session_id,
                workgroup=session.workgroup,
                start=session.started_at,
                end=end,
                dpus=round(view.dpu_millis / alive_ms, 3),
            )
    for past in PAST_SESSIONS:
        if past.region != region:
            continue
        start = now - past.started_ago
        if past.trail:
            record_start_session(
                account_id,
                region,
                session_id=past.session_id,
                workgroup=past.workgroup,
                at=start,
                tags=past.tags,
            )
        if past.metrics:
            publish_dpu_count(
                account_id,
                region,
                session_id=past.session_id,
                workgroup=past.workgroup,
                start=start,
                end=start + past.ran,
                dpus=past.dpus,
            )


def install_history() -> None:
    """Add CloudTrail LookupEvents and Account Management ListRegions to moto (called by patch.install)."""
    from moto.account import urls as account_urls
    from moto.account.responses import AccountResponse
    from moto.cloudtrail.responses import CloudTrailResponse

    from .clock import get_clock

    def cloudtrail_lookup_events(self: CloudTrailResponse) -> str | tuple[str, dict[str, int]]:
        try:
            params = cast(dict[str, Any], json.loads(self.body or "{}"))
            return json.dumps(lookup_events(self.current_account, self.region, params, get_clock().now()))
        except _InvalidLookupError as exc:
            body = {"__type": "InvalidLookupAttributesException", "message": str(exc)}
            return json.dumps(body), {"status": 400}

    def account_list_regions(self: AccountResponse) -> str:
        regions = [
            {"RegionName": name, "RegionOptStatus": "ENABLED_BY_DEFAULT"}
            for name in assumptions.EMULATOR_ENABLED_REGIONS
        ]
        return json.dumps({"Regions": regions})

    cloudtrail_lookup_events.__name__ = "lookup_events"
    account_list_regions.__name__ = "list_regions"
    setattr(CloudTrailResponse, "lookup_events", cloudtrail_lookup_events)  # noqa: B010
    setattr(AccountResponse, "list_regions", account_list_regions)  # noqa: B010
    account_urls.url_paths.setdefault("{0}/listRegions$", AccountResponse.dispatch)
