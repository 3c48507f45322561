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

from typing import Literal

from athena_session_mcp.athena.responses import iso_or_none
from athena_session_mcp.athena.vocabulary import WORKING_SESSION_STATES
from athena_session_mcp.health.grammar import trusted
from athena_session_mcp.health.matching import (
    MAX_EVIDENCE,
    TIER_WEIGHT,
    SessionFacts,
    Text,
    own_error,
    python_exception,
    signature_causes,
)
from athena_session_mcp.health.models import Cause, Evidence
from athena_session_mcp.health.timing import idle_end
from athena_session_mcp.settings import SENSITIVE_FLAG

_STOPPED_WEIGHT = 350
_SESSION_REASON_WEIGHT = 185
_EXECUTORS_WEIGHT = 180
_CALCULATION_WEIGHT = 170


def _stopped(facts: SessionFacts) -> Cause | None:
    if facts.state not in ("TERMINATED", "TERMINATING"):
        return None
    evidence = [Evidence(source="session", text=f"State {facts.state}")]
    title = "Stopped by request or by the idle timeout (the API does not say which)"
    # The one idle-end rule (health.timing.idle_end), so get_athena_session and this diagnosis agree.
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
    ranked, matched_units = signature_causes(texts, facts)
    python = python_exception(texts, matched_units)
    if python is not None:
        ranked.append(python)
    failing_explained = any(
        score >= TIER_WEIGHT["failing"] for score, cause in ranked if cause.code != "PYTHON_EXCEPTION"
    ) or (python is not None and python[0] >= TIER_WEIGHT["failing"])
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
        quoted = own_error(texts, f"calculation {calc}")
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


def verdict(state_label: str, state: str | None, causes: list[Cause], facts: SessionFacts) -> str:
    """One line: the state and what the top cause means for it (a healthy session is said to be healthy)."""
    if not causes:
        # An ended session always has a cause (_stopped, or what made it fail).
        if state in WORKING_SESSION_STATES:
            return f"{state_label} · healthy; nothing read shows a failure"
        return f"{state_label} · no cause found in what could be read"
    top = causes[0]
    if state in WORKING_SESSION_STATES:
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
