"""The client configs in examples/ parse, name valid CLI arguments, and launch a server that lists its tools.

Each config's command (`uvx [--from PKG] athena-session-mcp ARGS`) is rewritten to this venv's
`python -m athena_session_mcp ARGS`; the environment is the config's own `env` plus fake AWS credentials
and no AWS config files. Launches with the same rewritten command and env are shared between configs.
"""

from __future__ import annotations

import json
import re
import shlex
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest
from mcp import Client, StdioServerParameters

from athena_session_mcp.cli.options import build_parser
from tests.conftest import FAKE_ENV

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PACKAGE = "athena-session-mcp"
ONLINE, OFFLINE = "athena-sessions", "athena-sessions-offline"

# file -> the key that holds the servers in that client's format
JSON_CONFIGS = {
    "claude_desktop": ("claude_config.json", "mcpServers"),
    "claude_code_project": (".mcp.json", "mcpServers"),
    "cursor": ("cursor/mcp.json", "mcpServers"),
    "vscode": ("vscode/.vscode/mcp.json", "servers"),
}


@dataclass(frozen=True)
class Entry:
    command: str
    args: tuple[str, ...]
    env: tuple[tuple[str, str], ...]
    type: str | None = None


def _expand(value: str) -> str:
    """Claude Code's `${VAR:-default}` expansion, with an empty environment (so: the default)."""
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", value)


def json_entries(config: str) -> dict[str, Entry]:
    path, key = JSON_CONFIGS[config]
    data = json.loads((EXAMPLES / path).read_text(encoding="utf-8"))
    servers = cast(Mapping[str, Mapping[str, Any]], data[key])
    return {
        name: Entry(
            command=server["command"],
            args=tuple(server.get("args", [])),
            env=tuple(sorted((k, _expand(v)) for k, v in server.get("env", {}).items())),
            type=server.get("type"),
        )
        for name, server in servers.items()
    }


def claude_code_lines() -> list[list[str]]:
    """Every `claude mcp add ...` command in examples/claude_code.md, split like a shell would."""
    text = (EXAMPLES / "claude_code.md").read_text(encoding="utf-8")
    return [shlex.split(line) for line in text.splitlines() if line.startswith("claude mcp add ")]


def claude_code_entries() -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    for tokens in claude_code_lines():
        if "--" not in tokens:
            continue  # the HTTP example, checked separately
        split = tokens.index("--")
        options, command = tokens[3:split], tokens[split + 1 :]
        env: list[tuple[str, str]] = []
        names: list[str] = []
        i = 0
        while i < len(options):
            token = options[i]
            if token in ("-e", "--env"):
                i += 1
                while i < len(options) and "=" in options[i] and not options[i].startswith("-"):
                    key, _, value = options[i].partition("=")
                    env.append((key, value))
                    i += 1
                continue
            if token in ("-s", "--scope", "-t", "--transport"):
                i += 2
                continue
            assert not token.startswith("-"), f"unexpected option {token} in claude_code.md"
            names.append(token)
            i += 1
        assert len(names) == 1, f"one server name expected, got {names}"
        entries[names[0]] = Entry(command=command[0], args=tuple(command[1:]), env=tuple(sorted(env)))
    return entries


def all_entries(config: str) -> dict[str, Entry]:
    return claude_code_entries() if config == "claude_code_cli" else json_entries(config)


CONFIGS = [*JSON_CONFIGS, "claude_code_cli"]


def cli_args(entry: Entry) -> list[str]:
    """The arguments athena-session-mcp itself receives: after `uvx [--from PKG[extras]] athena-session-mcp`."""
    assert entry.command == "uvx", "the examples use uvx; README documents the alternatives"
    args = list(entry.args)
    if args[:1] == ["--from"]:
        assert args[1].startswith(PACKAGE)
        args = args[2:]
    assert args[0] == PACKAGE
    return args[1:]


