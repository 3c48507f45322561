"""Emulator: ListExecutors lifecycles tied to the session, seeded CloudWatch logs, stderr objects in S3."""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3
import pytest
from botocore.exceptions import ClientError

from athena_session_mcp import emulator
from athena_session_mcp.emulator import Clock
from tests.emulator.conftest import start_idle_session

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient
    from types_boto3_logs import CloudWatchLogsClient
    from types_boto3_s3 import S3Client


def states(client: AthenaClient, session_id: str) -> list[tuple[str, str]]:
    rows = client.list_executors(SessionId=session_id)["ExecutorsSummary"]
    return [(row.get("ExecutorType", ""), row.get("ExecutorState", "")) for row in rows]


def test_executors_follow_the_session_from_creating_to_terminated(
    athena: AthenaClient, spark_workgroup: str, clock: Clock
) -> None:
    session_id = athena.start_session(
        WorkGroup=spark_workgroup, EngineConfiguration={"MaxConcurrentDpus": 4}
    )["SessionId"]
    assert states(athena, session_id) == [("COORDINATOR", "CREATING")]
    clock.advance(12)
    assert states(athena, session_id) == [("COORDINATOR", "REGISTERED")]
    athena.start_calculation_execution(SessionId=session_id, CodeBlock="1 + 1")
    clock.advance(3)
    assert states(athena, session_id) == [("WORKER", "REGISTERED")] * 3 + [("COORDINATOR", "REGISTERED")]
    athena.terminate_session(SessionId=session_id)
    assert {state for _, state in states(athena, session_id)} == {"TERMINATING"}
    clock.advance(5)
    rows = athena.list_executors(SessionId=session_id)["ExecutorsSummary"]
    assert {row.get("ExecutorState") for row in rows} == {"TERMINATED"}
    assert all("TerminationDateTime" in row for row in rows)


def test_filters_by_state_and_pages_newest_first(athena: AthenaClient, clock: Clock) -> None:
    emulator.seed_demo()
    failed = athena.list_executors(SessionId=emulator.SESSION_DEGRADED, ExecutorStateFilter="FAILED")
    # "no healthy coordinators" (SessionState): the coordinator is FAILED, and (assumed) all workers but one.
    assert [row.get("ExecutorType") for row in failed["ExecutorsSummary"]] == ["WORKER"] * 3 + ["COORDINATOR"]
    first = athena.list_executors(SessionId=emulator.SESSION_DEGRADED, MaxResults=2)
    rest = athena.list_executors(
        SessionId=emulator.SESSION_DEGRADED, MaxResults=2, NextToken=first.get("NextToken", "")
    )
    last = athena.list_executors(
        SessionId=emulator.SESSION_DEGRADED, MaxResults=2, NextToken=rest.get("NextToken", "")
    )
    rows = first["ExecutorsSummary"] + rest["ExecutorsSummary"] + last["ExecutorsSummary"]
    assert len(rows) == 5 and "NextToken" not in last
    starts = [row.get("StartDateTime", 0) for row in rows]
    assert starts == sorted(starts, reverse=True) and rows[-1].get("ExecutorType") == "COORDINATOR"


def test_a_failed_session_has_a_failed_coordinator_and_worker(athena: AthenaClient) -> None:
    emulator.seed_demo()
    assert sorted(states(athena, emulator.SESSION_FAILED)) == [
        ("COORDINATOR", "FAILED"),
        ("WORKER", "FAILED"),
        ("WORKER", "TERMINATED"),
        ("WORKER", "TERMINATED"),
        ("WORKER", "TERMINATED"),
    ]


def test_unknown_session_and_foreign_tokens_are_invalid_requests(
    athena: AthenaClient, spark_workgroup: str, clock: Clock
) -> None:
    with pytest.raises(ClientError, match="not found"):
        athena.list_executors(SessionId="nope")
    session_id = start_idle_session(athena, clock, spark_workgroup)
    with pytest.raises(ClientError, match="NextToken"):
        athena.list_executors(SessionId=session_id, NextToken="forged")


@pytest.fixture
def logs(aws: None, boto_session: boto3.session.Session) -> CloudWatchLogsClient:
    client: CloudWatchLogsClient = boto_session.client("logs")  # pyright: ignore[reportUnknownMemberType]
    return client


def test_seeded_sessions_with_logging_on_write_documented_log_streams(
    athena: AthenaClient, logs: CloudWatchLogsClient
) -> None:
    emulator.seed_demo()
    executor = athena.list_executors(SessionId=emulator.SESSION_FAILED, ExecutorStateFilter="FAILED")
    executor_ids = {row.get("ExecutorId") for row in executor["ExecutorsSummary"]}
    streams = logs.describe_log_streams(
        logGroupName="/aws-athena/demo-spark", logStreamNamePrefix="demo-failed/"
    )
    names = [s.get("logStreamName", "") for s in streams["logStreams"]]
    assert names and all(name.split("/")[1] in executor_ids for name in names)
    events = logs.filter_log_events(logGroupName="/aws-athena/demo-spark", logStreamNames=names)["events"]
    messages = [e.get("message", "") for e in events]
    assert all(m.startswith("AthenaForApacheSpark: ") for m in messages)
    assert any(" ERROR " in m and "java.lang.OutOfMemoryError" in m for m in messages)
    unlogged = logs.describe_log_streams(
        logGroupName="/aws-athena/demo-spark", logStreamNamePrefix="demo-busy/"
    )
    assert unlogged["logStreams"] == []


def test_failed_calculations_leave_realistic_stderr_in_s3(athena: AthenaClient, s3: S3Client) -> None:
    emulator.seed_demo()
    calcs = athena.list_calculation_executions(SessionId=emulator.SESSION_FAILED)["Calculations"]
    texts: list[str] = []
    for calc in calcs:
        result = athena.get_calculation_execution(
            CalculationExecutionId=calc.get("CalculationExecutionId", "")
        )
        uri = result.get("Result", {}).get("StdErrorS3Uri", "")
        bucket, _, key = uri.removeprefix("s3://").partition("/")
        texts.append(s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode())
    assert any("AnalysisException: [TABLE_OR_VIEW_NOT_FOUND]" in t and "Traceback" in t for t in texts)
    assert any("java.lang.OutOfMemoryError: Java heap space" in t for t in texts)
