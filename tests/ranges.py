"""Both ends of the dependency ranges (`make ranges`, part of `make test`).

Two throwaway environments beside the locked one, built with uv from pyproject.toml alone: `lowest`, every
direct dependency at the lowest version its range allows, and `newest`, every dependency at the newest
release of the day. Each runs the end-to-end smoke test (tests/smoke.py). A failure names the
environment and the versions in it that differ from the lock (requirements/emulator.txt), so the next
upstream release that breaks us is seen the day it ships.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
UV = Path(sys.executable).with_name("uv")
HOME = REPO / ".venv-ranges"
LOCK = REPO / "requirements" / "emulator.txt"
# uv's resolution strategies: lowest-direct keeps transitive dependencies at what those versions accept.
ENVIRONMENTS = {
    "lowest": ["--resolution", "lowest-direct"],
    "newest": ["--resolution", "highest", "--refresh"],
}


def pins(text: str) -> dict[str, str]:
    """name -> version of every `name==version` line (a lock or `uv pip freeze`)."""
    found: dict[str, str] = {}
    for match in re.finditer(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", text, re.MULTILINE):
        found[match.group(1).lower().replace("_", "-")] = match.group(2)
    return found


def run(command: list[str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO, text=True, capture_output=True, check=False, timeout=timeout)


def build(name: str, strategy: list[str]) -> Path:
    """A fresh environment with the project (editable) and its emulator extra, resolved by `strategy`."""
    home = HOME / name
    python = home / "bin" / "python"
    made = run([str(UV), "venv", "--quiet", "--clear", "--python", sys.executable, str(home)])
    if made.returncode != 0:
        raise SystemExit(f"ranges: could not create the {name} environment:\n{made.stderr}")
    installed = run(
        [str(UV), "pip", "install", "--quiet", "--python", str(python), *strategy, "-e", ".[emulator]"]
    )
    if installed.returncode != 0:
        raise SystemExit(f"ranges: the {name} versions do not install:\n{installed.stderr[-3000:]}")
    return python


def main() -> int:
    locked = pins(LOCK.read_text(encoding="utf-8"))
    failed: list[str] = []
    for name, strategy in ENVIRONMENTS.items():
        started = time.monotonic()
        python = build(name, strategy)
        frozen = pins(run([str(UV), "pip", "freeze", "--python", str(python)]).stdout)
        moved = sorted(
            f"{pkg} {ver} (lock {locked[pkg]})" for pkg, ver in frozen.items() if locked.get(pkg, ver) != ver
        )
        print(f"ranges: {name}: {len(frozen)} packages, {len(moved)} differ from the lock", flush=True)
        smoke = run([str(python), "-m", "tests.smoke"], timeout=300)
        print(smoke.stdout, end="", flush=True)
        elapsed = time.monotonic() - started
        if smoke.returncode != 0:
            print(smoke.stderr[-3000:], file=sys.stderr)
            print(
                f"ranges: {name} FAILED ({elapsed:.0f} s). Versions that differ from the lock:",
                file=sys.stderr,
            )
            for line in moved:
                print(f"  {line}", file=sys.stderr)
            failed.append(name)
        else:
            print(f"ranges: {name} passed in {elapsed:.0f} s", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
