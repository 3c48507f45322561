"""The emulator's history sources: DPUCount in CloudWatch, StartSession in CloudTrail (LookupEvents, added to
moto), ListRegions; expected values from the seed's definitions (emulator/history.py)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import boto3
import pytest

from athena_session_mcp.emulator.history import DPU_METRIC, DPU_NAMESPACE, PAST_SESSIONS
from tests.conftest import NOW
from tests.fleet import emulated_athena


def _client(service: str, region: str = "us-east-1") -> Any:
    make: Any = getattr(boto3, "client")  # noqa: B009
    return make(service, region_name=region)


def test_past_session_metrics_sum_to_its_dpu_hours() -> None:
    past = next(p for p in PAST_SESSIONS if p.session_id == "demo-past-nightly-1")
    with emulated_athena():
        answer = _client("cloudwatch").get_metric_data(
            MetricDataQueries=[
                {
                    "Id": "a",
                    "MetricStat": {
                        "Metric": {
                            "Namespace": DPU_NAMESPACE,
                            "MetricName": DPU_METRIC,
                            "Dimensions": [
                                {"Name": "SessionId", "Value": past.session_id},
                                {"Name": "WorkGroup", "Value": past.workgroup},
                            ],
                        },
                        "Period": 60,
                        "Stat": "Average",
                    },
                }
            ],
            StartTime=NOW - timedelta(days=14),
            EndTime=NOW,
        )
    values = answer["MetricDataResults"][0]["Values"]
    assert len(values) == 60  # one a minute for its hour
    assert sum(values) / 60 == past.dpus  # 4 DPU-hours


def test_lookup_events_pages_newest_first_and_holds_the_session_id() -> None:
    with emulated_athena():
        trail = _client("cloudtrail")
        attributes = [{"AttributeKey": "EventName", "AttributeValue": "StartSession"}]
        first = trail.lookup_events(LookupAttributes=attributes, MaxResults=2)
        second = trail.lookup_events(LookupAttributes=attributes, MaxResults=2, NextToken=first["NextToken"])
        times = [e["EventTime"] for e in first["Events"] + second["Events"]]
        assert times == sorted(times, reverse=True)
        record = json.loads(first["Events"][0]["CloudTrailEvent"])
        assert record["eventName"] == "StartSession"
        assert record["responseElements"]["sessionId"] == "demo-creating"  # started 3 s before NOW
        everything = trail.lookup_events(LookupAttributes=attributes, MaxResults=50)["Events"]
        ids = {json.loads(e["CloudTrailEvent"])["responseElements"]["sessionId"] for e in everything}
        assert "demo-past-old" in ids and "demo-past-metrics-only" not in ids
        assert "demo-eu-past-1" not in ids  # eu-west-1's trail
        with pytest.raises(trail.exceptions.InvalidLookupAttributesException):
            trail.lookup_events(LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": "x"}])


def test_list_regions_answers_the_seeded_regions() -> None:
    with emulated_athena():
        regions = _client("account").list_regions()["Regions"]
    assert [r["RegionName"] for r in regions] == ["eu-west-1", "us-east-1"]
