"""Every distribution the package imports is declared in pyproject.toml (the emulator's in its extra)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "server" / "athena_session_mcp"


def _top_level_imports(files: list[Path]) -> set[str]:
    names: set[str] = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"athena_session_mcp", "__future__"}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared(requirements: list[str]) -> set[str]:
    return {_normalise(re.split(r"[\s\[<>=!~;]", req, maxsplit=1)[0]) for req in requirements}


def _undeclared(files: list[Path], declared: set[str]) -> list[str]:
    dists = packages_distributions()
    missing: list[str] = []
    for module in sorted(_top_level_imports(files)):
        if module.startswith("types_boto3"):  # stubs, imported only under TYPE_CHECKING
            continue
        owners = {_normalise(d) for d in dists.get(module, [module])}
        if not owners & declared:
            missing.append(f"{module} (from {', '.join(sorted(owners))})")
    return missing


def test_every_distribution_the_server_imports_is_a_declared_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    files = [f for f in PACKAGE.rglob("*.py") if "emulator" not in f.relative_to(PACKAGE).parts]
    assert _undeclared(files, _declared(project["dependencies"])) == []


def test_every_distribution_the_emulator_imports_is_declared_with_its_extra() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = _declared(project["dependencies"] + project["optional-dependencies"]["emulator"])
    assert _undeclared(sorted((PACKAGE / "emulator").rglob("*.py")), declared) == []


def test_an_undeclared_import_is_reported(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("import pydantic_core\n", encoding="utf-8")
    assert _undeclared([probe], {"pydantic"}) == ["pydantic_core (from pydantic-core)"]
