"""The MCP tools, one typed function per Athena action, grouped by what they look at."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from types import CodeType
from typing import Any

from mcp.server.mcpserver.tools import Tool
from mcp.types import ToolAnnotations

from athena_session_mcp.athena.client import AthenaGateway
from athena_session_mcp.settings import Settings
from athena_session_mcp.tools.answers import answering
from athena_session_mcp.tools.schema import arguments_schema, result_schema


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Deps:
    """What tool functions need: the AWS gateway, the settings and a clock (swappable in tests)."""

    gateway: AthenaGateway
    settings: Settings
    clock: Callable[[], datetime] = field(default=utc_now)

    def in_region(self, region: str) -> Deps:
        """The same deps calling AWS in `region` (--regions)."""
        return replace(self, gateway=self.gateway.for_region(region))

    def in_account(self, name: str | None) -> Deps:
        """The same deps calling AWS in the declared account `name` (--account); these for None. Raises
        AwsCallError for a name the server does not declare."""
        return self if name is None else replace(self, gateway=self.gateway.for_account(name))


# Deriving a tool's schemas (the SDK's, then tools/schema.py's) is most of the cost of building a server:
# ~80 ms of ~125 ms for the twelve tools. A tool function's signature and docstring are fixed by its code, so
# each is derived once per process, keyed by the code object: a memo of pure derived data; every server
# gets its own deep copy. (Without it the fast test loop took 82 s instead of 57 s.)
_DERIVED: dict[CodeType, Tool] = {}


def make_tool(fn: Callable[..., Any], annotations: ToolAnnotations) -> Tool:
    """A Tool whose description is the function's docstring without its indentation, and whose schemas
    tools/schema.py writes from `fn`'s signature. What it returns goes out as one lean, compact document
    (answers.py)."""
    derived = _DERIVED.get(fn.__code__)
    if derived is None:
        tool = Tool.from_function(
            fn,
            title=annotations.title,
            description=inspect.cleandoc(fn.__doc__ or ""),
            annotations=annotations,
        )
        tool.fn_metadata.output_schema = result_schema(tool.fn_metadata.output_model)
        derived = _DERIVED[fn.__code__] = tool.model_copy(
            update={"parameters": arguments_schema(tool.fn_metadata.arg_model)}
        )
    return derived.model_copy(deep=True, update={"fn": answering(fn), "annotations": annotations})


def read_only(title: str) -> ToolAnnotations:
    """Annotations for tools that only read from Athena."""
    return ToolAnnotations(
        title=title, read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=True
    )
