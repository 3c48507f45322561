"""Reading boto3 responses: tolerant field readers, the raw response made JSON-safe, and the small
formatting helpers every layer shares.

A response field of the wrong type (a malformed or newer response) reads as missing, never raises.
Secret-bearing Spark settings are redacted before any response is shown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, cast, overload


def iso_utc(value: datetime) -> str:
    """ISO-8601 in UTC with a 'Z' suffix; naive datetimes are taken as UTC (botocore's convention)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


# Free-form key/value settings a user may start a session with (EngineConfiguration.SparkProperties,
# AdditionalConfigs, Classifications[].Properties): Athena returns them as they were set, so a Spark
# Connect token or an S3A secret key would reach the model. The key names are all there is to go on; the
# key stays, the value goes. One rule for every such map.
_SETTINGS_MAPS = frozenset({"SparkProperties", "AdditionalConfigs", "Properties"})
_SECRET_KEY = re.compile(r"token|secret|passw|pwd|credential|private|access[._-]?key|api[._-]?key|auth", re.I)
REDACTED = "<redacted>"


# Athena bounds no setting's value and no map's length, so each map is shown up to a size: its values cut at
# SETTING_VALUE_CHARS, and entries in order until SETTINGS_MAP_CHARS, then one entry saying how many more.
SETTING_VALUE_CHARS = 1_024
SETTINGS_MAP_CHARS = 4_000
MORE_SETTINGS = "…"


def _settings(value: Mapping[Any, Any]) -> dict[str, Any]:
    shown: dict[str, Any] = {}
    used = 0
    for k, v in value.items():
        key = str(k)[:SETTING_VALUE_CHARS]
        item = REDACTED if _SECRET_KEY.search(str(k)) else _jsonable(v)
        if isinstance(item, str) and len(item) > SETTING_VALUE_CHARS:
            item = item[: SETTING_VALUE_CHARS - 1] + "…"
        used += len(key) + (len(item) if isinstance(item, str) else 16) + 6
        if used > SETTINGS_MAP_CHARS:
            shown[MORE_SETTINGS] = f"{len(value) - len(shown)} more settings not shown ({len(value)} in all)"
            break
        shown[key] = item
    return shown


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, Mapping):
        items = cast(Mapping[Any, Any], value).items()
        return {
            str(k): _settings(cast(Mapping[Any, Any], v))
            if k in _SETTINGS_MAPS and isinstance(v, Mapping)
            else _jsonable(v)
            for k, v in items
        }
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]  # pyright: ignore[reportUnknownVariableType]
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value


def clean_response(response: Mapping[str, Any]) -> dict[str, Any]:
    """The response without ResponseMetadata, made JSON-safe. Unknown (newer) fields pass through."""
    return {k: _jsonable(v) for k, v in response.items() if k != "ResponseMetadata"}


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
