"""Cost rules for an account's sessions: DPU-hours per workgroup and per day, and the share spent idle
before an idle timeout ended a session. Pure: session summaries come in, figures go out.

Whether a session ended by its idle timeout is decided from its timestamps (health/timing.idle_end via the
summary's `end_consistent_with_idle_timeout`), never from its StateChangeReason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from athena_session_mcp.athena.responses import as_datetime, format_duration
from athena_session_mcp.health.models import SessionSummary
from athena_session_mcp.health.timing import timing_idle_end

# ASSUMED (no page says what an idle session is billed for): while IDLE a session holds its coordinator's
# DPUs (CoordinatorDpuSize, 1 unless set) and no executor, so its idle DPU-hours are the idle time times
# that size, never more than the session's own DPU-hours.
DEFAULT_COORDINATOR_DPUS = 1
# An idle share above this, in a workgroup whose sessions ended by their idle timeout, gets a next step.
IDLE_SHARE_WORTH_A_STEP = 0.2


@dataclass(frozen=True, slots=True)
class SessionCost:
    """What one session cost: DPU-hours over its life (GetSession Statistics), and of those, the hours
    it spent idle before its idle timeout ended it (0 when it did not end so)."""

    dpu_hours: float
    idle_dpu_hours: float
    ended_by_idle_timeout: bool
    day: str | None  # the UTC day it started, YYYY-MM-DD


def session_cost(summary: SessionSummary) -> SessionCost:
    dpu_hours = summary.usage.dpu_hours or 0.0
    timing = summary.timing
    ended_idle = timing.end_consistent_with_idle_timeout is True
    idle_dpu_hours = 0.0
    end = timing_idle_end(timing)  # the idle period the verdict above rests on
    if ended_idle and end is not None:
        dpus = summary.capacity.coordinator_dpu_size or DEFAULT_COORDINATOR_DPUS
        idle_dpu_hours = min(dpu_hours, end.gap_seconds / 3600 * dpus)
    started = as_datetime(timing.started_at)
    return SessionCost(
        dpu_hours=round(dpu_hours, 4),
        idle_dpu_hours=round(idle_dpu_hours, 4),
        ended_by_idle_timeout=ended_idle,
        day=started.date().isoformat() if started is not None else None,
    )


def idle_share(costs: Iterable[SessionCost]) -> float | None:
    """Idle DPU-hours over all DPU-hours; None when nothing was used."""
    items = list(costs)
    total = sum(c.dpu_hours for c in items)
    return round(sum(c.idle_dpu_hours for c in items) / total, 4) if total > 0 else None


def shorter_timeout_step(workgroup: str, timeouts_seconds: Iterable[int], share: float) -> str:
    """The next step that would have saved the idle share of one workgroup (the server's own words plus
    a trusted workgroup name and numbers)."""
    longest = max(timeouts_seconds, default=0)
    now = f" (its sessions' idle timeout: up to {format_duration(longest)})" if longest else ""
    return (
        f"{round(share * 100)}% of workgroup {workgroup}'s DPU-hours were spent idle before the idle timeout "
        f"ended sessions{now}: start sessions with a shorter SessionIdleTimeoutInMinutes, or end them when "
        "the work is done (TerminateSession)."
    )


def ran_since(ended: datetime | None, since: datetime) -> bool:
    """Whether a session ran in the window that starts at `since`: still running (or its end is unknown),
    or it ended at or after `since`. The account summary and the session history use this one rule."""
    return ended is None or ended >= since
