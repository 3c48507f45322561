"""What a release must hold: the checks `make dist` runs on dist/ and tests/test_release.py runs on a fresh build.

`python -m tests.release_checks DIST_DIR` checks the one sdist and the one wheel of the current version in
DIST_DIR and exits 1 with every problem listed, so a bad artifact fails loudly before anyone uploads it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from email.message import Message
from email.parser import Parser
from pathlib import Path

from athena_session_mcp import __version__

REPO = Path(__file__).resolve().parent.parent
PACKAGE = "athena_session_mcp"
DIST_NAME = "athena-session-mcp"

# Top-level entries the sdist must hold beyond the package (paths relative to the sdist's root folder).
SDIST_REQUIRED_FILES = ("LICENSE", "README.md", "CHANGELOG.md", "server.json", "pyproject.toml", "PKG-INFO")
SDIST_REQUIRED_DIRS = ("tool_schemas", "examples", f"server/{PACKAGE}")
# Nothing of the development tree that a user does not need.
SDIST_FORBIDDEN_DIRS = ("tests", "benchmarks", ".ci", ".venv", "dist")
WHEEL_FORBIDDEN_DIRS = ("tests", "benchmarks", "examples", "tool_schemas", "server", "devtools")


@dataclass(frozen=True)
class Artifacts:
    sdist: Path
    wheel: Path


def find_artifacts(dist_dir: Path, version: str = __version__) -> Artifacts:
    """The sdist and wheel of `version` in dist_dir (exactly one of each)."""
    stem = f"{PACKAGE}-{version}"
    sdists = sorted(dist_dir.glob(f"{stem}.tar.gz"))
    wheels = sorted(dist_dir.glob(f"{stem}-*.whl"))
    if len(sdists) != 1 or len(wheels) != 1:
        found = sorted(p.name for p in dist_dir.iterdir()) if dist_dir.is_dir() else []
        raise SystemExit(f"expected one {stem}.tar.gz and one {stem}-*.whl in {dist_dir}, found {found}")
    return Artifacts(sdist=sdists[0], wheel=wheels[0])


def sdist_names(sdist: Path) -> set[str]:
    """Member paths relative to the sdist's single root folder (`athena_session_mcp-X.Y.Z/`)."""
    with tarfile.open(sdist, "r:gz") as tar:
        names = tar.getnames()
    roots = {name.split("/", 1)[0] for name in names}
    if len(roots) != 1:
        raise ValueError(f"{sdist.name}: expected one root folder, found {sorted(roots)}")
    return {name.split("/", 1)[1] for name in names if "/" in name}


def wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as zf:
        return set(zf.namelist())


def _has_dir(names: set[str], directory: str) -> bool:
    return any(name.startswith(f"{directory}/") for name in names)


def check_sdist(sdist: Path) -> list[str]:
    names = sdist_names(sdist)
    problems = [f"sdist lacks {name}" for name in SDIST_REQUIRED_FILES if name not in names]
    problems += [f"sdist lacks {d}/" for d in SDIST_REQUIRED_DIRS if not _has_dir(names, d)]
    problems += [f"sdist holds {d}/" for d in SDIST_FORBIDDEN_DIRS if _has_dir(names, d)]
    for schema in sorted((REPO / "tool_schemas").glob("*.json")):
        if f"tool_schemas/{schema.name}" not in names:
            problems.append(f"sdist lacks tool_schemas/{schema.name}")
    if f"server/{PACKAGE}/py.typed" not in names:
        problems.append(f"sdist lacks server/{PACKAGE}/py.typed")
    return problems


def check_wheel(wheel: Path) -> list[str]:
    names = wheel_names(wheel)
    dist_info = f"{PACKAGE}-{__version__}.dist-info"
    problems: list[str] = []
    for required in (f"{PACKAGE}/__init__.py", f"{PACKAGE}/py.typed", f"{PACKAGE}/emulator/__init__.py"):
        if required not in names:
            problems.append(f"wheel lacks {required}")
    if f"{dist_info}/licenses/LICENSE" not in names:
        problems.append(f"wheel lacks {dist_info}/licenses/LICENSE")
    problems += [f"wheel holds {d}/" for d in WHEEL_FORBIDDEN_DIRS if _has_dir(names, d)]
    strays = sorted(n for n in names if not n.startswith((f"{PACKAGE}/", f"{dist_info}/")))
    problems += [f"wheel holds {name} outside the package" for name in strays]
    problems += [
        f"wheel holds a test module {n}" for n in sorted(names) if re.search(r"(^|/)test_[^/]*\.py$", n)
    ]
    return problems


def wheel_metadata(wheel: Path) -> Message:
    with zipfile.ZipFile(wheel) as zf:
        [path] = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
        text = zf.read(path).decode("utf-8")
    return Parser().parsestr(text)


def server_json() -> dict[str, object]:
    data: dict[str, object] = json.loads((REPO / "server.json").read_text(encoding="utf-8"))
    return data


def check_metadata(wheel: Path) -> list[str]:
    """The published metadata: version, license, and the README as the long description, carrying the
    `mcp-name:` line the MCP Registry looks for on PyPI."""
    meta = wheel_metadata(wheel)
    problems: list[str] = []
    if meta["Name"] != DIST_NAME:
        problems.append(f"metadata Name is {meta['Name']!r}, expected {DIST_NAME!r}")
    if meta["Version"] != __version__:
        problems.append(f"metadata Version is {meta['Version']!r}, expected {__version__!r} (__init__.py)")
    if meta["License-Expression"] != "MIT":
        problems.append(f"metadata License-Expression is {meta['License-Expression']!r}, expected 'MIT'")
    if "LICENSE" not in (meta.get_all("License-File") or []):
        problems.append("metadata does not name LICENSE as a License-File")
    if meta["Description-Content-Type"] != "text/markdown":
        problems.append(
            f"Description-Content-Type is {meta['Description-Content-Type']!r}, not text/markdown"
        )
    body = meta.get_payload()
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    if not isinstance(body, str) or body.strip() != readme.strip():
        problems.append("the long description is not README.md")
    elif f"mcp-name: {server_json()['name']}" not in body:
        problems.append(
            f"the long description lacks 'mcp-name: {server_json()['name']}' (MCP Registry ownership)"
        )
    return problems


def twine_check(artifacts: Artifacts) -> list[str]:
    """`twine check --strict`: the metadata is valid and the long description renders on PyPI."""
    proc = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(artifacts.sdist), str(artifacts.wheel)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if proc.returncode != 0:
        return [f"twine check failed:\n{proc.stdout}{proc.stderr}"]
    return []


def check_all(artifacts: Artifacts) -> list[str]:
    return [
        *check_sdist(artifacts.sdist),
        *check_wheel(artifacts.wheel),
        *check_metadata(artifacts.wheel),
        *twine_check(artifacts),
    ]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    dist_dir = Path(args[0] if args else REPO / "dist")
    artifacts = find_artifacts(dist_dir)
    problems = check_all(artifacts)
    if problems:
        print("RELEASE CHECK FAILED:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    for path in (artifacts.sdist, artifacts.wheel):
        print(f"ok  {path.name}  {path.stat().st_size / 1024:.1f} KiB")
    print("ok  sdist: LICENSE, README.md, CHANGELOG.md, server.json, tool_schemas/, examples/; no tests")
    print("ok  wheel: package, py.typed, LICENSE; no tests or benchmarks")
    print("ok  metadata: twine check --strict, README.md is the long description with its mcp-name line")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
