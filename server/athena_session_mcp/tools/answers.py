"""What a model reads: every tool answer as one compact JSON document, sent as structuredContent and,
identical, as the text block.

Clients differ: Claude Code and VS Code forward structuredContent (which they serialise compactly) and
drop the text block; others read only the text block. The SDK would render the text block as indented
JSON of the full model, nulls included; here both carry the same lean document: compact, without null
fields.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, Protocol, runtime_checkable

import pydantic_core
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, TextContent
from pydantic import BaseModel

from athena_session_mcp.athena.errors import AwsCallError

P = ParamSpec("P")


def lean(model: BaseModel) -> dict[str, Any]:
    """The JSON document of `model` without its null fields (no output field is both required and
    nullable, so the document still validates against the published schema; a missing field is null)."""
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


def to_text(document: Any) -> str:
    """Compact JSON (no indentation, no spaces, UTF-8 kept as is): the text block of an answer."""
    return pydantic_core.to_json(document).decode()


@runtime_checkable
class CarriesViewData(Protocol):
    """A result that carries data for its MCP Apps view in the result's `_meta` (hosts give `_meta` to
    views, not to the model)."""

    def result_meta(self) -> dict[str, Any]: ...


def answer(result: BaseModel) -> CallToolResult:
    """The tool result for `result`: the lean document as structured content and as the text block."""
    document = lean(result)
    meta = result.result_meta() if isinstance(result, CarriesViewData) else None
    return CallToolResult(
        content=[TextContent(type="text", text=to_text(document))], structured_content=document, _meta=meta
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
