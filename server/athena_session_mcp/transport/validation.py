"""Reject bad tool arguments before any AWS call, with a message that says what would be right.

The SDK validates too, but its message is a raw pydantic dump that echoes the input and does not
reject unknown arguments. This middleware runs first for our own tools and answers with a clean
tool error; anything it does not recognise goes on to the SDK untouched.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver.tools import Tool
from mcp.types import CallToolResult, TextContent
from pydantic import ValidationError


def _describe_value(value: Any) -> str:
    # Never echo the caller's value: it may be huge or hostile. Its type and size are enough.
    if isinstance(value, str):
        return f"a string of {len(value)} characters"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return f"a list of {len(cast(list[Any], value))} items"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def schema_type(prop: Mapping[str, Any]) -> str:
    """The JSON type of a tool argument, looking through Optional: anyOf [<schema>, null] and the compact
    ["string", "null"] alike. The one reader of argument types (the CLI's `call` uses it too)."""
    kind = prop.get("type")
    if isinstance(kind, list):
        kinds = [k for k in cast(list[Any], kind) if k != "null"]
        return str(kinds[0]) if kinds else "string"
    if isinstance(kind, str):
        return kind
    for option in cast(list[Mapping[str, Any]], prop.get("anyOf") or []):
        if option.get("type") not in (None, "null"):
            return schema_type(option)
    return "string"


def _expected(prop: Mapping[str, Any]) -> str:
    # Optional arguments are anyOf[<schema>, null]: describe the non-null alternative.
    options = [o for o in prop.get("anyOf", []) if o.get("type") != "null"]
    if len(options) == 1:
        return _expected({**options[0], **{k: v for k, v in prop.items() if k != "anyOf"}})
    if "enum" in prop:
        return "one of " + ", ".join(str(v) for v in prop["enum"])
    kind = schema_type(prop)
    bounds: list[str] = []
    if "minLength" in prop or "maxLength" in prop:
        bounds.append(f"{prop.get('minLength', 0)}-{prop.get('maxLength', '∞')} characters")
    if "minimum" in prop or "maximum" in prop:
        bounds.append(f"from {prop.get('minimum', '-∞')} to {prop.get('maximum', '∞')}")
    return kind + (f", {', '.join(bounds)}" if bounds else "")


def _enum(prop: Mapping[str, Any]) -> list[str] | None:
    """The allowed values of an enum argument (optional ones are anyOf[enum, null]), else None."""
    for option in [prop, *prop.get("anyOf", [])]:
        if "enum" in option:
            return [str(v) for v in option["enum"]]
    return None


def _enum_problem(field: str, value: Any, allowed: list[str]) -> str:
    """One sentence listing the allowed values once (pydantic's message and the description list them
    too), with the likely fix when only the case is wrong."""
    problem = f"{field}: got {_describe_value(value)}, not one of its values; expected exactly one of {', '.join(allowed)}"
    if isinstance(value, str) and value != value.upper() and value.upper() in allowed:
        # Safe to show: it is one of the listed values, not the caller's text.
        problem += f" (values are upper case: use {value.upper()})"
    return problem


def _signature(tool: Tool) -> str:
    props: Mapping[str, Any] = tool.parameters.get("properties", {})
    required = set(tool.parameters.get("required", []))
    if not props:
        return f"{tool.name} takes no arguments."
    parts = [f"{name} ({'required' if name in required else 'optional'})" for name in props]
    return f"{tool.name} takes: {', '.join(parts)}."


def check_arguments(tool: Tool, arguments: Mapping[str, Any]) -> str | None:
    """None if the arguments are valid for `tool`, else a message naming each problem and the fix."""
    props: Mapping[str, Mapping[str, Any]] = tool.parameters.get("properties", {})
    problems: list[str] = []
    unknown = [name for name in arguments if name not in props]
    if unknown:
        shown = ", ".join(repr(name[:40]) for name in unknown[:5])
        problems.append(f"unknown argument(s) {shown} (names are case-sensitive)")
    try:
        tool.fn_metadata.validate_arguments(dict(arguments))
    except ValidationError as exc:
        for error in exc.errors(include_input=False, include_url=False):
            field = str(error["loc"][0]) if error["loc"] else "arguments"
            prop = props.get(field, {})
            if error["type"] == "missing":
                problems.append(f"{field} is required: {_expected(prop)}")
                continue
            allowed = _enum(prop)
            if allowed is not None and error["type"] in ("enum", "literal_error"):
                problems.append(_enum_problem(field, arguments.get(field), allowed))
                continue
            got = _describe_value(arguments.get(field))
            description = str(prop.get("description", "")).split(". ")[0].rstrip(".")
            problems.append(
                f"{field}: {error['msg']} (got {got}); expected {_expected(prop)}"
                + (f" - {description}" if description else "")
            )
    if not problems:
        return None
    return f"Invalid arguments for {tool.name}: " + "; ".join(problems) + f". {_signature(tool)}"


def _error(text: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=text)], is_error=True)


class ArgumentValidator:
    """Server middleware that answers tools/call with a clear tool error when arguments are invalid."""

    def __init__(self, tools: Mapping[str, Tool]) -> None:
        self._tools = dict(tools)

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        params = ctx.params
        if ctx.method == "tools/call" and params is not None:
            name = params.get("name")
            tool = self._tools.get(name) if isinstance(name, str) else None
            if tool is None and isinstance(name, str):
                # The SDK would echo the whole (possibly huge) name; bound it and list what exists.
                shown = name[:60] + ("…" if len(name) > 60 else "")
                return _error(
                    f"Unknown tool {shown!r} (names are case-sensitive). Tools: {', '.join(self._tools)}."
                )
            arguments: object = params.get("arguments") or {}
            if tool is not None and isinstance(arguments, Mapping):
                problem = check_arguments(tool, cast(Mapping[str, Any], arguments))
                if problem is not None:
                    return _error(problem)
        return await call_next(ctx)
