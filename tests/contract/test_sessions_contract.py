"""Documented session behaviour (PySpark engine version 3 workgroup): ListSessions, TerminateSession,
StateChangeReason and the idle timeout. Each check names its source; "assumed" ones measure a choice
in server/athena_session_mcp/emulator/assumptions.py.
"""

from __future__ import annotations

from datetime import timedelta

from athena_session_mcp.emulator.constants import TERMINATED_PER_REQUEST_REASON

from .conftest import StoppedSession, TimedOutSession, emulator_only, list_ids, suite_timeout
from .target import Target

pytestmark = suite_timeout

# ListSessions: "active state like CREATING, CREATED, IDLE, or BUSY"; TerminateSession: "already inactive
# (for example, in a FAILED, TERMINATED or TERMINATING state)".
DOCUMENTED_INACTIVE = frozenset({"FAILED", "TERMINATED", "TERMINATING"})


def test_list_sessions_without_filter_lists_an_idle_session(pyspark_stopped: StoppedSession) -> None:
    assert pyspark_stopped.listed_while_idle


def test_list_sessions_without_filter_lists_no_inactive_session(
    target: Target, pyspark_stopped: StoppedSession
) -> None:
    listed = list_ids(target, target.pyspark_workgroup)
    assert pyspark_stopped.session_id not in listed
    assert not {state for state in listed.values() if state in DOCUMENTED_INACTIVE}


def test_state_filter_lists_sessions_in_exactly_that_state(
    target: Target, pyspark_stopped: StoppedSession
) -> None:
    terminated = list_ids(target, target.pyspark_workgroup, "TERMINATED")
    assert pyspark_stopped.session_id in terminated
    assert set(terminated.values()) == {"TERMINATED"}
    idle = list_ids(target, target.pyspark_workgroup, "IDLE")
    assert set(idle.values()) <= {"IDLE"}
    assert pyspark_stopped.session_id not in idle


def test_terminate_session_answers_a_stopping_or_ended_state(pyspark_stopped: StoppedSession) -> None:
    assert pyspark_stopped.terminate_answer in ("TERMINATING", "TERMINATED")


def test_terminating_an_ended_session_succeeds_without_effect(
    target: Target, pyspark_stopped: StoppedSession
) -> None:
    # TerminateSession: on an inactive session it "succeeds but has no effect".
    before = target.client.get_session(SessionId=pyspark_stopped.session_id)["Status"]
    assert target.client.terminate_session(SessionId=pyspark_stopped.session_id)["State"] == "TERMINATED"
    after = target.client.get_session(SessionId=pyspark_stopped.session_id)["Status"]
    assert after == before


def test_stop_by_request_reads_terminated_per_request(pyspark_stopped: StoppedSession) -> None:
    # User Guide, "Troubleshoot session errors".
    assert pyspark_stopped.status.get("StateChangeReason") == TERMINATED_PER_REQUEST_REASON
    assert pyspark_stopped.status.get("EndDateTime") is not None


def test_assumed_ended_idle_session_keeps_its_idle_since(pyspark_stopped: StoppedSession) -> None:
    # Assumed (assumptions.IDLE_SINCE_KEPT_AFTER_END): the value stated here, not read from the constant, so
    # changing the assumption means changing this test, and a real account can disprove it.
    kept = pyspark_stopped.status.get("IdleSinceDateTime")
    assert kept is not None
    assert kept == pyspark_stopped.idle_since


def test_assumed_pyspark_v3_session_has_no_spark_connect_endpoint(pyspark_stopped: StoppedSession) -> None:
    # Assumed (assumptions.ENDPOINT_ENGINES / ENDPOINT_UNAVAILABLE_ERROR), stated literally.
    assert pyspark_stopped.endpoint_while_idle == "InvalidRequestException"


def test_assumed_pyspark_v3_session_has_no_resource_dashboard(pyspark_stopped: StoppedSession) -> None:
    # Assumed (assumptions.DASHBOARD_ENGINES / DASHBOARD_UNAVAILABLE_ERROR), stated literally.
    assert pyspark_stopped.dashboard_while_idle == "InvalidRequestException"


def test_idle_timeout_ends_the_session_per_request(pyspark_timed_out: TimedOutSession) -> None:
    # User Guide, "Troubleshoot session errors": the idle timeout reads like a stop by request.
    ended = pyspark_timed_out.ended
    assert ended.get("StateChangeReason") == TERMINATED_PER_REQUEST_REASON
    idle_since = pyspark_timed_out.idle.get("IdleSinceDateTime")
    end = ended.get("EndDateTime")
    assert idle_since is not None and end is not None
    assert end - idle_since >= timedelta(minutes=1)


@emulator_only
def test_emulated_idle_timeout_ends_exactly_at_the_deadline(target: Target) -> None:
    # assumptions.IDLE_TIMEOUT_SKIPS_TERMINATING: TERMINATED at IdleSinceDateTime + timeout, not later.
    session_id = target.start_session(target.pyspark_workgroup, idle_timeout_minutes=2)
    idle = target.wait_for(session_id, {"IDLE"}, target.start_timeout())
    idle_since = idle.get("IdleSinceDateTime")
    assert idle_since is not None
    target.pause((idle_since + timedelta(minutes=2) - target.now()).total_seconds() - 1)
    assert target.client.get_session_status(SessionId=session_id)["Status"].get("State") == "IDLE"
    target.pause(1)
    status = target.client.get_session_status(SessionId=session_id)["Status"]
    assert status.get("State") == "TERMINATED"
    assert status.get("EndDateTime") == idle_since + timedelta(minutes=2)
