"""What a model reads: every tool answer as one compact JSON document, sent as structuredContent and,
identical, as the text block.

Clients differ: Claude Code and VS Code forward structuredContent (which they serialise compactly) and
drop the text block; others read only the text block. The SDK would render the text block as indented
JSON of the full model, nulls included; here both carry the same lean document: compact, with null and
empty fields left out where the output schema allows it (fields that have a default).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec

import pydantic_core
from mcp.types import CallToolResult, TextContent
from pydantic import BaseModel

P = ParamSpec("P")


def _leaf(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return lean(value)
    if isinstance(value, list | tuple):
        return [_leaf(v) for v in value]  # pyright: ignore[reportUnknownVariableType]
    if isinstance(value, dict):
        # Free-form mappings (a raw AWS response, counts) pass through as they are.
        return {str(k): _leaf(v) for k, v in value.items()}  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]
    return value


def lean(model: BaseModel) -> dict[str, Any]:
    """The JSON document of `model` without the null or empty values of optional fields.

    Required fields are always present (the output schema lists them), so the document still
    validates against the published schema, and a reader treats a missing field as its default.
    """
    out: dict[str, Any] = {}
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        if not field.is_required() and (value is None or value == [] or value == {}):
            continue
        out[field.alias or name] = _leaf(value)
    return pydantic_core.to_jsonable_python(out)


def to_text(document: Any) -> str:
    """Compact JSON (no indentation, no spaces, UTF-8 kept as is): the text block of an answer."""
    return pydantic_core.to_json(document).decode()


def answer(result: BaseModel) -> CallToolResult:
    """The tool result for `result`: the lean document as structured content and as the text block."""
    document = lean(result)
    return CallToolResult(
        content=[TextContent(type="text", text=to_text(document))], structured_content=document
    )


def answering(fn: Callable[P, Awaitable[BaseModel]]) -> Callable[P, Awaitable[CallToolResult]]:
    """Wrap a tool function so its model result goes out through `answer`.

    The SDK still publishes the output schema from the original function's signature, and validates
    the structured content of the CallToolResult against that model before sending it.
    """

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> CallToolResult:
        return answer(await fn(*args, **kwargs))

    return wrapper
