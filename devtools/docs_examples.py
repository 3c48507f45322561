"""The examples in README.md, docs/*.md and examples/README.md, generated from the code, and a drift check.

Each example sits between `<!-- BEGIN generated:NAME -->` and `<!-- END generated:NAME -->`.
`python -m devtools.docs_examples write` (`make docs`) rewrites them; `... check` exits 1
when a file differs from what the code produces now (tests/test_docs_examples.py runs it).

Answers come from the real server, in-process, on the seeded emulator with its clock frozen at
`FROZEN_AT`, so they are the same bytes on every run and every machine. The client-config snippets
are derived from the tested configs in examples/ (the published form) and rewritten to the forms
that work from a clone.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import sys
import textwrap
from collections.abc import Callable, Generator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO, cast

import anyio
from mcp import Client
from mcp.types import Tool

from athena_session_mcp.settings import Settings

# A fixed instant for the emulator's clock: examples must not change with the day they are generated.
FROZEN_AT = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
REGION = "us-east-1"
SESSION_EXAMPLE = "demo-idle-near-timeout"
DIAGNOSIS_EXAMPLE = "demo-failed"
EXCERPT_CAUSES = 1  # the top cause; `make demo` prints the whole diagnosis
# Where the docs tell a user their clone is; every clone-form command is spelled with it.
CLONE = "/path/to/athena-session-mcp"
# The console script `make install` (and so `make demo`) puts in the clone's virtualenv.
CLONE_COMMAND = f"{CLONE}/.venv/bin/athena-session-mcp"
PACKAGE = "athena-session-mcp"
AWS_SERVER = "athena-sessions"  # the example configs' server for a real account (read-only)
TOKEN_FILE = "~/.athena-session-mcp-token"  # noqa: S105 - a path, not a secret
# Files whose generated blocks are kept in step, relative to the repository root.
DOC_FILES = ("README.md", "docs", "examples/README.md")

_BLOCK = re.compile(
    r"(?P<begin><!-- BEGIN generated:(?P<name>[a-z0-9_]+) -->\n)(?P<body>.*?)(?P<end><!-- END generated:(?P=name) -->)",
    re.DOTALL,
)


@dataclass(frozen=True)
class Answers:
    """What the real server answered on the seeded emulator."""

    tools: list[Tool]
    session: dict[str, Any]
    diagnosis: dict[str, Any]
    demo_sessions: list[dict[str, Any]]


@contextmanager
def _offline_environment() -> Generator[None]:
    """No AWS_* variable of the caller's shell (a profile, an endpoint) may reach the examples' clients."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
    for name in saved:
        del os.environ[name]
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "emulator",
            "AWS_SECRET_ACCESS_KEY": "emulator",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    )
    try:
        yield
    finally:
        for name in [k for k in os.environ if k.startswith("AWS_")]:
            del os.environ[name]
        os.environ.update(saved)


async def _ask(settings: Settings, clients: Mapping[str, Any]) -> Answers:
    from athena_session_mcp.app import build_server
    from athena_session_mcp.athena.client import AthenaGateway
    from athena_session_mcp.emulator import DEMO_SESSION_IDS

    gateway = AthenaGateway(settings, client=clients["athena"], s3=clients["s3"], logs=clients["logs"])
    server = build_server(settings, gateway=gateway, clock=lambda: FROZEN_AT)
    async with Client(server) as client:
        tools = list((await client.list_tools()).tools)
        session = await client.call_tool("get_athena_session", {"SessionId": SESSION_EXAMPLE})
        diagnosis = await client.call_tool("diagnose_athena_session", {"SessionId": DIAGNOSIS_EXAMPLE})
    for name, result in (("get_athena_session", session), ("diagnose_athena_session", diagnosis)):
        if result.is_error or result.structured_content is None:
            raise RuntimeError(f"{name} failed on the emulator: {result.content}")
    athena = clients["athena"]
    demo = [cast(dict[str, Any], athena.get_session(SessionId=sid)) for sid in DEMO_SESSION_IDS]
    return Answers(
        tools=tools,
        session=cast(dict[str, Any], session.structured_content),
        diagnosis=cast(dict[str, Any], diagnosis.structured_content),
        demo_sessions=demo,
    )


