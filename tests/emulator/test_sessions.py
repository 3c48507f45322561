"""Session operations and the session state machine, driven through boto3 only."""

# Tests index response keys directly on purpose: a missing key is a test failure.
# pyright: reportTypedDictNotRequiredAccess=false

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from athena_session_mcp import emulator
from athena_session_mcp.emulator import Clock

from .conftest import (
    FROZEN_AT,
    KMS_KEY,
    ROLE,
    SPARK_OUTPUT,
    athena_client,
    create_spark_workgroup,
    start_idle_session,
)
from .shape_check import RawResponses

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient
    from types_boto3_athena.literals import SessionStateType


def _state(client: AthenaClient, session_id: str) -> str:
    return client.get_session_status(SessionId=session_id)["Status"]["State"]


def _error(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def test_start_session_fills_configuration_from_workgroup(athena: AthenaClient, spark_workgroup: str) -> None:
    started = athena.start_session(
        WorkGroup=spark_workgroup,
        Description="exploration",
        EngineConfiguration={
            "MaxConcurrentDpus": 8,
            "SparkProperties": {"spark.sql.shuffle.partitions": "8"},
            "AdditionalConfigs": {"NotebookId": "nb-1"},
        },
        NotebookVersion="Athena notebook version 1",
        SessionIdleTimeoutInMinutes=30,
        MonitoringConfiguration={
            "CloudWatchLoggingConfiguration": {"Enabled": True, "LogGroup": "/spark/logs"}
        },
    )
    assert started["State"] == "CREATING"
    session = athena.get_session(SessionId=started["SessionId"])
    assert session["WorkGroup"] == spark_workgroup
    assert session["Description"] == "exploration"
    assert session["EngineVersion"] == "PySpark engine version 3"
    assert session["NotebookVersion"] == "Athena notebook version 1"
    assert session["EngineConfiguration"] == {
        "CoordinatorDpuSize": 1,
        "MaxConcurrentDpus": 8,
        "DefaultExecutorDpuSize": 1,
        "SparkProperties": {"spark.sql.shuffle.partitions": "8"},
        "AdditionalConfigs": {"NotebookId": "nb-1"},
    }
    assert session["SessionConfiguration"] == {
        "ExecutionRole": ROLE,
        "WorkingDirectory": f"{SPARK_OUTPUT}{started['SessionId']}/",
        "IdleTimeoutSeconds": 1800,
        "SessionIdleTimeoutInMinutes": 30,
        "EncryptionConfiguration": {"EncryptionOption": "SSE_KMS", "KmsKey": KMS_KEY},
    }
    assert session["MonitoringConfiguration"]["CloudWatchLoggingConfiguration"]["LogGroup"] == "/spark/logs"
    assert session["Status"]["StartDateTime"] == FROZEN_AT


def test_session_without_workgroup_encryption_has_no_encryption_configuration(
    athena: AthenaClient, clock: Clock
) -> None:
    create_spark_workgroup(athena, "plain-wg", encrypted=False)
    session_id = start_idle_session(athena, clock, "plain-wg")
    configuration = athena.get_session(SessionId=session_id)["SessionConfiguration"]
    assert "EncryptionConfiguration" not in configuration
    assert configuration["IdleTimeoutSeconds"] == 20 * 60


def test_session_goes_creating_created_idle(athena: AthenaClient, spark_workgroup: str, clock: Clock) -> None:
    session_id = athena.start_session(WorkGroup=spark_workgroup, EngineConfiguration={})["SessionId"]
    assert _state(athena, session_id) == "CREATING"
    clock.advance(9.9)
    assert _state(athena, session_id) == "CREATING"
    clock.advance(0.2)
    assert _state(athena, session_id) == "CREATED"
    clock.advance(2)
    status = athena.get_session_status(SessionId=session_id)["Status"]
    assert status["State"] == "IDLE"
    assert status["IdleSinceDateTime"] == FROZEN_AT + timedelta(seconds=12)
    assert status["LastModifiedDateTime"] == FROZEN_AT + timedelta(seconds=12)


def test_idle_session_terminates_after_idle_timeout(
    athena: AthenaClient, spark_workgroup: str, clock: Clock
) -> None:
    session_id = start_idle_session(athena, clock, spark_workgroup, idle_timeout_minutes=5)
    clock.advance(5 * 60 - 1)
    assert _state(athena, session_id) == "IDLE"
    clock.advance(1)
    status = athena.get_session(SessionId=session_id)["Status"]
    assert status["State"] == "TERMINATED"
    # User Guide, "Troubleshoot session errors": the same sentence as a stop by request.
    assert status["StateChangeReason"] == "Session was terminated per request."
    assert status["EndDateTime"] == FROZEN_AT + timedelta(seconds=12 + 300)
    # assumptions.IDLE_SINCE_KEPT_AFTER_END: the idle period that ended it stays visible.
    assert status["IdleSinceDateTime"] == FROZEN_AT + timedelta(seconds=12)


def test_default_idle_timeout_is_twenty_minutes(
    athena: AthenaClient, idle_session: str, clock: Clock
) -> None:
    clock.advance(20 * 60 - 1)
    assert _state(athena, idle_session) == "IDLE"
    clock.advance(1)
    status = athena.get_session_status(SessionId=idle_session)["Status"]
    assert (status["State"], status["StateChangeReason"]) == (
        "TERMINATED",
        "Session was terminated per request.",
    )


def test_running_calculation_makes_session_busy_then_idle_again(
    athena: AthenaClient, idle_session: str, clock: Clock
) -> None:
    emulator.register_canned_result("work()", stdout="done", run_seconds=60)
    athena.start_calculation_execution(SessionId=idle_session, CodeBlock="work()")
    assert _state(athena, idle_session) == "BUSY"
    clock.advance(61)
    assert _state(athena, idle_session) == "BUSY"
    clock.advance(1)
    status = athena.get_session_status(SessionId=idle_session)["Status"]
    assert status["State"] == "IDLE"
    # The idle countdown restarts when the calculation finishes.
    assert status["IdleSinceDateTime"] == FROZEN_AT + timedelta(seconds=12 + 62)
    clock.advance(20 * 60 - 1)
    assert _state(athena, idle_session) == "IDLE"


def test_terminate_session_goes_terminating_then_terminated(
    athena: AthenaClient, idle_session: str, clock: Clock
) -> None:
    assert athena.terminate_session(SessionId=idle_session)["State"] == "TERMINATING"
    assert _state(athena, idle_session) == "TERMINATING"
    assert athena.terminate_session(SessionId=idle_session)["State"] == "TERMINATING"
    clock.advance(3)
    status = athena.get_session_status(SessionId=idle_session)["Status"]
    assert status["State"] == "TERMINATED"
    assert status["StateChangeReason"] == "Session was terminated per request."
    assert status["EndDateTime"] == FROZEN_AT + timedelta(seconds=15)


@pytest.mark.parametrize("end", ["terminate", "fail"])
def test_terminating_an_inactive_session_succeeds_without_effect(
    athena: AthenaClient, idle_session: str, clock: Clock, end: str
) -> None:
    # API Reference, TerminateSession: on FAILED/TERMINATED/TERMINATING it "succeeds but has no effect".
    if end == "terminate":
        athena.terminate_session(SessionId=idle_session)
        clock.advance(3)
    else:
        emulator.inject_session_failure(idle_session, "boom")
    before = athena.get_session(SessionId=idle_session)["Status"]
    clock.advance(60)
    assert athena.terminate_session(SessionId=idle_session)["State"] == before["State"]
    assert athena.get_session(SessionId=idle_session)["Status"] == before


@pytest.mark.parametrize(
    "operation",
    [
        "get_session",
        "get_session_status",
        "terminate_session",
        "get_session_endpoint",
        "list_calculation_executions",
    ],
)
def test_unknown_session_is_invalid_request_with_not_found_message(
    athena: AthenaClient, spark_workgroup: str, operation: str
) -> None:
    with pytest.raises(ClientError) as caught:
        getattr(athena, operation)(SessionId="no-such-session")
    assert _error(caught) == ("InvalidRequestException", "Session no-such-session not found")


def test_start_calculation_on_unknown_session_is_invalid_request(athena: AthenaClient) -> None:
    with pytest.raises(ClientError) as caught:
        athena.start_calculation_execution(SessionId="ghost", CodeBlock="1")
    assert _error(caught) == ("InvalidRequestException", "Session ghost not found")


def test_list_sessions_pages_newest_first(athena: AthenaClient, spark_workgroup: str, clock: Clock) -> None:
    started: list[str] = []
    for _ in range(5):
        started.append(athena.start_session(WorkGroup=spark_workgroup, EngineConfiguration={})["SessionId"])
        clock.advance(1)
    seen: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        page = (
            athena.list_sessions(WorkGroup=spark_workgroup, MaxResults=2, NextToken=token)
            if token
            else athena.list_sessions(WorkGroup=spark_workgroup, MaxResults=2)
        )
        pages += 1
        assert len(page["Sessions"]) <= 2
        seen.extend(s["SessionId"] for s in page["Sessions"])
        token = page.get("NextToken")
        if not token:
            break
    assert pages == 3
    assert seen == list(reversed(started))


def test_list_sessions_filters_by_state(athena: AthenaClient, spark_workgroup: str, clock: Clock) -> None:
    first = start_idle_session(athena, clock, spark_workgroup)
    second = start_idle_session(athena, clock, spark_workgroup)
    athena.terminate_session(SessionId=second)
    creating = athena.start_session(WorkGroup=spark_workgroup, EngineConfiguration={})["SessionId"]

    def ids(state: SessionStateType) -> list[str]:
        response = athena.list_sessions(WorkGroup=spark_workgroup, StateFilter=state)
        return [s["SessionId"] for s in response["Sessions"]]

    assert ids("IDLE") == [first]
    assert ids("TERMINATING") == [second]
    assert ids("CREATING") == [creating]
    assert ids("FAILED") == []


def test_list_sessions_without_filter_lists_only_active_sessions(
    athena: AthenaClient, spark_workgroup: str, clock: Clock
) -> None:
    # API Reference, ListSessions: "Lists the sessions in a workgroup that are in an active state";
    # TerminateSession calls TERMINATING inactive; DEGRADED counts as active (assumptions.py).
    idle = start_idle_session(athena, clock, spark_workgroup)
    degraded = start_idle_session(athena, clock, spark_workgroup)
    emulator.inject_session_degraded(degraded, "coordinator unhealthy")
    failed = start_idle_session(athena, clock, spark_workgroup)
    emulator.inject_session_failure(failed, "boom")
    terminated = start_idle_session(athena, clock, spark_workgroup)
    athena.terminate_session(SessionId=terminated)
    terminating = start_idle_session(athena, clock, spark_workgroup)
    athena.terminate_session(SessionId=terminating)
    creating = athena.start_session(WorkGroup=spark_workgroup, EngineConfiguration={})["SessionId"]

    def listed(state: SessionStateType | None = None) -> dict[str, str]:
        response = (
            athena.list_sessions(WorkGroup=spark_workgroup, StateFilter=state)
            if state
            else athena.list_sessions(WorkGroup=spark_workgroup)
        )
        return {s["SessionId"]: s["Status"]["State"] for s in response["Sessions"]}

    assert listed() == {idle: "IDLE", degraded: "DEGRADED", creating: "CREATING"}
    assert listed("TERMINATING") == {terminating: "TERMINATING"}
    assert listed("TERMINATED") == {terminated: "TERMINATED"}
    assert listed("FAILED") == {failed: "FAILED"}


@pytest.mark.parametrize("token", ["garbage", "eyJrIjoic2Vzc2lvbnMifQ", "a" * 2048])
def test_list_sessions_rejects_invalid_next_token(
    athena: AthenaClient, spark_workgroup: str, token: str
) -> None:
    with pytest.raises(ClientError) as caught:
        athena.list_sessions(WorkGroup=spark_workgroup, NextToken=token)
    assert _error(caught)[0] == "InvalidRequestException"


def test_next_token_is_bound_to_its_listing(athena: AthenaClient, clock: Clock) -> None:
    for name in ("wg-a", "wg-b"):
        create_spark_workgroup(athena, name)
        for _ in range(3):
            athena.start_session(WorkGroup=name, EngineConfiguration={})
    token = athena.list_sessions(WorkGroup="wg-a", MaxResults=1)["NextToken"]
    assert len(athena.list_sessions(WorkGroup="wg-a", MaxResults=1, NextToken=token)["Sessions"]) == 1
    with pytest.raises(ClientError):
        athena.list_sessions(WorkGroup="wg-b", MaxResults=1, NextToken=token)
    with pytest.raises(ClientError):
        athena.list_sessions(WorkGroup="wg-a", StateFilter="IDLE", NextToken=token)


def test_session_endpoint_is_refused_for_pyspark_engine_version_3(
    athena: AthenaClient, idle_session: str
) -> None:
    # Spark Connect (GetSessionEndpoint) is an Apache Spark version 3.5 feature; the refusal is assumed.
    with pytest.raises(ClientError) as caught:
        athena.get_session_endpoint(SessionId=idle_session)
    assert _error(caught)[0] == "InvalidRequestException"


def test_session_dpu_statistics_grow_monotonically(
    athena: AthenaClient, idle_session: str, clock: Clock
) -> None:
    def dpu() -> int:
        return athena.get_session(SessionId=idle_session)["Statistics"]["DpuExecutionInMillis"]

    readings = [dpu()]
    athena.start_calculation_execution(SessionId=idle_session, CodeBlock="x = 1")
    for _ in range(6):
        clock.advance(2)
        readings.append(dpu())
    athena.terminate_session(SessionId=idle_session)
    clock.advance(60)
    readings.append(dpu())
    clock.advance(600)
    readings.append(dpu())
    assert readings == sorted(readings)
    assert readings[0] == 12_000  # one coordinator DPU for 12 s
    assert readings[-1] == readings[-2]  # nothing accrues after the end
    assert readings[-1] > readings[0] + 12_000  # executors added while the calculation ran


def test_injected_failure_fails_session_and_its_running_calculation(
    athena: AthenaClient, idle_session: str, clock: Clock
) -> None:
    emulator.register_canned_result("big_job()", run_seconds=600)
    calc_id = athena.start_calculation_execution(SessionId=idle_session, CodeBlock="big_job()")[
        "CalculationExecutionId"
    ]
    clock.advance(30)
    emulator.inject_session_failure(idle_session, "Executor lost: java.lang.OutOfMemoryError")
    status = athena.get_session_status(SessionId=idle_session)["Status"]
    assert status["State"] == "FAILED"
    assert status["StateChangeReason"] == "Executor lost: java.lang.OutOfMemoryError"
    assert status["EndDateTime"] == FROZEN_AT + timedelta(seconds=42)
    assert (
        athena.get_calculation_execution_status(CalculationExecutionId=calc_id)["Status"]["State"] == "FAILED"
    )
    with pytest.raises(ClientError):
        athena.start_calculation_execution(SessionId=idle_session, CodeBlock="1")
    assert athena.terminate_session(SessionId=idle_session)["State"] == "FAILED"


def test_injected_degradation_shows_reason_until_recovered(
    athena: AthenaClient, idle_session: str, clock: Clock
) -> None:
    emulator.inject_session_degraded(idle_session, "Executors unhealthy")
    status = athena.get_session_status(SessionId=idle_session)["Status"]
    assert (status["State"], status.get("StateChangeReason")) == ("DEGRADED", "Executors unhealthy")
    with pytest.raises(ClientError):
        athena.start_calculation_execution(SessionId=idle_session, CodeBlock="1")
    clock.advance(5)
    emulator.recover_session(idle_session)
    assert _state(athena, idle_session) == "IDLE"


def test_injection_on_unknown_session_raises(aws: None) -> None:
    with pytest.raises(Exception, match="not found"):
        emulator.inject_session_failure("ghost", "boom")


def test_client_request_token_makes_start_session_idempotent(
    athena: AthenaClient, spark_workgroup: str
) -> None:
    token = "t" * 32
    first = athena.start_session(WorkGroup=spark_workgroup, EngineConfiguration={}, ClientRequestToken=token)
    again = athena.start_session(WorkGroup=spark_workgroup, EngineConfiguration={}, ClientRequestToken=token)
    assert first["SessionId"] == again["SessionId"]
    assert len(athena.list_sessions(WorkGroup=spark_workgroup)["Sessions"]) == 1


def test_every_session_operation_response_was_checked_against_the_model(
    athena: AthenaClient, raw: RawResponses, idle_session: str
) -> None:
    athena.get_session(SessionId=idle_session)
    athena.list_sessions(WorkGroup="spark-wg")
    athena.terminate_session(SessionId=idle_session)
    operations = {name for name, _, _ in raw.seen}
    assert {
        "CreateWorkGroup",
        "StartSession",
        "GetSession",
        "GetSessionStatus",
        "ListSessions",
        "TerminateSession",
    } <= operations


def test_new_mock_context_starts_empty(clock: Clock, boto_session: boto3.session.Session) -> None:
    emulator.install()
    for _ in range(2):
        with mock_aws():
            client = athena_client(boto_session)
            create_spark_workgroup(client)
            assert client.list_sessions(WorkGroup="spark-wg")["Sessions"] == []
            client.start_session(WorkGroup="spark-wg", EngineConfiguration={})
            client.close()


def test_programmatic_session_has_no_notebook_version(athena: AthenaClient, idle_session: str) -> None:
    # StartSession: NotebookVersion "is supplied automatically for notebook sessions in the Athena console
    # and is not required for programmatic session access".
    assert "NotebookVersion" not in athena.get_session(SessionId=idle_session)


@pytest.mark.parametrize(
    ("version", "configs", "expected"),
    [
        ("Athena notebook version 2", {"NotebookId": "nb-1"}, "only valid notebook version"),
        ("Athena notebook version 1", {}, "NotebookId"),
    ],
)
def test_start_session_rejects_an_invalid_notebook_request(
    athena: AthenaClient, spark_workgroup: str, version: str, configs: dict[str, str], expected: str
) -> None:
    # StartSession: "The only valid notebook version is Athena notebook version 1. If you specify a value
    # for NotebookVersion, you must also specify a value for NotebookId."
    with pytest.raises(ClientError) as caught:
        athena.start_session(
            WorkGroup=spark_workgroup,
            EngineConfiguration={"MaxConcurrentDpus": 4, "AdditionalConfigs": configs},
            NotebookVersion=version,
        )
    code, message = _error(caught)
    assert code == "InvalidRequestException" and expected in message
