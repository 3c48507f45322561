"""The pure summary function: every state, timing maths, findings, and tolerance of odd responses."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from athena_session_mcp.athena.responses import format_duration
from athena_session_mcp.athena.vocabulary import PYSPARK_V3_ENGINE, SPARK_35_ENGINE, session_phase
from athena_session_mcp.health.session import summarize_session
from athena_session_mcp.health.timing import idle_end, idle_warning_threshold
from tests.conftest import NOW
from tests.factories import session_response


def codes(response: dict[str, Any], **kwargs: Any) -> list[str]:
    return [f.code for f in summarize_session(response, now=NOW, **kwargs).findings]


@pytest.mark.parametrize(
    ("state", "phase", "alive", "code"),
    [
        ("CREATING", "starting", True, "SESSION_STARTING"),
        ("CREATED", "starting", True, "SESSION_STARTING"),
        ("IDLE", "ready", True, "SESSION_READY"),
        ("BUSY", "running", True, "SESSION_BUSY"),
        ("TERMINATING", "stopping", True, "SESSION_TERMINATING"),
        ("TERMINATED", "ended", False, "SESSION_TERMINATED"),
        ("DEGRADED", "unhealthy", True, "SESSION_DEGRADED"),
        ("FAILED", "unhealthy", False, "SESSION_FAILED"),
    ],
)
def test_every_documented_state_maps_to_phase_health_and_a_finding(
    state: str, phase: str, alive: bool, code: str
) -> None:
    summary = summarize_session(session_response(state), now=NOW)
    assert (summary.state, summary.phase, summary.alive) == (state, phase, alive)
    assert code in [f.code for f in summary.findings]
    assert all(f.suggestion for f in summary.findings)


def test_unknown_future_state_gives_unknown_phase_and_a_warning_instead_of_crashing() -> None:
    summary = summarize_session(session_response("HIBERNATING"), now=NOW)
    assert summary.phase == "unknown"
    assert summary.findings[0].code == "UNKNOWN_STATE"
    assert "HIBERNATING" in summary.findings[0].message


def test_phase_for_missing_state_is_unknown() -> None:
    assert session_phase(None) == "unknown"


def test_empty_response_summarizes_without_crashing() -> None:
    summary = summarize_session({}, now=NOW)
    assert summary.session_id is None and summary.state is None and summary.phase == "unknown"
    assert summary.findings[0].code == "STATE_MISSING"
    assert summary.usage.dpu_hours is None and summary.usage.estimated_cost_usd is None
    assert summary.timing.age_seconds is None


def test_malformed_field_types_are_ignored_rather_than_trusted() -> None:
    response: dict[str, Any] = {
        "SessionId": 42,
        "Status": {"State": "IDLE", "IdleSinceDateTime": "not-a-date", "StartDateTime": 7},
        "EngineConfiguration": "oops",
        "SessionConfiguration": {"SessionIdleTimeoutInMinutes": True, "IdleTimeoutSeconds": "600"},
        "Statistics": {"DpuExecutionInMillis": "lots"},
    }
    summary = summarize_session(response, now=NOW)
    assert summary.session_id is None
    assert summary.timing.idle_timeout_seconds is None
    assert summary.capacity.max_concurrent_dpus is None
    assert summary.usage.dpu_execution_millis is None


def test_idle_timeout_prefers_session_idle_timeout_in_minutes() -> None:
    response = session_response("IDLE", timeout_minutes=30)
    response["SessionConfiguration"]["IdleTimeoutSeconds"] = 99
    timing = summarize_session(response, now=NOW).timing
    assert (timing.idle_timeout_seconds, timing.idle_timeout_source) == (1800, "SessionIdleTimeoutInMinutes")


def test_idle_timeout_falls_back_to_idle_timeout_seconds() -> None:
    response = session_response("IDLE", timeout_minutes=None)
    response["SessionConfiguration"]["IdleTimeoutSeconds"] = 900
    timing = summarize_session(response, now=NOW).timing
    assert (timing.idle_timeout_seconds, timing.idle_timeout_source) == (900, "IdleTimeoutSeconds")


def test_idle_session_reports_time_left_before_the_idle_timeout() -> None:
    timing = summarize_session(session_response("IDLE", idle_minutes=12, timeout_minutes=20), now=NOW).timing
    assert timing.idle_for_seconds == 12 * 60
    assert timing.idle_timeout_remaining_seconds == 8 * 60
    assert timing.idle_timeout_at == "2026-11-25T12:08:00Z"


def test_idle_session_near_its_timeout_gets_a_warning_with_the_countdown() -> None:
    summary = summarize_session(session_response("IDLE", idle_minutes=17, timeout_minutes=20), now=NOW)
    first = summary.findings[0]
    assert (first.severity, first.code) == ("warning", "IDLE_TIMEOUT_SOON")
    assert "3m 00s" in first.message
    assert "idle timeout in 3m 00s" in summary.headline


def test_idle_session_far_from_its_timeout_is_reported_ready() -> None:
    assert "IDLE_TIMEOUT_SOON" not in codes(session_response("IDLE", idle_minutes=2, timeout_minutes=60))


def test_idle_session_past_its_timeout_is_termination_pending_not_ending_in_zero_seconds() -> None:
    summary = summarize_session(session_response("IDLE", idle_minutes=45, timeout_minutes=20), now=NOW)
    assert summary.timing.idle_timeout_remaining_seconds == 0
    first = summary.findings[0]
    assert (first.severity, first.code) == ("warning", "IDLE_TIMEOUT_PASSED")
    assert "past its 20m 00s idle timeout" in first.message and "termination is pending" in first.message
    assert "45m 00s" in first.message
    assert "idle timeout passed, termination pending" in summary.headline
    assert "0s" not in summary.headline and "IDLE_TIMEOUT_SOON" not in codes(
        session_response("IDLE", idle_minutes=45)
    )


@pytest.mark.parametrize(
    ("timeout_minutes", "threshold_seconds"),
    # 25 % of the timeout, at least 5 min, at most half the timeout and at most 30 min.
    [(1, 30), (4, 120), (10, 300), (20, 300), (60, 900), (120, 1800), (480, 1800)],
)
def test_idle_warning_threshold_makes_sense_from_1_to_480_minutes(
    timeout_minutes: int, threshold_seconds: int
) -> None:
    assert idle_warning_threshold(timeout_minutes * 60) == threshold_seconds


@pytest.mark.parametrize(
    ("timeout_minutes", "idle_seconds", "warned"),
    [
        (1, 10, False),  # 50 s left of a 1-minute timeout: not yet
        (1, 40, True),  # 20 s left
        (480, 480 * 60 - 31 * 60, False),  # 31 min left of 8 hours
        (480, 480 * 60 - 29 * 60, True),  # 29 min left
    ],
)
def test_idle_warning_fires_only_in_the_last_part_of_short_and_long_timeouts(
    timeout_minutes: int, idle_seconds: int, warned: bool
) -> None:
    response = session_response("IDLE", idle_minutes=idle_seconds / 60, timeout_minutes=timeout_minutes)
    assert ("IDLE_TIMEOUT_SOON" in codes(response)) is warned


def test_disagreeing_idle_timeout_fields_are_reported_and_the_minutes_win() -> None:
    response = session_response("IDLE", idle_minutes=2, timeout_minutes=30)
    response["SessionConfiguration"]["IdleTimeoutSeconds"] = 600
    summary = summarize_session(response, now=NOW)
    assert (summary.timing.idle_timeout_seconds, summary.timing.idle_timeout_source) == (
        1800,
        "SessionIdleTimeoutInMinutes",
    )
    finding = next(f for f in summary.findings if f.code == "IDLE_TIMEOUT_FIELDS_DISAGREE")
    assert "30m 00s" in finding.message and "10m 00s" in finding.message


def test_agreeing_idle_timeout_fields_give_no_finding() -> None:
    # The factory sets IdleTimeoutSeconds = SessionIdleTimeoutInMinutes x 60.
    assert "IDLE_TIMEOUT_FIELDS_DISAGREE" not in codes(session_response("IDLE", timeout_minutes=30))


def test_idle_without_idle_since_uses_last_modified() -> None:
    response = session_response("IDLE", idle_minutes=4)
    del response["Status"]["IdleSinceDateTime"]
    assert summarize_session(response, now=NOW).timing.idle_for_seconds == 240


def test_non_idle_sessions_have_no_countdown() -> None:
    timing = summarize_session(session_response("BUSY"), now=NOW).timing
    assert timing.idle_timeout_remaining_seconds is None and timing.idle_for_seconds is None


def test_age_runs_to_end_time_for_ended_sessions() -> None:
    timing = summarize_session(session_response("TERMINATED"), now=NOW).timing
    assert timing.age_seconds == 55 * 60
    assert timing.ended_at == "2026-11-25T11:55:00Z"


def test_failed_session_is_critical_and_carries_the_reason_once() -> None:
    summary = summarize_session(session_response("FAILED", reason="Executor lost: OutOfMemoryError"), now=NOW)
    first = summary.findings[0]
    assert (first.severity, first.code) == ("critical", "SESSION_FAILED")
    assert summary.state_change_reason == "Executor lost: OutOfMemoryError"
    assert "OutOfMemoryError" not in first.message  # said once, in state_change_reason
    assert summary.phase == "unhealthy"


# The documented reason after a stop by request AND after the idle timeout (User Guide, "Troubleshoot
# session errors").
PER_REQUEST = "Session was terminated per request."


def terminated(
    *,
    idle_before_end_minutes: float | None = None,
    idle_before_end_seconds: int | None = None,
    timeout_minutes: int = 20,
) -> dict[str, Any]:
    """A TERMINATED GetSession response that ended 5 minutes before NOW, idle since the given time."""
    response = session_response("TERMINATED", reason=PER_REQUEST, timeout_minutes=timeout_minutes)
    ended = response["Status"]["EndDateTime"]
    if idle_before_end_minutes is not None:
        response["Status"]["IdleSinceDateTime"] = ended - timedelta(minutes=idle_before_end_minutes)
    if idle_before_end_seconds is not None:
        response["Status"]["IdleSinceDateTime"] = ended - timedelta(seconds=idle_before_end_seconds)
    return response


def test_terminated_session_is_an_end_not_a_failure_and_names_both_possible_causes() -> None:
    summary = summarize_session(terminated(idle_before_end_minutes=None), now=NOW)
    (finding,) = summary.findings
    assert (finding.severity, finding.code) == ("info", "SESSION_TERMINATED")
    assert "request" in finding.message and "idle timeout" in finding.message
    assert "does not say which" in finding.message
    assert "fail" not in finding.message.lower()
    assert not summary.alive and summary.phase == "ended"
    assert summary.timing.end_consistent_with_idle_timeout is None


def test_terminated_just_after_its_idle_timeout_reports_the_measured_gap_as_consistent() -> None:
    # Fixture: idle since 20m 40s before the end, 20-minute timeout: 40 s after the timeout was due.
    summary = summarize_session(terminated(idle_before_end_seconds=1240, timeout_minutes=20), now=NOW)
    assert summary.timing.end_consistent_with_idle_timeout is True
    (finding,) = summary.findings
    assert (
        "It ended 20m 40s after it went idle; its idle timeout is 20m 00s: consistent with its idle timeout."
        in finding.message
    )
    assert "SessionIdleTimeoutInMinutes" in finding.suggestion


def test_terminated_well_before_its_idle_timeout_points_to_a_stop_by_request() -> None:
    summary = summarize_session(terminated(idle_before_end_minutes=4, timeout_minutes=60), now=NOW)
    assert summary.timing.end_consistent_with_idle_timeout is False
    (finding,) = summary.findings
    assert "It ended 4m 00s after it went idle; its idle timeout is 1h 00m" in finding.message
    assert "stop by request" in finding.message


def test_terminated_150_seconds_before_its_idle_timeout_was_due_is_not_the_idle_timeout() -> None:
    # The idle timeout cannot fire early: 18m 30s idle with a 20-minute timeout is not it.
    summary = summarize_session(terminated(idle_before_end_seconds=1050, timeout_minutes=20), now=NOW)
    assert summary.timing.end_consistent_with_idle_timeout is False
    assert "consistent with its idle timeout" not in summary.findings[0].message
    assert "ended before the idle timeout was due" in summary.findings[0].message


def test_terminated_long_after_its_idle_timeout_says_nothing_more() -> None:
    summary = summarize_session(terminated(idle_before_end_minutes=90, timeout_minutes=20), now=NOW)
    assert summary.timing.end_consistent_with_idle_timeout is None
    assert "the timestamps cannot tell" in summary.findings[0].message


def test_the_headline_of_an_ended_session_says_when_it_ended_and_how_long_it_ran() -> None:
    # Fixture: started an hour before NOW, ended 5 minutes before NOW.
    summary = summarize_session(terminated(), now=NOW)
    assert summary.headline.startswith("TERMINATED (ended) · ended 5m 00s ago · ran 55m 00s")
    assert "age" not in summary.headline
    later = summarize_session(terminated(), now=NOW + timedelta(hours=3))
    assert later.headline.startswith("TERMINATED (ended) · ended 3h 05m ago · ran 55m 00s")
    from athena_session_mcp.cli.render import render_summary

    text = render_summary(later.model_dump(mode="json"))
    assert "· ran 55m 00s" in text and " age " not in text


# The window is [due, due + 3 minutes] for a 20-minute (1200 s) timeout: literal values on both sides of
# both edges, so a change of the rule or of its tolerance shows here.
@pytest.mark.parametrize(
    ("idle_seconds", "expected"),
    [
        (0, False),
        (1050, False),  # 150 s before due
        (1199, False),  # 1 s before due
        (1200, True),  # exactly due
        (1201, True),
        (1380, True),  # due + 3 minutes
        (1381, None),  # 1 s past the window
        (5400, None),
    ],
)
def test_the_idle_end_window_runs_from_due_to_three_minutes_after(
    idle_seconds: int, expected: bool | None
) -> None:
    response = terminated(idle_before_end_seconds=idle_seconds, timeout_minutes=20)
    assert summarize_session(response, now=NOW).timing.end_consistent_with_idle_timeout is expected
    status = response["Status"]
    end = idle_end(status["IdleSinceDateTime"], status["EndDateTime"], 1200)
    assert end is not None and (end.gap_seconds, end.consistent) == (idle_seconds, expected)


def test_idle_end_needs_both_timestamps_a_timeout_and_an_end_after_the_idle_start() -> None:
    start = NOW - timedelta(hours=1)
    assert idle_end(None, NOW, 1200) is None
    assert idle_end(start, None, 1200) is None
    assert idle_end(start, NOW, None) is None
    assert idle_end(NOW, start, 1200) is None


@pytest.mark.parametrize("state", ["TERMINATED", "FAILED", "IDLE", "DEGRADED"])
def test_the_reason_text_never_changes_a_decision(state: str) -> None:
    idle_words = session_response(state, reason="Session was terminated because it was idle for 20 minutes.")
    plain = session_response(state, reason=PER_REQUEST)
    first = summarize_session(idle_words, now=NOW)
    second = summarize_session(plain, now=NOW)
    assert first.findings == second.findings
    assert first.timing == second.timing


def test_usage_reports_dpu_hours_and_an_estimated_cost_at_the_configured_price() -> None:
    usage = summarize_session(session_response(), now=NOW, price_per_dpu_hour=0.5).usage
    assert usage.dpu_hours == 1.5
    assert usage.estimated_cost_usd == 0.75
    assert usage.price_per_dpu_hour_usd == 0.5
    assert usage.cost_is_estimate is True


def test_capacity_and_config_are_condensed() -> None:
    summary = summarize_session(session_response(), now=NOW)
    assert summary.capacity.max_concurrent_dpus == 20
    assert summary.config.encryption_option == "SSE_KMS"
    assert summary.config.kms_key_configured is True
    assert summary.config.logging_destinations == ["cloudwatch:/aws-athena/spark"]
    assert summary.config.spark_properties_count == 1


def test_kms_key_arn_itself_is_not_copied_into_the_summary() -> None:
    summary = summarize_session(session_response(), now=NOW)
    assert "arn:aws:kms" not in summary.model_dump_json()


def test_absent_encryption_configuration_is_not_read_as_no_encryption() -> None:
    response = session_response()
    del response["SessionConfiguration"]["EncryptionConfiguration"]
    summary = summarize_session(response, now=NOW)
    assert summary.config.encryption_option is None
    assert [f.code for f in summary.findings] == ["SESSION_READY"]


def test_kms_encryption_without_a_key_is_a_warning_for_a_live_session_only() -> None:
    for state, expected in (("IDLE", True), ("TERMINATED", False), ("FAILED", False)):
        response = session_response(state)
        response["SessionConfiguration"]["EncryptionConfiguration"] = {"EncryptionOption": "CSE_KMS"}
        assert ("KMS_KEY_MISSING" in codes(response)) is expected, state


def test_logging_said_off_is_flagged_but_absent_monitoring_is_not_read_as_off() -> None:
    off = {"CloudWatchLoggingConfiguration": {"Enabled": False}}
    said_off = summarize_session(session_response(MonitoringConfiguration=off), now=NOW)
    assert (said_off.config.logging_destinations, said_off.config.logging) == ([], "disabled")
    assert "NO_LOGGING" in [f.code for f in said_off.findings]
    nothing_said: tuple[dict[str, Any] | None, ...] = (None, {})
    for monitoring in nothing_said:
        unknown = summarize_session(session_response(MonitoringConfiguration=monitoring), now=NOW)
        assert (unknown.config.logging_destinations, unknown.config.logging) == ([], "not_reported")
        assert "NO_LOGGING" not in [f.code for f in unknown.findings]


def test_logging_off_is_not_reported_for_ended_sessions() -> None:
    off = {"S3LoggingConfiguration": {"Enabled": False}}
    for state in ("TERMINATED", "FAILED"):
        assert "NO_LOGGING" not in codes(session_response(state, MonitoringConfiguration=off))


def test_all_enabled_logging_destinations_are_listed() -> None:
    monitoring = {
        "CloudWatchLoggingConfiguration": {"Enabled": True},
        "S3LoggingConfiguration": {"Enabled": True, "LogLocation": "s3://logs/spark/"},
        "ManagedLoggingConfiguration": {"Enabled": True},
    }
    summary = summarize_session(session_response(MonitoringConfiguration=monitoring), now=NOW)
    assert summary.config.logging_destinations == [
        "cloudwatch:(default log group)",
        "s3://logs/spark/",
        "managed",
    ]


def test_findings_are_sorted_most_severe_first() -> None:
    off = {"ManagedLoggingConfiguration": {"Enabled": False}}
    response = session_response("DEGRADED", MonitoringConfiguration=off)
    response["SessionConfiguration"]["EncryptionConfiguration"] = {"EncryptionOption": "SSE_KMS"}
    severities = [f.severity for f in summarize_session(response, now=NOW).findings]
    assert severities == ["critical", "warning", "info"]


def test_naive_now_and_naive_datetimes_are_taken_as_utc() -> None:
    response = session_response("IDLE", idle_minutes=3)
    response["Status"]["IdleSinceDateTime"] = (NOW - timedelta(minutes=3)).replace(tzinfo=None)
    timing = summarize_session(response, now=NOW.replace(tzinfo=None)).timing
    assert timing.idle_for_seconds == 180


def test_iso_string_datetimes_are_accepted() -> None:
    response = session_response("IDLE")
    response["Status"]["IdleSinceDateTime"] = "2026-11-25T11:50:00Z"
    assert summarize_session(response, now=NOW).timing.idle_for_seconds == 600


@pytest.mark.parametrize(
    ("seconds", "text"), [(5, "5s"), (185, "3m 05s"), (7620, "2h 07m"), (3 * 86400 + 4 * 3600, "3d 4h")]
)
def test_format_duration_is_compact(seconds: int, text: str) -> None:
    assert format_duration(seconds) == text


def spark35(state: str, **kwargs: Any) -> dict[str, Any]:
    """A GetSession response of an Apache Spark version 3.5 session (no NotebookVersion on that engine)."""
    return session_response(state, EngineVersion=SPARK_35_ENGINE, NotebookVersion=None, **kwargs)


def test_idle_pyspark_session_is_pointed_at_calculations() -> None:
    summary = summarize_session(session_response("IDLE"), now=NOW)
    assert (summary.engine_version, summary.engine_kind) == (PYSPARK_V3_ENGINE, "pyspark-v3")
    (ready,) = summary.findings
    assert "StartCalculationExecution" in ready.suggestion and "GetSessionEndpoint" not in ready.suggestion


def test_idle_spark_35_session_is_pointed_at_spark_connect_never_at_calculations() -> None:
    summary = summarize_session(spark35("IDLE"), now=NOW)
    assert summary.engine_kind == "spark-3.5"
    (ready,) = summary.findings
    assert "Spark Connect" in ready.message and "GetSessionEndpoint" in ready.suggestion
    assert "Calculation" not in ready.suggestion


@pytest.mark.parametrize(
    ("state", "present", "absent"),
    [
        ("FAILED", "GetResourceDashboard", "list_athena_calculations"),
        ("BUSY", "GetResourceDashboard", "list_athena_calculations"),
        ("DEGRADED", "Spark Connect work", "calculations"),
    ],
)
def test_spark_35_next_steps_never_name_the_calculation_api(state: str, present: str, absent: str) -> None:
    text = " ".join(
        f.message + " " + f.suggestion for f in summarize_session(spark35(state), now=NOW).findings
    )
    assert present in text and absent not in text


def test_unknown_engine_names_both_engines_ways() -> None:
    (ready,) = summarize_session(session_response("IDLE", EngineVersion=None), now=NOW).findings
    assert "StartCalculationExecution" in ready.suggestion and "GetSessionEndpoint" in ready.suggestion


def test_the_workgroup_engine_stands_in_when_get_session_lacks_one() -> None:
    summary = summarize_session(
        session_response("IDLE", EngineVersion=None), now=NOW, engine_version=SPARK_35_ENGINE
    )
    assert (summary.engine_version, summary.engine_kind) == (SPARK_35_ENGINE, "spark-3.5")


def test_suggestions_build_no_shell_command_from_service_data() -> None:
    hostile = "x'; rm -rf / #"
    for state in ("IDLE", "FAILED", "TERMINATED", "BUSY", "DEGRADED"):
        response = session_response(state, SessionId=hostile, WorkGroup=hostile, reason=hostile)
        for finding in summarize_session(response, now=NOW).findings:
            assert hostile not in finding.suggestion and "rm -rf" not in finding.message


def test_rendered_text_does_not_call_unreported_logging_off() -> None:
    from athena_session_mcp.cli.render import render_summary

    unknown = summarize_session(session_response(MonitoringConfiguration=None), now=NOW)
    off = summarize_session(
        session_response(MonitoringConfiguration={"S3LoggingConfiguration": {"Enabled": False}}), now=NOW
    )
    assert "logging not reported" in render_summary(unknown.model_dump(mode="json"))
    assert "logging none" in render_summary(off.model_dump(mode="json"))


def test_logging_off_and_not_reported_stay_distinct_when_empty_fields_are_left_out() -> None:
    off = {"S3LoggingConfiguration": {"Enabled": False}}
    said_off = summarize_session(session_response(MonitoringConfiguration=off), now=NOW).config
    unknown = summarize_session(session_response(MonitoringConfiguration=None), now=NOW).config
    # A serializer that drops defaults and empty lists still tells the two apart.
    assert said_off.model_dump(exclude_defaults=True).get("logging") == "disabled"
    assert "logging" not in unknown.model_dump(exclude_defaults=True)  # the default: not_reported


def test_idle_end_judges_whole_seconds_so_sub_second_stamps_cannot_split_two_tools() -> None:
    idle_since = NOW.replace(microsecond=900_000)
    # 1199.2 s apart, but 1200 s apart as every answer shows the timestamps (whole seconds).
    ended = idle_since + timedelta(seconds=1199, microseconds=300_000)
    end = idle_end(idle_since, ended, 1200)
    assert end is not None and (end.gap_seconds, end.consistent) == (1200, True)
