"""The result of diagnose_athena_session (a published output schema)."""

from __future__ import annotations

from pydantic import Field

from athena_session_mcp.athena.vocabulary import (
    Engine,
)
from athena_session_mcp.health.models import (
    Cause,
    OutModel,
    SessionSummary,
)
from athena_session_mcp.health.untrusted import UNTRUSTED_TEXT
from athena_session_mcp.tools.models import (
    ExecutorCounts,
    ExecutorRow,
    Gap,
    OutputTail,
)


class ExecutorOverview(OutModel):
    """The session's executors (ListExecutors): counts and the failed ones."""

    read: bool
    counts: ExecutorCounts | None = None
    failed: list[ExecutorRow]
    complete: bool


class DiagnosedCalculation(OutModel):
    """One recent calculation of a PySpark engine version 3 session."""

    calculation_execution_id: str
    state: str | None = None
    state_change_reason: str | None = Field(None, description=UNTRUSTED_TEXT)
    submitted_at: str | None = None
    completed_at: str | None = None
    stdout_s3_uri: str | None = None
    stderr_s3_uri: str | None = None
    result_s3_uri: str | None = None
    stderr_tail: OutputTail | None = None
    stdout_tail: OutputTail | None = None


class CalculationOverview(OutModel):
    """Recent calculations (ListCalculationExecutions), failed first."""

    applicable: bool
    read: bool
    considered: int
    failed: int
    calculations: list[DiagnosedCalculation]


class LogLineOut(OutModel):
    """One log event of the session's driver or executor logs."""

    at: str
    stream: str
    message: str = Field(description=UNTRUSTED_TEXT)


class LogOverview(OutModel):
    """The session's CloudWatch Logs, and their error lines with sensitive data access."""

    cloudwatch_enabled: bool
    log_group: str | None = None
    stream_prefix: str | None = None
    streams: list[str]
    window_start: str | None = None
    window_end: str | None = None
    lines: list[LogLineOut]
    other_destinations: list[str]


class SparkUi(OutModel):
    """The Spark UI (live) or Spark History Server (ended) of an Apache Spark version 3.5 session."""

    applicable: bool
    url: str | None = None


class DiagnosisResult(OutModel):
    """Result of diagnose_athena_session."""

    session_id: str
    region: str | None = None
    account: str | None = None
    engine: Engine | None = None
    verdict: str
    causes: list[Cause]
    session: SessionSummary
    executors: ExecutorOverview
    calculations: CalculationOverview
    logs: LogOverview
    spark_ui: SparkUi
    gaps: list[Gap]
    sensitive_data_access: bool
    untrusted_content: str
    truncated: bool
