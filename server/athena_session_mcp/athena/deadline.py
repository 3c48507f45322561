"""The tool call's deadline: every AWS read a call makes, through any gateway and in any task it starts,
ends by then (a context variable set around each tool call by app._within)."""

from __future__ import annotations

import time
from collections.abc import Generator
from contextlib import contextmanager
from contextvars import ContextVar

from athena_session_mcp.athena.errors import AwsCallError

# (monotonic time it ends, its length in seconds) of the tool call this task serves; None outside one.
_DEADLINE: ContextVar[tuple[float, float] | None] = ContextVar("athena_session_mcp_deadline", default=None)


class DeadlineReachedError(AwsCallError):
    """A read not made, or abandoned, because the tool call's deadline passed (callers report it as not
    read, like any other failed read)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"Not read: the tool call's deadline ({seconds:g} s, ATHENA_SESSION_MCP_TOOL_DEADLINE_SECONDS) "
            "passed first. Call again for this part, or raise the deadline if the client waits longer.",
            code="DeadlineReachedError",
        )


@contextmanager
def deadline(seconds: float) -> Generator[None]:
    """Every AWS read made through a gateway inside this block (and the tasks it starts) ends by
    `seconds` from now: a read still running then is abandoned and raises DeadlineReachedError."""
    token = _DEADLINE.set((time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def remaining() -> tuple[float, float] | None:
    """(seconds left, the deadline's length) of the current tool call; None outside one."""
    current = _DEADLINE.get()
    return None if current is None else (current[0] - time.monotonic(), current[1])
