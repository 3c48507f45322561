"""The release: what `make dist` would publish installs and runs for a stranger, and server.json is a valid
MCP Registry entry whose versions agree with the package.

The sdist and wheel are built once per session into a temporary folder, exactly as `make dist` builds them
(`python -m build`, isolated). The wheel is then installed with its `emulator` extra into a fresh virtual
environment (uv, from the same package indexes pip is configured with) and its installed console script is
driven over stdio by the MCP client; `uvx --from <wheel>` runs it the way the example configs will once the
package is on PyPI.
"""

from __future__ import annotations

import copy
import io
import json
import os
import re
import shlex
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import jsonschema
import pytest
from mcp import Client, StdioServerParameters

from athena_session_mcp import __version__, emulator
from tests.conftest import FAKE_ENV
from tests.release_checks import (
    Artifacts,
    check_metadata,
    check_sdist,
    check_wheel,
    find_artifacts,
    server_json,
    twine_check,
    wheel_metadata,
)

REPO = Path(__file__).resolve().parent.parent
SCHEMA_URL = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"
# Vendored from modelcontextprotocol/registry (docs/reference/server-json/server.schema.json, the version
# published at SCHEMA_URL, MIT licensed); only the file name says which version it is.
SCHEMA_PATH = REPO / "tests" / "data" / "server.schema.2025-12-11.json"
SENSITIVE_SWITCH = "ATHENA_SESSION_MCP_ALLOW_SENSITIVE_DATA_ACCESS"
BIN = "Scripts" if os.name == "nt" else "bin"
# Building, resolving and installing from a cold cache on a fresh machine can take a while; no timing is
# asserted, this only keeps a stuck download from hanging the suite.
SLOW = pytest.mark.timeout(600)