def ask_the_server() -> Answers:
    """Run the server in-process on the seeded emulator (clock frozen) and collect its answers."""
    import boto3

    from athena_session_mcp import emulator

    # Every tool, the opt-in ones included, and job content: the examples show what the flags unlock.
    settings = Settings(region=REGION, allow_write=True, allow_sensitive_data_access=True)
    with _offline_environment(), emulator.seeded_in_process(FROZEN_AT):
        session = boto3.session.Session(region_name=REGION)
        clients = {name: session.client(name) for name in ("athena", "s3", "logs")}  # pyright: ignore[reportUnknownMemberType]
        return anyio.run(_ask, settings, clients)


# --- the blocks -------------------------------------------------------------------------------------


def _first_sentence(description: str | None) -> str:
    paragraph = " ".join((description or "").strip().split("\n\n", 1)[0].split())
    # A sentence ends at '.' before a capital letter or the end ("e.g. x" goes on).
    match = re.match(r"(.+?\.)(?=\s+[A-Z]|\s*$)", paragraph)
    return match.group(1) if match else paragraph


def tools_table(tools: Sequence[Tool]) -> str:
    """Each tool's name and the first sentence of its description; any tool that is not read-only says so."""
    rows = ["| Tool | What it does |", "|---|---|"]
    for tool in tools:
        hints = tool.annotations
        note = ""
        if hints is None or not hints.read_only_hint:
            destructive = hints is None or hints.destructive_hint is not False
            note = f" **{'Destructive' if destructive else 'Writes'}**: only with `--allow-write`."
        rows.append(f"| `{tool.name}` | {_first_sentence(tool.description)}{note} |")
    return "\n".join(rows) + "\n"


def _json_block(value: Any) -> str:
    return "```json\n" + compact_json(value) + "\n```\n"


def session_example(session: Mapping[str, Any]) -> str:
    return _json_block(session["summary"])


