"""Per account/region Spark state, kept on moto's AthenaBackend so moto's resets clear it."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from datetime import datetime

from .calculations import Calculation
from .sessions import Session

__all__ = ["SparkState"]


@dataclass
class SparkState:
    """Sessions, calculations and idempotency tokens of one account and region."""

    account_id: str
    region: str
    lock: threading.RLock = field(default_factory=threading.RLock)
    sessions: dict[str, Session] = field(default_factory=dict[str, Session])
    calculations: dict[str, Calculation] = field(default_factory=dict[str, Calculation])
    session_tokens: dict[str, str] = field(default_factory=dict[str, str])
    calculation_tokens: dict[str, str] = field(default_factory=dict[str, str])
    workgroup_created: dict[str, datetime] = field(default_factory=dict[str, datetime])
    # Insertion order breaks ties between sessions started in the same instant.
    order: dict[str, int] = field(default_factory=dict[str, int])
    _counter: itertools.count[int] = field(default_factory=itertools.count)

    def add_session(self, session: Session) -> None:
        """Store a new session."""
        self.sessions[session.session_id] = session
        self.order[session.session_id] = next(self._counter)
