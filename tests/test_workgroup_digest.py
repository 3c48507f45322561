"""summarize_athena_workgroup_sessions: sessions of every state, counts, near-timeout and unhealthy
sessions, usage and the period it covers, progress, bounded concurrency, the deadline, what it could not
see, and the output budget.

Expected values come from the fixtures' own numbers (the emulator's seed, or the FakeSession facts a test
sets), never from the functions the tool uses."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Generator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
import jsonschema
import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer

from athena_session_mcp.app import build_server
from athena_session_mcp.athena.client import AthenaGateway
from athena_session_mcp.settings import ENV_DIGEST_DEADLINE, Settings, SettingsError
from athena_session_mcp.tools import budget
from athena_session_mcp.tools.answers import to_text
from athena_session_mcp.tools.digest_models import BOARD_ROWS_META
from athena_session_mcp.tools.digest_reads import CONCURRENCY
from tests.conftest import NOW, server_for
from tests.fleet import call_error, call_ok, call_rejected, count_aws_calls, text_of
from tests.reliability import FakeAthena, serve_fake
from tests.workgroup_fake import FakeSession, WorkgroupFake

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient

T = TypeVar("T")
WG = "spark-wg"
DEMO_STATES = {"IDLE": 2, "BUSY": 1, "CREATING": 1, "DEGRADED": 1, "FAILED": 1, "TERMINATED": 2}


T0 = NOW.timestamp()


@contextmanager
def fake_workgroup(
    fake: WorkgroupFake, *, clock: Callable[[], datetime] = lambda: NOW, **settings: Any
) -> Generator[tuple[MCPServer, FakeAthena]]:
    """The real server on a loopback endpoint that answers for `fake`; yields it and the endpoint."""
    endpoint = FakeAthena(fake.behaviour)
    with serve_fake(endpoint) as url:
        config = replace(Settings(region="us-east-1", endpoint_url=url, max_attempts=1), **settings)
        yield build_server(config, clock=clock), endpoint


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
    assert content["alive"] == 5 and content["counts_by_state"]["IDLE"] == 2
    assert [s["session_id"] for s in content["near_idle_timeout"]] == ["demo-idle-near-timeout"]
    assert content["near_idle_timeout"][0]["idle_timeout_remaining_seconds"] == 180
    unhealthy = {s["session_id"]: s["state_change_reason"] for s in content["unhealthy"]}
    assert set(unhealthy) == {"demo-failed", "demo-degraded"}
    assert "OutOfMemoryError" in unhealthy["demo-failed"]
    assert content["oldest_idle"]["session_id"] == "demo-idle-near-timeout"
    codes = [f["code"] for f in content["findings"]]
    assert codes[0] == "UNHEALTHY_SESSIONS" and "IDLE_TIMEOUT_SOON" in codes
    assert content["truncated"] is False and content["more_sessions_exist"] is False


async def test_total_dpu_hours_estimated_cost_and_period_come_from_the_sessions() -> None:
    # 1 h + 30 min + 12 min of DPU time = 1.7 DPU-hours; at 0.5 USD that is 0.85 USD.
    sessions = [
        FakeSession("s-1", "BUSY", started=T0 - 3600, dpu_millis=3_600_000),
        FakeSession("s-2", "TERMINATED", started=T0 - 7200, dpu_millis=1_800_000, ended=T0 - 600),
        FakeSession("s-3", "FAILED", started=T0 - 5400, dpu_millis=720_000, ended=T0 - 60),
        FakeSession("s-4", "CREATING", started=T0 - 30, dpu_millis=None),
    ]
    with fake_workgroup(WorkgroupFake(WG, sessions), dpu_hour_price=0.5) as (server, _):
        content = await call_ok(server, "summarize_athena_workgroup_sessions", {"WorkGroup": WG})
    usage = content["usage"]
    assert usage["total_dpu_hours"] == pytest.approx(1.7, abs=1e-4)
    assert usage["estimated_cost_usd"] == pytest.approx(0.85, abs=1e-4)
    assert usage["price_per_dpu_hour_usd"] == 0.5 and usage["cost_is_estimate"] is True
    assert usage["sessions_without_statistics"] == 1
    # The period: from the earliest start (s-2, two hours ago) to when the last session was read.
    assert usage["from_time"] == "2026-11-25T10:00:00Z" and usage["to_time"] == "2026-11-25T12:00:00Z"
    assert "2026-11-25T10:00:00Z" in usage["covers"]
    assert "(est.)" in content["headline"]


async def test_finds_sessions_in_every_state_by_listing_each_state() -> None:
    # Without a StateFilter the endpoint lists only active sessions, as the API reference documents.
    sessions = [
        FakeSession("idle", "IDLE", started=T0 - 600, idle_since=T0 - 60),
        FakeSession("ended", "TERMINATED", started=T0 - 900, ended=T0 - 300),
        FakeSession("failed", "FAILED", started=T0 - 1200, ended=T0 - 100, reason="OutOfMemoryError"),
        FakeSession("stopping", "TERMINATING", started=T0 - 1500),
    ]
    with fake_workgroup(WorkgroupFake(WG, sessions)) as (server, endpoint):
        content = await call_ok(server, "summarize_athena_workgroup_sessions", {"WorkGroup": WG})
    assert content["counts_by_state"] == {"IDLE": 1, "TERMINATED": 1, "FAILED": 1, "TERMINATING": 1}
    assert content["sessions_examined"] == 4
    assert [s["session_id"] for s in content["unhealthy"]] == ["failed"]
    assert endpoint.attempts["ListSessions"] == 8 and len(content["states_listed"]) == 8
    assert content["states_not_listed"] == []


async def test_a_state_that_cannot_be_listed_is_named_and_the_rest_is_answered() -> None:
    sessions = [
        FakeSession("idle", "IDLE", started=T0 - 600, idle_since=T0 - 60),
        FakeSession("failed", "FAILED", started=T0 - 1200, ended=T0 - 100),
    ]
    fake = WorkgroupFake(WG, sessions, unlistable_states=frozenset({"FAILED"}))
    with fake_workgroup(fake) as (server, _):
        content = await call_ok(server, "summarize_athena_workgroup_sessions", {"WorkGroup": WG})
    assert content["counts_by_state"] == {"IDLE": 1}
    assert len(content["states_not_listed"]) == 1 and content["states_not_listed"][0].startswith("FAILED: ")
    assert "FAILED" not in content["states_listed"]
    assert "STATES_NOT_LISTED" in [f["code"] for f in content["findings"]]
    assert content["truncated"] is True and "states_not_listed" in content["hint"]


async def test_countdowns_are_as_of_when_each_session_is_read() -> None:
    # Idle for 10 of its 20 minutes at NOW; the clock says it was read 4 minutes later: 6 minutes left.
    session = FakeSession("idle", "IDLE", started=T0 - 3600, idle_since=T0 - 600, idle_timeout_minutes=20)
    with fake_workgroup(WorkgroupFake(WG, [session]), clock=lambda: NOW + timedelta(minutes=4)) as (
        server,
        _,
    ):
        content = await call_ok(server, "summarize_athena_workgroup_sessions", {"WorkGroup": WG})
    assert content["oldest_idle"]["idle_timeout_remaining_seconds"] == 6 * 60
    assert content["oldest_idle"]["idle_timeout_at"] == "2026-11-25T12:10:00Z"
    assert content["usage"]["to_time"] == "2026-11-25T12:04:00Z"


# Every session state, as botocore's service model lists them (SessionState enum).
EVERY_STATE = ["CREATING", "CREATED", "IDLE", "BUSY", "TERMINATING", "TERMINATED", "DEGRADED", "FAILED"]
# How late past its deadline a digest may answer: the time to render what it read, with room for a
# loaded machine. A correctness bound (the deadline holds whatever the latency), not a benchmark.
DEADLINE_SLACK = 1.0


async def timed_digest(server: MCPServer, arguments: dict[str, Any]) -> tuple[dict[str, Any], float]:
    """The digest's structured content (checked against its outputSchema) and how long the call took."""
    async with Client(server) as client:
        tool = next(
            t for t in (await client.list_tools()).tools if t.name == "summarize_athena_workgroup_sessions"
        )
        started = time.monotonic()
        result = await client.call_tool("summarize_athena_workgroup_sessions", arguments)
        elapsed = time.monotonic() - started
    assert not result.is_error, text_of(result)
    assert result.structured_content is not None and tool.output_schema is not None
    jsonschema.validate(result.structured_content, tool.output_schema)
    return result.structured_content, elapsed


