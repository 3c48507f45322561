"""Server-side request validation against botocore's input shapes.

boto3 validates most constraints client-side, but raw HTTP callers do not, so the emulator checks
lengths, ranges, enums, patterns and required members itself and answers like the AWS request layer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import cast

from botocore.model import ListShape, MapShape, Shape, StructureShape

from .errors import SerializationError, ValidationError

__all__ = ["validate_request"]

_MAX_REPORTED = 10


@cache
def _compiled(pattern: str) -> re.Pattern[str] | None:
    # Some service patterns use Java-only syntax (surrogate ranges); those are skipped.
    try:
        return re.compile(pattern)
    except re.error:
        return None


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _show(value: object) -> str:
    text = str(value)
    return text if len(text) <= 64 else text[:61] + "..."


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, value: object, path: str, constraint: str) -> None:
        self.errors.append(f"Value '{_show(value)}' at '{path}' failed to satisfy constraint: {constraint}")

    def check(self, shape: Shape, value: object, path: str) -> None:
        kind = shape.type_name
        if kind == "structure":
            self._structure(cast(StructureShape, shape), value, path)
        elif kind == "list":
            self._list(cast(ListShape, shape), value, path)
        elif kind == "map":
            self._map(cast(MapShape, shape), value, path)
        elif kind == "string":
            self._string(shape, value, path)
        elif kind in ("integer", "long"):
            self._integer(shape, value, path)
        elif kind == "boolean":
            if not isinstance(value, bool):
                raise SerializationError(f"Expected a boolean for '{path}'")
        elif kind in ("double", "float", "timestamp") and not _is_number(value):
            raise SerializationError(f"Expected a number for '{path}'")

    def _structure(self, shape: StructureShape, value: object, path: str) -> None:
        if not isinstance(value, Mapping):
            raise SerializationError(f"Expected an object for '{path or shape.name}'")
        members = cast(Mapping[str, object], value)
        prefix = f"{path}." if path else ""
        for required in shape.required_members:
            if members.get(required) is None:
                self.errors.append(
                    f"Value null at '{prefix}{_camel(required)}' failed to satisfy constraint: "
                    "Member must not be null"
                )
        # Unknown members are ignored, as AWS JSON services do.
        for name, member in shape.members.items():
            if name in members and members[name] is not None:
                self.check(member, members[name], f"{prefix}{_camel(name)}")

    def _bounds(self, shape: Shape, value: object, measure: int, path: str, what: str) -> None:
        """The model's min/max on `measure` (a length or the value itself), in AWS's wording."""
        low = shape.metadata.get("min")
        high = shape.metadata.get("max")
        if isinstance(low, int) and measure < low:
            self.fail(value, path, f"Member must have {what} greater than or equal to {low}")
        if isinstance(high, int) and measure > high:
            self.fail(value, path, f"Member must have {what} less than or equal to {high}")

    def _list(self, shape: ListShape, value: object, path: str) -> None:
        if not isinstance(value, list):
            raise SerializationError(f"Expected a list for '{path}'")
        items = cast(list[object], value)
        self._bounds(shape, items, len(items), path, "length")
        for index, item in enumerate(items):
            self.check(shape.member, item, f"{path}.{index + 1}.member")

    def _map(self, shape: MapShape, value: object, path: str) -> None:
        if not isinstance(value, Mapping):
            raise SerializationError(f"Expected an object for '{path}'")
        entries = cast(Mapping[object, object], value)
        self._bounds(shape, entries, len(entries), path, "length")
        for key, item in entries.items():
            self.check(shape.key, key, f"{path}.key")
            self.check(shape.value, item, f"{path}.{key}")

    def _string(self, shape: Shape, value: object, path: str) -> None:
        if not isinstance(value, str):
            raise SerializationError(f"Expected a string for '{path}'")
        self._bounds(shape, value, len(value), path, "length")
        enum = cast(list[str], getattr(shape, "enum", None) or [])
        if enum and value not in enum:
            self.fail(value, path, f"Member must satisfy enum value set: [{', '.join(enum)}]")
        pattern = shape.metadata.get("pattern")
        if isinstance(pattern, str):
            compiled = _compiled(pattern)
            if compiled is not None and compiled.fullmatch(value) is None:
                self.fail(value, path, f"Member must satisfy regular expression pattern: {pattern}")

    def _integer(self, shape: Shape, value: object, path: str) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SerializationError(f"Expected an integer for '{path}'")
        self._bounds(shape, value, value, path, "value")


def validate_request(shape: StructureShape, params: object) -> dict[str, object]:
    """Check ``params`` (the decoded JSON body) against an operation's input shape.

    Returns the params as a dict; raises SerializationError for wrong JSON types and
    ValidationError listing every constraint violation.
    """
    checker = _Checker()
    checker.check(shape, params, "")
    if checker.errors:
        count = len(checker.errors)
        noun = "error" if count == 1 else "errors"
        shown = "; ".join(checker.errors[:_MAX_REPORTED])
        raise ValidationError(f"{count} validation {noun} detected: {shown}")
    return dict(cast(Mapping[str, object], params))
