"""Validate RAW Athena JSON bodies against botocore's model (botocore's parser drops unknown keys).

Checks unknown members, JSON types, required members, enums, lengths, ranges and patterns of the
operation's output shape, or of the modelled error shape for error responses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from typing import Any, cast

import botocore.session
from botocore.client import BaseClient
from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape

# Errors raised by the AWS request layer rather than modelled per operation.
COMMON_ERRORS = frozenset({"ValidationException", "SerializationException", "UnrecognizedClientException"})


@cache
def service_model() -> ServiceModel:
    return botocore.session.get_session().get_service_model("athena")


@cache
def _pattern(text: str) -> re.Pattern[str] | None:
    try:
        return re.compile(text)
    except re.error:  # Java-only constructs (surrogate ranges) cannot be checked in Python
        return None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check(shape: Shape, value: object, path: str, problems: list[str]) -> None:
    if value is None:
        problems.append(f"{path}: null is never sent by the service")
        return
    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure":
        struct = cast(StructureShape, shape)
        if not isinstance(value, Mapping):
            problems.append(f"{path}: expected object, got {type(value).__name__}")
            return
        members = cast(Mapping[str, object], value)
        for name in members:
            if name not in struct.members:
                problems.append(f"{path}.{name}: not a member of {struct.name}")
        for name in struct.required_members:
            if name not in members:
                problems.append(f"{path}.{name}: required member missing")
        for name, item in members.items():
            if name in struct.members:
                _check(struct.members[name], item, f"{path}.{name}", problems)
    elif kind == "list":
        if not isinstance(value, list):
            problems.append(f"{path}: expected list")
            return
        items = cast(list[object], value)
        _sizes(meta, len(items), path, problems)
        for index, item in enumerate(items):
            _check(cast(ListShape, shape).member, item, f"{path}[{index}]", problems)
    elif kind == "map":
        if not isinstance(value, Mapping):
            problems.append(f"{path}: expected object (map)")
            return
        entries = cast(Mapping[object, object], value)
        _sizes(meta, len(entries), path, problems)
        for key, item in entries.items():
            _check(cast(MapShape, shape).key, key, f"{path}<key>", problems)
            _check(cast(MapShape, shape).value, item, f"{path}[{key}]", problems)
    elif kind == "string":
        if not isinstance(value, str):
            problems.append(f"{path}: expected string, got {type(value).__name__}")
            return
        _sizes(meta, len(value), path, problems)
        enum = cast(list[str], getattr(shape, "enum", None) or [])
        if enum and value not in enum:
            problems.append(f"{path}: {value!r} not in enum {enum}")
        pattern = meta.get("pattern")
        if isinstance(pattern, str):
            compiled = _pattern(pattern)
            if compiled is not None and compiled.fullmatch(value) is None:
                problems.append(f"{path}: {value!r} does not match {pattern}")
    elif kind in ("integer", "long"):
        if not _is_int(value):
            problems.append(f"{path}: expected integer, got {value!r}")
            return
        number = cast(int, value)
        low, high = meta.get("min"), meta.get("max")
        if isinstance(low, int) and number < low:
            problems.append(f"{path}: {number} < min {low}")
        if isinstance(high, int) and number > high:
            problems.append(f"{path}: {number} > max {high}")
    elif kind == "boolean":
        if not isinstance(value, bool):
            problems.append(f"{path}: expected boolean")
    elif kind in ("timestamp", "double", "float"):
        # awsJson1.1 sends timestamps as epoch seconds.
        if not (isinstance(value, int | float) and not isinstance(value, bool)):
            problems.append(f"{path}: expected a number, got {value!r}")
    else:
        problems.append(f"{path}: unhandled shape type {kind}")


def _sizes(meta: Mapping[str, Any], size: int, path: str, problems: list[str]) -> None:
    low, high = meta.get("min"), meta.get("max")
    if isinstance(low, int) and size < low:
        problems.append(f"{path}: length {size} < min {low}")
    if isinstance(high, int) and size > high:
        problems.append(f"{path}: length {size} > max {high}")


def output_problems(
    operation: str, status: int, body: bytes | str, headers: Mapping[str, str] | None = None
) -> list[str]:
    """Everything in a raw response body that the botocore model does not allow. An error's type travels
    in the body's ``__type`` (JSON 1.1) or the ``x-amzn-errortype`` header (REST-JSON), never both."""
    op: OperationModel = service_model().operation_model(operation)
    try:
        data = cast(object, json.loads(body or b"{}"))
    except ValueError:
        return [f"{operation}: body is not JSON: {body!r}"]
    if status < 300:
        problems: list[str] = []
        if op.output_shape is None:
            if data != {}:
                problems.append(f"{operation}: expected an empty body")
            return problems
        _check(op.output_shape, data, operation, problems)
        return problems
    if not isinstance(data, dict):
        return [f"{operation}: error body is not an object"]
    error = dict(cast(dict[str, object], data))
    error_type = error.pop("__type", None)
    header_type = {k.lower(): v for k, v in (headers or {}).items()}.get("x-amzn-errortype")
    if error_type is not None and header_type is not None:
        return [f"{operation}: error type both in the body and in x-amzn-errortype"]
    error_type = error_type if error_type is not None else header_type
    if not isinstance(error_type, str):
        return [f"{operation}: error without __type or x-amzn-errortype"]
    message = error.get("Message", error.get("message"))
    problems = [] if isinstance(message, str) and message else [f"{operation}: error without a message"]
    modelled = {shape.name: shape for shape in op.error_shapes}
    if error_type in modelled:
        _check(modelled[error_type], error, f"{operation}!{error_type}", problems)
    elif error_type in COMMON_ERRORS:
        extra = set(error) - {"message", "Message"}
        if extra:
            problems.append(f"{operation}!{error_type}: unexpected members {sorted(extra)}")
    else:
        problems.append(f"{operation}: error {error_type} is not modelled for this operation")
    return problems


class RawResponses:
    """Collects (operation, status, body) of every response a client parses."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int, bytes]] = []

    def bodies(self, operation: str) -> list[bytes]:
        return [body for name, _, body in self.seen if name == operation]


def attach_shape_checker(client: BaseClient) -> RawResponses:
    """Fail any call whose raw response body breaks the model; returns the recorded responses."""
    recorded = RawResponses()

    def before_parse(operation_model: OperationModel, response_dict: Mapping[str, Any], **_: Any) -> None:
        body = cast(bytes, response_dict.get("body") or b"")
        status = cast(int, response_dict.get("status_code", 0))
        headers = cast(Mapping[str, str], response_dict.get("headers") or {})
        recorded.seen.append((operation_model.name, status, body))
        problems = output_problems(operation_model.name, status, body, headers)
        protocol = operation_model.service_model.protocol
        if status >= 300 and (protocol == "rest-json") != (
            "x-amzn-errortype" in {k.lower() for k in headers}
        ):
            problems.append(
                f"{operation_model.name}: a {protocol} client got an error in the other protocol's shape"
            )
        if problems:
            raise AssertionError("Response breaks the botocore model:\n" + "\n".join(problems))

    client.meta.events.register("before-parse.athena.*", before_parse)
    return recorded
