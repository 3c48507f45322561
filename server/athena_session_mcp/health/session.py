"""Health rules: turn a GetSession response into a summary a model can act on.

No I/O and no clock reads: `now` is passed in, so every branch is testable. Decisions rest on the
service's codes, states and timestamps, never on the StateChangeReason text. Response readers live in
`athena/responses`, DPU cost in `cost`, the idle-timeout rules in `timing`; state_findings and headline are
shared with the fleet tools so a session reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from athena_session_mcp.athena.responses import (
    as_datetime,
    as_int,
    as_map,
    as_str,
    format_duration,
    seconds_between,
)
from athena_session_mcp.athena.vocabulary import (
    ALIVE_SESSION_STATES,
    Engine,
    Phase,
    engine_kind,
    session_phase,
)
from athena_session_mcp.health.config import config_findings, config_summary
from athena_session_mcp.health.cost import dpu_usage
from athena_session_mcp.health.grammar import trusted
from athena_session_mcp.health.models import (
    DpuUsage,
    Finding,
    SessionCapacity,
    SessionSummary,
    SessionTiming,
)
from athena_session_mcp.health.timing import (
    idle_warning_threshold,
    session_timing,
    timing_idle_end,
)
from athena_session_mcp.settings import DEFAULT_DPU_HOUR_PRICE_USD

_SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


_SUBMIT = {
    "pyspark-v3": "Submit a calculation (StartCalculationExecution)",
    "spark-3.5": (
        "Send it work from a Spark Connect client (GetSessionEndpoint gives the endpoint and a short-lived "
        "token; this server never fetches or shows it)"
    ),
}
_SUBMIT_ANY = (
    "Submit work: a calculation (StartCalculationExecution) on PySpark engine version 3, or a Spark "
    "Connect client (GetSessionEndpoint) on Apache Spark version 3.5"
)
_WATCH = {
    "pyspark-v3": "Check progress with list_athena_calculations",
    "spark-3.5": "Watch it in the live Spark UI (GetResourceDashboard with the session's ARN)",
}
_WATCH_ANY = (
    "Check progress with list_athena_calculations (PySpark engine version 3) or the Spark UI "
    "(GetResourceDashboard, Apache Spark version 3.5)"
)
_WHY_FAILED = {
    "pyspark-v3": "look at the failed calculations (list_athena_calculations with StateFilter FAILED) and their stderr",
    "spark-3.5": "look at the Spark History Server (GetResourceDashboard with the session's ARN) and the driver logs",
}
_WHY_FAILED_ANY = (
    "look at the failed calculations (list_athena_calculations, PySpark engine version 3) or the Spark "
    "History Server (GetResourceDashboard, Apache Spark version 3.5), and the driver logs"
)
# What a session of each engine runs (the CLI renders it the same way).
ENGINE_WORK = {"pyspark-v3": "calculations", "spark-3.5": "Spark Connect work"}
# BUSY is "processing another task and is unable to accept a calculation" (SessionState); only PySpark
# engine version 3 has calculations, so the sentence names them only there.
_BUSY = {
    "pyspark-v3": "The session is processing a calculation and cannot accept another one right now.",
    "spark-3.5": "The session is busy processing Spark Connect work.",
}
_BUSY_ANY = (
    "The session is processing work (on PySpark engine version 3 it cannot accept another calculation "
    "until it is IDLE)."
)
_BUSY_NEXT = {
    "pyspark-v3": "; submit the next calculation when it is IDLE.",
    "spark-3.5": "; get_athena_session_status shows when it is IDLE again.",
}


def _pick(table: Mapping[str, str], kind: Engine | None, default: str) -> str:
    return table.get(kind or "", default)


# What the cheap poll cannot see: GetSessionStatus returns the status only, no SessionConfiguration.
POLL_HAS_NO_TIMEOUT = "GetSessionStatus does not return the idle timeout"


def _terminated(timing: SessionTiming, poll: bool) -> Finding:
    message = (
        "The session has ended normally: it was stopped by a request (TerminateSession or the console) or "
        "by its idle timeout; the API does not say which."
    )
    suggestion = "It can no longer run work: start a new session in the same workgroup if more is needed."
    end = timing_idle_end(timing)
    if end is not None and end.consistent is True:
        message += f" It {end.text()}: consistent with its idle timeout."
        suggestion += " If it ended too early, start the next one with a larger SessionIdleTimeoutInMinutes."
    elif end is not None and end.consistent is False:
        message += (
            f" It {end.text()}: it ended before the idle timeout was due, so the idle timeout does not "
            "explain it: most likely a stop by request."
        )
    elif end is not None:
        message += f" It {end.text()}: much later than the idle timeout, so the timestamps cannot tell."
    elif poll:
        message += f" {POLL_HAS_NO_TIMEOUT}: get_athena_session compares the end with it."
    return Finding(severity="info", code="SESSION_TERMINATED", message=message, suggestion=suggestion)


def state_findings(
    state: str | None, timing: SessionTiming, engine: Engine | None = None, *, poll: bool = False
) -> list[Finding]:
    """The finding for a session state, with next steps for its engine (both engines when unknown).
    The StateChangeReason is not read: it is free text, shown as it is in state_change_reason.
    `poll`: the timing comes from GetSessionStatus, which has no idle timeout; the finding says so."""
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
                message="The session failed and its resources are no longer running (state_change_reason says why).",
                suggestion=(
                    "Start a new session (StartSession). Before retrying the same work, read "
                    f"state_change_reason, then {_pick(_WHY_FAILED, engine, _WHY_FAILED_ANY)}."
                ),
            )
        ]
    if state == "DEGRADED":
        return [
            Finding(
                severity="critical",
                code="SESSION_DEGRADED",
                message="The session has no healthy coordinator; work sent to it is likely to fail.",
                suggestion=(
                    "Terminate this session and start a new one; avoid sending it more "
                    f"{_pick(ENGINE_WORK, engine, 'work')}."
                ),
            )
        ]
    if state == "TERMINATED":
        return [_terminated(timing, poll)]
    if state == "TERMINATING":
        return [
            Finding(
                severity="info",
                code="SESSION_TERMINATING",
                message="The session is shutting down.",
                suggestion="Do not send it work; start a new session if more is needed.",
            )
        ]
    if state in ("CREATING", "CREATED"):
        return [
            Finding(
                severity="info",
                code="SESSION_STARTING",
                message="The session is starting and cannot take work yet.",
                suggestion="Poll again in 10-30 seconds (get_athena_session_status is the cheap poll) until IDLE.",
            )
        ]
    if state == "BUSY":
        return [
            Finding(
                severity="info",
                code="SESSION_BUSY",
                message=_pick(_BUSY, engine, _BUSY_ANY),
                suggestion=_pick(_WATCH, engine, _WATCH_ANY)
                + _pick(_BUSY_NEXT, engine, "; send new work when it is IDLE."),
            )
        ]
    if state == "IDLE":
        return _idle_findings(timing, engine, poll)
    return [
        Finding(
            severity="warning",
            code="UNKNOWN_STATE",
            message=f"Athena reported a state this server does not know: {trusted('state', state) or 'not a state name'}.",
            suggestion="Treat the session as unknown; check the Athena documentation or console for its meaning.",
        )
    ]


def _idle_findings(timing: SessionTiming, engine: Engine | None, poll: bool = False) -> list[Finding]:
    remaining, timeout = timing.idle_timeout_remaining_seconds, timing.idle_timeout_seconds
    if remaining == 0 and timeout is not None:
        return [
            Finding(
                severity="warning",
                code="IDLE_TIMEOUT_PASSED",
                message=(
                    f"The session has been idle for {format_duration(timing.idle_for_seconds or timeout)}, past "
                    f"its {format_duration(timeout)} idle timeout: termination is pending."
                ),
                suggestion=(
                    "Do not count on it: it may end at any moment. Start a new session for new work, or let it "
                    "end to stop paying for it."
                ),
            )
        ]
    if remaining is not None and timeout is not None and remaining <= idle_warning_threshold(timeout):
        return [
            Finding(
                severity="warning",
                code="IDLE_TIMEOUT_SOON",
                message=f"The session is idle and its idle timeout ends it in about {format_duration(remaining)}.",
                suggestion=(
                    "Send it the next piece of work now to keep it, or let it end to stop paying for it; "
                    "a new session takes time to start."
                ),
            )
        ]
    ready = {
        "pyspark-v3": "The session is idle and accepting calculations.",
        "spark-3.5": "The session is idle and ready for Spark Connect clients (it has no Calculation API).",
    }
    message = _pick(ready, engine, "The session is idle and ready for work.")
    suggestion = f"{_pick(_SUBMIT, engine, _SUBMIT_ANY)}, or terminate it when done to save cost."
    if timeout is None:
        # Without the timeout nothing says how soon the session ends: say so instead of only "ready".
        idle = (
            f" It has been idle {format_duration(timing.idle_for_seconds)}."
            if timing.idle_for_seconds is not None
            else ""
        )
        if poll:
            message += (
                f"{idle} {POLL_HAS_NO_TIMEOUT}, so this poll cannot tell how soon the idle timeout ends it."
            )
            suggestion = (
                f"Call get_athena_session for the idle-timeout countdown before counting on it. {suggestion}"
            )
        else:
            message += (
                f"{idle} The response names no idle timeout, so how soon the idle timeout ends it is unknown."
            )
    return [Finding(severity="info", code="SESSION_READY", message=message, suggestion=suggestion)]


def cost_text(dpu_hours: float | None, cost_usd: float | None) -> str | None:
    """DPU-hours and the estimated cost as every headline says them; None when either is unknown."""
    if dpu_hours is None or cost_usd is None:
        return None
    return f"{dpu_hours:g} DPU-h ≈ ${cost_usd:.2f} (est.)"


def headline(
    state: str | None, phase: Phase, timing: SessionTiming, usage: DpuUsage | None = None, *, now: datetime
) -> str:
    """One line: state (phase) · idle countdown, when it ended, idle time or age · DPU-hours and estimated
    cost when known."""
    parts = [f"{trusted('state', state) or 'UNKNOWN'} ({phase})"]
    ended = as_datetime(timing.ended_at)
    if timing.idle_timeout_remaining_seconds == 0:
        parts.append("idle timeout passed, termination pending")
    elif timing.idle_timeout_remaining_seconds is not None:
        parts.append(f"idle timeout in {format_duration(timing.idle_timeout_remaining_seconds)}")
    elif ended is not None:
        # An ended session's age stops at its end: say when that was, or "age 10m" reads as "still young".
        parts.append(f"ended {format_duration(seconds_between(now, ended) or 0)} ago")
        if timing.age_seconds is not None:
            parts.append(f"ran {format_duration(timing.age_seconds)}")
    elif timing.idle_for_seconds is not None:
        parts.append(f"idle {format_duration(timing.idle_for_seconds)}")
    elif timing.age_seconds is not None:
        parts.append(f"age {format_duration(timing.age_seconds)}")
    if usage is not None and (cost := cost_text(usage.dpu_hours, usage.estimated_cost_usd)):
        parts.append(cost)
    return " · ".join(parts)


def sort_findings(findings: list[Finding]) -> None:
    """Most severe first (stable within a severity)."""
    findings.sort(key=lambda f: _SEVERITY_ORDER[f.severity])


def summarize_session(
    response: Mapping[str, Any],
    *,
    now: datetime,
    price_per_dpu_hour: float = DEFAULT_DPU_HOUR_PRICE_USD,
    engine_version: str | None = None,
) -> SessionSummary:
    """Build the health summary of a GetSession response. Missing or unknown fields never raise.

    `engine_version` stands in when the response carries no EngineVersion (the workgroup's engine)."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    status = as_map(response.get("Status"))
    state = as_str(status.get("State"))
    engine = as_map(response.get("EngineConfiguration"))
    session_config = as_map(response.get("SessionConfiguration"))
    version = as_str(response.get("EngineVersion")) or engine_version
    kind = engine_kind(version)

    phase = session_phase(state)
    alive = state in ALIVE_SESSION_STATES
    timing = session_timing(status, session_config, now)
    usage = dpu_usage(as_map(response.get("Statistics")), price_per_dpu_hour)
    config = config_summary(response)
    findings = state_findings(state, timing, kind) + config_findings(config, session_config, alive)
    sort_findings(findings)

    return SessionSummary(
        session_id=as_str(response.get("SessionId")),
        workgroup=as_str(response.get("WorkGroup")),
        description=as_str(response.get("Description")),
        engine_version=version,
        engine_kind=kind,
        state=state,
        phase=phase,
        alive=alive,
        state_change_reason=as_str(status.get("StateChangeReason")),
        headline=headline(state, phase, timing, usage, now=now),
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