def no_read_left_open(endpoint: FakeAthena) -> None:
    """Reads the digest abandoned end with the endpoint (it releases them), not after the test."""
    give_up = time.monotonic() + 5
    while endpoint.in_flight and time.monotonic() < give_up:
        time.sleep(0.01)
    assert endpoint.in_flight == 0


@pytest.mark.slow  # waits on real time (deadlines, timeouts): make test only
async def test_the_deadline_holds_when_reads_are_far_slower_and_lists_every_session_not_read() -> None:
    sessions = [
        FakeSession(f"s-{i:02d}", "IDLE", started=T0 - 60 * i, idle_since=T0 - 30) for i in range(1, 13)
    ]
    # Each GetSession answers after 30 s (within botocore's read timeout): a 2 s deadline must not wait.
    fake = WorkgroupFake(WG, sessions, read_latency=30)
    with fake_workgroup(fake, digest_deadline_seconds=2, read_timeout=60) as (server, endpoint):
        content, elapsed = await timed_digest(server, {"WorkGroup": WG})
    no_read_left_open(endpoint)
    assert elapsed < 2 + DEADLINE_SLACK
    assert content["deadline_reached"] is True and content["truncated"] is True
    assert content["sessions_listed"] == 12 and content["sessions_examined"] == 0
    assert content["sessions_not_read"] == [f"s-{i:02d}" for i in range(1, 13)], "newest first"
    assert content["states_not_listed"] == [], "every state was listed"
    deadline = next(f for f in content["findings"] if f["code"] == "DEADLINE_REACHED")
    assert deadline["message"] == (
        "The digest stopped at its 2s deadline: 12 of 12 listed sessions were not read (see sessions_not_read)."
    )
    assert content["hint"].startswith("Partial: the 2s deadline passed with 12 listed session(s) unread.")


