"""Spark sessions: stored facts plus a lazily evaluated, time-derived state machine.

CREATING -> CREATED -> IDLE <-> BUSY while calculations run. TerminateSession: TERMINATING ->
TERMINATED; the idle timeout: TERMINATED at the deadline. Both read "Session was terminated per
request." (User Guide, "Troubleshoot session errors"). Injected failures (FAILED) and degradation
(DEGRADED until recovered) override the derived state. Durations and other undocumented choices come
from ``assumptions``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from . import assumptions
from .calculations import Calculation, CalculationView, Cutoff, schedule, view_calculation
from .constants import TERMINATED_PER_REQUEST_REASON

__all__ = [
    "DEFAULT_IDLE_TIMEOUT_MINUTES",
    "Session",
    "SessionView",
    "view_session",
]

# Documented default ("Troubleshoot session errors": "the default is 20 minutes").
DEFAULT_IDLE_TIMEOUT_MINUTES = 20
CREATING_SECONDS = assumptions.SESSION_CREATING_SECONDS
CREATED_SECONDS = assumptions.SESSION_CREATED_SECONDS
TERMINATING_SECONDS = assumptions.SESSION_TERMINATING_SECONDS


@dataclass(slots=True)
class Session:
    """What was requested and what happened to a session, with timestamps."""

    session_id: str
    workgroup: str
    engine_version: str
    engine_configuration: dict[str, object]
    session_configuration: dict[str, object]
    idle_timeout_minutes: int
    started_at: datetime
    coordinator_dpus: int = 1
    description: str | None = None
    notebook_version: str | None = None
    monitoring_configuration: dict[str, object] | None = None
    terminate_requested_at: datetime | None = None
    failed_at: datetime | None = None
    failure_reason: str | None = None
    degraded_at: datetime | None = None
    degraded_reason: str | None = None
    recovered_at: datetime | None = None
    # Start of the idle period the session was in when termination was requested (None if not IDLE).
    idle_since_at_request: datetime | None = None
    calculations: list[Calculation] = field(default_factory=list[Calculation])
    tags: dict[str, str] = field(default_factory=dict[str, str])  # StartSession Tags (and copied ones)

    @property
    def ready_at(self) -> datetime:
        """When the session first becomes IDLE."""
        return self.started_at + timedelta(seconds=CREATING_SECONDS + CREATED_SECONDS)


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionView:
    """A session's status and statistics at one instant, with its calculations' views."""

    state: str
    reason: str | None
    last_modified: datetime
    ended_at: datetime | None
    idle_since: datetime | None
    dpu_millis: int
    calculations: tuple[tuple[Calculation, CalculationView], ...]

    @property
    def terminal(self) -> bool:
        """True once the session can no longer change (TERMINATED or FAILED)."""
        return self.state in ("TERMINATED", "FAILED")


def _cutoff(session: Session, at: datetime) -> Cutoff | None:
    # Only events that already happened at ``at`` count, so past instants evaluate consistently.
    if session.failed_at is not None and session.failed_at <= at:
        return Cutoff(session.failed_at, "FAILED", assumptions.CALCULATION_REASON_SESSION_FAILED)
    if session.terminate_requested_at is not None and session.terminate_requested_at <= at:
        return Cutoff(
            session.terminate_requested_at,
            assumptions.CALCULATION_STATE_SESSION_TERMINATED,
            assumptions.CALCULATION_REASON_SESSION_TERMINATED,
        )
    return None


def _millis(delta: timedelta) -> int:
    return max(0, int(delta.total_seconds() * 1000))


def view_session(session: Session, at: datetime) -> SessionView:
    """Derive the session's state at ``at`` from its timestamps."""
    timelines = schedule(session.calculations, _cutoff(session, at))
    submitted = [(c, t) for c, t in zip(session.calculations, timelines, strict=True) if c.submitted_at <= at]
    calcs = tuple((c, view_calculation(c, t, at)) for c, t in submitted)
    calc_dpu = sum(view.dpu_millis for _, view in calcs)

    state: str
    reason: str | None = None
    last_modified: datetime
    ended_at: datetime | None = None
    idle_since: datetime | None = None

    if session.failed_at is not None and session.failed_at <= at:
        state, reason, last_modified, ended_at = (
            "FAILED",
            session.failure_reason,
            session.failed_at,
            session.failed_at,
        )
    elif session.terminate_requested_at is not None and session.terminate_requested_at <= at:
        done_at = session.terminate_requested_at + timedelta(seconds=TERMINATING_SECONDS)
        if at >= done_at:
            state, reason, last_modified, ended_at = (
                "TERMINATED",
                TERMINATED_PER_REQUEST_REASON,
                done_at,
                done_at,
            )
        else:
            state, last_modified = "TERMINATING", session.terminate_requested_at
            reason = assumptions.REASON_WHILE_TERMINATING
        if assumptions.IDLE_SINCE_KEPT_AFTER_END:
            idle_since = session.idle_since_at_request
    elif at < session.started_at + timedelta(seconds=CREATING_SECONDS):
        state, last_modified = "CREATING", session.started_at
    elif at < session.ready_at:
        state, last_modified = "CREATED", session.started_at + timedelta(seconds=CREATING_SECONDS)
    else:
        intervals = sorted((c.submitted_at, t.end) for c, t in submitted)
        last_end = max([session.ready_at, *(end for _, end in intervals if end <= at)])
        busy_since = _busy_since(intervals, at)
        deadline = last_end + timedelta(minutes=session.idle_timeout_minutes)
        recovered = (
            session.recovered_at if session.recovered_at is not None and session.recovered_at <= at else None
        )
        degraded = (
            session.degraded_at is not None
            and session.degraded_at <= at
            and (recovered is None or recovered < session.degraded_at)
        )
        if busy_since is None and at >= deadline:
            # assumptions.IDLE_TIMEOUT_SKIPS_TERMINATING: TERMINATED exactly at the deadline.
            state, reason, last_modified, ended_at = (
                "TERMINATED",
                TERMINATED_PER_REQUEST_REASON,
                deadline,
                deadline,
            )
            idle_since = last_end if assumptions.IDLE_SINCE_KEPT_AFTER_END else None
        elif degraded:
            assert session.degraded_at is not None
            state, reason, last_modified = "DEGRADED", session.degraded_reason, session.degraded_at
        elif busy_since is not None:
            state, last_modified = "BUSY", max(busy_since, recovered) if recovered else busy_since
        else:
            state, idle_since = "IDLE", last_end
            last_modified = max(last_end, recovered) if recovered else last_end

    alive_until = ended_at if ended_at is not None else at
    dpu = session.coordinator_dpus * _millis(alive_until - session.started_at) + calc_dpu
    return SessionView(
        state=state,
        reason=reason,
        last_modified=last_modified,
        ended_at=ended_at,
        idle_since=idle_since,
        dpu_millis=dpu,
        calculations=calcs,
    )


def _busy_since(intervals: list[tuple[datetime, datetime]], at: datetime) -> datetime | None:
    """Start of the contiguous busy period containing ``at`` (intervals sorted by start)."""
    since: datetime | None = None
    reach: datetime | None = None
    for start, end in intervals:
        if start > at:
            break
        if reach is None or start > reach:
            since, reach = start, end
        else:
            reach = max(reach, end)
    if reach is not None and at < reach:
        return since
    return None
