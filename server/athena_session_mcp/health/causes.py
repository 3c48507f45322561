"""Likely causes of a session's or calculation's failure, ranked, each with its evidence and next step.

Two kinds of input, kept apart on purpose:
- Facts about the session (its state, timestamps, executor states) decide session-level causes such as
  "stopped by request or idle timeout". A StateChangeReason never decides that (both ends read "Session
  was terminated per request.").
- Text (a FAILED or DEGRADED session's StateChangeReason, a calculation's state reason, stderr, driver and
  executor logs) is matched against the signature catalogue (health/signatures.py); a matching line IS the
  evidence, and is shown as such.

Ranking: the failing unit's own error (the failed session's reason; the newest failed calculation's reason
and output, when no calculation completed after it) comes first; then older failures nothing recovered
from; then ERROR lines of the logs; failures followed by a completed calculation are history. WARN, INFO
and DEBUG lines never make a cause, unless the line carries a task's or the application's failure
(Spark logs a failed task at WARN: "Lost task … (executor 3): <Exception>: …"). Confidence is "high"
only for the failing unit's own error. When nothing in the catalogue explains the failing calculation,
its own error line (exception class and message) is quoted as the evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from athena_session_mcp.athena.responses import iso_or_none
from athena_session_mcp.health.grammar import trusted
from athena_session_mcp.health.models import Cause, Evidence
from athena_session_mcp.health.session import idle_end
from athena_session_mcp.health.signatures import Hit, match_line, render
from athena_session_mcp.health.untrusted import quote
from athena_session_mcp.settings import SENSITIVE_FLAG

MAX_EVIDENCE = 5


# Where a text stands in the story of the failure (see the module docstring).
Tier = Literal["failing", "earlier", "log", "history"]
_TIER_WEIGHT: dict[Tier, int] = {"failing": 400, "earlier": 250, "log": 200, "history": 50}
# Weights of the causes that rest on states rather than text, placed between the tiers above.
_STOPPED_WEIGHT = 350
_SESSION_REASON_WEIGHT = 185
_EXECUTORS_WEIGHT = 180
_CALCULATION_WEIGHT = 170
_OWN_ERROR_KINDS = frozenset({"stderr", "stdout", "reason", "session-reason"})
# The first log-level word of a line; a level below ERROR makes the line background, never a cause alone.
_LEVEL = re.compile(r"(?<![\w.])(ERROR|FATAL|SEVERE|CRITICAL|WARN|WARNING|INFO|DEBUG|TRACE)(?![\w.])")
_LOW_LEVELS = frozenset({"WARN", "WARNING", "INFO", "DEBUG", "TRACE"})
# Exceptions that only wrap the real error (its text is further down in the output).
_WRAPPERS = frozenset({"Py4JJavaError", "Py4JError", "SparkException", "Py4JNetworkError"})
# A low-level line that still carries a failure: a lost task with its exception, an aborted job, the
# application master's final status (Spark TaskSetManager, DAGScheduler, YARN ApplicationMaster).
_CARRIES_FAILURE = re.compile(
    r"Lost task .{0,200}?: [\w$.]+(?:Exception|Error|Failure)\b|Job aborted due to stage failure"
    r"|User class threw exception|Final app status: FAILED",
    re.IGNORECASE,
)
# Classes of the JVM (and bare "Error", an R or shell prefix): never "a Python exception in the code".
_JVM_CLASS = re.compile(r"^(?:java|javax|jdk|sun|scala|org|com|software|io|net)\.|^Error$")
# An exception class and its message anywhere in a line ("Caused by: x.y.FooException: …", ": java…").
_ERROR_LINE = re.compile(
    r"(?:^|[\s:(])(?:[A-Za-z_$][\w$]*\.)*[A-Za-z_$][\w$]*(?:Exception|Error|Failure)(?::|$)"
)
_WRAPPER_LINE = re.compile(r"Py4J\w*Error|An error occurred while calling")


@dataclass(frozen=True, slots=True)
class Text:
    """Lines from one source (already cleaned by untrusted.clean_line / excerpt)."""

    source: str
    lines: list[str]
    # "stderr", "stdout", "reason" (a calculation's), "session-reason" or "log".
    kind: str = "stderr"
    tier: Tier | None = None  # None: "log" for logs, else "failing"
    at: datetime | None = None  # when the failure it shows happened
    unit: str | None = None  # the calculation or session it belongs to (default: the source)

    @property
    def rank(self) -> Tier:
        return self.tier or ("log" if self.kind == "log" else "failing")


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """What the service says about the session, as states and timestamps."""

    session_id: str
    state: str | None
    workgroup: str | None = None
    execution_role: str | None = None
    executor_dpu_size: int | None = None
    coordinator_dpu_size: int | None = None
    started_at: datetime | None = None
    idle_since: datetime | None = None
    ended_at: datetime | None = None
    idle_timeout_seconds: int | None = None
    failed_executors: list[str] = field(default_factory=list[str])  # "WORKER 1a2b…" labels
    failed_calculations: list[str] = field(default_factory=list[str])  # calculation ids
    content_read: bool = False  # whether stderr/logs were read (sensitive data access)
    failing_calculation: str | None = None  # the newest failed calculation, when none completed after it
    session_reason: str | None = None  # a FAILED or DEGRADED session's StateChangeReason (cleaned)


# The last "SomethingError: message" / "SomethingException: message" line of a Python traceback.
_PY_EXCEPTION = re.compile(r"^\s*([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt))(:\s.*)?$")
_TRACEBACK = "Traceback (most recent call last)"


def _context(facts: SessionFacts) -> dict[str, str]:
    return {
        "role": facts.execution_role or "the session's execution role",
        "executor_now": f" (now {facts.executor_dpu_size})" if facts.executor_dpu_size else "",
        "coordinator_now": f" (now {facts.coordinator_dpu_size})" if facts.coordinator_dpu_size else "",
    }


def _background(line: str) -> bool:
    level = _LEVEL.search(line[:120])
    return level is not None and level.group(1) in _LOW_LEVELS and _CARRIES_FAILURE.search(line) is None


@dataclass(slots=True)
class _Found:
    """Every hit of one cause code, the best first."""

    score: int
    hits: list[tuple[Text, Hit]]


def _signature_causes(texts: list[Text], facts: SessionFacts) -> tuple[list[tuple[int, Cause]], set[str]]:
    """Causes from catalogue matches, and the units whose text matched an entry."""
    found: dict[str, _Found] = {}
    matched_units: set[str] = set()
    for text in texts:
        for line in text.lines:
            if _background(line):
                continue
            hit = match_line(line)
            if hit is None:
                continue
            matched_units.add(text.unit or text.source)
            score = _TIER_WEIGHT[text.rank] + hit.signature.priority
            entry = found.setdefault(hit.signature.code, _Found(score, []))
            entry.hits.append((text, hit))
            entry.score = max(entry.score, score)
    ranked: list[tuple[int, Cause]] = []
    context = _context(facts)
    for code, entry in found.items():
        hits = sorted(
            entry.hits,
            key=lambda pair: -(_TIER_WEIGHT[pair[0].rank] + pair[1].signature.priority),
        )
        best_text, best = hits[0]
        values: dict[str, str] = {}
        for _, hit in hits:
            for key, value in hit.values.items():
                values.setdefault(key, value)
        evidence: list[Evidence] = []
        for text, hit in hits:
            item = Evidence(source=text.source, text=quote(hit.line, hit.at))
            if item not in evidence:
                evidence.append(item)
        tier = best_text.rank
        own = tier == "failing" and best_text.kind in _OWN_ERROR_KINDS
        confidence: Literal["high", "medium", "low"] = (
            "high" if own else "low" if tier == "history" else "medium"
        )
        ranked.append(
            (
                entry.score,
                Cause(
                    code=code,
                    confidence=confidence,
                    title=best.signature.title + _history_note(tier),
                    evidence=evidence[:MAX_EVIDENCE],
                    next_step=render(best.signature.next_step, values, context),
                    at=iso_or_none(best_text.at),
                ),
            )
        )
    return ranked, matched_units


def _history_note(tier: Tier) -> str:
    return " (in the past: a later calculation completed)" if tier == "history" else ""


def _python_exception(texts: list[Text], matched_units: set[str]) -> tuple[int, Cause] | None:
    """The generic fallback: the last exception line of a traceback nothing in the catalogue explains."""
    best: tuple[int, Text, str] | None = None
    for text in texts:
        if text.kind == "log" or (text.unit or text.source) in matched_units:
            continue
        has_traceback = any(_TRACEBACK in line for line in text.lines)
        exception_lines = [line for line in text.lines if _PY_EXCEPTION.match(line)]
        if not exception_lines or (not has_traceback and text.kind != "reason"):
            continue
        last = exception_lines[-1]
        match = _PY_EXCEPTION.match(last)
        name = match.group(1).rsplit(".", 1)[-1] if match else ""
        if name in _WRAPPERS or (match and _JVM_CLASS.search(match.group(1))):
            continue  # the real error is elsewhere, or is the JVM's: no "fix the code" advice from it
        score = _TIER_WEIGHT[text.rank]
        if best is None or score > best[0]:
            best = (score, text, last)
    if best is None:
        return None
    score, text, line = best
    match = _PY_EXCEPTION.match(line)
    name = match.group(1) if match else None
    tier = text.rank
    confidence: Literal["high", "medium", "low"] = (
        "low" if tier == "history" else "high" if tier == "failing" and text.kind != "reason" else "medium"
    )
    return (
        score,
        Cause(
            code="PYTHON_EXCEPTION",
            confidence=confidence,
            title=(
                f"A Python exception in the code ({name})"
                if trusted("identifier", name)
                else "A Python exception in the code"
            )
            + _history_note(tier),
            evidence=[Evidence(source=text.source, text=line)],
            next_step=(
                "Fix the code where the traceback points (get_athena_calculation with IncludeCode shows the "
                "code that ran), then resubmit it."
            ),
            at=iso_or_none(text.at),
        ),
    )


def _own_error(texts: list[Text], unit: str) -> Evidence | None:
    """The failing unit's own error line: the last exception line of its output that is not only a Py4J
    wrapper (else the wrapper, else its reason), cleaned and bounded again as the untrusted text it is."""
    own = [t for t in texts if t.kind in _OWN_ERROR_KINDS and (t.unit or t.source) == unit]
    best: tuple[int, Text, str] | None = None
    for text in own:
        for line in text.lines:
            if _ERROR_LINE.search(line) is None:
                continue
            rank = (0 if _WRAPPER_LINE.search(line) else 2) + (1 if text.kind != "reason" else 0)
            if best is None or rank >= best[0]:
                best = (rank, text, line)
    if best is None:
        reasons = [t for t in own if t.kind == "reason" and t.lines]
        if not reasons:
            return None
        best = (0, reasons[0], reasons[0].lines[0])
    _, text, line = best
    found = [m.start() for m in _ERROR_LINE.finditer(line)]
    return Evidence(source=text.source, text=quote(line, found[-1] if found else 0))


def _stopped(facts: SessionFacts) -> Cause | None:
    if facts.state not in ("TERMINATED", "TERMINATING"):
        return None
    evidence = [Evidence(source="session", text=f"State {facts.state}")]
    title = "Stopped by request or by the idle timeout (the API does not say which)"
    # The one idle-end rule (health.session.idle_end), so get_athena_session and this diagnosis agree.
    end = idle_end(facts.idle_since, facts.ended_at, facts.idle_timeout_seconds)
    # The timestamps decide when they say which: that, not the title's wording, makes it "high".
    decided = False
    if end is not None and facts.idle_since is not None and facts.ended_at is not None:
        evidence.append(
            Evidence(
                source="session",
                text=(
                    f"Idle since {facts.idle_since.isoformat()}, ended {facts.ended_at.isoformat()}: it "
                    f"{end.text()}"
                ),
            )
        )
        decided = end.consistent is not None
        if end.consistent is True:
            title = "Most likely ended by the idle timeout (it ended when the timeout was due)"
        elif end.consistent is False:
            title = "Most likely stopped by request (it ended before the idle timeout was due)"
    workgroup = f" in workgroup {facts.workgroup}" if trusted("id", facts.workgroup) else ""
    return Cause(
        code="STOPPED_BY_REQUEST_OR_IDLE_TIMEOUT",
        confidence="high" if decided else "medium",
        title=title,
        evidence=evidence,
        next_step=(
            f"Nothing is broken: start a new session{workgroup} when there is more work; raise "
            "SessionIdleTimeoutInMinutes if the idle timeout ends sessions too early. Calculations running "
            "when a session is stopped can show FAILED instead of CANCELED."
        ),
    )


def _failures(
    code: str,
    confidence: Literal["high", "medium", "low"],
    title: str,
    source: str,
    lines: list[str],
    next_step: str,
) -> Cause:
    """A cause resting on a list of failed things (executors, calculations), at most MAX_EVIDENCE of them."""
    evidence = [Evidence(source=source, text=line) for line in lines[:MAX_EVIDENCE]]
    return Cause(code=code, confidence=confidence, title=title, evidence=evidence, next_step=next_step)


def _executors_next_step(state: str | None) -> str:
    start = "Executors fail mostly from memory pressure or lost capacity: check the error lines for OutOfMemoryError"
    if state == "FAILED":
        return (
            start
            + "; the session has FAILED, so start a new session (a larger DefaultExecutorDpuSize if memory ran out)."
        )
    if state == "DEGRADED":
        return start + "; the session is DEGRADED: start a new session if it does not recover."
    if state in ("TERMINATED", "TERMINATING"):
        return start + "; the session has ended: start a new session when there is more work."
    return start + "; Spark replaces lost executors while the session runs."


def _needs_content(facts: SessionFacts) -> str:
    return (
        ""
        if facts.content_read
        else f"; the decisive text is in job output (stderr, driver logs), read only when the server runs with {SENSITIVE_FLAG}"
    )


def _id(value: str | None) -> str:
    """An id for a sentence: as Athena gave it when it looks like an id, else a neutral phrase."""
    return trusted("id", value) or "(id not shown: see the evidence)"


def diagnose(texts: list[Text], facts: SessionFacts) -> list[Cause]:
    """Likely causes, most likely first."""
    ranked, matched_units = _signature_causes(texts, facts)
    python = _python_exception(texts, matched_units)
    if python is not None:
        ranked.append(python)
    failing_explained = any(
        score >= _TIER_WEIGHT["failing"] for score, cause in ranked if cause.code != "PYTHON_EXCEPTION"
    ) or (python is not None and python[0] >= _TIER_WEIGHT["failing"])
    if facts.failed_executors:
        evidence = [f"{label} FAILED" for label in facts.failed_executors]
        ranked.append(
            (
                _EXECUTORS_WEIGHT,
                _failures(
                    "EXECUTORS_FAILED",
                    "medium",
                    f"{len(facts.failed_executors)} executor(s) failed",
                    "executors",
                    evidence,
                    _executors_next_step(facts.state),
                ),
            )
        )
    stopped = _stopped(facts)
    if stopped is not None:
        ranked.append((_STOPPED_WEIGHT, stopped))
    if facts.state == "FAILED" and facts.session_reason and not failing_explained:
        ranked.append(
            (
                _SESSION_REASON_WEIGHT,
                Cause(
                    code="UNKNOWN",
                    confidence="low",
                    title="The session FAILED; its reason names no known cause",
                    evidence=[Evidence(source="session state reason", text=facts.session_reason)],
                    next_step=(
                        "Read the reason, then the driver logs around the failure (enable CloudWatch logging on "
                        "the workgroup if it is off)"
                        + _needs_content(facts)
                        + "; start a new session to rerun."
                    ),
                    at=iso_or_none(facts.ended_at),
                ),
            )
        )
    if facts.failing_calculation and not failing_explained:
        ended = facts.state in ("TERMINATED", "TERMINATING")
        calc = facts.failing_calculation
        quoted = _own_error(texts, f"calculation {calc}")
        failed = Evidence(source="calculations", text=f"Calculation {calc} FAILED")
        ranked.append(
            (
                _CALCULATION_WEIGHT if not ended else 30,
                Cause(
                    code="CALCULATION_FAILED",
                    confidence="low",
                    title=(
                        f"Calculation {_id(calc)} failed with an error no known signature explains"
                        if quoted
                        else f"Calculation {_id(calc)} failed; nothing read names its cause"
                    ),
                    evidence=[quoted, failed] if quoted else [failed],
                    next_step=(
                        "The evidence quotes the calculation's own error; the rest of its trace is in the "
                        f"calculation's stderr (get_athena_calculation {_id(calc)} with IncludeOutput shows its "
                        "tail; StdErrorS3Uri holds all of it) and in the driver logs"
                        + _needs_content(facts)
                        + "; rerun after fixing what they report."
                    ),
                ),
            )
        )
    elif facts.failed_calculations and not ranked:
        ranked.append(
            (
                30,
                _failures(
                    "CALCULATION_FAILED",
                    "low",
                    f"{len(facts.failed_calculations)} calculation(s) failed; their output names no known cause",
                    "calculations",
                    [f"Calculation {cid} FAILED" for cid in facts.failed_calculations],
                    "Read the stderr tails of the failed calculations"
                    + ("" if facts.content_read else f" (needs {SENSITIVE_FLAG})")
                    + "; rerun after fixing what they report.",
                ),
            )
        )
    if not ranked and facts.state in ("FAILED", "DEGRADED"):
        ranked.append(
            (
                10,
                Cause(
                    code="UNKNOWN",
                    confidence="low",
                    title=f"The session is {facts.state}; nothing read names a cause",
                    evidence=[Evidence(source="session", text=f"State {facts.state}")],
                    next_step=(
                        "Enable CloudWatch logging on the workgroup so driver logs exist"
                        + ("" if facts.content_read else ", and allow sensitive data access to read them")
                        + "; start a new session and rerun the work to reproduce."
                    ),
                ),
            )
        )
    ranked.sort(key=lambda pair: -pair[0])
    return [cause for _, cause in ranked]


_ACTIVE = frozenset({"CREATING", "CREATED", "IDLE", "BUSY"})


def verdict(state_label: str, state: str | None, causes: list[Cause], facts: SessionFacts) -> str:
    """One line: the state and what the top cause means for it (a healthy session is said to be healthy)."""
    if not causes:
        if state in _ACTIVE or state in ("TERMINATED", "TERMINATING"):
            return f"{state_label} · healthy; nothing read shows a failure"
        return f"{state_label} · no cause found in what could be read"
    top = causes[0]
    if state in _ACTIVE:
        if facts.failing_calculation is not None:
            return (
                f"{state_label} · the session is healthy; calculation {_id(facts.failing_calculation)} failed and "
                f"none completed since: {top.title}"
            )
        when = f" at {top.at}" if top.at else ""
        return f"{state_label} · healthy; an earlier failure{when}: {top.title}"
    if top.title.startswith("Most likely "):
        return f"{state_label} · most likely {top.title.removeprefix('Most likely ')}"
    return f"{state_label} · most likely: {top.title}"
