"""The seeded demo data: fixed ids, every interesting state, consistent with the clock."""

# Tests index response keys directly on purpose: a missing key is a test failure.
# pyright: reportTypedDictNotRequiredAccess=false

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest

from athena_session_mcp import emulator
from athena_session_mcp.emulator import Clock
from athena_session_mcp.emulator.seed import DEMO_SESSIONS, DemoSession, Incident

from .conftest import FROZEN_AT

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient


@pytest.fixture
def seeded(athena: AthenaClient) -> dict[str, str]:
    return emulator.seed_demo()


def test_seed_reports_the_documented_states(seeded: dict[str, str]) -> None:
    assert seeded == emulator.DEMO_SESSION_STATES


@pytest.mark.parametrize(("session_id", "state"), sorted(emulator.DEMO_SESSION_STATES.items()))
def test_seeded_session_is_in_its_documented_state(
    athena: AthenaClient, seeded: dict[str, str], session_id: str, state: str
) -> None:
    session = athena.get_session(SessionId=session_id)
    assert session["Status"]["State"] == state
    assert session["WorkGroup"] in (
        emulator.DEMO_SPARK_WORKGROUP,
        emulator.DEMO_UNENCRYPTED_WORKGROUP,
        emulator.DEMO_SPARK35_WORKGROUP,
    )
    if session["Status"]["State"] == "TERMINATED":
        assert session["Status"]["StateChangeReason"] == emulator.TERMINATED_PER_REQUEST_REASON


def test_active_seeded_sessions_are_listed_in_the_spark_workgroup(
    athena: AthenaClient, seeded: dict[str, str]
) -> None:
    listed = athena.list_sessions(WorkGroup=emulator.DEMO_SPARK_WORKGROUP)["Sessions"]
    active = {"CREATING", "CREATED", "IDLE", "BUSY", "DEGRADED"}
    expected = {
        sid
        for sid, state in emulator.DEMO_SESSION_STATES.items()
        if state in active and sid not in (emulator.SESSION_UNENCRYPTED, emulator.SESSION_SPARK35_IDLE)
    }
    assert {s["SessionId"] for s in listed} == expected
    assert emulator.SESSION_FAILED not in expected
    ended = athena.list_sessions(WorkGroup=emulator.DEMO_SPARK_WORKGROUP, StateFilter="TERMINATED")[
        "Sessions"
    ]
    assert {s["SessionId"] for s in ended} == {
        emulator.SESSION_TERMINATED_IDLE,
        emulator.SESSION_TERMINATED_BY_USER,
    }


def test_near_timeout_session_has_about_three_minutes_left(
    athena: AthenaClient, seeded: dict[str, str], clock: Clock
) -> None:
    session = athena.get_session(SessionId=emulator.SESSION_IDLE_NEAR_TIMEOUT)
    idle_since = session["Status"]["IdleSinceDateTime"]
    timeout = timedelta(seconds=session["SessionConfiguration"]["IdleTimeoutSeconds"])
    assert idle_since + timeout - FROZEN_AT == timedelta(minutes=3)
    clock.advance(179)
    assert (
        athena.get_session_status(SessionId=emulator.SESSION_IDLE_NEAR_TIMEOUT)["Status"]["State"] == "IDLE"
    )
    clock.advance(1)
    status = athena.get_session_status(SessionId=emulator.SESSION_IDLE_NEAR_TIMEOUT)["Status"]
    assert status["State"] == "TERMINATED"
    assert status["StateChangeReason"] == emulator.TERMINATED_PER_REQUEST_REASON


