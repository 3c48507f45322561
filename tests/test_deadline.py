"""One deadline per tool call reaches every AWS read the call makes: a diagnosis against an endpoint
whose every read is slow answers with what it read and names the rest; a single read past it is a tool
error that says so. Real time against the loopback FakeAthena (make test only)."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from mcp import Client

from athena_session_mcp.app import build_server
from athena_session_mcp.settings import Settings
from tests.conftest import text_of
from tests.fleet import call_ok
from tests.reliability import Behaviour, FakeAthena, Json, Reply, get_session_body

pytestmark = pytest.mark.slow
SESSION = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"


def settings(url: str, seconds: float) -> Settings:
    return replace(
        Settings(region="us-east-1", endpoint_url=url, max_attempts=1), tool_deadline_seconds=seconds
    )


def slow_after_get_session(delay: float) -> Behaviour:
    def behaviour(operation: str, request: Json) -> Reply:
        if operation == "GetSession":
            return Reply(body=get_session_body(SESSION))
        if operation == "ListExecutors":
            return Reply(body={"SessionId": SESSION, "ExecutorsSummary": []}, delay=delay)
        return Reply(body={}, delay=delay)

    return behaviour


async def test_a_diagnosis_answers_by_its_deadline_and_names_what_it_did_not_read(
    fake_athena: FakeAthena, fake_athena_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", fake_athena_url)  # S3 and CloudWatch Logs reads come here too
    fake_athena.reset(slow_after_get_session(30.0))
    started = time.monotonic()
    content = await call_ok(
        build_server(settings(fake_athena_url, 3.0)), "diagnose_athena_session", {"SessionId": SESSION}
    )
    elapsed = time.monotonic() - started
    assert elapsed < 3.0 + 2.0, elapsed
    assert content["session_id"] == SESSION  # what was read (GetSession) is answered
    gaps = " ".join(str(gap) for gap in content.get("gaps", []))
    assert "deadline (3 s" in gaps, content.get("gaps")


async def test_a_read_past_the_deadline_is_a_tool_error_that_says_so(
    fake_athena: FakeAthena, fake_athena_url: str
) -> None:
    fake_athena.reset()
    fake_athena.always(Reply(body=get_session_body(SESSION), delay=30.0))
    started = time.monotonic()
    async with Client(build_server(settings(fake_athena_url, 1.0))) as client:
        result = await client.call_tool("get_athena_session", {"SessionId": SESSION})
    assert time.monotonic() - started < 1.0 + 2.0
    assert result.is_error
    assert "deadline (1 s, ATHENA_SESSION_MCP_TOOL_DEADLINE_SECONDS) passed first" in text_of(result)


async def test_reads_within_the_deadline_are_untouched(fake_athena: FakeAthena, fake_athena_url: str) -> None:
    fake_athena.reset()
    fake_athena.always(Reply(body=get_session_body(SESSION), delay=0.2))
    content = await call_ok(
        build_server(settings(fake_athena_url, 5.0)), "get_athena_session", {"SessionId": SESSION}
    )
    assert content["summary"]["session_id"] == SESSION
