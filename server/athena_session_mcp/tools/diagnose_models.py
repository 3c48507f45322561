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
from athena_session_mcp.health.untrusted import UNTRUSTED_LABEL, UNTRUSTED_TEXT
from athena_session_mcp.tools.models import (
    ExecutorCounts,
    ExecutorRow,
    Gap,
    OutputTail,
)


class ExecutorOverview(OutModel):
    """The session's executors (ListExecutors): counts and the failed ones."""

    read: bool = Field(description="Whether ListExecutors could be read.")
    counts: ExecutorCounts | None = Field(None, description="Counts by state and type.")
    failed: list[ExecutorRow] = Field(description="Executors in state FAILED (at most 10).")
    complete: bool = Field(description="False when the session has more executors than were read.")


class DiagnosedCalculation(OutModel):
    """One recent calculation of a PySpark engine version 3 session."""

    calculation_execution_id: str = Field(description="The calculation ID.")
    state: str | None = Field(None, description="Status.State.")
    state_change_reason: str | None = Field(
        None, description=f"Status.StateChangeReason (shortened). {UNTRUSTED_TEXT}"
    )
    submitted_at: str | None = Field(None, description="Status.SubmissionDateTime (ISO-8601 UTC).")
    completed_at: str | None = Field(None, description="Status.CompletionDateTime (ISO-8601 UTC).")
    stdout_s3_uri: str | None = Field(None, description="Result.StdOutS3Uri.")
    stderr_s3_uri: str | None = Field(None, description="Result.StdErrorS3Uri.")
    result_s3_uri: str | None = Field(None, description="Result.ResultS3Uri.")
    stderr_tail: OutputTail | None = Field(None, description="Tail of stderr (sensitive data access only).")
    stdout_tail: OutputTail | None = Field(None, description="Tail of stdout (sensitive data access only).")


class CalculationOverview(OutModel):
    """Recent calculations (ListCalculationExecutions), failed first."""

    applicable: bool = Field(
        description="False for Apache Spark version 3.5 sessions: that engine has no Calculation APIs."
    )
    read: bool = Field(description="Whether the calculations could be read.")
    considered: int = Field(description="Recent calculations looked at.")
    failed: int = Field(description="How many of them FAILED.")
    calculations: list[DiagnosedCalculation] = Field(description="Failed first, then the most recent.")


class LogLineOut(OutModel):
    """One log event of the session's driver or executor logs."""

    at: str = Field(description="Event time (ISO-8601 UTC).")
    stream: str = Field(description="Log stream name.")
    message: str = Field(description=f"{UNTRUSTED_LABEL} Cleaned, shortened.")


class LogOverview(OutModel):
    """The session's CloudWatch Logs, and their error lines with sensitive data access."""

    cloudwatch_enabled: bool = Field(
        description="MonitoringConfiguration.CloudWatchLoggingConfiguration.Enabled."
    )
    log_group: str | None = Field(
        None, description="The log group (configured, else /aws-athena/<workgroup>)."
    )
    stream_prefix: str | None = Field(None, description="The prefix the session's streams start with.")
    streams: list[str] = Field(description="The session's log streams found (at most 50).")
    window_start: str | None = Field(None, description="Start of the time window searched (ISO-8601 UTC).")
    window_end: str | None = Field(None, description="End of the time window searched (ISO-8601 UTC).")
    lines: list[LogLineOut] = Field(
        description="ERROR/FATAL lines first, then exceptions and tracebacks, newest first within each."
    )
    other_destinations: list[str] = Field(description="S3 or managed logging destinations, if enabled.")


class SparkUi(OutModel):
    """The Spark UI (live) or Spark History Server (ended) of an Apache Spark version 3.5 session."""

    applicable: bool = Field(description="True for Apache Spark version 3.5 sessions (GetResourceDashboard).")
    url: str | None = Field(
        None, description="The link (grants access: shown with sensitive data access only; expires)."
    )


class DiagnosisResult(OutModel):
    """Result of diagnose_athena_session."""

    session_id: str = Field(description="The session diagnosed.")
    region: str | None = Field(default=None, description="The AWS region where the session was found.")
    account: str | None = Field(
        default=None,
        description="The declared account it was found in; absent: the server's own.",
    )
    engine: Engine | None = Field(
        None, description="The Spark engine: pyspark-v3 or spark-3.5 (unknown-spark, sql)."
    )
    verdict: str = Field(description="One line: the state and the most likely cause.")
    causes: list[Cause] = Field(description="Likely causes, most likely first.")
    session: SessionSummary = Field(description="The health summary, as get_athena_session gives it.")
    executors: ExecutorOverview = Field(description="Executor counts and the failed executors.")
    calculations: CalculationOverview = Field(description="Recent calculations, failed first.")
    logs: LogOverview = Field(description="Log locations and, with sensitive data access, error lines.")
    spark_ui: SparkUi = Field(description="Spark UI / History Server link (Apache Spark version 3.5).")
    gaps: list[Gap] = Field(description="What could not be read and how to allow it.")
    sensitive_data_access: bool = Field(
        description="Whether job content and links are shown (--allow-sensitive-data-access)."
    )
    untrusted_content: str = Field(description="How to treat the excerpts in this answer.")
    truncated: bool = Field(description="True when excerpts were shortened to fit.")