# Ids are shortened in the excerpt, as a person quoting them would.
_UUID = re.compile(r"\b([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def diagnosis_example(diagnosis: Mapping[str, Any]) -> str:
    """The verdict and each cause with its strongest evidence and next step (the demo prints more)."""
    lines = [f"━━ diagnosis of {diagnosis['session_id']}: {diagnosis['verdict']}"]
    causes = cast(list[Mapping[str, Any]], diagnosis.get("causes") or [])
    for rank, cause in enumerate(causes[:EXCERPT_CAUSES], start=1):
        lines.append(f"   {rank}. {cause['title']} [{cause['code']}, {cause['confidence']}]")
        for evidence in cast(list[Mapping[str, Any]], cause.get("evidence") or [])[:1]:
            text = _UUID.sub(lambda m: m.group(1) + "…", f"{evidence['source']}: {evidence['text']}")
            lines.append(_cut(f"        ▏ {text}", 120))
        step = textwrap.wrap(str(cause["next_step"]), width=100)
        lines += [f"        {'→' if n == 0 else ' '} {line}" for n, line in enumerate(step)]
    if len(causes) > EXCERPT_CAUSES:
        lines.append(f"   … {len(causes) - EXCERPT_CAUSES} more cause(s)")
    return "```text\n" + "\n".join(lines) + "\n```\n"


def demo_sessions_table(sessions: Sequence[Mapping[str, Any]]) -> str:
    rows = ["| Session | Workgroup | State | What it shows |", "|---|---|---|---|"]
    engines: dict[str, str] = {}
    for s in sessions:
        engines[str(s["WorkGroup"])] = str(s.get("EngineVersion") or "?")
        state = s.get("Status", {}).get("State", "?")
        description = str(s.get("Description", "")).removeprefix("Demo: ")
        rows.append(f"| `{s['SessionId']}` | `{s['WorkGroup']}` | {state} | {description} |")
    by_engine: dict[str, list[str]] = {}
    for workgroup, engine in engines.items():
        by_engine.setdefault(engine, []).append(f"`{workgroup}`")
    note = "; ".join(f"{' and '.join(groups)}: {engine}" for engine, groups in by_engine.items())
    return "\n".join(rows) + f"\n\nEngines: {note}.\n"


# --- client configs: the tested examples/ (published form) rewritten to the forms that work from a clone ---


def _load_example(root: Path, relative: str) -> dict[str, Any]:
    return cast(dict[str, Any], json.loads((root / "examples" / relative).read_text(encoding="utf-8")))


def _published_args(entry: Mapping[str, Any]) -> tuple[str, list[str]]:
    """`uvx [--from PKG[extras]] athena-session-mcp ARGS` -> (PKG[extras] or "", ARGS)."""
    args = list(cast(list[str], entry["args"]))
    source = ""
    if args[:1] == ["--from"]:
        source, args = args[1], args[2:]
    if entry.get("command") != "uvx" or args[:1] != [PACKAGE]:
        raise ValueError(f"expected `uvx [--from PKG] {PACKAGE} ...` in examples/, got {entry}")
    return source, args[1:]


def clone_venv_entry(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A published config entry -> the clone's virtualenv command with the same arguments."""
    _, args = _published_args(entry)
    return {**entry, "command": CLONE_COMMAND, "args": args}


def clone_uvx_args(entry: Mapping[str, Any]) -> list[str]:
    """A published config entry -> `uvx` arguments that build the package from the clone (extras kept)."""
    source, args = _published_args(entry)
    return ["--from", CLONE + source.removeprefix(PACKAGE), PACKAGE, *args]


def compact_json(value: Any, indent: int = 0, width: int = 104) -> str:
    """JSON with whatever fits on one line kept on one line (as people write configs), the rest indented."""
    flat = json.dumps(value, ensure_ascii=False)
    if indent + len(flat) <= width or not isinstance(value, Mapping | list) or not value:
        return flat
    pad = " " * indent
    if isinstance(value, Mapping):
        items = [
            f"{pad}  {json.dumps(k, ensure_ascii=False)}: {compact_json(v, indent + 2, width)}"
            for k, v in cast(Mapping[str, Any], value).items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    items = [f"{pad}  {compact_json(v, indent + 2, width)}" for v in cast(list[Any], value)]
    return "[\n" + ",\n".join(items) + "\n" + pad + "]"


def _servers(root: Path, relative: str, key: str) -> Mapping[str, Mapping[str, Any]]:
    return cast(Mapping[str, Mapping[str, Any]], _load_example(root, relative)[key])


def client_config(root: Path, relative: str, key: str) -> str:
    """A client's config from examples/ in the clone's-virtualenv form: its AWS server (the offline one
    differs only in its arguments, which `launch_forms` shows)."""
    published = _servers(root, relative, key)[AWS_SERVER]
    servers = {AWS_SERVER: clone_venv_entry(published)}
    return (
        f"```json\n{compact_json({key: servers})}\n```\n\n"
        f'Once published on PyPI: `"command": "{published["command"]}", "args": {json.dumps(published["args"])}`, '
        f"as in [`examples/{relative}`](examples/{relative}).\n"
    )


def launch_forms(root: Path) -> str:
    """How a client config starts each example server: from a clone (two ways) and as published."""
    servers = _servers(root, "claude_config.json", "mcpServers")
    forms: list[tuple[str, Callable[[Mapping[str, Any]], tuple[str, list[str]]]]] = [
        ("clone, its `.venv`", lambda e: (CLONE_COMMAND, clone_venv_entry(e)["args"])),
        ("clone, with uv", lambda e: ("uvx", clone_uvx_args(e))),
        ("published (once on PyPI)", lambda e: (str(e["command"]), list(e["args"]))),
    ]
    rows = ["| Form | `command` | `args` of " + " / ".join(f"`{n}`" for n in servers) + " |", "|---|---|---|"]
    for label, form in forms:
        launched = [form(entry) for entry in servers.values()]
        args = " / ".join(f"`{json.dumps(a)}`" for _, a in launched)
        rows.append(f"| {label} | `{launched[0][0]}` | {args} |")
    return "\n".join(rows) + "\n"


def claude_code_commands(root: Path) -> str:
    """The `claude mcp add` lines of examples/claude_code.md, from a clone, then as published."""
    text = (root / "examples" / "claude_code.md").read_text(encoding="utf-8")
    published = [
        line for line in text.splitlines() if line.startswith("claude mcp add ") and " -- uvx " in line
    ]
    clone: list[str] = []
    for line in published:
        head, _, command = line.partition(" -- ")
        tokens = shlex.split(command)
        entry = {"command": tokens[0], "args": tokens[1:]}
        clone.append(f"{head} -- {shlex.join([CLONE_COMMAND, *clone_venv_entry(entry)['args']])}")
    return (
        "```sh\n# from a clone\n"
        + "\n".join(clone)
        + "\n# once published on PyPI\n"
        + "\n".join(published)
        + "\n```\n"
    )


def http_token_commands() -> str:
    """Create a token file the server accepts, then serve streamable HTTP with it."""
    from athena_session_mcp.transport.auth import TOKEN_HINT

    # Debian and macOS ship `python3`, not always `python`.
    make_token = TOKEN_HINT.replace("python ", "python3 ", 1)
    return (
        "```sh\n"
        f"{make_token} > {TOKEN_FILE}\n"
        f"chmod 600 {TOKEN_FILE}\n"
        f"{PACKAGE} serve --transport streamable-http --auth-token-file {TOKEN_FILE}\n"
        "```\n"
    )


def generate(root: Path, answers: Answers | None = None) -> dict[str, str]:
    """NAME -> the Markdown that belongs between that block's markers."""
    answers = answers or ask_the_server()
    return {
        "tools": tools_table(answers.tools),
        "get_session_example": session_example(answers.session),
        "diagnosis_example": diagnosis_example(answers.diagnosis),
        "demo_sessions": demo_sessions_table(answers.demo_sessions),
        "launch_forms": launch_forms(root),
        "claude_desktop_config": client_config(root, "claude_config.json", "mcpServers"),
        "claude_code_commands": claude_code_commands(root),
        "vscode_config": client_config(root, "vscode/.vscode/mcp.json", "servers"),
        "http_token": http_token_commands(),
    }


# --- rewriting and checking the files ---------------------------------------------------------------


def doc_files(root: Path) -> list[Path]:
    files: list[Path] = []
    for name in DOC_FILES:
        path = root / name
        if path.is_dir():
            files += sorted(path.glob("*.md"))
        elif path.exists():
            files.append(path)
    return files


def rewrite(text: str, blocks: Mapping[str, str], where: str) -> str:
    """`text` with every generated block's body replaced; an unknown block name is an error."""

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in blocks:
            raise KeyError(f"{where}: unknown generated block {name!r} (known: {', '.join(sorted(blocks))})")
        return match.group("begin") + blocks[name] + match.group("end")

    return _BLOCK.sub(replace, text)


def drift(root: Path, blocks: Mapping[str, str]) -> list[str]:
    """Which files differ from what `write` would make of them (relative paths, with the blocks named)."""
    problems: list[str] = []
    for path in doc_files(root):
        text = path.read_text(encoding="utf-8")
        relative = path.relative_to(root).as_posix()
        stale = [
            m.group("name")
            for m in _BLOCK.finditer(text)
            if m.group("name") in blocks and m.group("body") != blocks[m.group("name")]
        ]
        if rewrite(text, blocks, relative) != text or stale:
            problems.append(f"{relative}: {', '.join(stale)}")
    return problems


def write(root: Path, blocks: Mapping[str, str]) -> list[str]:
    """Rewrite the generated blocks in place; returns the files that changed."""
    changed: list[str] = []
    for path in doc_files(root):
        text = path.read_text(encoding="utf-8")
        new = rewrite(text, blocks, path.relative_to(root).as_posix())
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path.relative_to(root).as_posix())
    return changed


def check(root: Path, blocks: Mapping[str, str], err: TextIO) -> int:
    """Report drift on `err` (naming the command that fixes it); 1 if any, else 0."""
    problems = drift(root, blocks)
    for problem in problems:
        err.write(f"docs example drift: {problem}\n")
    if problems:
        err.write(
            "The examples in README.md / docs/ differ from the code: run `make docs` and commit the result.\n"
        )
    return 1 if problems else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.docs_examples",
        description="Regenerate (write) or check (check) the generated examples in README.md and docs/.",
    )
    parser.add_argument("action", choices=["write", "check"])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the repository root (default: .)")
    args = parser.parse_args(argv)
    root: Path = args.root
    blocks = generate(root)
    if args.action == "check":
        return check(root, blocks, sys.stderr)
    for name in write(root, blocks):
        print(f"rewrote {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
