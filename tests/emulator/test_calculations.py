"""Calculation operations, their state machine, canned results and S3 result objects."""

# Tests index response keys directly on purpose: a missing key is a test failure.
# pyright: reportTypedDictNotRequiredAccess=false

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from botocore.exceptions import ClientError

from athena_session_mcp import emulator
from athena_session_mcp.emulator import Clock

from .conftest import CALCULATION_ID_OPERATIONS, FROZEN_AT, SPARK_OUTPUT, start_idle_session
from .shape_check import RawResponses

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient
    from types_boto3_s3 import S3Client

T0 = FROZEN_AT + timedelta(seconds=12)  # when the idle_session fixture's session became IDLE


def _calc_state(client: AthenaClient, calc_id: str) -> str:
    return client.get_calculation_execution_status(CalculationExecutionId=calc_id)["Status"]["State"]


def _start(client: AthenaClient, session_id: str, code: str, description: str | None = None) -> str:
    if description is None:
        started = client.start_calculation_execution(SessionId=session_id, CodeBlock=code)
    else:
        started = client.start_calculation_execution(
            SessionId=session_id, CodeBlock=code, Description=description
        )
    return started["CalculationExecutionId"]


def _read(s3: S3Client, uri: str) -> str:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()


def test_calculation_goes_creating_queued_running_completed(
    athena: AthenaClient, idle_session: str, clock: Clock
) -> None:
    emulator.register_canned_result("job()", stdout="hi\n", run_seconds=10)
    started = athena.start_calculation_execution(
        SessionId=idle_session, CodeBlock="job()", Description="a job"
    )
    calc_id = started["CalculationExecutionId"]
    assert started["State"] == "CREATING"
    assert len(calc_id) <= 36
    clock.advance(1)
    assert _calc_state(athena, calc_id) == "QUEUED"
    clock.advance(1)
    assert _calc_state(athena, calc_id) == "RUNNING"
    clock.advance(5)
    running = athena.get_calculation_execution_status(CalculationExecutionId=calc_id)
    assert running["Statistics"]["Progress"] == "50% complete"
    clock.advance(5)
    calc = athena.get_calculation_execution(CalculationExecutionId=calc_id)
    assert calc["Status"]["State"] == "COMPLETED"
    assert calc["Status"]["SubmissionDateTime"] == T0
    assert calc["Status"]["CompletionDateTime"] == T0 + timedelta(seconds=12)
    assert calc["SessionId"] == idle_session
    assert calc["Description"] == "a job"
    assert calc["WorkingDirectory"] == f"{SPARK_OUTPUT}{idle_session}/"


def test_calculation_on_a_creating_session_is_rejected(athena: AthenaClient, spark_workgroup: str) -> None:
    session_id = athena.start_session(WorkGroup=spark_workgroup, EngineConfiguration={})["SessionId"]
    with pytest.raises(ClientError) as caught:
        athena.start_calculation_execution(SessionId=session_id, CodeBlock="1")
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidRequestException"
    assert "CREATING" in error["Message"]


def test_calculations_of_a_session_run_one_at_a_time(
    athena: AthenaClient, idle_session: str, clock: Clock
) -> None:
    emulator.register_canned_result("slow()", run_seconds=30)
    first = _start(athena, idle_session, "slow()")
    clock.advance(5)
    second = _start(athena, idle_session, "slow()")  # BUSY sessions accept and queue work
    clock.advance(10)
    assert (_calc_state(athena, first), _calc_state(athena, second)) == ("RUNNING", "QUEUED")
    clock.advance(20)  # first ends at +32 s
    assert (_calc_state(athena, first), _calc_state(athena, second)) == ("COMPLETED", "RUNNING")
    clock.advance(30)
    assert _calc_state(athena, second) == "COMPLETED"


def test_stop_calculation_cancels_it(athena: AthenaClient, idle_session: str, clock: Clock) -> None:
    emulator.register_canned_result("forever()", run_seconds=3600)
    calc_id = _start(athena, idle_session, "forever()")
    clock.advance(10)
    assert athena.stop_calculation_execution(CalculationExecutionId=calc_id)["State"] == "CANCELING"
    assert _calc_state(athena, calc_id) == "CANCELING"
    clock.advance(1)
    status = athena.get_calculation_execution(CalculationExecutionId=calc_id)
    assert status["Status"]["State"] == "CANCELED"
    assert "Result" not in status
    assert athena.stop_calculation_execution(CalculationExecutionId=calc_id)["State"] == "CANCELED"
    assert athena.get_session_status(SessionId=idle_session)["Status"]["State"] == "IDLE"


