"""What the server has learnt about engines: each session's and workgroup's engine version.

The engine of a session never changes, nor does a workgroup's ("You cannot upgrade a workgroup from
PySpark engine version 3 to Apache Spark version 3.5"), so a gateway keeps what it learns for its life
and a tool never asks twice. It belongs to the gateway (client state), not to a module.
"""

from __future__ import annotations

from collections import OrderedDict

import anyio

# Sessions remembered per gateway; beyond that the oldest are forgotten (and looked up again if asked).
MAX_REMEMBERED_SESSIONS = 4096


class EngineBook:
    """Engine versions by session id (bounded, least recently learnt forgotten first) and by workgroup,
    plus the workgroup look-ups under way, so concurrent callers share one call without a lock held
    across it."""

    def __init__(self, max_sessions: int = MAX_REMEMBERED_SESSIONS) -> None:
        self._max_sessions = max_sessions
        self._sessions: OrderedDict[str, str] = OrderedDict()
        self._workgroups: dict[str, str] = {}
        self._asking: dict[str, anyio.Event] = {}

    def session(self, session_id: str) -> str | None:
        return self._sessions.get(session_id)

    def learn_session(self, session_id: str, engine_version: str) -> None:
        self._sessions[session_id] = engine_version
        self._sessions.move_to_end(session_id)
        while len(self._sessions) > self._max_sessions:
            self._sessions.popitem(last=False)

    def workgroup(self, workgroup: str) -> str | None:
        return self._workgroups.get(workgroup)

    def learn_workgroup(self, workgroup: str, engine_version: str) -> None:
        self._workgroups[workgroup] = engine_version

    def asking(self, workgroup: str) -> anyio.Event | None:
        """The look-up of `workgroup` under way, if any (wait on it, then read `workgroup`)."""
        return self._asking.get(workgroup)

    def start_asking(self, workgroup: str) -> anyio.Event:
        event = self._asking[workgroup] = anyio.Event()
        return event

    def done_asking(self, workgroup: str) -> None:
        self._asking.pop(workgroup).set()
