"""Helpers the fleet tools share: recognising Athena error kinds behind a ToolError, adding hints."""

from __future__ import annotations

from mcp.server.mcpserver.exceptions import ToolError


def athena_error(exc: BaseException) -> tuple[str, str]:
    """The Athena error code and message behind a gateway ToolError ('' when it was not a ClientError)."""
    from botocore.exceptions import ClientError

    cause = exc.__cause__
    if not isinstance(cause, ClientError):
        return "", ""
    details = cause.response.get("Error", {})
    return str(details.get("Code") or ""), str(details.get("Message") or "")


def is_not_found(exc: BaseException) -> bool:
    """Whether a gateway ToolError reports an unknown id (Athena uses InvalidRequestException for that)."""
    code, message = athena_error(exc)
    return code == "ResourceNotFoundException" or (
        code == "InvalidRequestException" and "not found" in message.lower()
    )


def with_hint(exc: ToolError, hint: str) -> ToolError:
    """The same error with a tool-specific next step appended."""
    return ToolError(f"{exc} {hint}")
