"""Athena's two wire protocols, as the emulator reads requests and writes answers.

- JSON 1.1 (botocore 1.44.8 and older, older CLIs and SDKs): ``POST /`` with
  ``X-Amz-Target: AmazonAthena.<Operation>``; the whole input is the JSON body; errors carry ``__type``.
- REST-JSON (botocore 1.44.18 and newer): each operation has its own method and path; members bound to the
  URI, the query string or a header travel there, the rest in a JSON body; errors carry the
  ``x-amzn-errortype`` header and a JSON body with the message.

The real service answers both, whichever botocore sits beside the emulator, so the REST bindings are data
(``rest_json_bindings.json``), generated from the newest botocore model that has them (``make bindings``)
and checked against the installed model whenever it has them (tests/emulator/test_wire.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Literal, cast
from urllib.parse import parse_qs, unquote

from .errors import EmulatorServiceError, SerializationError, UnknownOperationError

__all__ = [
    "CONTENT_TYPES",
    "JSON_TARGET_PREFIX",
    "Binding",
    "Protocol",
    "WireRequest",
    "answer_in",
    "bindings",
    "bindings_from_model",
    "error_answer",
    "protocol_of",
    "read_request",
]

Protocol = Literal["json", "rest-json"]
JSON_TARGET_PREFIX = "AmazonAthena"
CONTENT_TYPES: dict[Protocol, str] = {"json": "application/x-amz-json-1.1", "rest-json": "application/json"}
_BINDINGS_FILE = "rest_json_bindings.json"
_PACKAGE = "athena_session_mcp.emulator"


@dataclass(frozen=True)
class Binding:
    """One operation's REST binding: method, path template, and the members bound outside the body
    (member name -> (location, name on the wire, shape type))."""

    operation: str
    method: str
    uri: str
    members: Mapping[str, tuple[str, str, str]]
    pattern: re.Pattern[str] = field(compare=False)


def _uri_pattern(uri: str) -> re.Pattern[str]:
    # Labels match one percent-encoded path segment ({Name}) or the rest of the path ({Name+}); matching
    # the raw path keeps an encoded "/" inside a label (an ARN) from splitting it.
    path = uri.partition("?")[0]
    parts: list[str] = []
    for piece in re.split(r"(\{[^}]+\})", path):
        if piece.startswith("{"):
            name = piece[1:-1]
            greedy = name.endswith("+")
            parts.append(f"(?P<{name.rstrip('+')}>{'.+' if greedy else '[^/]+'})")
        else:
            parts.append(re.escape(piece))
    return re.compile("".join(parts) + "/?")


def bindings_from_model(model: Mapping[str, object]) -> dict[str, object]:
    """The REST binding table derived from a botocore service model (its JSON, as loaded): what
    ``rest_json_bindings.json`` holds. Only operations with an HTTP binding; members with a location."""
    operations = cast(Mapping[str, Mapping[str, object]], model["operations"])
    shapes = cast(Mapping[str, Mapping[str, object]], model["shapes"])
    table: dict[str, object] = {}
    for name in sorted(operations):
        operation = operations[name]
        http = cast(Mapping[str, object], operation["http"])
        members: dict[str, list[str]] = {}
        input_ref = cast(Mapping[str, str] | None, operation.get("input"))
        if input_ref is not None:
            shape = shapes[input_ref["shape"]]
            for member, ref in sorted(
                cast(Mapping[str, Mapping[str, str]], shape.get("members", {})).items()
            ):
                location = ref.get("location")
                if location in ("uri", "querystring", "header"):
                    kind = str(shapes[ref["shape"]]["type"])
                    members[member] = [location, ref.get("locationName", member), kind]
        table[name] = {"method": http["method"], "uri": http["requestUri"], "members": members}
    return table


@cache
def bindings() -> dict[str, Binding]:
    """The carried REST-JSON bindings, by operation name."""
    text = resources.files(_PACKAGE).joinpath(_BINDINGS_FILE).read_text(encoding="utf-8")
    data = cast(Mapping[str, Mapping[str, object]], json.loads(text)["operations"])
    table: dict[str, Binding] = {}
    for name, entry in data.items():
        members = cast(Mapping[str, list[str]], entry["members"])
        uri = str(entry["uri"])
        table[name] = Binding(
            operation=name,
            method=str(entry["method"]),
            uri=uri,
            members={m: (loc[0], loc[1], loc[2]) for m, loc in members.items()},
            pattern=_uri_pattern(uri),
        )
    return table


@dataclass(frozen=True)
class WireRequest:
    """What a request asks: the operation ('' when nothing matches), the protocol it came in, the input
    as one mapping (body and bound members together), and the URI labels (moto's own handlers read them)."""

    operation: str
    protocol: Protocol
    params: dict[str, object]
    uri_params: dict[str, str]


def _body(text: str) -> dict[str, object]:
    if not text.strip():
        return {}
    try:
        value = cast(object, json.loads(text))
    except ValueError as error:
        raise SerializationError("The request body is not valid JSON.") from error
    if not isinstance(value, dict):
        raise SerializationError("The request body must be a JSON object.")
    return cast(dict[str, object], value)


def _typed(kind: str, member: str, values: list[str]) -> object:
    if kind == "list":
        return values
    value = values[-1]
    if kind in ("integer", "long"):
        try:
            return int(value)
        except ValueError:
            raise SerializationError(f"Expected an integer for '{member}', got '{value[:64]}'.") from None
    if kind == "boolean":
        if value not in ("true", "false"):
            raise SerializationError(f"Expected true or false for '{member}', got '{value[:64]}'.")
        return value == "true"
    return value


def _header(headers: Mapping[str, str], name: str) -> str | None:
    lowered = name.lower()
    return next((v for k, v in headers.items() if k.lower() == lowered), None)


def protocol_of(headers: Mapping[str, str]) -> Protocol:
    """The protocol a request speaks: JSON 1.1 names its operation in X-Amz-Target, REST-JSON in its path."""
    return "json" if _header(headers, "X-Amz-Target") is not None else "rest-json"


def read_request(
    method: str, raw_path: str, query: str, headers: Mapping[str, str], body: str
) -> WireRequest:
    """Read one Athena request in whichever protocol it came. Raises SerializationError for a body or a
    bound value of the wrong type."""
    if protocol_of(headers) == "json":
        prefix, _, operation = (_header(headers, "X-Amz-Target") or "").partition(".")
        known = prefix == JSON_TARGET_PREFIX and operation in bindings()
        return WireRequest(operation if known else "", "json", _body(body), {})
    path = raw_path or "/"
    for binding in bindings().values():
        if binding.method != method.upper():
            continue
        match = binding.pattern.fullmatch(path)
        if match is None:
            continue
        labels = {name: unquote(value) for name, value in match.groupdict().items()}
        params = _body(body)
        parsed_query = parse_qs(query, keep_blank_values=True)
        for member, (location, wire_name, kind) in binding.members.items():
            if location == "uri":
                params[member] = labels[wire_name]
            elif location == "querystring" and wire_name in parsed_query:
                params[member] = _typed(kind, member, parsed_query[wire_name])
            elif location == "header" and (value := _header(headers, wire_name)) is not None:
                params[member] = _typed(kind, member, [value])
        return WireRequest(binding.operation, "rest-json", params, labels)
    return WireRequest("", "rest-json", {}, {})


def error_answer(protocol: Protocol, error: EmulatorServiceError) -> tuple[int, dict[str, str], str]:
    """(status, headers, body) of a service error in the protocol's own shape."""
    if protocol == "json":
        return error.status, {"Content-Type": CONTENT_TYPES["json"]}, error.body()
    headers = {"Content-Type": CONTENT_TYPES["rest-json"], "x-amzn-errortype": error.error_type}
    return error.status, headers, json.dumps({error.message_key: error.message})


def _table_text(table: Mapping[str, object]) -> str:
    # One operation a line: a reviewable diff when a botocore release moves a path.
    operations = cast(Mapping[str, object], table["operations"])
    lines = [
        f" {json.dumps(name)}: {json.dumps(entry, sort_keys=True)}" for name, entry in operations.items()
    ]
    body = ",\n".join(lines)
    return f'{{"source": {json.dumps(table["source"])}, "operations": {{\n{body}\n}}}}\n'


def answer_in(
    protocol: Protocol, status: int, headers: dict[str, str], body: str
) -> tuple[int, dict[str, str], str]:
    """An answer written in JSON 1.1's error shape (how moto and the Spark handlers write errors), in the
    shape of ``protocol``; a request no operation matched becomes UnknownOperationException."""
    if status == 404 and not body:
        status, headers, body = error_answer(
            protocol, UnknownOperationError("The requested operation is not recognized.")
        )
        # JSON 1.1 answers an unknown X-Amz-Target as a bad request; REST-JSON an unknown path as not found.
        return (400 if protocol == "json" else 404), headers, body
    headers = {**headers, "Content-Type": CONTENT_TYPES[protocol]}
    if protocol == "json" or status < 400:
        return status, headers, body
    try:
        details = cast(object, json.loads(body))
    except ValueError:
        return status, headers, body
    if not isinstance(details, dict):
        return status, headers, body
    # The type moves to the header; the message keeps the member name it has (Athena's modelled errors
    # name it Message, the request layer's message), as botocore's REST-JSON parser reads either.
    fields = cast(dict[str, object], details)
    headers["x-amzn-errortype"] = str(fields.pop("__type", "InternalServerException")).rpartition("#")[2]
    return status, headers, json.dumps(fields)


def _write_table() -> None:
    # `make bindings`: regenerate the table from the installed botocore, which must know REST-JSON.
    import botocore
    import botocore.session

    loader = botocore.session.get_session().get_component("data_loader")
    model = cast(Mapping[str, object], loader.load_service_model("athena", "service-2"))
    metadata = cast(Mapping[str, object], model["metadata"])
    if metadata.get("protocol") != "rest-json":
        raise SystemExit(
            f"botocore {botocore.__version__} speaks {metadata.get('protocol')} to Athena: no REST bindings"
        )
    table = {"source": f"botocore {botocore.__version__}", "operations": bindings_from_model(model)}
    target = resources.files(_PACKAGE).joinpath(_BINDINGS_FILE)
    with resources.as_file(target) as path:
        path.write_text(_table_text(table), encoding="utf-8")


if __name__ == "__main__":
    _write_table()
