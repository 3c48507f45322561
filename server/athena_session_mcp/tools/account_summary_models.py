"""The result of summarize_athena_account (a published output schema)."""

from __future__ import annotations

from pydantic import Field

from athena_session_mcp.health.models import Finding, OutModel
from athena_session_mcp.health.untrusted import UNTRUSTED_TEXT


class WorkgroupCost(OutModel):
    """One Spark workgroup of one region."""

    region: str
    workgroup: str
    active: dict[str, int]
    near_idle_timeout: int
    failed_in_window: int
    dpu_hours: float
    estimated_cost_usd: float
    idle_dpu_hours: float
    idle_share: float | None = None


class DayCost(OutModel):
    """Sessions that started on one UTC day."""

    day: str
    dpu_hours: float
    estimated_cost_usd: float


class CostlySession(OutModel):
    """One of the costliest sessions in the window."""

    session_id: str
    region: str
    workgroup: str
    state: str | None = None
    dpu_hours: float
    estimated_cost_usd: float
    ended_by_idle_timeout: bool


class TagCost(OutModel):
    """The sessions of the workgroups carrying one cost-allocation tag."""

    tag: str = Field(description=UNTRUSTED_TEXT)
    dpu_hours: float
    estimated_cost_usd: float


class AccountSummary(OutModel):
    """Result of summarize_athena_account."""

    headline: str
    days: int
    regions: list[str]
    account: str | None = None
    workgroups_read: int
    sessions_read: int
    workgroups: list[WorkgroupCost] = Field(description="Costliest first.")
    workgroups_not_shown: int
    by_day: list[DayCost]
    by_tag: list[TagCost]
    top_sessions: list[CostlySession]
    dpu_hours: float
    estimated_cost_usd: float = Field(description="ESTIMATE, not a bill.")
    price_per_dpu_hour_usd: float
    idle_dpu_hours: float
    idle_share: float | None = None
    findings: list[Finding]
    gaps: list[str]
    covers: str
