"""PyAthena's SparkCursor, a real Athena Spark client that its users point at Athena, against the
emulator: attach to a session, run a calculation, read its stdout from S3, miss a session, terminate."""

# PyAthena types connect() and cursor() with untyped **kwargs.
# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false

from __future__ import annotations

import logging

import boto3
import pytest
from pyathena import connect
from pyathena.error import OperationalError
from pyathena.spark.cursor import SparkCursor

from athena_session_mcp import emulator
from athena_session_mcp.emulator import Clock

CODE = "print(6 * 7)"


@pytest.fixture
def seeded(aws: None, clock: Clock) -> None:
    # SparkCursor polls in real time: the emulator's clock must move with it.
    clock.reset()
    emulator.seed_demo()
    emulator.register_canned_result(CODE, stdout="42\n", run_seconds=0)


def test_spark_cursor_runs_a_calculation_and_terminates_its_session(seeded: None) -> None:
    connection = connect(
        region_name="us-east-1",
        work_group=emulator.DEMO_SPARK_WORKGROUP,
        cursor_class=SparkCursor,
        poll_interval=0.05,
    )
    with connection.cursor(session_id=emulator.SESSION_IDLE, terminate_session_on_close=True) as cursor:
        cursor.execute(CODE)
        execution = cursor.calculation_execution
        assert execution is not None and execution.state == "COMPLETED"
        assert cursor.get_std_out() == "42"
    athena = boto3.client("athena", region_name="us-east-1")  # pyright: ignore[reportUnknownMemberType]
    assert athena.get_session_status(SessionId=emulator.SESSION_IDLE)["Status"].get("State") == "TERMINATING"


def test_spark_cursor_reports_an_unknown_session(seeded: None, caplog: pytest.LogCaptureFixture) -> None:
    connection = connect(
        region_name="us-east-1", work_group=emulator.DEMO_SPARK_WORKGROUP, cursor_class=SparkCursor
    )
    with (
        caplog.at_level(logging.CRITICAL, logger="pyathena"),
        pytest.raises(OperationalError, match="not found"),
    ):
        connection.cursor(session_id="ghost-session")