@pytest.mark.parametrize("config", CONFIGS)
def test_config_has_an_aws_server_with_explicit_profile_and_region(config: str) -> None:
    entry = all_entries(config)[ONLINE]
    env = dict(entry.env)
    assert env.get("AWS_PROFILE") and env.get("AWS_REGION")
    assert "--emulator" not in entry.args and "--allow-write" not in entry.args  # read-only by default
    assert cli_args(entry) == []  # plain `athena-session-mcp`: stdio


@pytest.mark.parametrize("config", CONFIGS)
def test_config_has_an_offline_server_on_the_emulator_with_its_extra(config: str) -> None:
    entry = all_entries(config)[OFFLINE]
    assert entry.args[:2] == ("--from", f"{PACKAGE}[emulator]")  # moto comes with the extra
    assert cli_args(entry) == ["serve", "--emulator"]


@pytest.mark.parametrize("config", ["claude_code_project", "vscode"])
def test_configs_that_take_a_type_declare_stdio(config: str) -> None:
    assert {entry.type for entry in json_entries(config).values()} == {"stdio"}


@pytest.mark.parametrize("config", CONFIGS)
def test_config_arguments_are_accepted_by_the_cli(config: str) -> None:
    for entry in all_entries(config).values():
        args, extras = build_parser().parse_known_args(cli_args(entry))
        assert extras == []
        assert (args.command or "serve") == "serve"


def test_claude_code_http_example_sends_a_bearer_token_to_the_mcp_path() -> None:
    http = [tokens for tokens in claude_code_lines() if "--transport" in tokens and "http" in tokens]
    assert len(http) == 1
    tokens = http[0]
    assert any(t.startswith("http://127.0.0.1:8000/mcp") for t in tokens)
    assert tokens[tokens.index("--header") + 1].startswith("Authorization: Bearer ")


_launched: dict[
    tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]], tuple[list[str], dict[str, Any] | None]
] = {}


async def launch(entry: Entry, *, call: bool) -> tuple[list[str], dict[str, Any] | None]:
    """Run the entry's server over stdio (as this venv's python -m) and list its tools; with `call`, also
    get_athena_session on a seeded emulator session. Results are shared by identical entries."""
    key = (entry.command, entry.args, entry.env)
    if key in _launched:
        return _launched[key]
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "athena_session_mcp", *cli_args(entry)],
        # The client passes only this (plus PATH/HOME-like defaults): the config's env, and nothing real.
        env={**FAKE_ENV, **dict(entry.env)},
        cwd=str(EXAMPLES),
    )
    async with Client(params) as client:
        tools = [tool.name for tool in (await client.list_tools()).tools]
        summary = None
        if call:
            result = await client.call_tool("get_athena_session", {"SessionId": "demo-idle-near-timeout"})
            assert not result.is_error, result.content
            assert result.structured_content is not None
            summary = cast(dict[str, Any], result.structured_content["summary"])
    _launched[key] = (tools, summary)
    return tools, summary


@pytest.mark.parametrize("config", CONFIGS)
async def test_offline_server_from_config_launches_lists_tools_and_answers(config: str) -> None:
    tools, summary = await launch(all_entries(config)[OFFLINE], call=True)
    assert "get_athena_session" in tools
    assert summary is not None and summary["state"] == "IDLE"


@pytest.mark.parametrize("config", CONFIGS)
async def test_aws_server_from_config_launches_and_lists_tools_without_touching_aws(config: str) -> None:
    # Listing tools needs no AWS call; the fake credentials and empty config files keep it that way.
    tools, _ = await launch(all_entries(config)[ONLINE], call=False)
    assert "get_athena_session" in tools
    assert "terminate_athena_session" not in tools  # read-only unless --allow-write


def test_windows_style_alternatives_are_documented() -> None:
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for text in ("pipx", "python -m athena_session_mcp", "py -m athena_session_mcp", "%APPDATA%"):
        assert text in readme
