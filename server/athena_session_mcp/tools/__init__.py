"""The MCP tools, one typed function per Athena action, grouped by what they look at."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
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


def make_tool(fn: Callable[..., Any], annotations: ToolAnnotations) -> Tool:
    """A Tool whose description is the function's docstring without its indentation, and whose schemas
    tools/schema.py writes from `fn`'s signature. What it returns goes out as one lean, compact document
    (answers.py)."""
    tool = Tool.from_function(
        fn, title=annotations.title, description=inspect.cleandoc(fn.__doc__ or ""), annotations=annotations
    )
    metadata = tool.fn_metadata
    metadata.output_schema = result_schema(metadata.output_model)
    parameters = arguments_schema(metadata.arg_model)
    return tool.model_copy(update={"fn": answering(fn), "parameters": parameters})


def read_only(title: str) -> ToolAnnotations:
    """Annotations for tools that only read from Athena."""
    return ToolAnnotations(
        title=title, read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=True
    )
