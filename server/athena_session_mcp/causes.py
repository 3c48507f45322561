"""Likely causes of a session's or calculation's failure, ranked, each with its evidence and next step.

Two kinds of input, kept apart on purpose:
- Facts about the session (its state, timestamps, executor states) decide session-level causes such as
  "stopped by request or idle timeout". The session's StateChangeReason text is never read here.
- Text the user's job produced (stderr, driver/executor logs, a calculation's state reason) is matched
  against known error signatures; a matching line IS the evidence, and is shown as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from athena_session_mcp.diagnosis_models import Cause, Evidence
from athena_session_mcp.summary import idle_end

MAX_EVIDENCE = 5


@dataclass(frozen=True, slots=True)
class Text:
    """Lines from one source of job output (already cleaned by untrusted.excerpt)."""

    source: str
    lines: list[str]
    # stderr and calculation reasons carry the user's exception; logs carry the platform's too.
    kind: str = "stderr"


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


@dataclass(frozen=True, slots=True)
class _Signature:
    code: str
    title: str
    pattern: re.Pattern[str]
    weight: int


_SIGNATURES = (
    # Checked in this order; a line is evidence for the first signature it matches only.
    _Signature(
        "ROLE_CANNOT_BE_ASSUMED",
        "The execution role cannot be assumed",
        re.compile(
            r"not authorized to perform:? sts:AssumeRole|AssumeRole.{0,80}(AccessDenied|not authorized)"
            r"|unable to assume (the )?role|cannot assume (the )?role|Not authorized to assume",
            re.IGNORECASE,
        ),
        95,
    ),
    _Signature(
        "OUT_OF_MEMORY",
        "Out of memory",
        re.compile(
            r"OutOfMemoryError|\bMemoryError\b|Java heap space|GC overhead limit exceeded"
            r"|exceeding memory limits|Container killed.{0,80}memory|Cannot allocate memory|OOMKilled",
            re.IGNORECASE,
        ),
        90,
    ),
    _Signature(
        "S3_ACCESS_DENIED",
        "S3 access denied to the execution role",
        re.compile(
            r"(AmazonS3Exception|S3Exception|\bS3\b|s3a?://).{0,200}(Access Denied|AccessDenied|403 Forbidden|Status Code: 403)"
            r"|(Access Denied|AccessDenied|403 Forbidden).{0,200}(\bS3\b|s3a?://|Amazon S3)",
            re.IGNORECASE,
        ),
        85,
    ),
    _Signature(
        "TABLE_OR_VIEW_NOT_FOUND",
        "A table or view does not exist (or is not visible)",
        re.compile(
            r"TABLE_OR_VIEW_NOT_FOUND|Table or view not found|table or view .{0,120}cannot be found"
            r"|NoSuchTableException|NoSuchDatabaseException|SCHEMA_NOT_FOUND|EntityNotFoundException"
            r"|Database '[^']*' not found",
            re.IGNORECASE,
        ),
        80,
    ),
)
# The last "SomethingError: message" / "SomethingException: message" line of a Python traceback.
_PY_EXCEPTION = re.compile(r"^\s*([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt))(:\s.*)?$")
_TRACEBACK = "Traceback (most recent call last)"


def _next_step(code: str, facts: SessionFacts) -> str:
    role = facts.execution_role or "the session's execution role"
    if code == "ROLE_CANNOT_BE_ASSUMED":
        return (
            f"Make {role} assumable by Athena: its trust policy must allow athena.amazonaws.com to call "
            "sts:AssumeRole (optionally conditioned on aws:SourceAccount/aws:SourceArn), and whoever starts "
            "the session needs iam:PassRole on it. Then start a new session."
        )
    if code == "OUT_OF_MEMORY":
        size = f" (now {facts.executor_dpu_size})" if facts.executor_dpu_size else ""
        return (
            f"Give the work more memory per task: raise DefaultExecutorDpuSize{size} when starting the session, "
            "or CoordinatorDpuSize if the driver ran out (collect()/toPandas() of large data); and put less data "
            "in each partition (repartition, more spark.sql.shuffle.partitions, filter early). Then start a new "
            "session and rerun."
        )
    if code == "S3_ACCESS_DENIED":
        return (
            f"Grant {role} the S3 access the job needs on the bucket/prefix in the error: s3:GetObject and "
            "s3:ListBucket to read, s3:PutObject to write; with SSE-KMS objects also kms:Decrypt/"
            "kms:GenerateDataKey on the key. Check bucket policies and S3 Block Public Access do not deny it."
        )
    if code == "TABLE_OR_VIEW_NOT_FOUND":
        return (
            "Check the database and table names (qualify them as database.table) against the AWS Glue Data "
            "Catalog in this account and region, and that the execution role may read them (glue:GetDatabase, "
            "glue:GetTable, glue:GetPartitions; Lake Formation grants if it governs the table)."
        )
    if code == "PYTHON_EXCEPTION":
        return (
            "Fix the code where the traceback points (get_athena_calculation with IncludeCode shows the code "
            "that ran), then resubmit it."
        )
    return "Read the evidence lines and the calculation's stderr."


def _matches(texts: list[Text], facts: SessionFacts) -> list[tuple[int, Cause]]:
    found: dict[str, list[Evidence]] = {}
    used: set[tuple[str, str]] = set()
    for text in texts:
        for line in text.lines:
            for signature in _SIGNATURES:
                if signature.pattern.search(line):
                    found.setdefault(signature.code, []).append(Evidence(source=text.source, text=line))
                    used.add((text.source, line))
                    break
    ranked: list[tuple[int, Cause]] = []
    for signature in _SIGNATURES:
        evidence = found.get(signature.code)
        if not evidence:
            continue
        confidence = (
            "high" if len(evidence) > 1 or any(e.source.startswith("stderr") for e in evidence) else "medium"
        )
        ranked.append(
            (
                signature.weight + min(len(evidence), 5),
                Cause(
                    code=signature.code,
                    confidence=confidence,
                    title=signature.title,
                    evidence=evidence[:MAX_EVIDENCE],
                    next_step=_next_step(signature.code, facts),
                ),
            )
        )
    python = _python_exception(texts, used, facts)
    if python is not None:
        # Behind any specific signature: an AnalysisException is also a Python exception.
        ranked.append((60 if not ranked else 40, python))
    return ranked


def _python_exception(texts: list[Text], used: set[tuple[str, str]], facts: SessionFacts) -> Cause | None:
    evidence: list[Evidence] = []
    for text in texts:
        if text.kind == "log":
            continue
        has_traceback = any(_TRACEBACK in line for line in text.lines)
        exception_lines = [line for line in text.lines if _PY_EXCEPTION.match(line)]
        if not exception_lines or (not has_traceback and text.kind != "reason"):
            continue
        # A source that already shows a known signature is explained by it (Py4JJavaError wraps an OOM).
        if any(source == text.source for source, _ in used):
            continue
        last = exception_lines[-1]
        evidence.append(Evidence(source=text.source, text=last))
    if not evidence:
        return None
    match = _PY_EXCEPTION.match(evidence[0].text)
    name = match.group(1) if match else None
    return Cause(
        code="PYTHON_EXCEPTION",
        confidence="high" if any(e.source.startswith("stderr") for e in evidence) else "medium",
        title=f"A Python exception in the code ({name})" if name else "A Python exception in the code",
        evidence=evidence[:MAX_EVIDENCE],
        next_step=_next_step("PYTHON_EXCEPTION", facts),
    )


def _stopped(facts: SessionFacts) -> Cause | None:
    if facts.state not in ("TERMINATED", "TERMINATING"):
        return None
    evidence = [Evidence(source="session", text=f"State {facts.state}")]
    title = "Stopped by request or by the idle timeout (the API does not say which)"
    # The one idle-end rule (summary.idle_end), so get_athena_session and this diagnosis agree.
    end = idle_end(facts.idle_since, facts.ended_at, facts.idle_timeout_seconds)
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
        if end.consistent is True:
            title = "Most likely ended by the idle timeout (it ended when the timeout was due)"
        elif end.consistent is False:
            title = "Most likely stopped by request (it ended before the idle timeout was due)"
    workgroup = f" in workgroup {facts.workgroup}" if facts.workgroup else ""
    return Cause(
        code="STOPPED_BY_REQUEST_OR_IDLE_TIMEOUT",
        confidence="high" if title.startswith("Most likely") else "medium",
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


def diagnose(texts: list[Text], facts: SessionFacts) -> list[Cause]:
    """Likely causes, most likely first."""
    ranked = _matches(texts, facts)
    if facts.failed_executors:
        ranked.append(
            (
                50,
                _failures(
                    "EXECUTORS_FAILED",
                    "medium",
                    f"{len(facts.failed_executors)} executor(s) failed",
                    "executors",
                    [f"{label} FAILED" for label in facts.failed_executors],
                    "Executors fail mostly from memory pressure or lost capacity: check the error lines "
                    "for OutOfMemoryError, and start a new session if this one is DEGRADED.",
                ),
            )
        )
    stopped = _stopped(facts)
    if stopped is not None:
        ranked.append((45, stopped))
    specific = any(code in {c.code for _, c in ranked} for code in (s.code for s in _SIGNATURES))
    if (
        facts.failed_calculations
        and not specific
        and not any(c.code == "PYTHON_EXCEPTION" for _, c in ranked)
    ):
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
                    + ("" if facts.content_read else " (needs --allow-sensitive-data-access)")
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
