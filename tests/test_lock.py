"""The committed locks (requirements/) agree with pyproject.toml: every declared dependency is pinned,
within its range, with hashes. Editing a range without `make lock` fails here, not on a user's machine."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
LOCKS = REPO / "requirements"
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
SELF = canonicalize_name(PROJECT["name"])


def declared(*extras: str) -> list[Requirement]:
    """The runtime dependencies plus those of `extras` (a self-reference brings its extras' in)."""
    found = [Requirement(text) for text in PROJECT["dependencies"]]
    pending = list(extras)
    while pending:
        for text in PROJECT["optional-dependencies"][pending.pop()]:
            requirement = Requirement(text)
            if canonicalize_name(requirement.name) == SELF:
                pending.extend(requirement.extras)
            else:
                found.append(requirement)
    return found


def pinned(lock: str) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) of every entry in a lock file."""
    text = (LOCKS / lock).read_text(encoding="utf-8")
    entries: dict[str, tuple[str, list[str]]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = re.match(r"([A-Za-z0-9_.\-]+)==([^\s;\\]+)", block)
        if match:
            entries[canonicalize_name(match.group(1))] = (
                match.group(2),
                re.findall(r"--hash=sha256:\w+", block),
            )
    return entries


@pytest.mark.parametrize(
    ("lock", "extras"),
    [("dev.txt", ("dev",)), ("server.txt", ()), ("emulator.txt", ("emulator",))],
)
def test_every_declared_dependency_is_pinned_within_its_range(lock: str, extras: tuple[str, ...]) -> None:
    entries = pinned(lock)
    problems: list[str] = []
    for requirement in declared(*extras):
        name = canonicalize_name(requirement.name)
        if name not in entries:
            problems.append(f"{name} is not in requirements/{lock}")
            continue
        version = entries[name][0]
        if not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{name}=={version} is outside {requirement.specifier}")
    assert problems == [], "run `make lock`: " + "; ".join(problems)


@pytest.mark.parametrize("lock", ["dev.txt", "server.txt", "emulator.txt", "build.txt", "langchain.txt"])
def test_every_pin_carries_hashes(lock: str) -> None:
    entries = pinned(lock)
    assert entries
    assert [name for name, (_, hashes) in entries.items() if not hashes] == []


def test_the_server_lock_holds_no_test_or_emulator_package() -> None:
    assert {"moto", "pytest", "pyright"}.isdisjoint(pinned("server.txt"))


def test_the_lock_parser_sees_a_pin_outside_its_range() -> None:
    # The check above can fail: a pin below the range is reported.
    requirement = Requirement("botocore>=1.43,<2")
    assert not requirement.specifier.contains("1.42.97")
    assert requirement.specifier.contains(pinned("server.txt")["botocore"][0])
