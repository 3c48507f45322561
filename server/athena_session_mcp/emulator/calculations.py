"""Calculation executions: stored facts plus a lazily evaluated, time-derived state machine.

A calculation goes CREATING -> QUEUED -> RUNNING -> COMPLETED | FAILED, or via CANCELING to
CANCELED when stopped. Calculations of one session run one at a time, in submission order. When the
session ends, active calculations end with it (FAILED on termination: see ``assumptions``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from . import assumptions
from .canned import CannedResult

__all__ = [
    "Calculation",
    "CalculationTimeline",
    "CalculationView",
    "Cutoff",
    "schedule",
    "view_calculation",
]

CREATING_SECONDS = assumptions.CALCULATION_CREATING_SECONDS
MIN_QUEUED_SECONDS = assumptions.CALCULATION_MIN_QUEUED_SECONDS
CANCELING_SECONDS = assumptions.CALCULATION_CANCELING_SECONDS


@dataclass(slots=True)
class Calculation:
    """What was submitted; everything time-dependent is derived by ``view_calculation``."""

    calculation_id: str
    session_id: str
    code: str
    submitted_at: datetime
    working_directory: str
    outcome: CannedResult
    executor_dpus: int
    description: str | None = None
    stop_requested_at: datetime | None = None
    results_written: bool = False

    def uri(self, name: str) -> str:
        """S3 URI of one of this calculation's output objects."""
        return f"{self.working_directory}{self.calculation_id}/{name}"


@dataclass(frozen=True, slots=True)
class Cutoff:
    """The session stopped at ``at``; calculations still active end there in ``state``."""

    at: datetime
    state: str
    reason: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class CalculationTimeline:
    """When a calculation runs and how it ends, given its predecessors and the session's fate."""

    run_start: datetime
    run_end: datetime
    end: datetime
    final_state: str
    final_reason: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class CalculationView:
    """A calculation's state at one instant."""

    state: str
    dpu_millis: int
    reason: str | None = None
    completed_at: datetime | None = None
    progress: str | None = None


def schedule(calculations: list[Calculation], cutoff: Cutoff | None) -> list[CalculationTimeline]:
    """Timelines for a session's calculations (in submission order); one runs at a time."""
    timelines: list[CalculationTimeline] = []
    previous_end: datetime | None = None
    for calc in calculations:
        earliest = calc.submitted_at + timedelta(seconds=CREATING_SECONDS + MIN_QUEUED_SECONDS)
        run_start = max(earliest, previous_end) if previous_end is not None else earliest
        natural_end = run_start + timedelta(seconds=calc.outcome.run_seconds)
        run_end = end = natural_end
        final_state = "FAILED" if calc.outcome.failure_reason else "COMPLETED"
        final_reason = calc.outcome.failure_reason
        stop = calc.stop_requested_at
        if stop is not None and stop < natural_end:
            run_end = max(run_start, stop)
            end = stop + timedelta(seconds=CANCELING_SECONDS)
            final_state, final_reason = "CANCELED", assumptions.CALCULATION_REASON_CANCELED
        if cutoff is not None and cutoff.at < end:
            run_end = max(run_start, min(run_end, cutoff.at))
            end = max(cutoff.at, calc.submitted_at)
            final_state, final_reason = cutoff.state, cutoff.reason
        timelines.append(
            CalculationTimeline(
                run_start=run_start,
                run_end=run_end,
                end=end,
                final_state=final_state,
                final_reason=final_reason,
            )
        )
        previous_end = end
    return timelines


def _millis(delta: timedelta) -> int:
    return max(0, int(delta.total_seconds() * 1000))


def view_calculation(calc: Calculation, timeline: CalculationTimeline, at: datetime) -> CalculationView:
    """The calculation's state, statistics and progress at ``at``."""
    running_until = min(at, timeline.run_end)
    dpu_millis = calc.executor_dpus * _millis(running_until - timeline.run_start)
    if at >= timeline.end:
        progress = "100% complete" if timeline.final_state == "COMPLETED" else None
        return CalculationView(
            state=timeline.final_state,
            reason=timeline.final_reason,
            completed_at=timeline.end,
            dpu_millis=dpu_millis,
            progress=progress,
        )
    if calc.stop_requested_at is not None and at >= calc.stop_requested_at:
        return CalculationView(state="CANCELING", dpu_millis=dpu_millis)
    if at < calc.submitted_at + timedelta(seconds=CREATING_SECONDS):
        return CalculationView(state="CREATING", dpu_millis=0)
    if at < timeline.run_start:
        return CalculationView(state="QUEUED", dpu_millis=0)
    total = (timeline.run_end - timeline.run_start).total_seconds()
    done = (at - timeline.run_start).total_seconds()
    percent = 99 if total <= 0 else min(99, int(100 * done / total))
    return CalculationView(state="RUNNING", dpu_millis=dpu_millis, progress=f"{percent}% complete")