@pytest.mark.slow  # waits on real time (deadlines, timeouts): make test only
async def test_a_deadline_passing_while_listing_names_every_state_not_listed() -> None:
    sessions = [FakeSession("s-1", "IDLE", started=T0 - 60, idle_since=T0 - 30)]
    fake = WorkgroupFake(WG, sessions, latency=30)  # ListSessions too
    with fake_workgroup(fake, digest_deadline_seconds=1, read_timeout=60) as (server, endpoint):
        content, elapsed = await timed_digest(server, {"WorkGroup": WG})
    no_read_left_open(endpoint)
    assert elapsed < 1 + DEADLINE_SLACK
    assert content["states_listed"] == [] and content["sessions_listed"] == 0
    assert content["states_not_listed"] == [
        f"{s}: not listed before the 1s deadline passed" for s in EVERY_STATE
    ]
    codes = [f["code"] for f in content["findings"]]
    assert "STATES_NOT_LISTED" in codes and "DEADLINE_REACHED" in codes and "NO_SESSIONS" not in codes
    deadline = next(f for f in content["findings"] if f["code"] == "DEADLINE_REACHED")
    assert deadline["message"].endswith(
        "sessions in state(s) " + ", ".join(EVERY_STATE) + " were not listed."
    )


@pytest.mark.slow  # 500 sessions through a loopback endpoint
async def test_the_deadline_holds_for_the_largest_digest_rendering_included() -> None:
    # MaxSessions at its maximum, every read fast but the newest one's: the answer renders what was read
    # (up to 499 summaries) after the deadline, and must still come within the slack. With the default
    # 45 s deadline that keeps a digest inside the 60 s many MCP clients give a tool call.
    sessions = [
        FakeSession(f"s-{i:03d}", "IDLE", started=T0 - 60 * i, idle_since=T0 - 30) for i in range(500)
    ]
    fake = WorkgroupFake(WG, sessions, read_latency=30, slow_sessions=frozenset({"s-000"}))
    with fake_workgroup(fake, digest_deadline_seconds=3, read_timeout=60) as (server, endpoint):
        content, elapsed = await timed_digest(server, {"WorkGroup": WG, "MaxSessions": 500})
    no_read_left_open(endpoint)
    assert elapsed < 3 + DEADLINE_SLACK
    assert content["deadline_reached"] is True and content["sessions_listed"] == 500
    assert content["sessions_not_read"][0] == "s-000"
    assert content["sessions_examined"] > 0


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
    assert Counter(calls) == {"ListSessions": 8, "GetSession": 3}


async def test_an_unreadable_session_is_reported_not_fatal() -> None:
    sessions = [
        FakeSession("s-1", "IDLE", started=T0 - 60, idle_since=T0 - 30),
        FakeSession("s-2", "BUSY", started=T0),
    ]
    with fake_workgroup(WorkgroupFake(WG, sessions, denied_sessions=frozenset({"s-2"}))) as (server, _):
        content = await call_ok(server, "summarize_athena_workgroup_sessions", {"WorkGroup": WG})
    assert content["sessions_listed"] == 2 and content["sessions_examined"] == 1
    assert len(content["detail_errors"]) == 1 and content["detail_errors"][0].startswith("s-2: ")
    assert "athena:GetSession" in content["detail_errors"][0]
    assert "DETAILS_UNAVAILABLE" in [f["code"] for f in content["findings"]]


