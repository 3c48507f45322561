"""The output budget helpers: clipping, fitting a result to the budget, continuing a cut listing."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from athena_session_mcp.app import build_server
from athena_session_mcp.settings import Settings
from athena_session_mcp.tools import budget
from athena_session_mcp.tools.budget import Page, clip, continuation, fit, rendered_size


class Listing(BaseModel):
    items: list[str]


def test_clip_keeps_short_text_and_marks_cut_text() -> None:
    assert clip(None, 10) is None
    assert clip("a  b\n c", 10) == "a b c"
    assert clip("x" * 11, 10) == "x" * 9 + "…"
    assert len(clip("y" * 500, 160) or "") == 160


def test_fit_keeps_everything_that_fits() -> None:
    items = ["a" * 10] * 5
    result, shown = fit(lambda n: Listing(items=items[:n]), len(items), budget=10_000)
    assert shown == 5 and result.items == items


@pytest.mark.parametrize("limit", [100, 257, 1_000, 2_345])
def test_fit_returns_the_largest_prefix_within_the_budget(limit: int) -> None:
    items = [f"item-{i:04d}-" + "z" * 40 for i in range(100)]
    result, shown = fit(lambda n: Listing(items=items[:n]), len(items), budget=limit)
    assert rendered_size(result) <= limit
    assert shown == 100 or rendered_size(Listing(items=items[: shown + 1])) > limit


def test_fit_reads_the_module_budget_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(budget, "OUTPUT_BUDGET_CHARS", 200)
    items = ["q" * 50] * 10
    result, _ = fit(lambda n: Listing(items=items[:n]), len(items))
    assert rendered_size(result) <= 200


def test_continuation_when_everything_was_shown_is_the_last_token() -> None:
    pages = [Page(None, 0), Page("t2", 3)]
    cont = continuation(pages, shown=5, total=5, last_token="t3", page_size=3)
    assert (cont.next_token, cont.resume_token, cont.resume_max_results, cont.repeats, cont.more) == (
        "t3",
        "t3",
        3,
        0,
        True,
    )
    done = continuation(pages, shown=5, total=5, last_token=None, page_size=3)
    assert done.more is False and done.next_token is None


def test_continuation_at_a_page_boundary_is_that_pages_token() -> None:
    cont = continuation([Page(None, 0), Page("t2", 3)], shown=3, total=6, last_token="t3", page_size=3)
    assert (cont.next_token, cont.resume_token, cont.resume_max_results, cont.repeats) == ("t2", "t2", 3, 0)


def test_continuation_inside_a_page_repeats_that_page_short() -> None:
    cont = continuation([Page("t1", 0), Page("t2", 3)], shown=5, total=6, last_token="t3", page_size=3)
    assert cont.next_token is None
    assert (cont.resume_token, cont.resume_max_results, cont.repeats, cont.more) == ("t2", 2, 2, True)


def test_no_tool_exposes_the_session_endpoint_or_its_auth_token() -> None:
    import anyio

    server = build_server(Settings(region="us-east-1", allow_write=True))
    tools = anyio.run(server.list_tools)
    assert not [t.name for t in tools if "endpoint" in t.name.lower()]
    package = Path(budget.__file__).parent
    sources = [p for p in package.rglob("*.py") if "emulator" not in p.parts]
    assert not [str(p) for p in sources if "get_session_endpoint" in p.read_text(encoding="utf-8")]
