"""A controllable clock: real time plus an offset, or frozen at an instant.

Every emulator state is derived lazily from timestamps and this clock, so tests move time with
``advance``/``freeze`` instead of sleeping, and the HTTP emulator (real-time mode) still progresses.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

__all__ = ["Clock", "get_clock"]


def _as_utc(value: datetime) -> datetime:
    # Naive datetimes are taken as UTC, matching botocore's convention.
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class Clock:
    """Timezone-aware UTC clock that can be frozen and moved forward."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = timedelta(0)
        self._frozen_at: datetime | None = None

    def now(self) -> datetime:
        """The current emulated time (timezone-aware, UTC)."""
        with self._lock:
            if self._frozen_at is not None:
                return self._frozen_at
            return datetime.now(UTC) + self._offset

    @property
    def frozen(self) -> bool:
        """True while the clock is frozen."""
        with self._lock:
            return self._frozen_at is not None

    def freeze(self, at: datetime | None = None) -> datetime:
        """Stop time at ``at`` (default: the current emulated time); returns the frozen instant."""
        instant = _as_utc(at) if at is not None else self.now()
        with self._lock:
            self._frozen_at = instant
        return instant

    def unfreeze(self) -> None:
        """Let time run again from the frozen instant (keeps the emulated time continuous)."""
        with self._lock:
            if self._frozen_at is not None:
                self._offset = self._frozen_at - datetime.now(UTC)
                self._frozen_at = None

    def advance(self, seconds: float) -> datetime:
        """Move the emulated time forward (or backward, if negative); returns the new now."""
        delta = timedelta(seconds=seconds)
        with self._lock:
            if self._frozen_at is not None:
                self._frozen_at += delta
            else:
                self._offset += delta
        return self.now()

    def reset(self) -> None:
        """Back to plain real time: not frozen, no offset."""
        with self._lock:
            self._offset = timedelta(0)
            self._frozen_at = None


_CLOCK = Clock()


def get_clock() -> Clock:
    """The process-wide clock used by the emulator (in-process and HTTP mode alike)."""
    return _CLOCK
