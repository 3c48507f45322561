"""The package's layers, checked from the import statements (lazy imports inside functions included).

athena/ holds AWS facts and imports no MCP; health/ holds pure rules (no MCP, no AWS SDK, no I/O);
only the CLI and the emulator itself import the emulator, so a production server never loads it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "server" / "athena_session_mcp"
NAME = "athena_session_mcp"

# For each layer: the top-level modules (third-party or ours) it must never import.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "athena": (
        "mcp",
        "starlette",
        "uvicorn",
        *(f"{NAME}.{x}" for x in ("health", "tools", "transport", "views", "cli", "emulator", "app")),
    ),
    "health": (
        "mcp",
        "boto3",
        "botocore",
        "anyio",
        "starlette",
        "uvicorn",
        *(f"{NAME}.{x}" for x in ("tools", "transport", "views", "cli", "emulator", "app")),
    ),
    "tools": (f"{NAME}.transport", f"{NAME}.views", f"{NAME}.cli", f"{NAME}.emulator", f"{NAME}.app"),
    "transport": (f"{NAME}.views", f"{NAME}.cli", f"{NAME}.emulator", f"{NAME}.app"),
    "views": (f"{NAME}.tools", f"{NAME}.transport", f"{NAME}.cli", f"{NAME}.emulator", f"{NAME}.app"),
}


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, absolute, at any depth of the file."""
    found: set[str] = set()
    parts = path.with_suffix("").parts
    package = ".".join(parts[len(parts) - 1 - parts[::-1].index(NAME) : -1])
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _violations(files: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{f.relative_to(PACKAGE)} imports {m}"
        for f in files
        for m in _imports(f)
        if any(m == bad or m.startswith(bad + ".") for bad in forbidden)
    )


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_lies_beneath_it(layer: str) -> None:
    files = sorted((PACKAGE / layer).rglob("*.py"))
    assert files, f"no modules in {layer}/"
    found = _violations(files, FORBIDDEN[layer])
    assert not found, "\n".join(found)


def test_only_the_cli_and_the_emulator_itself_import_the_emulator() -> None:
    files = [f for f in PACKAGE.rglob("*.py") if f.relative_to(PACKAGE).parts[0] not in ("emulator", "cli")]
    found = _violations(files, (f"{NAME}.emulator",))
    assert not found, "\n".join(found)


def test_the_layer_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    # The check must be able to fail: a lazy import inside a function is found too.
    bad = PACKAGE / "health" / "session.py"
    text = bad.read_text(encoding="utf-8") + "\n\ndef _late() -> None:\n    import boto3  # noqa\n"
    probe = tmp_path / "athena_session_mcp" / "health" / "session.py"
    probe.parent.mkdir(parents=True)
    probe.write_text(text, encoding="utf-8")
    assert "boto3" in _imports(probe)


# The tool families; what they share (reads, job content, budget, answers, models) lives in modules of its own.
TOOL_FAMILIES = (
    "session",
    "status",
    "listing",
    "workgroups",
    "calculations",
    "executors",
    "diagnose",
    "digest",
    "terminate",
    "history",
    "account_summary",
)


def test_no_tool_family_imports_another() -> None:
    files = [PACKAGE / "tools" / f"{family}.py" for family in TOOL_FAMILIES]
    others = tuple(f"{NAME}.tools.{family}" for family in TOOL_FAMILIES)
    found = [
        line
        for f in files
        for line in _violations([f], tuple(o for o in others if not o.endswith("." + f.stem)))
    ]
    assert not found, "\n".join(found)
