"""Pydantic models: tool arguments shared across tools and the structured results they return.

The result models are the tools' published output schemas, so every field carries a description.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from athena_session_mcp.athena.vocabulary import Engine, Phase
from athena_session_mcp.health.untrusted import UNTRUSTED_TEXT

# --- Vocabulary -----------------------------------------------------------------------------------

Severity = Literal["critical", "warning", "info"]


class OutModel(BaseModel):
    """Base of every result model. Every field that a response may lack has a default (None, [] or 0),
    so answers.lean may omit null fields and the document still validates against the published schema
    (tools/schema.py keeps `default: null` to say so). The server builds these models itself, with
    checked keyword arguments, so they declare no `extra` policy: no `additionalProperties` in results."""


class Finding(OutModel):
    """One thing a model should know about the session, with what to do about it."""

    severity: Severity
    code: str
    message: str
    suggestion: str


class SessionTiming(OutModel):
    """When things happened, and how long until the idle timeout ends the session."""

    started_at: str | None = None
    last_modified_at: str | None = None
    idle_since: str | None = None
    ended_at: str | None = None
    age_seconds: int | None = None
    idle_for_seconds: int | None = None
    idle_timeout_seconds: int | None = None
    idle_timeout_source: Literal["SessionIdleTimeoutInMinutes", "IdleTimeoutSeconds"] | None = None
    idle_timeout_remaining_seconds: int | None = Field(
        None, description="IDLE only; 0: the timeout has passed, termination is pending."
    )
    idle_timeout_at: str | None = None
    end_consistent_with_idle_timeout: bool | None = Field(
        None,
        description=(
            "TERMINATED only. true: it ended when the idle timeout fell due; false: before (stopped by "
            "request); null: the timestamps cannot tell."
        ),
    )


class SessionCapacity(OutModel):
    """Engine sizing from EngineConfiguration."""

    coordinator_dpu_size: int | None = None
    max_concurrent_dpus: int | None = None
    default_executor_dpu_size: int | None = None


class CostEstimate(OutModel):
    """An estimated cost at a per-DPU-hour price (an estimate, not a bill)."""

    estimated_cost_usd: float | None = Field(None, description="ESTIMATE, not a bill.")
    price_per_dpu_hour_usd: float
    cost_is_estimate: Literal[True] = True


class DpuUsage(CostEstimate):
    """DPU consumption (Statistics.DpuExecutionInMillis) and its estimated cost."""

    dpu_execution_millis: int | None = None
    dpu_hours: float | None = None


class SessionConfigSummary(OutModel):
    """Security and configuration facts from SessionConfiguration, EngineConfiguration and monitoring."""

    execution_role_arn: str | None = None
    encryption_option: str | None = None
    kms_key_configured: bool = False
    working_directory: str | None = None
    logging_destinations: list[str] = Field(default_factory=list[str])
    logging: Literal["enabled", "disabled", "not_reported"] = Field(
        "not_reported", description="not_reported: the response does not say."
    )
    spark_properties_count: int = 0
    additional_configs_count: int = 0


class SessionHealthBase(OutModel):
    """The state vocabulary shared by the full summary and the cheap status poll."""

    session_id: str | None = None
    state: str | None = None
    phase: Phase
    alive: bool
    state_change_reason: str | None = Field(None, description=UNTRUSTED_TEXT)
    headline: str


class SessionSummary(SessionHealthBase):
    """Condensed health summary of one Athena Spark session."""

    workgroup: str | None = None
    description: str | None = Field(None, description=UNTRUSTED_TEXT)
    engine_version: str | None = None
    engine_kind: Engine | None = Field(None, description="spark-3.5 has no Calculation APIs.")
    timing: SessionTiming
    capacity: SessionCapacity
    usage: DpuUsage
    config: SessionConfigSummary
    findings: list[Finding] = Field(default_factory=list[Finding])


# --- Causes (health/causes.py ranks them; diagnose_athena_session returns them) -----------------------


class Evidence(OutModel):
    """One line a cause rests on, and where it came from."""

    source: str
    text: str = Field(description=UNTRUSTED_TEXT)


class Cause(OutModel):
    """A likely cause of the failure, with its evidence and the next step."""

    code: str
    confidence: Literal["high", "medium", "low"] = Field(
        description="high: the failing unit's own error, or timestamps that settle it."
    )
    title: str
    evidence: list[Evidence]
    next_step: str
    at: str | None = None
