"""Idle-timeout rules: when a session's idle timeout is due, when to warn, and whether an end is
consistent with it, decided from the service's timestamps alone (never from StateChangeReason text).
No I/O and no clock reads: `now` is passed in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from athena_session_mcp.athena.responses import (
    as_datetime,
    as_int,
    as_str,
    format_duration,
    iso_or_none,
    seconds_between,
)
from athena_session_mcp.health.models import SessionTiming

# When to warn that the idle timeout is near: the last quarter of the timeout, but at least 5 minutes
# (time for a model to notice, ask and submit work), at most half the timeout (so a 1-10 minute
# timeout does not warn from its first minute, a warning that is always on is noise) and at most
# 30 minutes (a session with more left than that is not about to end). SessionIdleTimeoutInMinutes
# is 1-480: 1 min -> last 30 s, 10 min -> last 5 min, 20 min (default) -> 5 min, 60 min -> 15 min,
# 120-480 min -> 30 min.
IDLE_WARNING_FRACTION = 0.25
IDLE_WARNING_FLOOR_SECONDS = 5 * 60
IDLE_WARNING_CAP_SECONDS = 30 * 60

# How long after the idle timeout was due (IdleSinceDateTime + timeout) EndDateTime may come and still be
# "consistent with the idle timeout". The end is stamped after the TERMINATING shutdown has released the
# resources (tens of seconds to a few minutes) and the service checks idle sessions periodically, so the
# end comes a little after the timeout; 3 minutes covers that and second-rounded timestamps. The timeout
# cannot fire before it is due, so an earlier end is never consistent with it.
IDLE_END_TOLERANCE_SECONDS = 3 * 60

TimeoutSource = Literal["SessionIdleTimeoutInMinutes", "IdleTimeoutSeconds"]


def idle_warning_threshold(timeout_seconds: int) -> int:
    """Seconds before the idle timeout from which an IDLE session gets the IDLE_TIMEOUT_SOON warning."""
    quarter = int(timeout_seconds * IDLE_WARNING_FRACTION)
    return min(max(IDLE_WARNING_FLOOR_SECONDS, quarter), timeout_seconds // 2, IDLE_WARNING_CAP_SECONDS)


def idle_timeout(session_config: Mapping[str, Any]) -> tuple[int | None, TimeoutSource | None, int | None]:
    """(timeout in seconds, the field it came from, IdleTimeoutSeconds when it disagrees).

    SessionIdleTimeoutInMinutes wins: it is the only idle timeout StartSession accepts ("The idle
    timeout in minutes for the session", 1-480), so it is what the user chose. GetSession's model
    documents both fields with the same words ("The idle timeout in seconds for the session"; the
    minutes field's name and 1-480 range say minutes), and IdleTimeoutSeconds cannot be set through
    the API, so when they disagree the summary counts down from the minutes and reports both.
    """
    minutes = as_int(session_config.get("SessionIdleTimeoutInMinutes"))
    seconds = as_int(session_config.get("IdleTimeoutSeconds"))
    seconds = seconds if seconds is not None and seconds > 0 else None
    if minutes is not None and minutes > 0:
        disagreeing = seconds if seconds is not None and seconds != minutes * 60 else None
        return minutes * 60, "SessionIdleTimeoutInMinutes", disagreeing
    if seconds is not None:
        return seconds, "IdleTimeoutSeconds", None
    return None, None, None


@dataclass(frozen=True, slots=True)
class IdleEnd:
    """How a session's end relates to its idle timeout, from its timestamps alone (the API never says
    why a session ended, and its StateChangeReason reads the same for both)."""

    gap_seconds: int  # EndDateTime - IdleSinceDateTime, as measured
    timeout_seconds: int
    # True: it ended in [due, due + IDLE_END_TOLERANCE_SECONDS], consistent with the idle timeout;
    # False: before the timeout was due, so the timeout cannot explain it; None: later than that window.
    consistent: bool | None

    def text(self) -> str:
        """E.g. "ended 20m 40s after it went idle; its idle timeout is 20m 00s"."""
        return (
            f"ended {format_duration(self.gap_seconds)} after it went idle; its idle timeout is "
            f"{format_duration(self.timeout_seconds)}"
        )


def idle_end(
    idle_since: datetime | None, ended: datetime | None, timeout_seconds: int | None
) -> IdleEnd | None:
    """The one idle-end rule every tool uses; None when a timestamp or the timeout is missing, or the end
    comes before the idle start (the timestamps then describe no idle period)."""
    if idle_since is None or ended is None or not timeout_seconds:
        return None
    # Whole seconds, as every answer shows the timestamps, so each caller gets the same verdict.
    gap = int((ended.replace(microsecond=0) - idle_since.replace(microsecond=0)).total_seconds())
    if gap < 0:
        return None
    if gap < timeout_seconds:
        consistent: bool | None = False
    elif gap <= timeout_seconds + IDLE_END_TOLERANCE_SECONDS:
        consistent = True
    else:
        consistent = None
    return IdleEnd(gap, timeout_seconds, consistent)


def session_timing(
    status: Mapping[str, Any], session_config: Mapping[str, Any], now: datetime
) -> SessionTiming:
    state = as_str(status.get("State"))
    started = as_datetime(status.get("StartDateTime"))
    modified = as_datetime(status.get("LastModifiedDateTime"))
    idle_since = as_datetime(status.get("IdleSinceDateTime"))
    ended = as_datetime(status.get("EndDateTime"))
    timeout, source, _ = idle_timeout(session_config)

    idle_for = remaining = None
    timeout_at: datetime | None = None
    if state == "IDLE":
        # The service may leave IdleSinceDateTime empty; the last state change is the best proxy.
        idle_start = idle_since or modified
        idle_for = seconds_between(now, idle_start)
        if timeout is not None and idle_start is not None:
            timeout_at = datetime.fromtimestamp(idle_start.timestamp() + timeout, UTC)
            remaining = max(0, int((timeout_at - now).total_seconds()))
    end = idle_end(idle_since, ended, timeout)
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
        end_consistent_with_idle_timeout=end.consistent
        if state == "TERMINATED" and end is not None
        else None,
    )


def timing_idle_end(timing: SessionTiming) -> IdleEnd | None:
    """idle_end of a summary's timing (the finding's text reports the gap the verdict rests on)."""
    return idle_end(as_datetime(timing.idle_since), as_datetime(timing.ended_at), timing.idle_timeout_seconds)
