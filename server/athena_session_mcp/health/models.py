"""Pydantic models: tool arguments shared across tools and the structured results they return.

The result models are the tools' published output schemas, so every field carries a description.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from athena_session_mcp.athena.vocabulary import Engine, Phase
from athena_session_mcp.health.untrusted import UNTRUSTED_LABEL, UNTRUSTED_TEXT

# --- Vocabulary -----------------------------------------------------------------------------------

Severity = Literal["critical", "warning", "info"]


class OutModel(BaseModel):
    """Base of every result model: unknown fields are an error, so the published schema is exact.

    Every field that a response may lack has a default (None, [] or 0), so a serializer may omit
    null and empty fields and the outputSchema still validates."""

    model_config = ConfigDict(extra="forbid")


class Finding(OutModel):
    """One thing a model should know about the session, with what to do about it."""

    severity: Severity = Field(
        description="critical: act now; warning: likely to matter soon; info: context."
    )
    code: str = Field(description="Stable machine-readable code, e.g. SESSION_FAILED or IDLE_TIMEOUT_SOON.")
    message: str = Field(description="What was found, in one or two sentences.")
    suggestion: str = Field(description="The recommended next step.")


class SessionTiming(OutModel):
    """When things happened, and how long until the idle timeout ends the session."""

    started_at: str | None = Field(None, description="Status.StartDateTime (ISO-8601 UTC).")
    last_modified_at: str | None = Field(None, description="Status.LastModifiedDateTime (ISO-8601 UTC).")
    idle_since: str | None = Field(None, description="Status.IdleSinceDateTime (ISO-8601 UTC), if idle.")
    ended_at: str | None = Field(None, description="Status.EndDateTime (ISO-8601 UTC), if ended.")
    age_seconds: int | None = Field(None, description="Seconds from start to the end (or to now if alive).")
    idle_for_seconds: int | None = Field(None, description="Seconds the session has been idle (IDLE only).")
    idle_timeout_seconds: int | None = Field(
        None,
        description=(
            "Configured idle timeout in seconds: SessionIdleTimeoutInMinutes (what StartSession sets) wins over "
            "IdleTimeoutSeconds; a disagreement between them is reported as a finding."
        ),
    )
    idle_timeout_source: Literal["SessionIdleTimeoutInMinutes", "IdleTimeoutSeconds"] | None = Field(
        None, description="Which response field the idle timeout came from."
    )
    idle_timeout_remaining_seconds: int | None = Field(
        None,
        description=(
            "IDLE sessions only: seconds left before the idle timeout terminates the session; 0 when the "
            "timeout has passed and termination is pending."
        ),
    )
    idle_timeout_at: str | None = Field(
        None,
        description="IDLE sessions only: when the idle timeout will terminate the session (ISO-8601 UTC).",
    )
    end_consistent_with_idle_timeout: bool | None = Field(
        None,
        description=(
            "TERMINATED sessions only: true when EndDateTime came from the moment the idle timeout was due "
            "(IdleSinceDateTime + timeout) to a few minutes later (consistent with the idle timeout), false when "
            "it came before the timeout was due (it cannot fire early: a stop by request), null when the "
            "timestamps cannot tell. The API itself does not say why a session ended."
        ),
    )


class SessionCapacity(OutModel):
    """Engine sizing from EngineConfiguration."""

    coordinator_dpu_size: int | None = Field(None, description="DPUs for the coordinator.")
    max_concurrent_dpus: int | None = Field(None, description="Maximum DPUs that can run concurrently.")
    default_executor_dpu_size: int | None = Field(None, description="Default DPUs per executor.")


class CostEstimate(OutModel):
    """An estimated cost at a per-DPU-hour price (an estimate, not a bill)."""

    estimated_cost_usd: float | None = Field(
        None, description="ESTIMATE at price_per_dpu_hour_usd. Not a bill; check AWS Billing."
    )
    price_per_dpu_hour_usd: float = Field(description="The per-DPU-hour price used for the estimate.")
    cost_is_estimate: Literal[True] = Field(default=True, description="Always true: the cost is an estimate.")


class DpuUsage(CostEstimate):
    """DPU consumption (Statistics.DpuExecutionInMillis) and its estimated cost."""

    dpu_execution_millis: int | None = Field(None, description="Statistics.DpuExecutionInMillis.")
    dpu_hours: float | None = Field(None, description="DPU execution time in DPU-hours.")


class SessionConfigSummary(OutModel):
    """Security and configuration facts from SessionConfiguration, EngineConfiguration and monitoring."""

    execution_role_arn: str | None = Field(None, description="SessionConfiguration.ExecutionRole.")
    encryption_option: str | None = Field(None, description="SSE_S3, SSE_KMS or CSE_KMS; null if not set.")
    kms_key_configured: bool = Field(
        default=False, description="Whether a KMS key is set (the key itself is not shown)."
    )
    working_directory: str | None = Field(None, description="SessionConfiguration.WorkingDirectory.")
    logging_destinations: list[str] = Field(
        default_factory=list[str],
        description="Enabled monitoring destinations, e.g. 'cloudwatch:/aws-athena/logs', 's3://...', 'managed'.",
    )
    logging: Literal["enabled", "disabled", "not_reported"] = Field(
        "not_reported",
        description=(
            "enabled: a destination is on; disabled: the destinations named are off; not_reported: the "
            "response does not say (an absent field is not 'off')."
        ),
    )
    spark_properties_count: int = Field(0, description="Number of EngineConfiguration.SparkProperties set.")
    additional_configs_count: int = Field(
        0, description="Number of EngineConfiguration.AdditionalConfigs set."
    )


class SessionHealthBase(OutModel):
    """The state vocabulary shared by the full summary and the cheap status poll."""

    session_id: str | None = Field(None, description="The session ID.")
    state: str | None = Field(
        None, description="Status.State as Athena reports it (may be a newer, unknown value)."
    )
    phase: Phase = Field(description="Coarse lifecycle phase derived from the state.")
    alive: bool = Field(description="Whether session resources are (still) running and may accrue cost.")
    state_change_reason: str | None = Field(None, description=f"Status.StateChangeReason. {UNTRUSTED_TEXT}")
    headline: str = Field(description="One-line human summary.")


class SessionSummary(SessionHealthBase):
    """Condensed health summary of one Athena Spark session."""

    workgroup: str | None = Field(None, description="The workgroup the session belongs to.")
    description: str | None = Field(None, description=f"The session description. {UNTRUSTED_TEXT}")
    engine_version: str | None = Field(
        None,
        description=(
            "GetSession's EngineVersion, e.g. 'PySpark engine version 3' or 'Apache Spark version 3.5'; "
            "the workgroup's engine (GetWorkGroup) when the response lacks it."
        ),
    )
    engine_kind: Engine | None = Field(
        None,
        description="pyspark-v3 (calculations) or spark-3.5 (Spark Connect, Spark UI, no Calculation APIs).",
    )
    timing: SessionTiming = Field(description="Start, end, idle time and the idle-timeout countdown.")
    capacity: SessionCapacity = Field(description="DPU sizing of coordinator and executors.")
    usage: DpuUsage = Field(description="DPU consumption and an estimated cost.")
    config: SessionConfigSummary = Field(
        description="Execution role, encryption, logging and Spark settings."
    )
    findings: list[Finding] = Field(
        default_factory=list[Finding], description="What matters, most severe first, each with a next step."
    )


# --- Causes (health/causes.py ranks them; diagnose_athena_session returns them) -----------------------


class Evidence(OutModel):
    """One line a cause rests on, and where it came from."""

    source: str = Field(
        description="Where the line came from, e.g. 'stderr of calculation X' or 'executors'."
    )
    text: str = Field(description=f"The line. {UNTRUSTED_LABEL} (when it comes from stderr or logs)")


class Cause(OutModel):
    """A likely cause of the failure, with its evidence and the next step."""

    code: str = Field(
        description=(
            "A signature-catalogue code (e.g. OUT_OF_MEMORY, MODULE_NOT_FOUND, GLUE_ACCESS_DENIED; see "
            "docs/diagnosis.md), or PYTHON_EXCEPTION, EXECUTORS_FAILED, STOPPED_BY_REQUEST_OR_IDLE_TIMEOUT, "
            "CALCULATION_FAILED, UNKNOWN."
        )
    )
    confidence: Literal["high", "medium", "low"] = Field(
        description="high only when the evidence is the failing unit's own error."
    )
    title: str = Field(description="The cause in a few words.")
    evidence: list[Evidence] = Field(description="The lines the cause rests on (at most 5).")
    next_step: str = Field(description="What to change or check.")
    at: str | None = Field(default=None, description="When that failure happened (ISO-8601 UTC), if known.")