async def test_many_unhealthy_sessions_are_capped_at_twenty_within_the_budget() -> None:
    reason = '"' * 1024  # the longest StateChangeReason, in the character JSON escapes to two
    sessions = [
        FakeSession(f"s-{i:02d}", "FAILED", started=T0 - 3600 - i, ended=T0 - 60, reason=reason)
        for i in range(40)
    ]
    with fake_workgroup(WorkgroupFake(WG, sessions)) as (server, _):
        content = await call_ok(server, "summarize_athena_workgroup_sessions", {"WorkGroup": WG})
    assert content["counts_by_state"] == {"FAILED": 40}
    assert len(content["unhealthy"]) == 20
    assert content["truncated"] is True and "StateFilter" in content["hint"]
    assert len(content["unhealthy"][0]["state_change_reason"]) == 160
    assert len(to_text(content)) <= budget.OUTPUT_BUDGET_CHARS


async def test_empty_workgroup_has_a_clear_finding() -> None:
    with fake_workgroup(WorkgroupFake(WG, [])) as (server, _):
        async with Client(server) as client:
            tool = next(
                t
                for t in (await client.list_tools()).tools
                if t.name == "summarize_athena_workgroup_sessions"
            )
            result = await client.call_tool("summarize_athena_workgroup_sessions", {"WorkGroup": WG})
    assert result.structured_content is not None and tool.output_schema is not None
    jsonschema.validate(result.structured_content, tool.output_schema)
    assert [f["code"] for f in result.structured_content["findings"]] == ["NO_SESSIONS"]
    assert "oldest_idle" not in result.structured_content


async def test_unknown_workgroup_is_not_found() -> None:
    with fake_workgroup(WorkgroupFake(WG, [])) as (server, _):
        text = await call_error(server, "summarize_athena_workgroup_sessions", {"WorkGroup": "x"})
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
    text = await call_rejected(
        athena_client, stubbed_server, "summarize_athena_workgroup_sessions", arguments
    )
    assert expected in text


@pytest.mark.slow  # waits on real time (deadlines, timeouts): make test only
async def test_a_throttling_endpoint_still_gets_every_session_examined_or_reported() -> None:
    sessions = [FakeSession(f"s-{i:03d}", "IDLE", started=T0 - i, idle_since=T0 - 30) for i in range(60)]
    fake = WorkgroupFake(WG, sessions, throttle_share=0.3, throttled_operations=frozenset({"GetSession"}))
    with fake_workgroup(fake, max_attempts=3) as (server, endpoint):
        content = await call_ok(server, "summarize_athena_workgroup_sessions", {"WorkGroup": WG})
    listed = content["sessions_listed"]
    assert listed == 60
    assert content["sessions_examined"] + len(content.get("detail_errors", [])) == listed
    assert all("throttl" in error.lower() for error in content.get("detail_errors", []))
    assert sum(fake.throttled.values()) > 0 and endpoint.attempts["GetSession"] > content["sessions_examined"]


@pytest.mark.parametrize(("value", "expected"), [("", 45.0), ("12.5", 12.5), ("3600", 3600.0)])
def test_digest_deadline_comes_from_the_environment(value: str, expected: float) -> None:
    assert Settings.resolve({ENV_DIGEST_DEADLINE: value}).digest_deadline_seconds == expected


@pytest.mark.parametrize("value", ["soon", "0", "3601", "-5"])
def test_a_digest_deadline_that_is_not_1_to_3600_seconds_is_refused(value: str) -> None:
    with pytest.raises(SettingsError, match=ENV_DIGEST_DEADLINE):
        Settings.resolve({ENV_DIGEST_DEADLINE: value})


async def test_the_board_rows_carry_every_listed_session_in_meta_and_never_reach_the_answer() -> None:
    sessions = [
        FakeSession("idle", "IDLE", started=T0 - 600, idle_since=T0 - 60),
        FakeSession("failed", "FAILED", started=T0 - 1200, ended=T0 - 100, reason="OutOfMemoryError"),
    ]
    with fake_workgroup(WorkgroupFake(WG, sessions)) as (server, _):
        async with Client(server) as client:
            result = await client.call_tool("summarize_athena_workgroup_sessions", {"WorkGroup": WG})
    rows = (result.meta or {})[BOARD_ROWS_META]
    assert [(r["session_id"], r["state"], r["phase"]) for r in rows] == [
        ("idle", "IDLE", "ready"),  # newest first, as listed
        ("failed", "FAILED", "unhealthy"),
    ]
    assert rows[1]["state_change_reason"] == "OutOfMemoryError" and "ended_at" in rows[1]
    # Hosts give _meta to views; the model reads the structured content and the text, which hold no rows.
    assert "sessions" not in (result.structured_content or {})
    assert BOARD_ROWS_META not in text_of(result)
