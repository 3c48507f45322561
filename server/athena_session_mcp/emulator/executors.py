"""ListExecutors: executors whose lifecycle follows their session's (derived, never stored).

A session has one COORDINATOR from its start, a GATEWAY on Apache Spark version 3.5 (the Spark Connect
endpoint), and WORKERs once work has run. While the session is alive they are REGISTERED; a DEGRADED
session has failed workers; when the session ends they are TERMINATED, and a FAILED session's
coordinator and first worker are FAILED. Types and states come from the API reference; which executors
exist and when is assumed (emulator/assumptions.py; FIDELITY.md, "Executors, logs and job output").
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from . import assumptions
from .errors import InvalidRequestError
from .pagination import decode_token, encode_token
from .service import SparkService
from .sessions import Session, SessionView

__all__ = ["Executor", "op_list_executors", "session_executors"]

DEFAULT_PAGE_SIZE = 100
_WORKERS_START_AFTER = timedelta(seconds=2)  # submission -> running (calculations.CREATING + QUEUED)
_NAMESPACE = uuid.UUID("6f1c3f0e-5a8e-4d3b-9a57-3c1d2b0e7a11")


@dataclass(frozen=True, slots=True, kw_only=True)
class Executor:
    executor_id: str
    type: str
    state: str
    size: int
    started_at: datetime
    terminated_at: datetime | None


def executor_id(session_id: str, kind: str, index: int) -> str:
    """A stable executor id (the same on every call and in the seeded log stream names)."""
    return str(uuid.uuid5(_NAMESPACE, f"{session_id}/{kind}/{index}"))


def _int(config: Mapping[str, object], key: str, default: int) -> int:
    value = config.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _workers(session: Session, at: datetime) -> tuple[int, datetime | None]:
    max_dpus = _int(session.engine_configuration, "MaxConcurrentDpus", 20)
    count = max(1, min(max_dpus - session.coordinator_dpus, assumptions.EXECUTOR_WORKERS))
    if session.engine_version in assumptions.EXECUTOR_GATEWAY_ENGINES:
        # No calculations on 3.5: Spark Connect work starts workers once the session is ready.
        return count, session.ready_at if at >= session.ready_at else None
    started = [c.submitted_at + _WORKERS_START_AFTER for c in session.calculations if c.submitted_at <= at]
    started = [s for s in started if s <= at]
    return count, (min(started) if started else None)


def session_executors(session: Session, view: SessionView, at: datetime) -> list[Executor]:
    """The session's executors as of `at`, oldest first."""
    state = view.state
    ended = view.ended_at
    size = _int(session.engine_configuration, "DefaultExecutorDpuSize", 1)
    worker_count, workers_started = _workers(session, at)

    def lifecycle(kind: str, index: int) -> tuple[str, datetime | None]:
        if state in ("CREATING", "CREATED"):
            return state, None
        if state == "TERMINATING":
            return "TERMINATING", None
        if state == "TERMINATED":
            return "TERMINATED", ended
        if state == "FAILED":
            failed = kind == "COORDINATOR" or (
                kind == "WORKER" and index < assumptions.FAILED_SESSION_FAILED_WORKERS
            )
            return ("FAILED" if failed else "TERMINATED"), ended
        # DEGRADED: "The session has no healthy coordinators" (SessionState), so its coordinator is FAILED.
        if state == "DEGRADED" and (
            kind == "COORDINATOR"
            or (kind == "WORKER" and index < worker_count - assumptions.DEGRADED_WORKERS_KEPT)
        ):
            return "FAILED", session.degraded_at
        return "REGISTERED", None

    executors: list[Executor] = []
    kinds: list[tuple[str, int, int, datetime]] = [
        ("COORDINATOR", 0, session.coordinator_dpus, session.started_at)
    ]
    if session.engine_version in assumptions.EXECUTOR_GATEWAY_ENGINES:
        kinds.append(("GATEWAY", 0, 1, session.started_at))
    if workers_started is not None and (ended is None or workers_started < ended):
        kinds += [("WORKER", i, size, workers_started) for i in range(worker_count)]
    for kind, index, dpus, started in kinds:
        executor_state, terminated = lifecycle(kind, index)
        executors.append(
            Executor(
                executor_id=executor_id(session.session_id, kind, index),
                type=kind,
                state=executor_state,
                size=dpus,
                started_at=started,
                terminated_at=terminated,
            )
        )
    return executors


def _millis(value: datetime) -> int:
    # ExecutorsSummary.StartDateTime/TerminationDateTime are longs in the service model (unit assumed).
    return int(value.timestamp() * (1000 if assumptions.EXECUTOR_TIMES_IN_MILLIS else 1))


def op_list_executors(service: SparkService, params: Mapping[str, object]) -> dict[str, object]:
    """The ListExecutors response body: newest executors first, filtered by state, paged."""
    session_id = cast(str, params["SessionId"])
    with service.state.lock:
        session = service.state.sessions.get(session_id)
        if session is None:
            raise InvalidRequestError(f"Session {session_id} not found")
        at = service.clock.now()
        return _list(session, service.view(session, at), at, params)


def _list(
    session: Session, view: SessionView, at: datetime, params: Mapping[str, object]
) -> dict[str, object]:
    state_filter = params.get("ExecutorStateFilter")
    state_filter = state_filter if isinstance(state_filter, str) else None
    size = _int(params, "MaxResults", DEFAULT_PAGE_SIZE)
    token = params.get("NextToken")
    offset = (
        decode_token(token, "executors", session.session_id, state_filter) if isinstance(token, str) else 0
    )
    listed = list(enumerate(session_executors(session, view, at)))
    listed.sort(key=lambda pair: (pair[1].started_at, pair[0]), reverse=True)
    rows: list[dict[str, object]] = []
    for _, executor in listed:
        if state_filter is not None and executor.state != state_filter:
            continue
        row: dict[str, object] = {
            "ExecutorId": executor.executor_id,
            "ExecutorType": executor.type,
            "StartDateTime": _millis(executor.started_at),
            "ExecutorState": executor.state,
            "ExecutorSize": executor.size,
        }
        if executor.terminated_at is not None:
            row["TerminationDateTime"] = _millis(executor.terminated_at)
        rows.append(row)
    if offset > len(rows):
        raise InvalidRequestError("The NextToken provided is not valid.")
    body: dict[str, object] = {
        "SessionId": session.session_id,
        "ExecutorsSummary": rows[offset : offset + size],
    }
    if offset + size < len(rows):
        body["NextToken"] = encode_token("executors", session.session_id, state_filter, offset + size)
    return body