def run(args: Sequence[str | Path], *, env: Mapping[str, str] | None = None, cwd: Path | None = None) -> str:
    """Run a command to completion with no stdin (as on CI); fail with its output when it fails."""
    proc = subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=dict(env) if env is not None else None,
        cwd=cwd,
        check=False,
        timeout=540,
    )
    assert proc.returncode == 0, (
        f"{shlex.join(map(str, args))} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    )
    return proc.stdout


# --- uv, configured like pip -------------------------------------------------------------------------


def pip_settings(env: Mapping[str, str]) -> dict[str, str]:
    """pip's effective settings under `env` (config files and PIP_* variables, the latter winning), from
    `pip config list`."""
    out = run([sys.executable, "-m", "pip", "config", "list"], env=env)
    from_files: dict[str, str] = {}
    from_env: dict[str, str] = {}
    for line in out.splitlines():
        match = re.fullmatch(r"(?P<scope>[^.]*)\.(?P<key>[\w-]+)='(?P<value>.*)'", line.strip())
        if match is None:
            continue
        target = from_env if match["scope"] == ":env:" else from_files
        target[match["key"]] = match["value"]
    return {**from_files, **from_env}


def uv_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for uv/uvx: pip's index settings translated to uv's variables, so uv resolves from
    the same indexes, extra local indexes and find-links as pip (uv does not read pip.conf). Variables the
    caller already set for uv win. uv never downloads a Python: it uses this interpreter."""
    env = dict(os.environ if base is None else base)
    pip = pip_settings(env)
    derived: dict[str, str] = {"UV_PYTHON_DOWNLOADS": "never", "UV_NO_PROGRESS": "1"}
    if "index-url" in pip:
        derived["UV_DEFAULT_INDEX"] = pip["index-url"]
    if "extra-index-url" in pip:
        derived["UV_INDEX"] = " ".join(pip["extra-index-url"].split())
        derived["UV_INDEX_STRATEGY"] = "unsafe-best-match"  # pip picks the best version across all indexes
    if "find-links" in pip:
        derived["UV_FIND_LINKS"] = ",".join(pip["find-links"].split())
    if pip.get("no-index", "").lower() in ("1", "true", "yes", "on"):
        derived["UV_NO_INDEX"] = "1"
    if "constraint" in pip:
        derived["UV_CONSTRAINT"] = " ".join(pip["constraint"].split())
    if "trusted-host" in pip:
        derived["UV_INSECURE_HOST"] = " ".join(pip["trusted-host"].split())
    if "cert" in pip:
        derived["SSL_CERT_FILE"] = pip["cert"]
    if "default-timeout" in pip:
        derived["UV_HTTP_TIMEOUT"] = pip["default-timeout"]
    if "proxy" in pip:
        derived["HTTPS_PROXY"] = derived["HTTP_PROXY"] = pip["proxy"]
    for key, value in derived.items():
        env.setdefault(key, value)
    return env


def uv_tool(name: str) -> Path:
    """uv and uvx come from PyPI as dev dependencies, next to this interpreter."""
    path = Path(sys.executable).with_name(name + (".exe" if os.name == "nt" else ""))
    assert path.exists(), f"{path} is missing: run `make install` (uv is a dev dependency)"
    return path


def test_uv_gets_the_indexes_and_find_links_pip_is_configured_with() -> None:
    pip = {
        "PIP_INDEX_URL": "https://mirror.example/simple",
        "PIP_EXTRA_INDEX_URL": "file:///opt/a/simple file:///opt/b/simple",
        "PIP_FIND_LINKS": "/opt/wheels /opt/more-wheels",
        "PIP_CERT": "/etc/ssl/ca.pem",
    }
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_", "SSL_CERT_"))}
    env = uv_env({**base, **pip})
    assert env["UV_DEFAULT_INDEX"] == "https://mirror.example/simple"
    assert env["UV_INDEX"] == "file:///opt/a/simple file:///opt/b/simple"
    assert env["UV_FIND_LINKS"] == "/opt/wheels,/opt/more-wheels"
    assert env["SSL_CERT_FILE"] == "/etc/ssl/ca.pem"
    assert env["UV_PYTHON_DOWNLOADS"] == "never"


# --- the artifacts ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Artifacts:
    """sdist and wheel, built like `make dist` does (the wheel is built from the sdist)."""
    out = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--outdir", out, REPO])
    return find_artifacts(out)


@SLOW
def test_sdist_holds_license_readme_changelog_server_json_schemas_and_examples(built: Artifacts) -> None:
    assert check_sdist(built.sdist) == []


@SLOW
def test_wheel_holds_the_package_py_typed_and_license_and_no_tests_or_benchmarks(built: Artifacts) -> None:
    assert check_wheel(built.wheel) == []


@SLOW
def test_metadata_renders_and_the_readme_with_its_mcp_name_is_the_long_description(built: Artifacts) -> None:
    assert check_metadata(built.wheel) == []
    assert twine_check(built) == []


@SLOW
def test_artifacts_carry_the_version_of_init(built: Artifacts) -> None:
    assert built.wheel.name.startswith(f"athena_session_mcp-{__version__}-")
    assert wheel_metadata(built.wheel)["Version"] == __version__


@pytest.fixture(scope="session")
def installed(built: Artifacts, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment holding only the built wheel with its emulator extra (and what they
    require); returns its bin directory."""
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    env = uv_env()
    run([uv_tool("uv"), "venv", "--python", sys.executable, venv], env=env)
    python = venv / BIN / ("python.exe" if os.name == "nt" else "python")
    run([uv_tool("uv"), "pip", "install", "--python", python, f"{built.wheel}[emulator]"], env=env)
    return venv / BIN


@SLOW
def test_installed_package_comes_from_the_fresh_environment_not_the_source_tree(installed: Path) -> None:
    where = run(
        [installed / "python", "-c", "import athena_session_mcp, moto; print(athena_session_mcp.__file__)"]
    )
    assert Path(where.strip()).is_relative_to(installed.parent)
    assert "site-packages" in where


@SLOW
async def test_installed_command_serves_get_athena_session_over_stdio_on_the_emulator(
    installed: Path, tmp_path: Path
) -> None:
    command = installed / ("athena-session-mcp.exe" if os.name == "nt" else "athena-session-mcp")
    params = StdioServerParameters(
        command=str(command),
        args=["serve", "--emulator"],
        env=dict(FAKE_ENV),  # as a client starts it: only what the config says, nothing real
        cwd=str(tmp_path),  # away from the source tree, so nothing can be imported from it
    )
    async with Client(params) as client:
        info = client.server_info
        tools = {tool.name for tool in (await client.list_tools()).tools}
        result = await client.call_tool("get_athena_session", {"SessionId": emulator.SESSION_IDLE})
    assert info is not None and (info.name, info.version) == ("athena-session-mcp", __version__)
    assert {"get_athena_session", "list_athena_sessions", "summarize_athena_workgroup_sessions"} <= tools
    assert "terminate_athena_session" not in tools
    assert not result.is_error, result.content
    summary = cast(dict[str, Any], (result.structured_content or {})["summary"])
    assert summary["session_id"] == emulator.SESSION_IDLE
    assert summary["workgroup"] == emulator.DEMO_SPARK_WORKGROUP
    assert summary["state"] == emulator.DEMO_SESSION_STATES[emulator.SESSION_IDLE]


@SLOW
def test_uvx_runs_the_built_wheel_and_reports_its_version(built: Artifacts, tmp_path: Path) -> None:
    out = run(
        [
            uv_tool("uvx"),
            "--python",
            sys.executable,
            "--from",
            built.wheel,
            "athena-session-mcp",
            "--version",
        ],
        env=uv_env(),
        cwd=tmp_path,
    )
    assert out.strip() == f"athena-session-mcp {__version__}"


# --- the checks can fail --------------------------------------------------------------------------------


def _tar(path: Path, members: Sequence[str]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name in members:
            info = tarfile.TarInfo(f"athena_session_mcp-{__version__}/{name}")
            info.size = 0
            tar.addfile(info, io.BytesIO(b""))
    return path


def _zip(path: Path, members: Sequence[str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name in members:
            zf.writestr(name, "")
    return path


def test_sdist_check_names_what_is_missing_and_what_does_not_belong(tmp_path: Path) -> None:
    sdist = _tar(
        tmp_path / "bad.tar.gz",
        [
            "README.md",
            "pyproject.toml",
            "PKG-INFO",
            "server/athena_session_mcp/__init__.py",
            "tests/test_x.py",
        ],
    )
    problems = check_sdist(sdist)
    for expected in (
        "sdist lacks LICENSE",
        "sdist lacks server.json",
        "sdist lacks tool_schemas/",
        "sdist holds tests/",
    ):
        assert expected in problems


def test_wheel_check_names_what_is_missing_and_what_does_not_belong(tmp_path: Path) -> None:
    wheel = _zip(
        tmp_path / "bad.whl", ["athena_session_mcp/__init__.py", "tests/test_x.py", "benchmarks/run.py"]
    )
    problems = check_wheel(wheel)
    assert "wheel lacks athena_session_mcp/py.typed" in problems
    assert f"wheel lacks athena_session_mcp-{__version__}.dist-info/licenses/LICENSE" in problems
    assert {"wheel holds tests/", "wheel holds benchmarks/"} <= set(problems)


def test_metadata_check_refuses_a_long_description_that_is_not_the_readme(tmp_path: Path) -> None:
    dist_info = f"athena_session_mcp-{__version__}.dist-info"
    metadata = (
        f"Metadata-Version: 2.4\nName: athena-session-mcp\nVersion: {__version__}\n"
        "License-Expression: MIT\nLicense-File: LICENSE\nDescription-Content-Type: text/markdown\n\n# Something else\n"
    )
    wheel = tmp_path / "bad.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr(f"{dist_info}/METADATA", metadata)
    assert check_metadata(wheel) == ["the long description is not README.md"]


# --- server.json ---------------------------------------------------------------------------------------


def registry_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def schema_errors(document: Mapping[str, Any]) -> list[str]:
    schema = registry_schema()
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    errors = validator.iter_errors(dict(document))  # pyright: ignore[reportUnknownMemberType]
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]


def pyproject() -> dict[str, Any]:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_vendored_schema_is_the_one_server_json_names() -> None:
    assert registry_schema()["$id"] == SCHEMA_URL
    assert server_json()["$schema"] == SCHEMA_URL


def test_server_json_validates_against_the_registry_schema() -> None:
    assert schema_errors(server_json()) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("description",), "x" * 101),
        (("name",), "athena-session-mcp"),
        (("packages", 0, "transport", "type"), "stdin"),
        (("packages", 0, "version"), "latest"),
        (("packages", 0, "environmentVariables", 0, "format"), "text"),
    ],
)
def test_registry_schema_rejects_a_broken_server_json(path: tuple[str | int, ...], value: str) -> None:
    broken = copy.deepcopy(server_json())
    target: Any = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert schema_errors(broken) != []


