"""Arguments and results of list_athena_calculations and get_athena_calculation (published output
schemas).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from athena_session_mcp.athena.vocabulary import (
    CalculationPhase,
    CalculationState,
)
from athena_session_mcp.health.models import (
    DpuUsage,
    Finding,
    OutModel,
)
from athena_session_mcp.health.untrusted import UNTRUSTED_TEXT
from athena_session_mcp.tools.models import (
    CalculationOutput,
    PageArgs,
)


class CalculationRow(OutModel):
    """One calculation of a ListCalculationExecutions page, condensed."""

    calculation_execution_id: str
    state: str | None = None
    phase: CalculationPhase
    description: str | None = Field(None, description=UNTRUSTED_TEXT)
    submitted_at: str | None = None
    completed_at: str | None = None
    duration_seconds: int | None = None
    state_change_reason: str | None = Field(None, description=UNTRUSTED_TEXT)


class ListCalculationsArgs(PageArgs):
    """Arguments that continue right after the last calculation shown."""

    SessionId: str
    StateFilter: CalculationState | None = None


class ListCalculationsResult(OutModel):
    """Result of list_athena_calculations: one page of a session's calculations, as Athena orders them."""

    session_id: str
    state_filter: CalculationState | None = None
    calculations: list[CalculationRow] = Field(default_factory=list[CalculationRow])
    returned: int
    next_token: str | None = None
    more_available: bool
    continue_with: ListCalculationsArgs | None = None
    hint: str


class CalculationResultLocations(OutModel):
    """Where the calculation's output is (S3 URIs only; no presigned URLs are ever generated)."""

    stdout_s3_uri: str | None = None
    stderr_s3_uri: str | None = None
    result_s3_uri: str | None = None
    result_type: str | None = None


class CalculationSummary(OutModel):
    """Condensed report on one calculation execution."""

    calculation_execution_id: str | None = None
    session_id: str | None = None
    description: str | None = Field(None, description=UNTRUSTED_TEXT)
    working_directory: str | None = None
    state: str | None = None
    phase: CalculationPhase
    finished: bool
    state_change_reason: str | None = Field(None, description=UNTRUSTED_TEXT)
    headline: str
    submitted_at: str | None = None
    completed_at: str | None = None
    duration_seconds: int | None = None
    progress: str | None = None
    usage: DpuUsage
    results: CalculationResultLocations
    findings: list[Finding] = Field(default_factory=list[Finding])


class CalculationCode(OutModel):
    """The code the calculation ran (GetCalculationExecutionCode), cleaned and size-capped."""

    code: str = Field(description=UNTRUSTED_TEXT)
    total_chars: int
    truncated: bool
    untrusted_content: str


class GetCalculationResult(OutModel):
    """Result of get_athena_calculation: summary, the code when asked for, and the raw response."""

    summary: CalculationSummary
    code: CalculationCode | None = None
    raw: dict[str, Any] = Field(description=UNTRUSTED_TEXT)


class GetCalculationWithOutputResult(GetCalculationResult):
    """Result of get_athena_calculation: summary, code and output when asked for, and the raw response."""

    output: CalculationOutput | None = None
