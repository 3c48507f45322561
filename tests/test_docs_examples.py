"""The examples in README.md and docs/ are what the code produces now, and the README is a user guide
whose commands work: the generated blocks do not drift, the clone forms are what `make install` builds,
the token recipe makes a file the server accepts, and every flag it names exists."""

from __future__ import annotations

import io
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from devtools import docs_examples

from athena_session_mcp.athena.errors import call_error
from athena_session_mcp.cli.options import build_parser
from athena_session_mcp.transport.auth import load_token

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
# The ceiling for the user guide; performance, releasing, the contract suite and the fidelity
# ledger live in docs/ and FIDELITY.md.
README_MAX_CHARS = 20_000


@pytest.fixture(scope="module")
def blocks() -> dict[str, str]:
    return docs_examples.generate(REPO)


def test_readme_and_docs_examples_are_what_the_code_generates(blocks: dict[str, str]) -> None:
    err = io.StringIO()
    assert docs_examples.check(REPO, blocks, err) == 0, err.getvalue()


def test_every_generated_block_is_shown_somewhere(blocks: dict[str, str]) -> None:
    text = "".join(path.read_text(encoding="utf-8") for path in docs_examples.doc_files(REPO))
    shown = set(re.findall(r"<!-- BEGIN generated:([a-z0-9_]+) -->", text))
    assert shown == set(blocks)


def test_drift_is_reported_with_the_block_and_the_command_that_fixes_it(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "README.md").write_text(
        "intro\n<!-- BEGIN generated:tools -->\nold table\n<!-- END generated:tools -->\nend\n",
        encoding="utf-8",
    )
    (tmp_path / "docs" / "guide.md").write_text(
        "<!-- BEGIN generated:tools -->\nnew table\n<!-- END generated:tools -->\n", encoding="utf-8"
    )
    err = io.StringIO()
    assert docs_examples.check(tmp_path, {"tools": "new table\n"}, err) == 1
    assert "README.md: tools" in err.getvalue()
    assert "docs/guide.md" not in err.getvalue()
    assert "make docs" in err.getvalue()


def test_write_replaces_only_the_block_bodies_and_then_nothing_drifts(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "intro\n<!-- BEGIN generated:tools -->\nold\n<!-- END generated:tools -->\nend\n", encoding="utf-8"
    )
    assert docs_examples.write(tmp_path, {"tools": "new\n"}) == ["README.md"]
    assert readme.read_text(encoding="utf-8") == (
        "intro\n<!-- BEGIN generated:tools -->\nnew\n<!-- END generated:tools -->\nend\n"
    )
    assert docs_examples.write(tmp_path, {"tools": "new\n"}) == []
    assert docs_examples.check(tmp_path, {"tools": "new\n"}, io.StringIO()) == 0


