"""What a diagnosis decides from what it read: each failed calculation's place in the story of the
failure (tiers), the texts to match and the session's facts (health/causes.py then ranks the causes).
Pure: the reads come in as data (tools/diagnose_reads.py), nothing is read here."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from athena_session_mcp.athena.job_output import LogLine
from athena_session_mcp.athena.responses import as_datetime, as_map, as_str
from athena_session_mcp.health.matching import SessionFacts, Text, Tier
from athena_session_mcp.health.models import SessionSummary
from athena_session_mcp.health.untrusted import MATCH_LINE_CHARS, clean_line


def _state_of(item: Mapping[str, Any]) -> str | None:
    return as_str(as_map(item.get("Status")).get("State"))


def _submitted(item: Mapping[str, Any]) -> datetime:
    status = as_map(item.get("Status"))
    return as_datetime(status.get("SubmissionDateTime")) or datetime.min.replace(tzinfo=UTC)


def failed_first(items: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Failed calculations first, newest first within each group."""
    newest = sorted(items, key=_submitted, reverse=True)
    return [
        *(i for i in newest if _state_of(i) == "FAILED"),
        *(i for i in newest if _state_of(i) != "FAILED"),
    ]


def tiers_of(items: list[Mapping[str, Any]]) -> tuple[dict[str, Tier], datetime | None]:
    """Each failed calculation's place in the story: the newest one nothing completed after is the failing
    unit; older ones nothing completed after are "earlier"; failures a completed calculation followed are
    history. Also returns when the newest completed calculation completed (older log errors are history)."""
    completed = [i for i in items if _state_of(i) == "COMPLETED"]
    last_success = max((_submitted(i) for i in completed), default=None)
    resolved_at = max(
        (as_datetime(as_map(i.get("Status")).get("CompletionDateTime")) or _submitted(i) for i in completed),
        default=None,
    )
    tiers: dict[str, Tier] = {}
    failing_seen = False
    for item in sorted(items, key=_submitted, reverse=True):
        if _state_of(item) != "FAILED":
            continue
        calc_id = str(item.get("CalculationExecutionId"))
        if last_success is not None and _submitted(item) < last_success:
            tiers[calc_id] = "history"
        elif not failing_seen:
            tiers[calc_id] = "failing"
            failing_seen = True
        else:
            tiers[calc_id] = "earlier"
    return tiers, resolved_at


def log_texts(lines: list[LogLine], resolved_at: datetime | None) -> list[Text]:
    """The log lines as texts: lines written before the newest completed calculation ended are history."""
    cut = int(resolved_at.timestamp() * 1000) if resolved_at is not None else None
    recent = [line for line in lines if cut is None or line.timestamp_ms > cut]
    older = [line for line in lines if cut is not None and line.timestamp_ms <= cut]
    texts: list[Text] = []
    tiers: tuple[tuple[list[LogLine], Tier], ...] = ((recent, "log"), (older, "history"))
    for chosen, tier in tiers:
        if chosen:
            newest = max(line.timestamp_ms for line in chosen)
            texts.append(
                Text(
                    "driver/executor logs",
                    [clean_line(line.message, MATCH_LINE_CHARS) for line in chosen],
                    kind="log",
                    tier=tier,
                    at=datetime.fromtimestamp(newest / 1000, UTC),
                )
            )
    return texts


def evidence(
    *,
    session_id: str,
    summary: SessionSummary,
    status: Mapping[str, Any],
    role: str | None,
    calculations: list[Mapping[str, Any]],
    outputs: Mapping[tuple[str, str], list[str]],
    log_lines: list[LogLine],
    failed_executors: list[str],
    content_read: bool,
) -> tuple[list[Text], SessionFacts]:
    """The texts to match and the session's facts. `outputs` maps (calculation id, "stderr"/"stdout") to
    the lines read; `failed_executors` are "<type> <id>" labels."""
    ended = as_datetime(status.get("EndDateTime"))
    tiers, resolved_at = tiers_of(calculations)
    by_id = {str(i.get("CalculationExecutionId")): i for i in calculations}

    def when(calc_id: str) -> datetime | None:
        calc_status = as_map(by_id.get(calc_id, {}).get("Status"))
        return as_datetime(calc_status.get("CompletionDateTime")) or as_datetime(
            calc_status.get("SubmissionDateTime")
        )

    texts: list[Text] = []
    session_reason = clean_line(as_str(status.get("StateChangeReason")) or "") or None
    if summary.state in ("FAILED", "DEGRADED") and session_reason:
        # The service's explanation of the session's failure: metadata, matched like any error text.
        texts.append(
            Text(
                "session state reason",
                [session_reason],
                kind="session-reason",
                tier="failing",
                at=ended or as_datetime(status.get("LastModifiedDateTime")),
                unit="session",
            )
        )
    for item in calculations:
        calc_id = str(item.get("CalculationExecutionId"))
        reason = as_str(as_map(item.get("Status")).get("StateChangeReason"))
        if reason and _state_of(item) == "FAILED":
            texts.append(
                Text(
                    f"state reason of calculation {calc_id}",
                    [clean_line(reason, MATCH_LINE_CHARS)],
                    kind="reason",
                    tier=tiers.get(calc_id, "earlier"),
                    at=when(calc_id),
                    unit=f"calculation {calc_id}",
                )
            )
    for (calc_id, stream), lines in outputs.items():
        texts.append(
            Text(
                f"{stream} of calculation {calc_id}",
                lines,
                kind=stream,
                tier=tiers.get(calc_id, "earlier"),
                at=when(calc_id),
                unit=f"calculation {calc_id}",
            )
        )
    texts += log_texts(log_lines, resolved_at)
    failing = next((cid for cid, tier in tiers.items() if tier == "failing"), None)
    facts = SessionFacts(
        session_id=session_id,
        state=summary.state,
        workgroup=summary.workgroup,
        execution_role=role,
        executor_dpu_size=summary.capacity.default_executor_dpu_size,
        coordinator_dpu_size=summary.capacity.coordinator_dpu_size,
        started_at=as_datetime(status.get("StartDateTime")),
        idle_since=as_datetime(status.get("IdleSinceDateTime")),
        ended_at=ended,
        idle_timeout_seconds=summary.timing.idle_timeout_seconds,
        failed_executors=failed_executors,
        failed_calculations=[
            str(i.get("CalculationExecutionId"))
            for i in calculations
            if as_str(as_map(i.get("Status")).get("State")) == "FAILED"
        ],
        content_read=content_read,
        failing_calculation=failing,
        session_reason=session_reason if summary.state in ("FAILED", "DEGRADED") else None,
    )
    return texts, facts
