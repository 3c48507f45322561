"""Evidence from text: which lines of a failure's texts (reasons, stderr, logs) match the signature
catalogue or show the failing code's own exception, ranked by where the text stands in the story of the
failure (health/causes.py decides the causes from these and from the session's facts)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from athena_session_mcp.athena.responses import iso_or_none
from athena_session_mcp.health.grammar import trusted
from athena_session_mcp.health.models import Cause, Evidence
from athena_session_mcp.health.signatures import Hit, match_line, render
from athena_session_mcp.health.untrusted import quote

MAX_EVIDENCE = 5

# Where a text stands in the story of the failure (see the module docstring).
Tier = Literal["failing", "earlier", "log", "history"]
TIER_WEIGHT: dict[Tier, int] = {"failing": 400, "earlier": 250, "log": 200, "history": 50}
# Weights of the causes that rest on states rather than text, placed between the tiers above.

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


def signature_causes(texts: list[Text], facts: SessionFacts) -> tuple[list[tuple[int, Cause]], set[str]]:
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
            score = TIER_WEIGHT[text.rank] + hit.signature.priority
            entry = found.setdefault(hit.signature.code, _Found(score, []))
            entry.hits.append((text, hit))
            entry.score = max(entry.score, score)
    ranked: list[tuple[int, Cause]] = []
    context = _context(facts)
    for code, entry in found.items():
        hits = sorted(
            entry.hits,
            key=lambda pair: -(TIER_WEIGHT[pair[0].rank] + pair[1].signature.priority),
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
                    title=best.signature.title + history_note(tier),
                    evidence=evidence[:MAX_EVIDENCE],
                    next_step=render(best.signature.next_step, values, context),
                    at=iso_or_none(best_text.at),
                ),
            )
        )
    return ranked, matched_units


def history_note(tier: Tier) -> str:
    return " (in the past: a later calculation completed)" if tier == "history" else ""


def python_exception(texts: list[Text], matched_units: set[str]) -> tuple[int, Cause] | None:
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
        score = TIER_WEIGHT[text.rank]
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
            + history_note(tier),
            evidence=[Evidence(source=text.source, text=line)],
            next_step=(
                "Fix the code where the traceback points (get_athena_calculation with IncludeCode shows the "
                "code that ran), then resubmit it."
            ),
            at=iso_or_none(text.at),
        ),
    )


def own_error(texts: list[Text], unit: str) -> Evidence | None:
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
