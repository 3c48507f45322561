"""A loopback Athena workgroup for digest tests and the fleet benchmark: ListSessions as documented
(without StateFilter only active sessions; with one, that state only; pages of MaxResults with a
NextToken) and GetSession per session, in the wire shapes of botocore's service model, with an optional
latency per call and a share of calls answered with ThrottlingException.

Plug `WorkgroupFake(...).behaviour` into `tests.reliability.FakeAthena`.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from tests.reliability import Json, Reply, aws_error

# ListSessions: "Lists the sessions in a workgroup that are in an active state like CREATING, CREATED,
# IDLE, or BUSY." (API reference)
ACTIVE_STATES = frozenset({"CREATING", "CREATED", "IDLE", "BUSY"})
ENGINE = "PySpark engine version 3"


@dataclass(frozen=True)
class FakeSession:
    """One session's facts; timestamps are epoch seconds, as on the wire."""

    session_id: str
    state: str
    started: float
    dpu_millis: int | None = 60_000
    idle_since: float | None = None
    ended: float | None = None
    reason: str | None = None
    idle_timeout_minutes: int = 20

    def status(self) -> Json:
        status: Json = {
            "StartDateTime": self.started,
            "LastModifiedDateTime": self.started,
            "State": self.state,
        }
        if self.idle_since is not None:
            status["IdleSinceDateTime"] = self.idle_since
            status["LastModifiedDateTime"] = self.idle_since
        if self.ended is not None:
            status["EndDateTime"] = self.ended
            status["LastModifiedDateTime"] = self.ended
        if self.reason is not None:
            status["StateChangeReason"] = self.reason
        return status

    def list_item(self) -> Json:
        return {
            "SessionId": self.session_id,
            "Description": "nightly feature build",
            "EngineVersion": {"SelectedEngineVersion": ENGINE, "EffectiveEngineVersion": ENGINE},
            "NotebookVersion": "Athena notebook version 1",
            "Status": self.status(),
        }

    def get_session(self, workgroup: str) -> Json:
        body: Json = {
            "SessionId": self.session_id,
            "Description": "nightly feature build",
            "WorkGroup": workgroup,
            "EngineVersion": ENGINE,
            "EngineConfiguration": {
                "CoordinatorDpuSize": 1,
                "MaxConcurrentDpus": 20,
                "DefaultExecutorDpuSize": 1,
            },
            "NotebookVersion": "Athena notebook version 1",
            "SessionConfiguration": {
                "ExecutionRole": "arn:aws:iam::123456789012:role/AthenaSparkRole",
                "IdleTimeoutSeconds": self.idle_timeout_minutes * 60,
                "SessionIdleTimeoutInMinutes": self.idle_timeout_minutes,
                "EncryptionConfiguration": {"EncryptionOption": "SSE_S3"},
            },
            "Status": self.status(),
        }
        if self.dpu_millis is not None:
            body["Statistics"] = {"DpuExecutionInMillis": self.dpu_millis}
        return body


@dataclass
class WorkgroupFake:
    """Answers ListSessions and GetSession for one workgroup of `sessions`, newest first."""

    workgroup: str
    sessions: list[FakeSession]
    latency: float = 0.0  # seconds added to every call
    read_latency: float = 0.0  # seconds added to every GetSession on top
    slow_sessions: frozenset[str] = frozenset()  # when given, read_latency applies to these only
    throttle_share: float = 0.0  # share of calls answered with ThrottlingException
    throttled_operations: frozenset[str] = frozenset({"ListSessions", "GetSession"})
    denied_sessions: frozenset[str] = frozenset()  # GetSession answers AccessDeniedException
    unlistable_states: frozenset[str] = (
        frozenset()
    )  # ListSessions with this StateFilter is throttled for good
    seed: int = 7
    throttled: Counter[str] = field(default_factory=Counter[str])
    _rng: random.Random = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self.sessions = sorted(self.sessions, key=lambda s: s.started, reverse=True)

    def _throttle(self, operation: str) -> bool:
        with self._lock:
            hit = (
                operation in self.throttled_operations
                and self.throttle_share > 0
                and self._rng.random() < self.throttle_share
            )
            if hit:
                self.throttled[operation] += 1
            return hit

    def behaviour(self, operation: str, request: Json) -> Reply:
        reply = self._answer(operation, request)
        slow = operation == "GetSession" and (
            not self.slow_sessions or request.get("SessionId") in self.slow_sessions
        )
        delay = self.latency + (self.read_latency if slow else 0.0)
        return Reply(status=reply.status, body=reply.body, delay=delay)

    def _answer(self, operation: str, request: Json) -> Reply:
        if self._throttle(operation):
            return aws_error(400, "ThrottlingException", "Rate exceeded")
        if operation == "ListSessions":
            return self._list(request)
        if operation == "GetSession":
            session_id = str(request.get("SessionId"))
            if session_id in self.denied_sessions:
                return aws_error(400, "AccessDeniedException", "not authorized to perform athena:GetSession")
            for session in self.sessions:
                if session.session_id == session_id:
                    return Reply(body=session.get_session(self.workgroup))
            return aws_error(400, "InvalidRequestException", f"Session {session_id} is not found.")
        return Reply(body={})

    def _list(self, request: Json) -> Reply:
        if request.get("WorkGroup") != self.workgroup:
            return aws_error(
                400, "InvalidRequestException", f"WorkGroup {request.get('WorkGroup')} is not found."
            )
        state = request.get("StateFilter")
        if state in self.unlistable_states:
            return aws_error(400, "ThrottlingException", "Rate exceeded")
        chosen = [s for s in self.sessions if (s.state == state if state else s.state in ACTIVE_STATES)]
        start = int(request.get("NextToken") or 0)
        size = int(request.get("MaxResults") or 100)
        page = chosen[start : start + size]
        body: Json = {"Sessions": [s.list_item() for s in page]}
        if start + size < len(chosen):
            body["NextToken"] = str(start + size)
        return Reply(body=body)


def fleet(count: int, now: float | None = None, states: Iterable[str] | None = None) -> list[FakeSession]:
    """`count` sessions cycling through `states` (default: every state), one minute apart, each with
    (i + 1) minutes of DPU time."""
    now = time.time() if now is None else now
    cycle = list(
        states or ("IDLE", "BUSY", "TERMINATED", "FAILED", "CREATING", "DEGRADED", "TERMINATED", "IDLE")
    )
    out: list[FakeSession] = []
    for i in range(count):
        state = cycle[i % len(cycle)]
        started = now - 3600 - 60 * i
        out.append(
            FakeSession(
                session_id=f"s-{i:04d}",
                state=state,
                started=started,
                dpu_millis=(i + 1) * 60_000,
                idle_since=now - 600 if state == "IDLE" else None,
                ended=now - 60 if state in ("TERMINATED", "FAILED") else None,
                reason="Session was terminated per request." if state == "TERMINATED" else None,
            )
        )
    return out
