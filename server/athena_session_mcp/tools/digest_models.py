"""The result of summarize_athena_workgroup_sessions (a published output schema)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, PrivateAttr

from athena_session_mcp.health.models import (
    CostEstimate,
    Finding,
    OutModel,
)
from athena_session_mcp.health.untrusted import UNTRUSTED_TEXT


class DigestSession(OutModel):
    """One session singled out by the digest."""

    session_id: str = Field(description="The session ID (pass it to get_athena_session).")
    state: str | None = Field(None, description="Status.State.")
    headline: str = Field(description="The session's one-line summary, as get_athena_session gives it.")
    state_change_reason: str | None = Field(
        None, description=f"Status.StateChangeReason (shortened to 160 chars). {UNTRUSTED_TEXT}"
    )
    idle_for_seconds: int | None = Field(None, description="Seconds idle (IDLE only).")
    idle_timeout_remaining_seconds: int | None = Field(
        None, description="Seconds before the idle timeout ends it (IDLE only), as of when it was read."
    )
    idle_timeout_at: str | None = Field(
        None, description="When the idle timeout ends it (IDLE only; ISO-8601 UTC)."
    )
    dpu_hours: float | None = Field(None, description="DPU-hours used so far.")


class DigestUsage(CostEstimate):
    """DPU use of the sessions examined, and an estimated cost (an estimate, not a bill)."""

    total_dpu_hours: float = Field(description="Sum of DPU-hours over the sessions examined.")
    sessions_without_statistics: int = Field(description="Examined sessions that reported no DPU statistics.")
    covers: str = Field(
        description=(
            "The period the totals cover: each examined session's life so far (Statistics.DpuExecutionInMillis "
            "is cumulative per session), from the earliest start to when the last one was read. Not a "
            "calendar period: sessions that ended before the oldest one listed are not included."
        )
    )
    from_time: str | None = Field(
        None, description="Earliest StartDateTime of the sessions examined (ISO-8601 UTC)."
    )
    to_time: str | None = Field(None, description="When the last session was read (ISO-8601 UTC).")


# The key of the result's `_meta` that carries one row per listed session for the workgroup board (MCP
# Apps); hosts give `_meta` to views, not to the model, so the rows cost the model nothing.
BOARD_ROWS_META = "athena-session-mcp/sessions"


class WorkgroupDigest(OutModel):
    """Result of summarize_athena_workgroup_sessions: the state of a workgroup's session fleet."""

    _board_rows: list[dict[str, Any]] = PrivateAttr(default_factory=list[dict[str, Any]])

    def with_board_rows(self, rows: list[dict[str, Any]]) -> WorkgroupDigest:
        """This digest, carrying `rows` for the board (in the result's `_meta`, never in the answer)."""
        self._board_rows = rows
        return self

    def result_meta(self) -> dict[str, Any]:
        return {BOARD_ROWS_META: self._board_rows}

    workgroup: str = Field(description="The workgroup summarized.")
    headline: str = Field(description="One-line human summary.")
    sessions_listed: int = Field(description="Sessions listed (up to MaxSessions).")
    sessions_examined: int = Field(description="Sessions whose GetSession was read.")
    states_listed: list[str] = Field(
        default_factory=list, description="States listed, one ListSessions StateFilter each."
    )
    states_not_listed: list[str] = Field(
        default_factory=list, description="States not listed, with why: missing from every count."
    )
    deadline_reached: bool = Field(
        False, description="True when the deadline passed: sessions not read by then are not examined."
    )
    more_sessions_exist: bool = Field(description="True when the workgroup has more sessions than listed.")
    counts_by_state: dict[str, int] = Field(
        default_factory=dict[str, int], description="Listed sessions per Status.State."
    )
    counts_by_phase: dict[str, int] = Field(
        default_factory=dict[str, int], description="Listed sessions per coarse phase."
    )
    alive: int = Field(description="Listed sessions whose resources run (and may cost).")
    near_idle_timeout: list[DigestSession] = Field(
        default_factory=list[DigestSession],
        description="IDLE sessions near their idle timeout, soonest first.",
    )
    unhealthy: list[DigestSession] = Field(
        default_factory=list[DigestSession], description="FAILED and DEGRADED sessions, with reasons."
    )
    oldest_idle: DigestSession | None = Field(None, description="The IDLE session idle the longest, if any.")
    usage: DigestUsage = Field(description="DPU use and ESTIMATED cost of the sessions examined.")
    detail_errors: list[str] = Field(
        default_factory=list[str], description="Sessions that could not be read, with why (bounded)."
    )
    sessions_not_read: list[str] = Field(
        default_factory=list[str], description="Sessions left unread at the deadline (bounded)."
    )
    findings: list[Finding] = Field(
        default_factory=list[Finding], description="What matters, most severe first, each with a next step."
    )
    truncated: bool = Field(description="True when sessions or list items were left out; see hint.")
    hint: str = Field(description="How to see more or narrow down.")
