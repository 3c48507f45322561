"""Result types more than one tool returns: get_athena_session's result (also the session resource's),
executor rows and counts, output tails, gaps. Published as output schemas.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from athena_session_mcp.health.models import (
    OutModel,
    SessionSummary,
)
from athena_session_mcp.health.untrusted import UNTRUSTED_LABEL, UNTRUSTED_TEXT


class GetSessionResult(OutModel):
    """Result of get_athena_session: the health summary plus the raw GetSession response."""

    summary: SessionSummary = Field(description="Health summary with findings and next steps.")
    region: str | None = Field(default=None, description="The AWS region where the session was found.")
    account: str | None = Field(
        default=None, description="The declared account it was found in; absent: the server's own."
    )
    raw: dict[str, Any] = Field(
        description=f"The GetSession response (datetimes ISO-8601 UTC; secrets redacted). {UNTRUSTED_TEXT}"
    )


class ExecutorRow(OutModel):
    """One executor of a ListExecutors page."""

    executor_id: str = Field(description="ExecutorId.")
    type: str | None = Field(None, description="ExecutorType: COORDINATOR, GATEWAY or WORKER.")
    state: str | None = Field(None, description="ExecutorState as Athena reports it.")
    size_dpu: int | None = Field(None, description="ExecutorSize in DPUs.")
    started_at: str | None = Field(None, description="StartDateTime (ISO-8601 UTC).")
    terminated_at: str | None = Field(None, description="TerminationDateTime (ISO-8601 UTC), if ended.")


class ExecutorCounts(OutModel):
    """How many executors are in each state and of each type."""

    total: int = Field(description="Executors counted.")
    by_state: dict[str, int] = Field(description="ExecutorState -> count.")
    by_type: dict[str, int] = Field(description="ExecutorType -> count.")


class OutputTail(OutModel):
    """The last lines of one S3 object (a ranged read, never the whole object)."""

    s3_uri: str = Field(description="Where the object is.")
    size_bytes: int | None = Field(None, description="The object's size.")
    read_bytes: int = Field(description="Bytes read from its end.")
    lines: list[str] = Field(description=f"{UNTRUSTED_LABEL} Cleaned; long lines cut.")
    binary: bool = Field(description="True when the content was not text (no lines shown).")


class Gap(OutModel):
    """Something the diagnosis could not read, and what would let it."""

    what: str = Field(description="What is missing from the diagnosis.")
    fix: str = Field(description="The IAM action, setting or flag that would provide it.")


class CalculationOutput(OutModel):
    """The tails of a calculation's stdout and stderr (IncludeOutput with sensitive data access)."""

    stderr_tail: OutputTail | None = Field(
        None, description="Tail of stderr (ranged read of its last few KB)."
    )
    stdout_tail: OutputTail | None = Field(
        None, description="Tail of stdout (ranged read of its last few KB)."
    )
    gaps: list[Gap] = Field(
        description="What could not be read, and the IAM action, setting or flag that would allow it."
    )
    untrusted_content: str = Field(description="How to treat the excerpts.")
