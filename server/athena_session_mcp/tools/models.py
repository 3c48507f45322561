"""Result types more than one tool returns: get_athena_session's result (also the session resource's),
executor rows and counts, output tails, gaps. Published as output schemas.
"""

from __future__ import annotations

from typing import Any, Generic, TypedDict, TypeVar

from pydantic import Field

from athena_session_mcp.health.models import (
    OutModel,
    SessionSummary,
)
from athena_session_mcp.health.untrusted import UNTRUSTED_TEXT


class GetSessionResult(OutModel):
    """Result of get_athena_session: the health summary plus the raw GetSession response."""

    summary: SessionSummary
    region: str | None = None
    account: str | None = None
    raw: dict[str, Any] = Field(description="The GetSession response, secrets redacted. UNTRUSTED.")


class PageArgs(OutModel):
    """What every listing's continue_with repeats: the same page size, Athena's NextToken and the account;
    each listing adds the arguments that name what it lists."""

    MaxResults: int
    NextToken: str | None = None
    Account: str | None = None


Resume = TypeVar("Resume", bound=PageArgs)


class PageFields(TypedDict, Generic[Resume]):
    """The fields every paged listing answer has, with the same meaning."""

    returned: int
    next_token: str | None
    more_available: bool
    continue_with: Resume | None


def page_fields(returned: int, resume: Resume) -> PageFields[Resume]:
    """returned, Athena's NextToken unchanged (`resume.NextToken`, None on the last page), whether more
    exist, and `resume` as the exact arguments of the next call when they do."""
    more = resume.NextToken is not None
    return PageFields(
        returned=returned,
        next_token=resume.NextToken,
        more_available=more,
        continue_with=resume if more else None,
    )


class ExecutorRow(OutModel):
    """One executor of a ListExecutors page."""

    executor_id: str
    type: str | None = None
    state: str | None = None
    size_dpu: int | None = None
    started_at: str | None = None
    terminated_at: str | None = None


class ExecutorCounts(OutModel):
    """How many executors are in each state and of each type."""

    total: int
    by_state: dict[str, int]
    by_type: dict[str, int]


class OutputTail(OutModel):
    """The last lines of one S3 object (a ranged read, never the whole object)."""

    s3_uri: str
    size_bytes: int | None = None
    read_bytes: int
    lines: list[str] = Field(description=UNTRUSTED_TEXT)
    binary: bool


class Gap(OutModel):
    """Something the diagnosis could not read, and what would let it."""

    what: str
    fix: str


class CalculationOutput(OutModel):
    """The tails of a calculation's stdout and stderr (IncludeOutput with sensitive data access)."""

    stderr_tail: OutputTail | None = None
    stdout_tail: OutputTail | None = None
    gaps: list[Gap]
    untrusted_content: str
