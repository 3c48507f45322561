"""One-shot use from a shell: `athena-session-mcp tools` and `athena-session-mcp call TOOL --Arg value`.

The server runs in-process and is reached through a real MCP client, so a call goes through exactly
the validation, error mapping and output schema an assistant sees. Tool arguments become `--Name value`
options derived from each tool's input schema.

Exit status: 0 success, 1 the tool reported an error (message on stderr), 2 usage error.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import textwrap
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn, TextIO, cast

from mcp import Client
from mcp.types import CallToolResult, Tool

from athena_session_mcp.cli.render import render_summary
from athena_session_mcp.settings import Settings, parse_switch
from athena_session_mcp.transport.validation import schema_type

PROG = "athena-session-mcp"


class UsageError(Exception):
    """The command line is wrong; `usage` (if any) is printed before the message."""

    def __init__(self, message: str, usage: str = "") -> None:
        super().__init__(message)
        self.usage = usage


class _ToolArgParser(argparse.ArgumentParser):
    """argparse that raises UsageError instead of exiting, so the caller picks the exit status."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message, self.format_usage())


def _boolean(value: str) -> bool:
    switch = parse_switch(value)
    if switch is None:
        raise argparse.ArgumentTypeError(f"expected true or false, got {value[:40]!r}")
    return switch