def test_server_json_meets_the_official_registry_rules() -> None:
    data = cast(dict[str, Any], server_json())
    project = pyproject()["project"]
    homepage: str = project["urls"]["Homepage"]
    owner, repo = homepage.removeprefix("https://github.com/").split("/")
    # io.github.<owner>/<name>: the namespace the registry lets that GitHub owner publish to.
    assert data["name"] == f"io.github.{owner}/{repo}"
    assert data["repository"] == {"url": homepage, "source": "github"}
    assert len(data["description"]) <= 100
    assert set(data.get("_meta", {})) <= {"io.modelcontextprotocol.registry/publisher-provided"}
    [package] = data["packages"]
    assert package["registryType"] == "pypi"
    assert package.get("registryBaseUrl", "https://pypi.org") == "https://pypi.org"  # the only PyPI accepted
    assert package["identifier"] == project["name"]
    assert package["runtimeHint"] == "uvx"
    assert package["transport"] == {"type": "stdio"}
    for version in (data["version"], package["version"]):
        assert not re.search(r"[\^~<>=*]|(^|\.)x($|\.)", version), (
            f"{version!r} is a range; the registry refuses it"
        )


def test_server_json_declares_the_environment_a_user_sets_each_described() -> None:
    [package] = cast(dict[str, Any], server_json())["packages"]
    variables = {v["name"]: v for v in package["environmentVariables"]}
    assert set(variables) == {"AWS_PROFILE", "AWS_REGION", SENSITIVE_SWITCH}
    assert all(len(v.get("description", "")) >= 20 for v in variables.values())
    assert not any(v.get("isSecret") or v.get("isRequired") for v in variables.values())
    assert variables[SENSITIVE_SWITCH]["format"] == "boolean"
    assert variables[SENSITIVE_SWITCH]["default"] == "false"  # off unless the user opts in


