"""Turn a boto3 response into plain JSON: drop transport metadata, datetimes as ISO-8601 UTC, and
secret-bearing Spark settings redacted."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, cast


def iso_utc(value: datetime) -> str:
    """ISO-8601 in UTC with a 'Z' suffix; naive datetimes are taken as UTC (botocore's convention)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


# Free-form key/value settings a user may start a session with (EngineConfiguration.SparkProperties,
# AdditionalConfigs): Athena returns them as they were set, so a Spark Connect token or an S3A secret
# key would reach the model. The key names are all there is to go on; the key stays, the value goes.
_SETTINGS_MAPS = frozenset({"SparkProperties", "AdditionalConfigs"})
_SECRET_KEY = re.compile(r"token|secret|passw|pwd|credential|private|access[._-]?key|api[._-]?key|auth", re.I)
REDACTED = "<redacted>"


def _settings(value: Mapping[Any, Any]) -> dict[str, Any]:
    return {str(k): REDACTED if _SECRET_KEY.search(str(k)) else _jsonable(v) for k, v in value.items()}


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