@pytest.mark.parametrize("operation", CALCULATION_ID_OPERATIONS)
def test_unknown_calculation_is_invalid_request(athena: AthenaClient, operation: str) -> None:
    with pytest.raises(ClientError) as caught:
        getattr(athena, operation)(CalculationExecutionId="00000000-0000-0000-0000-000000000000")
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidRequestException"
    assert error["Message"] == "Calculation 00000000-0000-0000-0000-000000000000 not found"


def test_submitted_code_is_returned_verbatim_and_never_executed(
    athena: AthenaClient, s3: S3Client, idle_session: str, clock: Clock, tmp_path: Path
) -> None:
    marker = tmp_path / "executed"
    code = f"open({str(marker)!r}, 'w').write('x')\n" + "# padding\n" * 200
    calc_id = _start(athena, idle_session, code)
    assert athena.get_calculation_execution_code(CalculationExecutionId=calc_id)["CodeBlock"] == code
    clock.advance(60)
    calc = athena.get_calculation_execution(CalculationExecutionId=calc_id)
    assert calc["Status"]["State"] == "COMPLETED"
    stdout = _read(s3, calc["Result"]["StdOutS3Uri"])
    assert "not executed" in stdout
    assert "(truncated)" in stdout
    assert len(stdout) < len(code)
    assert calc["Result"]["ResultType"] == "text/plain"
    assert not marker.exists()


def test_canned_result_lands_in_s3_under_the_working_directory(
    athena: AthenaClient, s3: S3Client, idle_session: str, clock: Clock
) -> None:
    emulator.register_canned_result(
        "df.count()", stdout="42\n", stderr="WARN slow\n", result='{"count": 42}', run_seconds=3
    )
    calc_id = _start(athena, idle_session, "df.count()")
    clock.advance(5)
    result = athena.get_calculation_execution(CalculationExecutionId=calc_id)["Result"]
    prefix = f"{SPARK_OUTPUT}{idle_session}/{calc_id}/"
    assert result == {
        "StdOutS3Uri": f"{prefix}stdout.txt",
        "StdErrorS3Uri": f"{prefix}stderr.txt",
        "ResultS3Uri": f"{prefix}result.json",
        "ResultType": "application/json",
    }
    assert _read(s3, result["StdOutS3Uri"]) == "42\n"
    assert _read(s3, result["StdErrorS3Uri"]) == "WARN slow\n"
    assert _read(s3, result["ResultS3Uri"]) == '{"count": 42}'


def test_canned_failure_fails_the_calculation_with_its_reason(
    athena: AthenaClient, s3: S3Client, idle_session: str, clock: Clock
) -> None:
    emulator.register_canned_result(
        "boom()",
        stderr="Traceback ...\nZeroDivisionError\n",
        failure_reason="ZeroDivisionError: division by zero",
    )
    calc_id = _start(athena, idle_session, "boom()")
    clock.advance(30)
    calc = athena.get_calculation_execution(CalculationExecutionId=calc_id)
    assert calc["Status"]["State"] == "FAILED"
    assert calc["Status"]["StateChangeReason"] == "ZeroDivisionError: division by zero"
    assert "ResultS3Uri" not in calc["Result"]
    assert "ZeroDivisionError" in _read(s3, calc["Result"]["StdErrorS3Uri"])


