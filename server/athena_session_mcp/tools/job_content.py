"""Reading job content for a model: the tails of calculation stdout/stderr in S3, cleaned and bounded,
and the gaps that say why something could not be read. Shared by diagnose_athena_session and
get_athena_calculation (IncludeOutput); shown only with --allow-sensitive-data-access.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from athena_session_mcp.athena.errors import (
    ACCESS_DENIED_CODES,
    AwsCallError,
    athena_error,
    call_error,
    is_foreign,
)
from athena_session_mcp.athena.job_output import Tail, read_tail, split_s3_uri
from athena_session_mcp.athena.responses import clip
from athena_session_mcp.health.untrusted import MATCH_LINE_CHARS, UNTRUSTED_NOTE, Excerpt, excerpt
from athena_session_mcp.settings import ENV_SENSITIVE, SENSITIVE_FLAG
from athena_session_mcp.tools import Deps
from athena_session_mcp.tools.answers import to_text
from athena_session_mcp.tools.budget import OUTPUT_BUDGET_CHARS
from athena_session_mcp.tools.models import (
    CalculationOutput,
    Gap,
    OutputTail,
)

T = TypeVar("T")

MAX_EXCERPT_LINES = 40


SENSITIVE_HINT = (
    f"Start the server with {SENSITIVE_FLAG} (or set {ENV_SENSITIVE}=true in the MCP client config's env) to "
    "include them."
)


def _code(exc: BaseException) -> str:
    from botocore.exceptions import ClientError

    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code") or "")
    return athena_error(exc)[0]


def gap(exc: BaseException, *, what: str, action: str, resource: str, region: str | None) -> Gap:
    """A gap for a failed read: the IAM action and resource when access was denied, else the error."""
    code = _code(exc)
    # A proxy's 403 or 404 page is neither a denial nor a missing object: say who answered.
    if isinstance(exc, Exception) and is_foreign(exc, action):
        text = str(call_error(exc, action=action, what=what, region=region))
        return Gap(what=what, fix=clip(text, 400))
    if code in ACCESS_DENIED_CODES:
        return Gap(
            what=what, fix=f"Access denied: grant {action} on {resource} to the identity the server uses."
        )
    if code in ("NoSuchKey", "NoSuchBucket", "404"):
        return Gap(
            what=what, fix=f"The object does not exist ({code}); the calculation may not have written it."
        )
    if code == "ResourceNotFoundException" and action.startswith("logs:"):
        return Gap(
            what=what,
            fix=f"The log group {resource} does not exist: the session has written no CloudWatch logs there yet.",
        )
    if isinstance(exc, AwsCallError):
        return Gap(what=what, fix=clip(str(exc), 400) or action)
    text = str(
        call_error(
            exc if isinstance(exc, Exception) else Exception(), action=action, what=what, region=region
        )
    )
    return Gap(what=what, fix=clip(text, 400) or action)


@dataclass(frozen=True, slots=True)
class ShownTail:
    """The end of an S3 object as read (athena.job_output.Tail), in the lines a model may see."""

    read: Tail
    excerpt: Excerpt
    # The same lines, each up to MATCH_LINE_CHARS: what the diagnosis matches (never shown whole).
    match_lines: list[str] = field(default_factory=list[str])


async def quietly(
    gaps: list[Gap],
    call: Callable[[], Awaitable[T]],
    *,
    what: str,
    action: str,
    resource: str,
    region: str | None,
) -> T | None:
    """`call()`'s result, or None with a gap recorded: one unreadable source never fails the diagnosis."""
    try:
        return await call()
    except Exception as exc:
        gaps.append(gap(exc, what=what, action=action, resource=resource, region=region))
        return None


async def read_object_tail(deps: Deps, gaps: list[Gap], uri: str | None, *, what: str) -> ShownTail | None:
    """The tail of the S3 object at `uri`; None when there is no such location, or with a gap when unreadable."""
    where = split_s3_uri(uri or "")
    if uri is None or where is None:
        return None
    gateway = deps.gateway

    async def tail_of() -> ShownTail:
        raw = await gateway.run(lambda: read_tail(gateway.s3(), uri))
        cleaned = (
            Excerpt(lines=[], total_lines=0, binary=True)
            if raw.binary
            else excerpt(raw.text, max_lines=MAX_EXCERPT_LINES)
        )
        long = (
            Excerpt(lines=[], total_lines=0, binary=True)
            if raw.binary
            else excerpt(raw.text, max_lines=MAX_EXCERPT_LINES, max_line_chars=MATCH_LINE_CHARS)
        )
        return ShownTail(read=raw, excerpt=cleaned, match_lines=long.lines)

    return await quietly(
        gaps,
        tail_of,
        what=what,
        action="s3:GetObject",
        resource=f"arn:aws:s3:::{where[0]}/{where[1]}",
        region=gateway.region,
    )


async def read_calculation_output(
    deps: Deps, stdout_uri: str | None, stderr_uri: str | None
) -> CalculationOutput:
    """get_athena_calculation's IncludeOutput: the stdout/stderr tails, or gaps saying why not."""
    gaps: list[Gap] = []
    tails: dict[str, OutputTail | None] = {"stderr": None, "stdout": None}
    if not deps.settings.allow_sensitive_data_access:
        gaps.append(Gap(what="stdout/stderr tails (job content)", fix=SENSITIVE_HINT))
    else:
        for stream, uri in (("stderr", stderr_uri), ("stdout", stdout_uri)):
            tail = await read_object_tail(deps, gaps, uri, what=f"{stream} of the calculation")
            tails[stream] = tail_out(
                tail, MAX_EXCERPT_LINES if stream == "stderr" else MAX_EXCERPT_LINES // 4
            )
    return CalculationOutput(
        stderr_tail=tails["stderr"],
        stdout_tail=tails["stdout"],
        gaps=gaps,
        untrusted_content=UNTRUSTED_NOTE,
    )


def _within(lines: Iterable[str], max_chars: int) -> list[str]:
    """`lines` in order while their JSON text adds up to at most `max_chars` (one pass: an answer holding
    them has a known worst size)."""
    kept: list[str] = []
    used = 0
    for line in lines:
        used += len(to_text(line))
        if used > max_chars:
            break
        kept.append(line)
    return kept


def last_within(lines: list[str], max_lines: int, max_chars: int) -> list[str]:
    """The newest (last) of `lines`: at most `max_lines`, at most `max_chars` of JSON text."""
    return _within(reversed(lines[-max_lines:] if max_lines > 0 else []), max_chars)[::-1]


def first_within(lines: list[str], max_lines: int, max_chars: int) -> list[str]:
    """The first of `lines`: at most `max_lines`, at most `max_chars` of JSON text."""
    return _within(lines[:max_lines] if max_lines > 0 else [], max_chars)


def tail_out(
    tail: ShownTail | None, max_lines: int, max_chars: int = OUTPUT_BUDGET_CHARS
) -> OutputTail | None:
    if tail is None:
        return None
    lines = last_within(tail.excerpt.lines, max_lines, max_chars)
    return OutputTail(
        s3_uri=tail.read.uri,
        size_bytes=tail.read.size_bytes,
        read_bytes=tail.read.read_bytes,
        lines=lines,
        binary=tail.excerpt.binary,
    )
