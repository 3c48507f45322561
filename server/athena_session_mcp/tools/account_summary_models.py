"""The result of summarize_athena_account (a published output schema)."""

from __future__ import annotations

from pydantic import Field

from athena_session_mcp.health.models import Finding, OutModel


class WorkgroupCost(OutModel):
    """One Spark workgroup of one region."""

    region: str
    workgroup: str
    active: dict[str, int] = Field(description="Alive sessions by state.")
    near_idle_timeout: int
    failed_in_window: int
    dpu_hours: float
    estimated_cost_usd: float = Field(description="ESTIMATE.")
    idle_dpu_hours: float
    idle_share: float | None = Field(None, description="idle_dpu_hours / dpu_hours.")


class DayCost(OutModel):
    """Sessions that started on one UTC day."""

    day: str
    dpu_hours: float
    estimated_cost_usd: float = Field(description="ESTIMATE.")


class CostlySession(OutModel):
    """One of the costliest sessions in the window."""

    session_id: str
    region: str
    workgroup: str
    state: str | None = None
    dpu_hours: float
    estimated_cost_usd: float = Field(description="ESTIMATE.")
    ended_by_idle_timeout: bool


class TagCost(OutModel):
    """The sessions of the workgroups carrying one cost-allocation tag."""

    tag: str = Field(description="key=value, a workgroup tag. UNTRUSTED.")
    dpu_hours: float
    estimated_cost_usd: float = Field(description="ESTIMATE.")


class AccountSummary(OutModel):
    """Result of summarize_athena_account."""

    headline: str
    days: int
    regions: list[str]
    account: str | None = Field(None, description="The declared account read; absent: the server's own.")
    workgroups_read: int
    sessions_read: int
    workgroups: list[WorkgroupCost] = Field(description="Costliest first.")
    workgroups_not_shown: int
    by_day: list[DayCost]
    by_tag: list[TagCost] = Field(description="By workgroup tag, costliest first.")
    top_sessions: list[CostlySession]
    dpu_hours: float
    estimated_cost_usd: float = Field(description="ESTIMATE at price_per_dpu_hour_usd; not a bill.")
    price_per_dpu_hour_usd: float
    idle_dpu_hours: float
    idle_share: float | None = None
    findings: list[Finding]
    gaps: list[str] = Field(description="What was not read, and why.")
    covers: str = Field(description="What the cost figures include, and what not.")
