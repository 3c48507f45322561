"""The published tool schemas in tool_schemas/ are generated from the code and must not drift."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from devtools import schemas

PUBLISHED = Path(__file__).resolve().parent.parent / "tool_schemas"


def test_published_tool_schemas_match_the_code() -> None:
    assert schemas.drift(PUBLISHED) == [], "run `make schemas` and commit tool_schemas/"


def test_every_published_schema_has_name_description_schemas_and_annotations() -> None:
    for path in PUBLISHED.glob("*.json"):
        definition = json.loads(path.read_text(encoding="utf-8"))
        assert definition["name"] == path.stem
        assert definition["description"].strip()
        assert definition["inputSchema"]["type"] == "object"
        assert definition["outputSchema"]["type"] == "object"
        assert "readOnlyHint" in definition["annotations"]


def test_drift_check_reports_missing_changed_and_stale_files(tmp_path: Path) -> None:
    schemas.write(tmp_path)
    assert schemas.drift(tmp_path) == []
    (tmp_path / "get_athena_session.json").write_text("{}\n", encoding="utf-8")
    (tmp_path / "retired_tool.json").write_text("{}\n", encoding="utf-8")
    problems = schemas.drift(tmp_path)
    assert "get_athena_session.json: differs from the code" in problems
    assert "retired_tool.json: no such tool any more" in problems
    schemas.write(tmp_path)
    assert not (tmp_path / "retired_tool.json").exists()


@pytest.mark.parametrize(("argv", "code"), [(["check", str(PUBLISHED)], 0), (["nonsense"], 2)])
def test_schemas_command_line_exit_codes(argv: list[str], code: int) -> None:
    assert schemas.main(argv) == code


def test_schemas_check_exits_1_on_drift(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert schemas.main(["check", str(tmp_path)]) == 1
    assert "make schemas" in capsys.readouterr().err
