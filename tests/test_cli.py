"""The command line: --help/--version, `tools`, and one-shot `call` against the in-process emulator."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp.types import CallToolResult, TextContent, Tool

from athena_session_mcp import __version__
from athena_session_mcp.cli.call import UsageError, parse_tool_arguments, render_result
from athena_session_mcp.cli.main import main
from tests.conftest import FAKE_ENV

SCRIPT = Path(sys.executable).with_name("athena-session-mcp")


@pytest.fixture(autouse=True)
def preserve_logging() -> Iterator[None]:
    """main() configures logging for a process; put the test process's logging back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in ("athena_session_mcp", "mcp", "uvicorn")}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, value in levels.items():
        logging.getLogger(name).setLevel(value)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """main(argv) in-process: (exit status, stdout, stderr)."""
    try:
        status = main(argv)
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("command", [[], ["serve"], ["tools"], ["call"]])
def test_version_prints_the_package_version(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run([*command, "--version"], capsys)
    assert status == 0
    assert out.strip() == f"athena-session-mcp {__version__}"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], ["serve", "tools", "call", "demo", "--transport", "examples:"]),
        (["serve"], ["--transport", "--auth-token-file", "--stateless", "--emulator", "--profile"]),
        (["tools"], ["--json", "--emulator", "--region"]),
        (["call"], ["TOOL", "--json", "Exit status", "--emulator", "--profile"]),
    ],
)
def test_help_describes_each_command(
    argv: list[str], expected: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run([*argv, "--help"], capsys)
    assert status == 0
    for text in expected:
        assert text in out


def test_tools_lists_each_tool_with_its_first_description_paragraph_and_arguments(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(["tools"], capsys)
    assert status == 0
    assert "get_athena_session\n    Look up one Amazon Athena Spark session (GetSession)" in out
    assert "--SessionId STRING (required)" in out
    assert "Returns `summary`" not in out  # only the first paragraph of the description


def test_tools_json_gives_the_definitions_with_input_schemas(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["tools", "--json"], capsys)
    assert status == 0
    tools = {t["name"]: t for t in json.loads(out)}
    assert tools["get_athena_session"]["inputSchema"]["required"] == ["SessionId"]


def test_call_prints_the_rendered_summary_without_colour_when_not_a_tty(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run(
        ["call", "get_athena_session", "--SessionId", "demo-idle-near-timeout", "--emulator"], capsys
    )
    assert status == 0, err
    first = out.splitlines()[0]
    assert "demo-idle-near-timeout" in first and "IDLE" in first
    assert "IDLE_TIMEOUT_SOON" in out and "→" in out
    assert "\033[" not in out
    assert '"raw"' not in out and "{" not in out


def test_call_json_prints_the_structured_result(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        ["--emulator", "call", "--json", "get_athena_session", "--SessionId=demo-busy"], capsys
    )
    assert status == 0
    content = json.loads(out)
    assert content["summary"]["session_id"] == "demo-busy"
    assert content["summary"]["state"] == "BUSY"
    assert content["raw"]["SessionId"] == "demo-busy"


def test_call_restores_the_environment_after_using_the_emulator(capsys: pytest.CaptureFixture[str]) -> None:
    before = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
    status, _, _ = run(["call", "get_athena_session", "--SessionId", "demo-idle", "--emulator"], capsys)
    assert status == 0
    assert {k: v for k, v in os.environ.items() if k.startswith("AWS_")} == before


def test_tool_error_exits_1_with_the_message_on_stderr_only(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(
        ["call", "get_athena_session", "--SessionId", "no-such-session", "--emulator"], capsys
    )
    assert status == 1
    assert out == ""
    assert "get_athena_session failed:" in err and "was not found" in err
    assert "Error executing tool" not in err


def test_server_side_validation_applies_to_the_cli_too(capsys: pytest.CaptureFixture[str]) -> None:
    # An empty SessionId passes the CLI's parsing (it is a string) and is refused by the server's own
    # validation before any AWS call: the region-less, endpoint-less settings would fail otherwise.
    status, out, err = run(["call", "get_athena_session", "--SessionId", ""], capsys)
    assert status == 1
    assert out == ""
    assert "SessionId" in err and "1-256 characters" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["call", "get_athena_sesion"],
            "unknown tool 'get_athena_sesion' (did you mean get_athena_session?)",
        ),
        (["call", "get_athena_session"], "the following arguments are required: --SessionId"),
        (["call", "get_athena_session", "--SessionID", "x"], "did you mean --SessionId?"),
        (["call", "get_athena_session", "--SessionId", "x", "--Verbose"], "unknown argument --Verbose"),
        (["call", "get_athena_session", "--SessionId"], "expected one argument"),
        (["call", "get_athena_session", "--SessionId", "x", "extra"], "unrecognized arguments: extra"),
        (["call"], "call needs a TOOL name"),
        (["tools", "--SessionId", "x"], "unrecognized arguments"),
        (["serve", "--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_usage_errors_exit_2_with_a_helpful_message(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(argv, capsys)
    assert status == 2
    assert message in err
    assert out == ""


def test_call_tool_help_shows_the_full_description_and_the_arguments(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(["call", "get_athena_session", "--help"], capsys)
    assert status == 0
    assert out.startswith("usage: athena-session-mcp call get_athena_session --SessionId STRING")
    assert "idle timeout" in out and "tool arguments:" in out


@pytest.mark.slow  # starts a process
def test_console_script_propagates_the_usage_exit_status() -> None:
    proc = subprocess.run(
        [str(SCRIPT), "call", "no_such_tool"],
        capture_output=True,
        text=True,
        env={**FAKE_ENV, "PATH": os.environ.get("PATH", "")},
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert "unknown tool 'no_such_tool'" in proc.stderr
    assert proc.stdout == ""


# --- arguments from a schema, and the generic rendering --------------------------------------------

TYPED = Tool(
    name="typed",
    description="Typed arguments.",
    input_schema={
        "type": "object",
        "properties": {
            "Name": {"type": "string"},
            "MaxResults": {"type": "integer", "minimum": 1},
            "Price": {"type": "number"},
            "IncludeEnded": {"type": "boolean"},
            "StateFilter": {"anyOf": [{"type": "string", "enum": ["IDLE", "BUSY"]}, {"type": "null"}]},
            "Ids": {"type": "array", "items": {"type": "string"}},
            "Limit": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
        },
        "required": ["Name"],
    },
)


def test_tool_arguments_are_typed_from_the_schema() -> None:
    args = parse_tool_arguments(
        TYPED,
        [
            "--Name",
            "a b",
            "--MaxResults",
            "5",
            "--Price=0.5",
            "--IncludeEnded",
            "false",
            "--StateFilter",
            "IDLE",
            "--Ids",
            '["x", "y"]',
            "--Limit",
            "3",
        ],
    )
    assert args == {
        "Name": "a b",
        "MaxResults": 5,
        "Price": 0.5,
        "IncludeEnded": False,
        "StateFilter": "IDLE",
        "Ids": ["x", "y"],
        "Limit": 3,
    }
    assert parse_tool_arguments(TYPED, ["--Name", "n", "--IncludeEnded", "yes"]) == {
        "Name": "n",
        "IncludeEnded": True,
    }
    assert parse_tool_arguments(TYPED, ["--Name", "n"]) == {"Name": "n"}  # omitted optionals are not sent


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--Name", "n", "--MaxResults", "five"], "expected an integer"),
        (["--Name", "n", "--Price", "cheap"], "expected a number"),
        (["--Name", "n", "--IncludeEnded", "maybe"], "expected true or false"),
        (["--Name", "n", "--Ids", "[x"], "expected JSON"),
        (["--Name", "n", "--Limit", "1.5"], "expected an integer"),
    ],
)
def test_badly_typed_tool_arguments_are_usage_errors(argv: list[str], message: str) -> None:
    with pytest.raises(UsageError, match=message) as caught:
        parse_tool_arguments(TYPED, argv)
    assert caught.value.usage.startswith("usage: athena-session-mcp call typed")


def test_generic_rendering_shows_nested_values_and_leaves_out_raw() -> None:
    result = CallToolResult(
        content=[TextContent(type="text", text="{}")],
        structured_content={
            "workgroup": "demo-spark",
            "count": 2,
            "truncated": False,
            "next_token": None,
            "states": {"IDLE": 1, "BUSY": 1},
            "ids": ["a", "b"],
            "raw": {"Sessions": ["should not show"]},
        },
    )
    text = render_result(result)
    assert text.splitlines() == [
        "workgroup: demo-spark",
        "count: 2",
        "truncated: no",
        "next_token: -",
        "states:",
        "  IDLE: 1",
        "  BUSY: 1",
        "ids:",
        "  - a",
        "  - b",
    ]


def test_generic_rendering_uses_the_summary_view_for_lists_of_session_summaries() -> None:
    summary: dict[str, Any] = {
        "session_id": "s-1",
        "headline": "IDLE (ready)",
        "phase": "ready",
        "findings": [],
        "timing": {},
    }
    result = CallToolResult(content=[], structured_content={"sessions": [summary]})
    text = render_result(result)
    assert text.splitlines()[0] == "sessions:"
    assert "━━ s-1 IDLE (ready)" in text


def test_text_only_results_render_their_text() -> None:
    result = CallToolResult(content=[TextContent(type="text", text="hello")])
    assert render_result(result) == "hello"
