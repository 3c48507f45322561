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

    session_id: str
    state: str | None = None
    headline: str
    state_change_reason: str | None = Field(None, description=UNTRUSTED_TEXT)
    idle_for_seconds: int | None = None
    idle_timeout_remaining_seconds: int | None = None
    idle_timeout_at: str | None = None
    dpu_hours: float | None = None


class DigestUsage(CostEstimate):
    """DPU use of the sessions examined, and an estimated cost (an estimate, not a bill)."""

    total_dpu_hours: float
    sessions_without_statistics: int
    covers: str
    from_time: str | None = None
    to_time: str | None = None


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

    workgroup: str
    headline: str
    sessions_listed: int
    sessions_examined: int
    states_listed: list[str] = Field(default_factory=list)
    states_not_listed: list[str] = Field(default_factory=list)
    deadline_reached: bool = False
    more_sessions_exist: bool
    counts_by_state: dict[str, int] = Field(default_factory=dict[str, int])
    counts_by_phase: dict[str, int] = Field(default_factory=dict[str, int])
    alive: int
    near_idle_timeout: list[DigestSession] = Field(default_factory=list[DigestSession])
    unhealthy: list[DigestSession] = Field(default_factory=list[DigestSession])
    oldest_idle: DigestSession | None = None
    usage: DigestUsage
    detail_errors: list[str] = Field(default_factory=list[str])
    sessions_not_read: list[str] = Field(default_factory=list[str])
    findings: list[Finding] = Field(default_factory=list[Finding])
    truncated: bool
    hint: str