def test_readme_carries_the_mcp_name_of_server_json_once() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert re.findall(r"mcp-name: (\S+)", readme) == [server_json()["name"]]


# --- one version -----------------------------------------------------------------------------------------


def changelog_versions() -> list[str]:
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    return re.findall(r"^## \[([^\]]+)\]", text, flags=re.MULTILINE)


def test_version_lives_in_init_and_pyproject_reads_it_from_there() -> None:
    project = pyproject()
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"]["path"] == "server/athena_session_mcp/__init__.py"
    assert re.fullmatch(r"\d+\.\d+\.\d+([ab]|rc)?\d*", __version__)


def test_every_version_agrees_with_init() -> None:
    data = cast(dict[str, Any], server_json())
    versions = changelog_versions()
    assert versions[0] == "Unreleased"  # where the next changes go
    assert {
        "server.json": data["version"],
        "server.json package": data["packages"][0]["version"],
        "CHANGELOG.md newest release": versions[1],
    } == dict.fromkeys(("server.json", "server.json package", "CHANGELOG.md newest release"), __version__)


def test_changelog_links_every_version_heading() -> None:
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    for version in changelog_versions():
        assert re.search(rf"^\[{re.escape(version)}\]: https://", text, flags=re.MULTILINE), version


# --- docs for running before publication ------------------------------------------------------------------


def test_examples_readme_shows_running_from_a_clone_next_to_the_published_form() -> None:
    text = (REPO / "examples" / "README.md").read_text(encoding="utf-8")
    for form in (
        "uvx --from /path/to/athena-session-mcp",
        "pipx install /path/to/athena-session-mcp",
        '"uvx"',
    ):
        assert form in text, form
