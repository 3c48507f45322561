"""The output budget helpers: clipping, fitting a result to the budget, continuing a cut listing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from mcp import Client
from pydantic import BaseModel

from athena_session_mcp.athena.responses import clip
from athena_session_mcp.settings import Settings
from athena_session_mcp.tools import budget
from athena_session_mcp.tools.budget import Page, continuation, fit, rendered_size
from tests.conftest import server_for
from tests.fleet import count_aws_calls

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient


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


# One call of every tool, on the emulator's sessions, with every switch on (sensitive data, write): the
# sessions of both engines, the Spark 3.5 ones being those GetSessionEndpoint would answer for.
EVERY_TOOL_CALL: dict[str, dict[str, Any]] = {
    "list_athena_session_history": {"Days": 14},
    "get_athena_session": {"SessionId": "demo-spark35-idle"},
    "get_athena_session_status": {"SessionId": "demo-spark35-idle"},
    "list_athena_sessions": {"WorkGroup": "demo-spark35", "AllPages": True},
    "list_spark_workgroups": {},
    "list_athena_calculations": {"SessionId": "demo-idle"},
    "get_athena_calculation": {
        "CalculationExecutionId": "demo-idle-calc-failed",
        "IncludeCode": True,
        "IncludeOutput": True,
    },
    "list_athena_executors": {"SessionId": "demo-spark35-idle"},
    "diagnose_athena_session": {"SessionId": "demo-spark35-idle"},
    "summarize_athena_workgroup_sessions": {"WorkGroup": "demo-spark", "MaxSessions": 500},
    "terminate_athena_session": {"SessionId": "demo-spark35-idle"},
}


async def test_no_tool_calls_get_session_endpoint_or_returns_its_token_and_every_answer_fits_the_budget(
    emulated: AthenaClient,
) -> None:
    settings = Settings(region="us-east-1", allow_write=True, allow_sensitive_data_access=True)
    server = server_for(emulated, settings=settings)
    calls = count_aws_calls(emulated)
    async with Client(server) as client:
        listed = {tool.name for tool in (await client.list_tools()).tools}
        # A new tool must be added here, so the sweep covers it.
        assert listed == EVERY_TOOL_CALL.keys()
        for name, arguments in EVERY_TOOL_CALL.items():
            result = await client.call_tool(name, arguments)
            text = "".join(str(getattr(block, "text", "")) for block in result.content)
            assert not result.is_error, (name, text[:300])
            # The endpoint and its short-lived token grant access to the session: never fetched, never shown.
            assert "AuthToken" not in text and "EndpointUrl" not in text, name
            assert len(text) <= budget.OUTPUT_BUDGET_CHARS, (name, len(text))
    assert calls and "GetSessionEndpoint" not in calls
