"""Make the tool list cheaper for a model to read, without changing what the tools accept or return.

Hosts send every tool definition to the model, many with every conversation, and pydantic's schemas
spend most of that on words the model gets nothing from: a `title` restating each field's name,
`default: null` on output fields nobody sends, `anyOf` wrappers that only add `null`, and the same
nested definition (a finding, a session summary) described again in every tool that returns it.

So, for each tool: input schemas keep every description (they say how to call the tool) but lose
titles and `default: null`. Output schemas lose their own "Result of <tool>" description (the tool's
description says what it returns), write a nullable enumeration as one `enum` ending in null, and keep
the descriptions of their top-level fields (first sentence, and not where it only restates the
field's name); a nested definition is described once, by the first tool that returns it, and only
where its values need explaining (enumerations and constants) or where it carries a warning the
model must not miss (UNTRUSTED job content, ESTIMATEd cost); the answers themselves are
self-describing (headline, findings with message and next step).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, cast

from mcp.server.mcpserver.tools import Tool

_NESTED_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
# Words that mark a description every reader must see, wherever the field is nested.
WARNINGS = ("UNTRUSTED", "ESTIMATE")
_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "is",
        "are",
        "was",
        "be",
        "it",
        "its",
        "this",
        "that",
        "as",
        "per",
        "one",
        "each",
        "if",
        "when",
        "same",
        "any",
        "applied",
        "listed",
    ]
)


def _schemas_under(node: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[Any] = []
    for key in ("properties", "$defs", "patternProperties"):
        found.extend(cast(dict[str, Any], node.get(key) or {}).values())
    for key in ("items", "additionalProperties", "not", "contains"):
        if isinstance(node.get(key), dict):
            found.append(node[key])
    for key in _NESTED_LISTS:
        found.extend(node.get(key) or [])
    return [cast(dict[str, Any], n) for n in found if isinstance(n, dict)]


def _nullable(node: dict[str, Any], *, enums: bool) -> None:
    # {"anyOf": [{"type": "string", ...}, {"type": "null"}]} -> {"type": ["string", "null"], ...}
    options = node.get("anyOf")
    if not isinstance(options, list) or len(cast(list[Any], options)) != 2:
        return
    opts = cast(list[dict[str, Any]], options)
    others = [o for o in opts if o != {"type": "null"}]
    if len(others) != 1 or not isinstance(others[0].get("type"), str):
        return
    other = others[0]
    if "enum" in other and enums:
        # {"anyOf": [{"enum": [...], "type": "string"}, {"type": "null"}]} -> {"enum": [..., null]}
        del node["anyOf"]
        for key, value in other.items():
            if key not in ("type", "enum", "title"):
                node.setdefault(key, value)
        node["enum"] = [*cast(list[Any], other["enum"]), None]
        return
    if "enum" in other or "const" in other:
        return
    del node["anyOf"]
    for key, value in other.items():
        node.setdefault(key, value)
    node["type"] = [other["type"], "null"]


def _words(text: str) -> list[str]:
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    return [w for w in re.split(r"[^a-z0-9]+", text.lower()) if w and w not in _STOP_WORDS]


def restates(name: str, description: str) -> bool:
    """Whether `description` says little beyond `name` (half its words or more are the name's)."""
    said, named = _words(description), set(_words(name))
    hits = sum(
        1 for w in said if w in named or w.rstrip("s") in named or any(n.startswith(w[:4]) for n in named)
    )
    return not said or hits * 2 >= len(said)


def first_sentence(text: str) -> str:
    # A sentence ends at '.' or ';' before a capital letter or the end ("e.g. x" goes on).
    match = re.match(r"(.+?[.;])(?=\s+[A-Z]|\s*$)", text, flags=re.S)
    return match.group(1) if match else text


def _strip(schema: dict[str, Any], *, output: bool) -> None:
    stack = [schema]
    while stack:
        node = stack.pop()
        node.pop("title", None)
        if output:
            node.pop("default", None)
            node.pop("additionalProperties", None) if node.get("additionalProperties") is False else None
        elif "default" in node and node["default"] is None:
            del node["default"]  # an optional argument left out is null anyway
        # Inputs are the calling contract: an enum argument keeps the shape pydantic gives it.
        _nullable(node, enums=output)
        stack.extend(_schemas_under(node))


def _describe_fields(properties: dict[str, Any], *, keep: bool) -> None:
    for name, field in properties.items():
        text = field.get("description")
        if not isinstance(text, str):
            continue
        if any(word in text for word in WARNINGS):
            continue
        if keep and not restates(name, text):
            field["description"] = first_sentence(text)
        else:
            del field["description"]


def compact(tools: Iterable[Tool]) -> None:
    """Compact every tool's input and output schema in place (the tools' order decides which tool
    describes a shared definition)."""
    described: set[str] = set()
    for tool in tools:
        _strip(tool.parameters, output=False)
        schema = tool.output_schema
        if schema is None:
            continue
        _strip(schema, output=True)
        schema.pop("description", None)  # "Result of <tool>": the tool's own description says what it returns
        _describe_fields(schema.get("properties", {}), keep=True)
        for name, definition in cast(dict[str, dict[str, Any]], schema.get("$defs", {})).items():
            first = name not in described
            described.add(name)
            if first and isinstance(definition.get("description"), str):
                definition["description"] = first_sentence(definition["description"])
            else:
                definition.pop("description", None)
            for field_name, field in cast(
                dict[str, dict[str, Any]], definition.get("properties", {})
            ).items():
                explains_values = "enum" in field or "const" in field
                _describe_fields({field_name: field}, keep=first and explains_values)
