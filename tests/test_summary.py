"""The pure summary function: every state, timing maths, findings, and tolerance of odd responses."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from athena_session_mcp.states import session_phase
from athena_session_mcp.summary import format_duration, summarize_session
from tests.conftest import NOW
from tests.factories import session_response


def codes(response: dict[str, Any], **kwargs: Any) -> list[str]:
    return [f.code for f in summarize_session(response, now=NOW, **kwargs).findings]


@pytest.mark.parametrize(
    ("state", "phase", "healthy", "accepting", "alive", "code"),
    [
        ("CREATING", "starting", True, False, True, "SESSION_STARTING"),
        ("CREATED", "starting", True, False, True, "SESSION_STARTING"),
        ("IDLE", "ready", True, True, True, "SESSION_READY"),
        ("BUSY", "running", True, False, True, "SESSION_BUSY"),
        ("TERMINATING", "stopping", False, False, True, "SESSION_TERMINATING"),
        ("TERMINATED", "ended", False, False, False, "SESSION_TERMINATED"),
        ("DEGRADED", "unhealthy", False, False, True, "SESSION_DEGRADED"),
        ("FAILED", "unhealthy", False, False, False, "SESSION_FAILED"),
    ],
)
def test_every_documented_state_maps_to_phase_health_and_a_finding(
    state: str, phase: str, healthy: bool, accepting: bool, alive: bool, code: str
) -> None:
    summary = summarize_session(session_response(state), now=NOW)
    assert (summary.state, summary.phase, summary.healthy) == (state, phase, healthy)
    assert (summary.accepting_calculations, summary.alive) == (accepting, alive)
    assert code in [f.code for f in summary.findings]
    assert all(f.suggestion for f in summary.findings)


def test_unknown_future_state_gives_unknown_phase_and_a_warning_instead_of_crashing() -> None:
    summary = summarize_session(session_response("HIBERNATING"), now=NOW)
    assert summary.phase == "unknown"
    assert not summary.healthy and not summary.accepting_calculations
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


def test_idle_countdown_never_goes_negative_past_the_timeout() -> None:
    timing = summarize_session(session_response("IDLE", idle_minutes=45, timeout_minutes=20), now=NOW).timing
    assert timing.idle_timeout_remaining_seconds == 0


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


def test_failed_session_is_critical_and_carries_the_reason() -> None:
    summary = summarize_session(session_response("FAILED", reason="Executor lost: OutOfMemoryError"), now=NOW)
    first = summary.findings[0]
    assert (first.severity, first.code) == ("critical", "SESSION_FAILED")
    assert "OutOfMemoryError" in first.message
    assert summary.state_change_reason == "Executor lost: OutOfMemoryError"


def test_session_terminated_by_idle_timeout_is_recognised() -> None:
    reason = "Session was terminated because it was idle for 20 minutes."
    found = codes(session_response("TERMINATED", reason=reason))
    assert "SESSION_IDLE_TIMED_OUT" in found


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


def test_missing_encryption_is_reported_as_info() -> None:
    response = session_response()
    del response["SessionConfiguration"]["EncryptionConfiguration"]
    assert "NO_RESULT_ENCRYPTION" in codes(response)


def test_kms_encryption_without_a_key_is_a_warning() -> None:
    response = session_response()
    response["SessionConfiguration"]["EncryptionConfiguration"] = {"EncryptionOption": "CSE_KMS"}
    assert "KMS_KEY_MISSING" in codes(response)


def test_live_session_without_logging_is_flagged_and_all_destinations_are_listed() -> None:
    assert "NO_LOGGING" in codes(session_response(MonitoringConfiguration={}))
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
    response = session_response("DEGRADED", MonitoringConfiguration={})
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