def test_an_unknown_block_name_is_an_error_naming_the_file_and_the_known_blocks(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(
        "<!-- BEGIN generated:tool -->\n<!-- END generated:tool -->\n", encoding="utf-8"
    )
    with pytest.raises(KeyError, match=r"README\.md: unknown generated block 'tool' \(known: tools\)"):
        docs_examples.write(tmp_path, {"tools": "x\n"})


def test_the_session_example_is_the_frozen_emulators_near_timeout_session(blocks: dict[str, str]) -> None:
    body = blocks["get_session_example"]
    summary = json.loads(body.removeprefix("```json\n").removesuffix("```\n"))
    # seed.py: last calculation ended 17 minutes before now, 20-minute idle timeout.
    assert summary["session_id"] == "demo-idle-near-timeout"
    assert summary["timing"]["idle_timeout_remaining_seconds"] == 180
    assert [f["code"] for f in summary["findings"]] == ["IDLE_TIMEOUT_SOON"]


def test_the_demo_sessions_table_puts_each_session_in_its_seeded_workgroup(blocks: dict[str, str]) -> None:
    rows = dict(
        re.findall(r"^\| `(demo-[a-z0-9-]+)` \| `([a-z0-9-]+)` \|", blocks["demo_sessions"], re.MULTILINE)
    )
    assert rows["demo-unencrypted"] == "demo-spark-unencrypted"
    assert rows["demo-spark35-failed"] == "demo-spark35"
    assert rows["demo-failed"] == "demo-spark"
    assert len(rows) == 12


# --- the README itself -----------------------------------------------------------------------------------


def test_readme_starts_with_make_demo_then_make_test() -> None:
    commands = [line.split("#")[0].strip() for line in README.read_text(encoding="utf-8").splitlines()[:4]]
    assert [c for c in commands if c.startswith("make ")] == ["make demo", "make test"]


def test_readme_is_a_guide_of_at_most_20000_characters() -> None:
    assert len(README.read_text(encoding="utf-8")) <= README_MAX_CHARS


def test_the_clone_command_is_the_console_script_make_install_puts_in_the_venv() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^VENV\s*:=\s*\.venv$", makefile, re.MULTILINE)
    assert docs_examples.CLONE_COMMAND.endswith("/.venv/bin/athena-session-mcp")
    # This test runs in such a venv: the script is there under that name.
    assert (Path(sys.prefix) / "bin" / "athena-session-mcp").exists()


@pytest.mark.parametrize("server", ["athena-sessions", "athena-sessions-offline"])
def test_clone_forms_pass_the_published_arguments_to_the_cli(server: str) -> None:
    entry = json.loads((REPO / "examples" / "claude_config.json").read_text(encoding="utf-8"))["mcpServers"][
        server
    ]
    venv_args = docs_examples.clone_venv_entry(entry)["args"]
    uvx_args = docs_examples.clone_uvx_args(entry)
    assert uvx_args[:2] == [
        "--from",
        docs_examples.CLONE + ("[emulator]" if server.endswith("offline") else ""),
    ]
    assert uvx_args[2:] == ["athena-session-mcp", *venv_args]
    parsed, extra = build_parser().parse_known_args(venv_args)
    assert extra == [] and (parsed.command or "serve") == "serve"


def test_the_token_recipe_makes_a_private_file_the_server_accepts(
    blocks: dict[str, str], tmp_path: Path
) -> None:
    lines = blocks["http_token"].removeprefix("```sh\n").removesuffix("```\n").splitlines()
    token_file = tmp_path / "token"
    recipe = [line.replace(docs_examples.TOKEN_FILE, shlex.quote(str(token_file))) for line in lines[:2]]
    # python3 of this venv: the recipe needs only the standard library.
    script = "\n".join(recipe).replace("python3 ", f"{shlex.quote(sys.executable)} ", 1)
    subprocess.run(["sh", "-ec", script], check=True, timeout=30)
    assert token_file.stat().st_mode & 0o077 == 0
    token = load_token(str(token_file))
    assert token is not None and len(token) >= 32
    assert lines[2].endswith(f"--auth-token-file {docs_examples.TOKEN_FILE}")


def test_every_server_flag_is_in_the_readme_and_every_flag_it_names_exists() -> None:
    flag = r"(?<![\w-])(--[A-Za-z][A-Za-z-]+)"
    text = README.read_text(encoding="utf-8")
    flags = set(re.findall(flag, build_parser().format_help()))
    named = set(re.findall(flag, text))
    assert sorted(flags - named - {"--help", "--version"}) == []
    # Flags of the other programs the README quotes (uvx, claude mcp add), of `call` and of `doctor`.
    others = {
        "--from",
        "--scope",
        "--transport",
        "--header",
        "--refresh",
        "--json",
        "--SessionId",
        "--workgroup",
    }
    assert sorted(named - flags - others) == []


# Pages linked from the README that the work on issues 18 and 19 writes; once merged they exist too.
WRITTEN_ELSEWHERE = {"docs/diagnosis.md", "docs/remote.md", "docs/deploy.md"}


def test_every_relative_link_in_the_readme_and_docs_points_at_a_file() -> None:
    missing: set[str] = set()
    for path in docs_examples.doc_files(REPO):
        for target in re.findall(r"\]\(([^)#\s]+)", path.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            resolved = (path.parent / target).resolve()
            if not resolved.exists():
                missing.add(resolved.relative_to(REPO).as_posix())
    assert missing <= WRITTEN_ELSEWHERE, sorted(missing - WRITTEN_ELSEWHERE)


def test_the_access_denied_answer_points_at_the_policy_page_that_exists() -> None:
    denied = ClientError(
        {"Error": {"Code": "AccessDeniedException", "Message": "not authorized"}}, "GetSession"
    )
    message = str(call_error(denied, action="athena:GetSession", what="Session 'x'", region="us-east-1"))
    assert "docs/iam.md" in message
    assert (REPO / "docs" / "iam.md").read_text(encoding="utf-8").count('"Action"') >= 1
