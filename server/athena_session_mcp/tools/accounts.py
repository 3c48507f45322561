"""The Account argument of the tools that call AWS: offered only when the server declares accounts
(--account), as an enum of their names, never a free-form ARN. Without declared accounts no tool takes it.
(Answers keep their optional `account` field, absent unless a declared account was read.)"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal, cast

from mcp.server.mcpserver.tools import Tool
from pydantic import Field, create_model

from athena_session_mcp.tools.schema import arguments_schema

ACCOUNT_ARG = "Account"  # the argument, and continue_with's copy of it
# The tools whose input names no account (GetSession's request): they look in the server's own account,
# then in each declared one (reads.session_health).
EVERY_ACCOUNT_TOOLS = ("get_athena_session",)
# Every tool that takes Account repeats this: short.
ACCOUNT_DESCRIPTION = "A declared account to call (sts:AssumeRole); omit for the server's own."


def offer_accounts(tools: Iterable[Tool], names: Sequence[str]) -> None:
    """Give each tool that takes Account the enum of `names`, in its schema and its argument model (so the
    argument validator refuses any other name before an AWS call); with no names, take Account out."""
    for tool in tools:
        properties: dict[str, Any] = tool.parameters.get("properties", {})
        if not names:
            properties.pop(ACCOUNT_ARG, None)
        elif ACCOUNT_ARG in properties:
            choice: Any = cast(Any, Literal)[tuple(names)] | None
            field: Any = (choice, Field(default=None, description=ACCOUNT_DESCRIPTION))
            base = tool.fn_metadata.arg_model
            model = create_model(base.__name__, __base__=base, **{ACCOUNT_ARG: field})
            tool.fn_metadata.arg_model = model
            tool.parameters = arguments_schema(model)
            # An enum even for one name (pydantic writes a single Literal as `const`).
            tool.parameters["properties"][ACCOUNT_ARG] = {
                "anyOf": [{"enum": list(names), "type": "string"}, {"type": "null"}],
                "description": ACCOUNT_DESCRIPTION,
            }
