"""Tolerant readers for boto3 responses and the small formatting helpers every tool shares.

A response field of the wrong type (a malformed or newer response) reads as missing, never raises.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, cast, overload

from athena_session_mcp.raw import iso_utc


def as_map(value: Any) -> Mapping[str, Any]:
    return cast(Mapping[str, Any], value) if isinstance(value, Mapping) else {}


def as_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def as_int(value: Any) -> int | None:
    # bool is an int subclass; a boolean here would be a malformed response, not a number.
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def iso_or_none(value: datetime | None) -> str | None:
    """ISO-8601 UTC in whole seconds (read better in a summary; raw keeps the service's precision)."""
    return iso_utc(value.replace(microsecond=0)) if value else None


def seconds_between(delta_end: datetime | None, delta_start: datetime | None) -> int | None:
    if delta_end is None or delta_start is None:
        return None
    return max(0, int((delta_end - delta_start).total_seconds()))


def format_duration(seconds: int) -> str:
    """Compact human duration: '45s', '3m 05s', '2h 07m', '3d 4h'."""
    if seconds < 60:
        return f"{seconds}s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}h {minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h"


@overload
def clip(text: str, limit: int) -> str: ...
@overload
def clip(text: str | None, limit: int) -> str | None: ...
def clip(text: str | None, limit: int) -> str | None:
    """`text` on one line, at most `limit` characters, ending with '…' when shortened: service text
    is echoed, never unbounded."""
    if text is None:
        return None
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
