"""Publish every tool's schema to tool_schemas/*.json, and check the published files for drift.

`python -m devtools.schemas write DIR` regenerates; `... check DIR` exits 1 on drift.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import anyio

from athena_session_mcp.app import build_server
from athena_session_mcp.settings import Settings


def generate() -> dict[str, dict[str, Any]]:
    """name -> published definition, for every tool (write tools included), as tools/list shows them."""
    # allow_write so opt-in tools are published too; building the server makes no AWS call.
    server = build_server(Settings(region="us-east-1", allow_write=True))
    tools = anyio.run(server.list_tools)
    return {tool.name: tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in tools}


def render(definition: dict[str, Any]) -> str:
    return json.dumps(definition, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def drift(directory: Path) -> list[str]:
    """Human-readable differences between the code and the files in `directory`."""
    expected = {f"{name}.json": render(d) for name, d in generate().items()}
    actual = {p.name: p.read_text(encoding="utf-8") for p in directory.glob("*.json")}
    problems = [f"{name}: missing" for name in sorted(expected.keys() - actual.keys())]
    problems += [f"{name}: no such tool any more" for name in sorted(actual.keys() - expected.keys())]
    problems += [
        f"{name}: differs from the code"
        for name in sorted(expected)
        if name in actual and actual[name] != expected[name]
    ]
    return problems


def write(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    definitions = generate()
    for stale in directory.glob("*.json"):
        if stale.stem not in definitions:
            stale.unlink()
    for name, definition in definitions.items():
        (directory / f"{name}.json").write_text(render(definition), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2 or args[0] not in ("write", "check"):
        print("usage: python -m devtools.schemas write|check DIR", file=sys.stderr)
        return 2
    directory = Path(args[1])
    if args[0] == "write":
        write(directory)
        return 0
    problems = drift(directory)
    for problem in problems:
        print(f"tool schema drift: {problem}", file=sys.stderr)
    if problems:
        print("Run `make schemas` and commit tool_schemas/.", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