def test_list_calculations_pages_newest_first_and_filters(
    athena: AthenaClient, idle_session: str, clock: Clock
) -> None:
    emulator.register_canned_result("fail()", failure_reason="nope", run_seconds=1)
    emulator.register_canned_result("ok()", run_seconds=1)
    submitted = [_start(athena, idle_session, code) for code in ("ok()", "fail()", "ok()", "fail()", "ok()")]
    clock.advance(60)
    seen: list[str] = []
    page = athena.list_calculation_executions(SessionId=idle_session, MaxResults=2)
    seen += [c["CalculationExecutionId"] for c in page["Calculations"]]
    while "NextToken" in page:
        page = athena.list_calculation_executions(
            SessionId=idle_session, MaxResults=2, NextToken=page["NextToken"]
        )
        seen += [c["CalculationExecutionId"] for c in page["Calculations"]]
    assert seen == list(reversed(submitted))
    failed = athena.list_calculation_executions(SessionId=idle_session, StateFilter="FAILED")["Calculations"]
    assert [c["CalculationExecutionId"] for c in failed] == [submitted[3], submitted[1]]
    assert all(c["Status"]["StateChangeReason"] == "nope" for c in failed)
    with pytest.raises(ClientError):
        athena.list_calculation_executions(SessionId=idle_session, NextToken="bm90LWEtdG9rZW4")


def test_calculation_statistics_accrue_while_running(
    athena: AthenaClient, idle_session: str, clock: Clock
) -> None:
    emulator.register_canned_result("work()", run_seconds=20)
    calc_id = _start(athena, idle_session, "work()")
    readings: list[int] = []
    for _ in range(8):
        readings.append(
            athena.get_calculation_execution(CalculationExecutionId=calc_id)["Statistics"][
                "DpuExecutionInMillis"
            ]
        )
        clock.advance(4)
    assert readings == sorted(readings)
    assert readings[0] == 0
    assert readings[-1] == readings[-2] > 0  # stops accruing once COMPLETED


def test_deprecated_calculation_configuration_code_block_is_accepted(
    athena: AthenaClient, idle_session: str
) -> None:
    calc_id = athena.start_calculation_execution(
        SessionId=idle_session, CalculationConfiguration={"CodeBlock": "legacy()"}
    )["CalculationExecutionId"]
    assert athena.get_calculation_execution_code(CalculationExecutionId=calc_id)["CodeBlock"] == "legacy()"


def test_calculation_without_code_is_rejected(athena: AthenaClient, idle_session: str) -> None:
    with pytest.raises(ClientError) as caught:
        athena.start_calculation_execution(SessionId=idle_session)
    assert caught.value.response["Error"]["Code"] == "InvalidRequestException"


def test_terminating_a_busy_session_fails_its_running_and_queued_calculations(
    athena: AthenaClient, idle_session: str, clock: Clock
) -> None:
    # TerminateSession: running calculations "are forcefully stopped, but may display as FAILED instead of
    # STOPPED"; the emulator always shows FAILED and, with no documented reason, omits StateChangeReason.
    emulator.register_canned_result("long()", run_seconds=600)
    running = _start(athena, idle_session, "long()")
    queued = _start(athena, idle_session, "long()")
    clock.advance(10)
    athena.terminate_session(SessionId=idle_session)
    for calc_id in (running, queued):
        status = athena.get_calculation_execution_status(CalculationExecutionId=calc_id)["Status"]
        assert status["State"] == "FAILED"
        assert "StateChangeReason" not in status


def test_every_calculation_operation_response_was_checked_against_the_model(
    athena: AthenaClient, raw: RawResponses, spark_workgroup: str, clock: Clock
) -> None:
    session_id = start_idle_session(athena, clock, spark_workgroup)
    emulator.register_canned_result("r()", result="[1]", run_seconds=1)
    calc_id = _start(athena, session_id, "r()", description="d")
    clock.advance(1.5)
    athena.get_calculation_execution(CalculationExecutionId=calc_id)
    clock.advance(5)
    athena.get_calculation_execution(CalculationExecutionId=calc_id)
    athena.get_calculation_execution_status(CalculationExecutionId=calc_id)
    athena.get_calculation_execution_code(CalculationExecutionId=calc_id)
    athena.list_calculation_executions(SessionId=session_id)
    athena.stop_calculation_execution(CalculationExecutionId=calc_id)
    operations = {name for name, _, _ in raw.seen}
    assert {
        "StartCalculationExecution",
        "GetCalculationExecution",
        "GetCalculationExecutionStatus",
        "GetCalculationExecutionCode",
        "ListCalculationExecutions",
        "StopCalculationExecution",
    } <= operations
