"""What a model reads: every tool answer as one compact JSON document, sent as structuredContent and,
identical, as the text block.

Clients differ: Claude Code and VS Code forward structuredContent (which they serialise compactly) and
drop the text block; others read only the text block. The SDK would render the text block as indented
JSON of the full model, nulls included; here both carry the same lean document: compact, without the
fields that hold their null or empty default (the output schema does not require those).
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, cast

import pydantic_core
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, TextContent
from pydantic import BaseModel

from athena_session_mcp.athena.errors import AwsCallError

P = ParamSpec("P")


@dataclass(frozen=True, slots=True)
class _Field:
    key: str
    omit: bool  # its default is null or empty (so the output schema does not require it)
    empty: Any  # that default: the value left out
    model: type[BaseModel] | None  # the nested model (alone, optional or as list items), if any


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):  # X | None, list[X]
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


@functools.cache
def _plan(model: type[BaseModel]) -> tuple[_Field, ...]:
    plan: list[_Field] = []
    for name, field in model.model_fields.items():
        default = None if field.is_required() else field.get_default(call_default_factory=True)
        omit = not field.is_required() and default in (None, [], {})
        plan.append(_Field(field.alias or name, omit, default, _nested_model(field.annotation)))
    return tuple(plan)


def _prune(data: dict[str, Any], model: type[BaseModel]) -> None:
    for field in _plan(model):
        value = data.get(field.key)
        # Only a value equal to the default goes: an empty list where the default is null still says something.
        if field.omit and field.key in data and value == field.empty:
            data.pop(field.key, None)
        elif field.model is not None and isinstance(value, dict):
            _prune(cast(dict[str, Any], value), field.model)
        elif field.model is not None and isinstance(value, list):
            for item in cast(list[Any], value):
                if isinstance(item, dict):
                    _prune(cast(dict[str, Any], item), field.model)


def lean(model: BaseModel) -> dict[str, Any]:
    """The JSON document of `model` without fields whose value is their null or empty default.

    Required fields are always present (the output schema lists them), so the document still
    validates against the published schema, and a reader treats a missing field as its default.
    Free-form mappings (a raw AWS response) are left exactly as they are.
    """
    data = model.model_dump(mode="json", by_alias=True)  # pydantic's own (fast) serializer
    _prune(data, type(model))
    return data


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
        try:
            result = await fn(*args, **kwargs)
        except AwsCallError as exc:
            # The message names the fix; an uncaught exception would reach the model without it.
            raise ToolError(str(exc)) from exc
        return answer(result)

    return wrapper
