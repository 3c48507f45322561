"""Pure functions that turn a GetSession response into a health summary a model can act on.

No I/O and no clock reads: `now` is passed in, so every branch is testable. The public helpers
(session_timing, state_findings, headline, the as_* readers) are shared with the
fleet tools so a session reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, cast

from athena_session_mcp.config import DEFAULT_DPU_HOUR_PRICE_USD
from athena_session_mcp.models import (
    Finding,
    SessionCapacity,
    SessionConfigSummary,
    SessionSummary,
    SessionTiming,
    SessionUsage,
)
from athena_session_mcp.raw import iso_utc
from athena_session_mcp.states import ALIVE_SESSION_STATES, HEALTHY_SESSION_STATES, Phase, session_phase

# Warn when an idle session has this little time left, or this fraction of its timeout.
IDLE_WARNING_SECONDS = 5 * 60
IDLE_WARNING_FRACTION = 0.25

_SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


def as_map(value: Any) -> Mapping[str, Any]:
    return cast(Mapping[str, Any], value) if isinstance(value, Mapping) else {}


def as_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def as_int(value: Any) -> int | None:
    # bool is an int subclass; a boolean here would be a malformed response, not a number.
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def iso_or_none(value: datetime | None) -> str | None:
    """ISO-8601 UTC in whole seconds (read better in a summary; raw keeps the service's precision)."""
    return iso_utc(value.replace(microsecond=0)) if value else None


def seconds_between(delta_end: datetime | None, delta_start: datetime | None) -> int | None:
    if delta_end is None or delta_start is None:
        return None
    return max(0, int((delta_end - delta_start).total_seconds()))


def format_duration(seconds: int) -> str:
    """Compact human duration: '45s', '3m 05s', '2h 07m', '3d 4h'."""
    if seconds < 60:
        return f"{seconds}s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}h {minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h"


def _idle_timeout(session_config: Mapping[str, Any]) -> tuple[int | None, Any]:
    minutes = as_int(session_config.get("SessionIdleTimeoutInMinutes"))
    if minutes is not None and minutes > 0:
        return minutes * 60, "SessionIdleTimeoutInMinutes"
    seconds = as_int(session_config.get("IdleTimeoutSeconds"))
    if seconds is not None and seconds > 0:
        return seconds, "IdleTimeoutSeconds"
    return None, None


def session_timing(
    status: Mapping[str, Any], session_config: Mapping[str, Any], now: datetime
) -> SessionTiming:
    state = as_str(status.get("State"))
    started = as_datetime(status.get("StartDateTime"))
    modified = as_datetime(status.get("LastModifiedDateTime"))
    idle_since = as_datetime(status.get("IdleSinceDateTime"))
    ended = as_datetime(status.get("EndDateTime"))
    timeout, source = _idle_timeout(session_config)

    idle_for = remaining = None
    timeout_at: datetime | None = None
    if state == "IDLE":
        # The service may leave IdleSinceDateTime empty; the last state change is the best proxy.
        idle_start = idle_since or modified
        idle_for = seconds_between(now, idle_start)
        if timeout is not None and idle_start is not None:
            timeout_at = datetime.fromtimestamp(idle_start.timestamp() + timeout, UTC)
            remaining = max(0, int((timeout_at - now).total_seconds()))
    return SessionTiming(
        started_at=iso_or_none(started),
        last_modified_at=iso_or_none(modified),
        idle_since=iso_or_none(idle_since),
        ended_at=iso_or_none(ended),
        age_seconds=seconds_between(ended or now, started),
        idle_for_seconds=idle_for,
        idle_timeout_seconds=timeout,
        idle_timeout_source=source,
        idle_timeout_remaining_seconds=remaining,
        idle_timeout_at=iso_or_none(timeout_at),
    )


def dpu_usage(statistics: Mapping[str, Any], price: float) -> SessionUsage:
    millis = as_int(statistics.get("DpuExecutionInMillis"))
    dpu_hours = cost = None
    if millis is not None:
        dpu_hours = round(millis / 3_600_000, 4)
        cost = round(millis / 3_600_000 * price, 4)
    return SessionUsage(
        dpu_execution_millis=millis,
        dpu_hours=dpu_hours,
        estimated_cost_usd=cost,
        price_per_dpu_hour_usd=price,
    )


def _logging_destinations(monitoring: Mapping[str, Any]) -> list[str]:
    destinations: list[str] = []
    cloudwatch = as_map(monitoring.get("CloudWatchLoggingConfiguration"))
    if cloudwatch.get("Enabled") is True:
        destinations.append(f"cloudwatch:{as_str(cloudwatch.get('LogGroup')) or '(default log group)'}")
    s3 = as_map(monitoring.get("S3LoggingConfiguration"))
    if s3.get("Enabled") is True:
        destinations.append(as_str(s3.get("LogLocation")) or "s3:(default location)")
    if as_map(monitoring.get("ManagedLoggingConfiguration")).get("Enabled") is True:
        destinations.append("managed")
    return destinations


def _config(response: Mapping[str, Any]) -> SessionConfigSummary:
    session_config = as_map(response.get("SessionConfiguration"))
    encryption = as_map(session_config.get("EncryptionConfiguration"))
    engine = as_map(response.get("EngineConfiguration"))
    return SessionConfigSummary(
        execution_role_arn=as_str(session_config.get("ExecutionRole")),
        encryption_option=as_str(encryption.get("EncryptionOption")),
        kms_key_configured=as_str(encryption.get("KmsKey")) is not None,
        working_directory=as_str(session_config.get("WorkingDirectory")),
        logging_destinations=_logging_destinations(as_map(response.get("MonitoringConfiguration"))),
        spark_properties_count=len(as_map(engine.get("SparkProperties"))),
        additional_configs_count=len(as_map(engine.get("AdditionalConfigs"))),
    )


def state_findings(state: str | None, reason: str | None, timing: SessionTiming) -> list[Finding]:
    because = f" Reason: {reason}" if reason else ""
    if state is None:
        return [
            Finding(
                severity="warning",
                code="STATE_MISSING",
                message="The response carries no Status.State, so the session's health is unknown.",
                suggestion="Call get_athena_session again; if it persists, check the session in the Athena console.",
            )
        ]
    if state == "FAILED":
        return [
            Finding(
                severity="critical",
                code="SESSION_FAILED",
                message=f"The session failed and its resources are no longer running.{because}",
                suggestion=(
                    "Start a new session (StartSession). Before retrying the same work, read the reason and the "
                    "failed calculations (list_athena_calculations with StateFilter FAILED) and their stderr."
                ),
            )
        ]
    if state == "DEGRADED":
        return [
            Finding(
                severity="critical",
                code="SESSION_DEGRADED",
                message=f"The session has no healthy coordinator; calculations are likely to fail.{because}",
                suggestion="Terminate this session and start a new one; avoid submitting more calculations to it.",
            )
        ]
    if state == "TERMINATED":
        idle = "idle" in (reason or "").lower()
        return [
            Finding(
                severity="info",
                code="SESSION_IDLE_TIMED_OUT" if idle else "SESSION_TERMINATED",
                message=("The session ended after its idle timeout." if idle else "The session has ended.")
                + because,
                suggestion=(
                    "It can no longer run calculations: start a new session in the same workgroup"
                    + (" and raise SessionIdleTimeoutInMinutes if it timed out too early." if idle else ".")
                ),
            )
        ]
    if state == "TERMINATING":
        return [
            Finding(
                severity="info",
                code="SESSION_TERMINATING",
                message=f"The session is shutting down.{because}",
                suggestion="Do not submit calculations; start a new session if more work is needed.",
            )
        ]
    if state in ("CREATING", "CREATED"):
        return [
            Finding(
                severity="info",
                code="SESSION_STARTING",
                message="The session is starting and cannot accept calculations yet.",
                suggestion="Poll again in 10-30 seconds (get_athena_session_status is the cheap poll) until IDLE.",
            )
        ]
    if state == "BUSY":
        return [
            Finding(
                severity="info",
                code="SESSION_BUSY",
                message="The session is running a calculation and cannot accept another one right now.",
                suggestion="Check progress with list_athena_calculations; submit new work when it is IDLE.",
            )
        ]
    if state == "IDLE":
        return _idle_findings(timing)
    return [
        Finding(
            severity="warning",
            code="UNKNOWN_STATE",
            message=f"Athena reported a state this server does not know: {state[:64]!r}.",
            suggestion="Treat the session as unknown; check the Athena documentation or console for its meaning.",
        )
    ]


def _idle_findings(timing: SessionTiming) -> list[Finding]:
    remaining, timeout = timing.idle_timeout_remaining_seconds, timing.idle_timeout_seconds
    if remaining is not None and timeout is not None:
        threshold = max(IDLE_WARNING_SECONDS, int(timeout * IDLE_WARNING_FRACTION))
        if remaining <= threshold:
            return [
                Finding(
                    severity="warning",
                    code="IDLE_TIMEOUT_SOON",
                    message=(
                        f"The session is idle and its idle timeout ends it in about {format_duration(remaining)}."
                    ),
                    suggestion=(
                        "Submit the next calculation now to keep it, or let it end to stop paying for it; "
                        "a new session takes time to start."
                    ),
                )
            ]
    return [
        Finding(
            severity="info",
            code="SESSION_READY",
            message="The session is idle and accepting calculations.",
            suggestion="Submit a calculation (StartCalculationExecution), or terminate it when done to save cost.",
        )
    ]


def _config_findings(config: SessionConfigSummary, alive: bool) -> list[Finding]:
    findings: list[Finding] = []
    if config.encryption_option is None:
        findings.append(
            Finding(
                severity="info",
                code="NO_RESULT_ENCRYPTION",
                message="No result encryption option is configured for the session.",
                suggestion=(
                    "Results rely on the bucket's default encryption; set SSE_KMS or CSE_KMS on the workgroup "
                    "if your data requires a customer-managed key."
                ),
            )
        )
    elif config.encryption_option in ("SSE_KMS", "CSE_KMS") and not config.kms_key_configured:
        findings.append(
            Finding(
                severity="warning",
                code="KMS_KEY_MISSING",
                message=f"Encryption is {config.encryption_option} but no KMS key is set.",
                suggestion="Set the workgroup's KmsKey so results are encrypted with the intended key.",
            )
        )
    if alive and not config.logging_destinations:
        findings.append(
            Finding(
                severity="info",
                code="NO_LOGGING",
                message="No CloudWatch, S3 or managed logging is enabled for the session.",
                suggestion="Enable MonitoringConfiguration logging so failures can be diagnosed from driver logs.",
            )
        )
    return findings


def headline(
    state: str | None, phase: Phase, timing: SessionTiming, usage: SessionUsage | None = None
) -> str:
    """One line: state (phase) · idle countdown or age · DPU-hours and estimated cost when known."""
    parts = [f"{state or 'UNKNOWN'} ({phase})"]
    if timing.idle_timeout_remaining_seconds is not None:
        parts.append(f"idle timeout in {format_duration(timing.idle_timeout_remaining_seconds)}")
    elif timing.age_seconds is not None:
        parts.append(f"age {format_duration(timing.age_seconds)}")
    if usage is not None and usage.dpu_hours is not None and usage.estimated_cost_usd is not None:
        parts.append(f"{usage.dpu_hours:g} DPU-h ≈ ${usage.estimated_cost_usd:.2f} (est.)")
    return " · ".join(parts)


def sort_findings(findings: list[Finding]) -> None:
    """Most severe first (stable within a severity)."""
    findings.sort(key=lambda f: _SEVERITY_ORDER[f.severity])


def summarize_session(
    response: Mapping[str, Any], *, now: datetime, price_per_dpu_hour: float = DEFAULT_DPU_HOUR_PRICE_USD
) -> SessionSummary:
    """Build the health summary of a GetSession response. Missing or unknown fields never raise."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    status = as_map(response.get("Status"))
    state = as_str(status.get("State"))
    reason = as_str(status.get("StateChangeReason"))
    engine = as_map(response.get("EngineConfiguration"))
    session_config = as_map(response.get("SessionConfiguration"))

    phase = session_phase(state)
    alive = state in ALIVE_SESSION_STATES
    timing = session_timing(status, session_config, now)
    usage = dpu_usage(as_map(response.get("Statistics")), price_per_dpu_hour)
    config = _config(response)
    findings = state_findings(state, reason, timing) + _config_findings(config, alive)
    sort_findings(findings)

    return SessionSummary(
        session_id=as_str(response.get("SessionId")),
        workgroup=as_str(response.get("WorkGroup")),
        description=as_str(response.get("Description")),
        engine_version=as_str(response.get("EngineVersion")),
        state=state,
        phase=phase,
        alive=alive,
        healthy=state in HEALTHY_SESSION_STATES,
        accepting_calculations=state == "IDLE",
        state_change_reason=reason,
        headline=headline(state, phase, timing, usage),
        timing=timing,
        capacity=SessionCapacity(
            coordinator_dpu_size=as_int(engine.get("CoordinatorDpuSize")),
            max_concurrent_dpus=as_int(engine.get("MaxConcurrentDpus")),
            default_executor_dpu_size=as_int(engine.get("DefaultExecutorDpuSize")),
        ),
        usage=usage,
        config=config,
        findings=findings,
    )