def test_seeded_sessions_carry_reasons_and_encryption(athena: AthenaClient, seeded: dict[str, str]) -> None:
    idle = athena.get_session(SessionId=emulator.SESSION_IDLE)
    assert idle["SessionConfiguration"]["EncryptionConfiguration"]["EncryptionOption"] == "SSE_KMS"
    plain = athena.get_session(SessionId=emulator.SESSION_UNENCRYPTED)
    assert "EncryptionConfiguration" not in plain["SessionConfiguration"]
    failed = athena.get_session_status(SessionId=emulator.SESSION_FAILED)["Status"]
    assert "OutOfMemoryError" in failed["StateChangeReason"]
    assert "EndDateTime" in failed
    degraded = athena.get_session_status(SessionId=emulator.SESSION_DEGRADED)["Status"]
    # DEGRADED: "The session has no healthy coordinators" (SessionState); the seeded reason says so.
    assert "no healthy coordinator" in degraded["StateChangeReason"]
    assert "heartbeat" not in degraded["StateChangeReason"]
    for session_id in (emulator.SESSION_TERMINATED_IDLE, emulator.SESSION_TERMINATED_BY_USER):
        terminated = athena.get_session_status(SessionId=session_id)["Status"]
        assert terminated["StateChangeReason"] == emulator.TERMINATED_PER_REQUEST_REASON


def test_seeded_calculations_cover_completed_failed_running_and_queued(
    athena: AthenaClient, seeded: dict[str, str]
) -> None:
    def state(calc_id: str) -> str:
        return athena.get_calculation_execution_status(CalculationExecutionId=calc_id)["Status"]["State"]

    assert state(emulator.DEMO_CALC_COMPLETED) == "COMPLETED"
    assert state(emulator.DEMO_CALC_FAILED) == "FAILED"
    assert state(emulator.DEMO_CALC_RUNNING) == "RUNNING"
    assert state(emulator.DEMO_CALC_QUEUED) == "QUEUED"
    idle_calcs = athena.list_calculation_executions(SessionId=emulator.SESSION_IDLE)["Calculations"]
    assert {c["Status"]["State"] for c in idle_calcs} == {"COMPLETED", "FAILED"}


def test_seeded_workgroups_distinguish_spark_from_sql(athena: AthenaClient, seeded: dict[str, str]) -> None:
    engines = {
        w["Name"]: w["EngineVersion"]["EffectiveEngineVersion"]
        for w in athena.list_work_groups()["WorkGroups"]
    }
    spark = {name for name, engine in engines.items() if emulator.is_spark_engine(engine)}
    assert spark == {
        emulator.DEMO_SPARK_WORKGROUP,
        emulator.DEMO_UNENCRYPTED_WORKGROUP,
        emulator.DEMO_SPARK35_WORKGROUP,
    }
    assert engines[emulator.DEMO_SPARK35_WORKGROUP] == emulator.SPARK35_ENGINE_VERSION
    assert {"primary", emulator.DEMO_SQL_WORKGROUP} <= set(engines) - spark


def test_seeding_twice_changes_nothing(athena: AthenaClient, seeded: dict[str, str], clock: Clock) -> None:
    clock.advance(1)
    again = emulator.seed_demo()
    assert again == seeded
    assert len(athena.list_sessions(WorkGroup=emulator.DEMO_SPARK_WORKGROUP)["Sessions"]) == 5


def test_creating_demo_session_becomes_idle_after_startup(
    athena: AthenaClient, seeded: dict[str, str], clock: Clock
) -> None:
    clock.advance(9)
    assert athena.get_session_status(SessionId=emulator.SESSION_CREATING)["Status"]["State"] == "IDLE"


def test_demo_session_records_are_one_per_documented_session_in_the_same_order() -> None:
    assert tuple(demo.session_id for demo in DEMO_SESSIONS) == emulator.DEMO_SESSION_IDS


def test_demo_session_record_refuses_two_endings() -> None:
    with pytest.raises(ValueError, match="at most one of degraded, failed, terminated"):
        DemoSession(
            session_id="two-endings",
            workgroup=emulator.DEMO_SPARK_WORKGROUP,
            started_ago=timedelta(hours=1),
            description="both failed and terminated",
            failed=Incident(ago=timedelta(minutes=30), reason="boom"),
            terminated_ago=timedelta(minutes=10),
        )
