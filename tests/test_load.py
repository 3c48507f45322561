"""Sustained load in-process: 1,000 sequential and 200 concurrent get_athena_session calls through the
real server against a fast keep-alive loopback Athena. No call may fail, every call must reach the
endpoint exactly once (no hidden retries), and memory must stay flat (RSS growth < 10 MB after warm-up).
"""

from __future__ import annotations

import gc
from typing import Any

import anyio
import psutil
from mcp import Client
from mcp.server.mcpserver import MCPServer

from athena_session_mcp.app import build_server
from athena_session_mcp.settings import Settings
from tests.reliability import FakeAthena

SEQUENTIAL = 1000
CONCURRENT = 200
MAX_RSS_GROWTH = 10 * 2**20


def rss() -> int:
    gc.collect()
    return psutil.Process().memory_info().rss


Outcome = tuple[str | None, str]  # (session id answered, error text or "")


def outcome(result: Any) -> Outcome:
    """What a result says, kept small: holding 1,200 full results would itself look like a leak."""
    if result.is_error:
        return None, " ".join(block.text for block in result.content)[:200] or "empty error"
    return result.structured_content["summary"]["session_id"], ""


async def sequential(client: Client, count: int) -> list[Outcome]:
    return [
        outcome(await client.call_tool("get_athena_session", {"SessionId": f"s-{i % 50}"}))
        for i in range(count)
    ]


async def concurrent(client: Client, count: int) -> list[Outcome]:
    outcomes: list[Outcome] = []

    async def one(i: int) -> None:
        outcomes.append(outcome(await client.call_tool("get_athena_session", {"SessionId": f"c-{i}"})))

    async with anyio.create_task_group() as tg:
        for i in range(count):
            tg.start_soon(one, i)
    return outcomes


def failures(outcomes: list[Outcome]) -> list[str]:
    return [error for _, error in outcomes if error]


async def test_a_thousand_sequential_and_two_hundred_concurrent_calls_succeed_with_flat_memory(
    fake_athena: FakeAthena, fake_athena_url: str
) -> None:
    server: MCPServer = build_server(Settings(region="us-east-1", endpoint_url=fake_athena_url))
    async with Client(server) as client:
        with anyio.fail_after(90):
            # Warm-up: the boto3 client, connection pool, worker threads and their malloc arenas.
            assert failures(await concurrent(client, CONCURRENT)) == []
            assert failures(await sequential(client, 100)) == []
            fake_athena.reset()
            before = rss()

            in_sequence = await sequential(client, SEQUENTIAL)
            at_once = await concurrent(client, CONCURRENT)

            growth = rss() - before
    assert len(in_sequence) == SEQUENTIAL and failures(in_sequence) == []
    assert len(at_once) == CONCURRENT and failures(at_once) == []
    assert [session_id for session_id, _ in in_sequence] == [f"s-{i % 50}" for i in range(SEQUENTIAL)]
    assert fake_athena.attempts["GetSession"] == SEQUENTIAL + CONCURRENT, "each call reaches AWS exactly once"
    ids = {session_id for session_id, _ in at_once}
    assert ids == {f"c-{i}" for i in range(CONCURRENT)}, "concurrent answers must not be mixed up"
    assert growth < MAX_RSS_GROWTH, f"RSS grew by {growth / 2**20:.1f} MB under load"