def _json_value(value: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        raise argparse.ArgumentTypeError(f"expected JSON ({exc.msg})") from None


def _integer(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {value!r}") from None


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {value!r}") from None


_CONVERTERS: dict[str, Callable[[str], Any]] = {
    "integer": _integer,
    "number": _number,
    "boolean": _boolean,
    "object": _json_value,
    "array": _json_value,
}


def _first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0] if (text or "").strip() else ""


def _first_paragraph(text: str | None) -> str:
    """The description's first paragraph on one line (docstrings wrap their sentences)."""
    return " ".join((text or "").strip().split("\n\n", 1)[0].split())


def tool_parser(tool: Tool) -> argparse.ArgumentParser:
    """A parser for `call TOOL` built from the tool's input schema: one `--Name` option per property."""
    parser = _ToolArgParser(
        prog=f"{PROG} call {tool.name}",
        description=tool.description,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        add_help=False,
        allow_abbrev=False,
    )
    props: Mapping[str, Mapping[str, Any]] = tool.input_schema.get("properties", {})
    required = set(tool.input_schema.get("required", []))
    group = parser.add_argument_group("tool arguments") if props else parser
    for name, prop in props.items():
        kind = schema_type(prop)
        help_text = str(prop.get("description") or "").strip()
        if "enum" in prop:
            help_text += f" One of: {', '.join(str(v) for v in prop['enum'])}."
        if kind in ("object", "array"):
            help_text += " (JSON)"
        group.add_argument(
            f"--{name}",
            dest=name,
            metavar=kind.upper(),
            type=_CONVERTERS.get(kind, str),
            required=name in required,
            default=argparse.SUPPRESS,
            help=help_text + (" (required)" if name in required else ""),
        )
    return parser


def parse_tool_arguments(tool: Tool, argv: Sequence[str]) -> dict[str, Any]:
    """`--Name value` pairs -> the tool's arguments, typed per its schema. Raises UsageError."""
    parser = tool_parser(tool)
    props = tool.input_schema.get("properties", {})
    for arg in argv:
        if arg.startswith("--") and arg[2:].split("=", 1)[0] not in props:
            name = arg[2:].split("=", 1)[0]
            close = difflib.get_close_matches(name, list(props), n=1)
            hint = f"; did you mean --{close[0]}?" if close else ""
            takes = ", ".join(f"--{p}" for p in props) or "no arguments"
            raise UsageError(
                f"unknown argument --{name} for {tool.name}{hint} (it takes: {takes})", parser.format_usage()
            )
    return dict(vars(parser.parse_args(list(argv))))


def _find_tool(tools: Sequence[Tool], name: str) -> Tool:
    for tool in tools:
        if tool.name == name:
            return tool
    close = difflib.get_close_matches(name, [t.name for t in tools], n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise UsageError(
        f"unknown tool {name!r}{hint}. Available: {', '.join(t.name for t in tools)}. "
        f"Run '{PROG} tools' for details."
    )


def _color(out: TextIO) -> bool:
    return out.isatty() and "NO_COLOR" not in os.environ


def _looks_like_summary(value: Any) -> bool:
    return isinstance(value, Mapping) and {"session_id", "headline", "findings"} <= set(
        cast(Mapping[str, Any], value)
    )


def _scalar(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def render_value(value: Any, *, color: bool = False, indent: int = 0) -> list[str]:
    """Readable lines for any structured result; session summaries get the rich rendering."""
    pad = " " * indent
    if _looks_like_summary(value):
        return [
            pad + line for line in render_summary(cast(Mapping[str, Any], value), color=color).splitlines()
        ]
    lines: list[str] = []
    if isinstance(value, Mapping):
        for key, item in cast(Mapping[str, Any], value).items():
            if isinstance(item, Mapping | list) and item:
                lines.append(f"{pad}{key}:")
                lines.extend(render_value(item, color=color, indent=indent + 2))
            else:
                lines.append(f"{pad}{key}: {_scalar(item) if not isinstance(item, Mapping | list) else '-'}")
        return lines
    if isinstance(value, list):
        for item in cast(list[Any], value):
            if _looks_like_summary(item):
                lines.extend(render_value(item, color=color, indent=indent))
                lines.append("")
            elif isinstance(item, Mapping | list):
                sub = render_value(item, color=color, indent=indent + 2)
                lines.append(f"{pad}- " + (sub[0].lstrip() if sub else ""))
                lines.extend(sub[1:])
            else:
                lines.append(f"{pad}- {_scalar(item)}")
        return lines
    return [pad + _scalar(value)]


def _text_of(result: CallToolResult) -> str:
    return "\n".join(str(getattr(block, "text", "")) for block in result.content).strip()


def render_result(result: CallToolResult, *, color: bool = False) -> str:
    """The readable view: `raw` AWS responses are left out (use --json for everything)."""
    content = result.structured_content
    if content is None:
        return _text_of(result)
    if _looks_like_summary(content.get("summary")):
        return render_summary(cast(Mapping[str, Any], content["summary"]), color=color)
    shown = {k: v for k, v in content.items() if k != "raw"}
    return "\n".join(render_value(shown, color=color)).rstrip()


async def _list_tools(client: Client) -> list[Tool]:
    return list((await client.list_tools()).tools)


async def run_tools(settings: Settings, out: TextIO, *, as_json: bool = False) -> int:
    """`tools`: every tool with its first description line and its arguments."""
    from athena_session_mcp.app import build_server

    async with Client(build_server(settings)) as client:
        tools = await _list_tools(client)
    if as_json:
        out.write(
            json.dumps([t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools], indent=2)
        )
        out.write("\n")
        return 0
    for tool in tools:
        summary = textwrap.fill(_first_paragraph(tool.description), width=100, subsequent_indent="    ")
        out.write(f"{tool.name}\n    {summary}\n")
        props: Mapping[str, Mapping[str, Any]] = tool.input_schema.get("properties", {})
        required = set(tool.input_schema.get("required", []))
        for name, prop in props.items():
            need = "required" if name in required else "optional"
            out.write(
                f"    --{name} {schema_type(prop).upper()} ({need}) {_first_line(prop.get('description'))}\n"
            )
        out.write("\n")
    out.write(f"Run '{PROG} call TOOL --help' for a tool's full description.\n")
    return 0


async def run_call(
    settings: Settings,
    tool_name: str,
    argv: Sequence[str],
    *,
    out: TextIO,
    err: TextIO,
    as_json: bool = False,
    show_help: bool = False,
) -> int:
    """`call TOOL --Arg value ...`: 0 success, 1 tool error (stderr), raises UsageError for usage errors."""
    from athena_session_mcp.app import build_server

    # Usage errors are raised after the client has closed: raised inside it, they would surface
    # wrapped in the task group's ExceptionGroup.
    usage: UsageError | None = None
    result: CallToolResult | None = None
    async with Client(build_server(settings)) as client:
        try:
            tool = _find_tool(await _list_tools(client), tool_name)
            if show_help:
                out.write(tool_parser(tool).format_help())
                return 0
            arguments = parse_tool_arguments(tool, argv)
        except UsageError as exc:
            usage = exc
        else:
            result = await client.call_tool(tool.name, arguments)
    if usage is not None:
        raise usage
    assert result is not None
    if result.is_error:
        message = _text_of(result).removeprefix(f"Error executing tool {tool_name}: ")
        err.write(f"{PROG}: {tool_name} failed: {message or 'the tool reported an error'}\n")
        return 1
    if as_json:
        payload: Any = result.structured_content
        if payload is None:
            payload = {
                "content": [block.model_dump(mode="json", exclude_none=True) for block in result.content]
            }
        out.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(render_result(result, color=_color(out)) + "\n")
    return 0
