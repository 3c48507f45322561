"""summarize_athena_workgroup_sessions: counts, near-timeout and unhealthy sessions, usage, progress,
bounded concurrency and the output budget."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
import jsonschema
import pytest
from botocore.stub import Stubber
from mcp import Client
from mcp.server.mcpserver import MCPServer

from athena_session_mcp import budget
from athena_session_mcp.aws import AthenaGateway
from athena_session_mcp.config import Settings
from athena_session_mcp.server import build_server
from athena_session_mcp.summary import summarize_session
from athena_session_mcp.tools.digest import CONCURRENCY
from tests.conftest import NOW, server_for
from tests.factories import session_response
from tests.fleet import call_error, call_ok, count_aws_calls, emulated_athena, session_item, text_of

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient

T = TypeVar("T")
WG = "spark-wg"
DEMO_STATES = {"IDLE": 2, "BUSY": 1, "CREATING": 1, "DEGRADED": 1, "FAILED": 1, "TERMINATED": 2}


@pytest.fixture
def emulated() -> Iterator[AthenaClient]:
    with emulated_athena() as client:
        yield client


class CountingGateway(AthenaGateway):
    """The real gateway, recording how many calls are in flight at once."""

    def __init__(self, settings: Settings, client: AthenaClient) -> None:
        super().__init__(settings, client=client)
        self.in_flight = 0
        self.peak = 0

    async def call(
        self, fn: Callable[[AthenaClient], T], *, action: str, what: str, finder: str | None = None
    ) -> T:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await anyio.sleep(0.001)  # let the other tasks start, so the peak is observable
            return await super().call(fn, action=action, what=what, finder=finder)
        finally:
            self.in_flight -= 1


async def test_digest_of_the_emulated_demo_workgroup(emulated: AthenaClient) -> None:
    content = await call_ok(
        server_for(emulated), "summarize_athena_workgroup_sessions", {"WorkGroup": "demo-spark"}
    )
    assert content["counts_by_state"] == DEMO_STATES
    assert content["sessions_listed"] == content["sessions_examined"] == 8
    assert content["alive"] == 5 and content["accepting_calculations"] == 2
    assert [s["session_id"] for s in content["near_idle_timeout"]] == ["demo-idle-near-timeout"]
    assert content["near_idle_timeout"][0]["idle_timeout_remaining_seconds"] == 180
    unhealthy = {s["session_id"]: s["state_change_reason"] for s in content["unhealthy"]}
    assert set(unhealthy) == {"demo-failed", "demo-degraded"}
    assert "OutOfMemoryError" in unhealthy["demo-failed"]
    assert content["oldest_idle"]["session_id"] == "demo-idle-near-timeout"
    codes = [f["code"] for f in content["findings"]]
    assert codes[0] == "UNHEALTHY_SESSIONS" and "IDLE_TIMEOUT_SOON" in codes
    assert content["truncated"] is False and content["more_sessions_exist"] is False


async def test_total_dpu_hours_and_estimated_cost_add_up_the_sessions(emulated: AthenaClient) -> None:
    settings = Settings(region="us-east-1", dpu_hour_price=0.5)
    content = await call_ok(
        server_for(emulated, settings=settings),
        "summarize_athena_workgroup_sessions",
        {"WorkGroup": "demo-spark"},
    )
    ids = [s.get("SessionId", "") for s in emulated.list_sessions(WorkGroup="demo-spark")["Sessions"]]
    hours = [summarize_session(emulated.get_session(SessionId=i), now=NOW).usage.dpu_hours or 0 for i in ids]
    usage = content["usage"]
    assert usage["total_dpu_hours"] == pytest.approx(sum(hours), abs=1e-3)
    assert usage["estimated_cost_usd"] == pytest.approx(sum(hours) * 0.5, abs=1e-3)
    assert usage["price_per_dpu_hour_usd"] == 0.5 and usage["cost_is_estimate"] is True
    assert "(est.)" in content["headline"]


async def test_reports_progress_while_reading_session_details(emulated: AthenaClient) -> None:
    updates: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        updates.append((progress, total, message))

    async with Client(server_for(emulated)) as client:
        result = await client.call_tool(
            "summarize_athena_workgroup_sessions", {"WorkGroup": "demo-spark"}, progress_callback=on_progress
        )
    assert not result.is_error, text_of(result)
    assert updates[0][0] == 0 and updates[-1][:2] == (8, 8)
    assert [p for p, _, _ in updates] == sorted(p for p, _, _ in updates)
    assert all(total == 8 for _, total, _ in updates)
    assert "demo-spark" in (updates[0][2] or "")


async def test_reads_details_concurrently_but_never_more_than_the_limit(emulated: AthenaClient) -> None:
    for _ in range(30):
        emulated.start_session(WorkGroup="demo-spark", EngineConfiguration={"MaxConcurrentDpus": 2})
    settings = Settings(region="us-east-1")
    gateway = CountingGateway(settings, emulated)
    server = build_server(settings, gateway=gateway, clock=lambda: NOW)
    content = await call_ok(server, "summarize_athena_workgroup_sessions", {"WorkGroup": "demo-spark"})
    assert content["sessions_examined"] == 38
    assert 1 < gateway.peak <= CONCURRENCY


async def test_max_sessions_caps_what_is_examined_and_says_so(emulated: AthenaClient) -> None:
    calls = count_aws_calls(emulated)
    content = await call_ok(
        server_for(emulated),
        "summarize_athena_workgroup_sessions",
        {"WorkGroup": "demo-spark", "MaxSessions": 3},
    )
    assert content["sessions_listed"] == 3 and sum(content["counts_by_state"].values()) == 3
    assert content["more_sessions_exist"] is True and content["truncated"] is True
    assert "MaxSessions" in content["hint"]
    assert "MORE_SESSIONS" in [f["code"] for f in content["findings"]]
    assert Counter(calls) == {"ListSessions": 1, "GetSession": 3}


async def test_an_unreadable_session_is_reported_not_fatal(
    stubbed_server: MCPServer, stubber: Stubber
) -> None:
    stubber.add_response(
        "list_sessions",
        {"Sessions": [session_item("s-1"), session_item("s-2")]},
        {"WorkGroup": WG, "MaxResults": 100},
    )
    stubber.add_response("get_session", session_response("IDLE"))
    stubber.add_client_error(
        "get_session", service_error_code="AccessDeniedException", service_message="denied"
    )
    content = await call_ok(stubbed_server, "summarize_athena_workgroup_sessions", {"WorkGroup": WG})
    assert content["sessions_listed"] == 2 and content["sessions_examined"] == 1
    assert len(content["detail_errors"]) == 1 and "athena:GetSession" in content["detail_errors"][0]
    assert "DETAILS_UNAVAILABLE" in [f["code"] for f in content["findings"]]


async def test_many_unhealthy_sessions_are_capped_to_fit_the_budget(
    stubbed_server: MCPServer, stubber: Stubber, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(budget, "OUTPUT_BUDGET_CHARS", 6_000)
    reason = "Executor heartbeat lost " * 20
    stubber.add_response(
        "list_sessions",
        {"Sessions": [session_item(f"s-{i:02d}", "FAILED", reason=reason) for i in range(40)]},
    )
    for _ in range(40):
        stubber.add_response("get_session", session_response("FAILED", reason=reason))
    content = await call_ok(stubbed_server, "summarize_athena_workgroup_sessions", {"WorkGroup": WG})
    assert content["counts_by_state"] == {"FAILED": 40}
    assert 0 < len(content["unhealthy"]) < 20
    assert content["truncated"] is True and "StateFilter" in content["hint"]
    assert len(content["unhealthy"][0]["state_change_reason"]) == 160


async def test_empty_workgroup_has_a_clear_finding(stubbed_server: MCPServer, stubber: Stubber) -> None:
    stubber.add_response("list_sessions", {"Sessions": []})
    async with Client(stubbed_server) as client:
        tool = next(
            t for t in (await client.list_tools()).tools if t.name == "summarize_athena_workgroup_sessions"
        )
        result = await client.call_tool("summarize_athena_workgroup_sessions", {"WorkGroup": WG})
    assert result.structured_content is not None and tool.output_schema is not None
    jsonschema.validate(result.structured_content, tool.output_schema)
    assert [f["code"] for f in result.structured_content["findings"]] == ["NO_SESSIONS"]
    assert "oldest_idle" not in result.structured_content


async def test_unknown_workgroup_is_not_found(stubbed_server: MCPServer, stubber: Stubber) -> None:
    stubber.add_client_error(
        "list_sessions",
        service_error_code="InvalidRequestException",
        service_message="WorkGroup x is not found.",
    )
    text = await call_error(stubbed_server, "summarize_athena_workgroup_sessions", {"WorkGroup": "x"})
    assert "was not found" in text and "list_spark_workgroups" in text


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"WorkGroup": WG, "MaxSessions": 0}, "MaxSessions"),
        ({"WorkGroup": WG, "MaxSessions": 501}, "MaxSessions"),
        ({"WorkGroup": "no spaces"}, "WorkGroup"),
        ({"WorkGroup": WG, "ctx": {}}, "unknown argument(s) 'ctx'"),
    ],
)
async def test_invalid_arguments_are_rejected_before_any_aws_call(
    athena_client: AthenaClient, stubbed_server: MCPServer, arguments: dict[str, Any], expected: str
) -> None:
    calls = count_aws_calls(athena_client)
    text = await call_error(stubbed_server, "summarize_athena_workgroup_sessions", arguments)
    assert expected in text
    assert calls == []
