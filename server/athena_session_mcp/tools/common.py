"""Helpers the fleet tools share: hints for ids, and adding tool-specific hints to errors."""

from __future__ import annotations

from mcp.server.mcpserver.exceptions import ToolError

from athena_session_mcp.errors import athena_error, is_not_found

__all__ = [
    "FIND_CALCULATIONS",
    "FIND_SESSIONS",
    "FIND_WORKGROUPS",
    "athena_error",
    "is_not_found",
    "with_hint",
]

FIND_SESSIONS = "list_athena_sessions lists a workgroup's sessions"
FIND_CALCULATIONS = "list_athena_calculations lists a session's calculations"
FIND_WORKGROUPS = "list_spark_workgroups lists the Spark workgroups"


def with_hint(exc: ToolError, hint: str) -> ToolError:
    """The same error with a tool-specific next step appended."""
    return ToolError(f"{exc} {hint}")
