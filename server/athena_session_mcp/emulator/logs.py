"""Driver and executor logs in CloudWatch Logs (moto's logs backend) for sessions with logging on.

As the User Guide ("Log Spark application events") describes: a log group per workgroup,
/aws-athena/<workgroup> (or the configured LogGroup), one stream per executor named
<session id>/<executor id>/<uuid>, and messages like
"AthenaForApacheSpark: 2022-01-01 12:00:00,000 INFO builtins: Hello world.".
Which lines a session writes is assumed: start-up lines, one line per calculation, the exception
lines of failed calculations, the JVM errors on a worker when a calculation died of one, and a failed
session's StateChangeReason as an ERROR line when it failed.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import cast

from athena_session_mcp.athena.vocabulary import SPARK_35_ENGINE

from . import assumptions
from .executors import executor_id
from .service import SparkService
from .sessions import Session

__all__ = ["log_group_of", "seed_session_logs", "stream_name"]

PREFIX = "AthenaForApacheSpark:"
_JVM_ERROR = re.compile(r"(java\.lang\.\w+(Error|Exception)|Caused by:)")
_EXCEPTION_LINE = re.compile(r"^[\w.]+(Error|Exception)\b")


def _cloudwatch(session: Session) -> Mapping[str, object] | None:
    monitoring = session.monitoring_configuration or {}
    config = monitoring.get("CloudWatchLoggingConfiguration")
    if not isinstance(config, Mapping):
        return None
    config = cast(Mapping[str, object], config)
    return config if config.get("Enabled") is True else None


def log_group_of(session: Session) -> str | None:
    """The session's log group when CloudWatch logging is on: the configured one, else /aws-athena/<workgroup>."""
    config = _cloudwatch(session)
    if config is None:
        return None
    group = config.get("LogGroup")
    return group if isinstance(group, str) and group else f"/aws-athena/{session.workgroup}"


def stream_name(session: Session, kind: str, index: int) -> str:
    """<prefix><session id>/<executor id>/<uuid>; the uuid is stable so reseeding finds the same stream."""
    config = _cloudwatch(session) or {}
    prefix = config.get("LogStreamNamePrefix")
    executor = executor_id(session.session_id, kind, index)
    suffix = uuid.uuid5(uuid.NAMESPACE_URL, f"{session.session_id}/{executor}/stream")
    name = f"{session.session_id}/{executor}/{suffix}"
    if not isinstance(prefix, str):
        return name
    return f"{prefix}{name}" if assumptions.LOG_STREAM_PREFIX_FIRST else name


def _message(at: datetime, level: str, logger: str, text: str) -> str:
    stamp = at.strftime("%Y-%m-%d %H:%M:%S,") + f"{at.microsecond // 1000:03d}"
    return f"{PREFIX} {stamp} {level} {logger}: {text}"


def seed_session_logs(service: SparkService, session: Session, now: datetime) -> int:
    """Write the session's log events up to `now`; returns how many. Sessions without logging get none."""
    from ._moto import put_log_events

    group = log_group_of(session)
    if group is None:
        return 0
    view = service.view(session, now)
    version = "3.5.6" if session.engine_version == SPARK_35_ENGINE else "3.2.1"
    driver: list[tuple[datetime, str]] = []
    worker: list[tuple[datetime, str]] = []

    def log(into: list[tuple[datetime, str]], at: datetime, level: str, logger: str, text: str) -> None:
        into.append((at, _message(at, level, logger, text)))

    started = session.started_at
    log(driver, started + timedelta(seconds=4), "INFO", "SparkContext", f"Running Spark version {version}")
    log(driver, started + timedelta(seconds=9), "INFO", "builtins", f"Session {session.session_id} is ready")
    for calc, calc_view in view.calculations:
        log(driver, calc.submitted_at, "INFO", "builtins", f"Running calculation {calc.calculation_id}")
        if calc_view.state != "FAILED" or calc_view.completed_at is None:
            continue
        at = calc_view.completed_at
        stderr = calc.outcome.stderr.splitlines()
        exception = [line for line in stderr if _EXCEPTION_LINE.match(line)]
        summary = exception[-1] if exception else (calc_view.reason or "Calculation failed")
        log(driver, at, "ERROR", "builtins", f"Calculation {calc.calculation_id} failed: {summary}")
        for line in stderr:
            if _JVM_ERROR.search(line):
                log(worker, at, "ERROR", "Executor", line.strip())
    if view.state == "FAILED" and view.ended_at is not None:
        at = view.ended_at
        # The session's own reason, as the driver would report it: a fixed line here would claim a cause
        # (say, a lost executor) that the reason does not give.
        log(driver, at, "ERROR", "SparkContext", view.reason or "The session failed.")
    written = 0
    for kind, events in (("COORDINATOR", driver), ("WORKER", worker)):
        if not events:
            continue
        events.sort(key=lambda pair: pair[0])
        put_log_events(
            service.platform.account_id,
            service.platform.region,
            group,
            stream_name(session, kind, 0),
            [{"timestamp": int(at.timestamp() * 1000), "message": text} for at, text in events],
        )
        written += len(events)
    return written
