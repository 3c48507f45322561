"""Helpers for the fleet-tool tests: call a tool through the real server and check its answer against
the published output schema; run the server against the in-process emulator."""

from __future__ import annotations

import json
from collections.abc import Generator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import boto3
import jsonschema
from mcp import Client
from mcp.server.mcpserver import MCPServer

from athena_session_mcp.tools.budget import OUTPUT_BUDGET_CHARS
from tests.conftest import NOW, text_of

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient


Progress = tuple[float, float | None, str | None]


async def call_with_progress(
    server: MCPServer, name: str, arguments: dict[str, Any]
) -> tuple[dict[str, Any], list[Progress]]:
    """Call `name`, assert success, and return its structured content with every progress notification
    (progress, total, message) the call sent, in order."""
    updates: list[Progress] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        updates.append((progress, total, message))

    async with Client(server) as client:
        result = await client.call_tool(name, arguments, progress_callback=on_progress)
    assert not result.is_error, text_of(result)
    return result.structured_content or {}, updates


async def call_ok(server: MCPServer, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """Call `name`, assert success, that the structured content matches the published outputSchema and
    the text block, and that the text block stays within the output budget. Returns the structured content."""
    async with Client(server) as client:
        tool = next(t for t in (await client.list_tools()).tools if t.name == name)
        result = await client.call_tool(name, arguments)
    assert not result.is_error, text_of(result)
    content = result.structured_content
    assert content is not None
    assert tool.output_schema is not None
    jsonschema.validate(content, tool.output_schema)
    assert json.loads(text_of(result)) == content
    assert len(text_of(result)) <= OUTPUT_BUDGET_CHARS
    return content


async def call_error(server: MCPServer, name: str, arguments: dict[str, Any]) -> str:
    """Call `name`, assert it failed as a tool error, and return the error text."""
    async with Client(server) as client:
        result = await client.call_tool(name, arguments)
    assert result.is_error
    assert result.structured_content is None
    return text_of(result)


async def call_rejected(client: AthenaClient, server: MCPServer, name: str, arguments: dict[str, Any]) -> str:
    """Call `name` with bad `arguments`, assert it failed as a tool error before any AWS call, and return
    the error text."""
    calls = count_aws_calls(client)
    text = await call_error(server, name, arguments)
    assert calls == []
    return text


def count_aws_calls(client: AthenaClient) -> list[str]:
    """Record every Athena operation the client is asked to make from now on.

    before-parameter-build fires ahead of the Stubber's before-call hook, which answers the call and
    stops later before-call handlers from ever running."""
    calls: list[str] = []

    def record(**kwargs: Any) -> None:
        calls.append(str(getattr(kwargs.get("model"), "name", "?")))

    client.meta.events.register("before-parameter-build.athena", record)
    return calls


def session_item(
    session_id: str,
    state: str = "IDLE",
    *,
    started_minutes_ago: float = 60,
    description: str | None = "nightly feature build",
    reason: str | None = None,
) -> dict[str, Any]:
    """One ListSessions item as boto3 returns it."""
    status: dict[str, Any] = {
        "StartDateTime": NOW - timedelta(minutes=started_minutes_ago),
        "LastModifiedDateTime": NOW - timedelta(minutes=1),
        "State": state,
    }
    if state == "IDLE":
        status["IdleSinceDateTime"] = NOW - timedelta(minutes=1)
    if state in ("TERMINATED", "FAILED"):
        status["EndDateTime"] = NOW - timedelta(minutes=1)
    if reason:
        status["StateChangeReason"] = reason
    item: dict[str, Any] = {
        "SessionId": session_id,
        "EngineVersion": {
            "SelectedEngineVersion": "PySpark engine version 3",
            "EffectiveEngineVersion": "PySpark engine version 3",
        },
        "NotebookVersion": "Athena notebook version 1",
        "Status": status,
    }
    if description:
        item["Description"] = description
    return item


@contextmanager
def emulated_athena(now: datetime = NOW) -> Generator[AthenaClient]:
    """A boto3 Athena client on the in-process emulator, seeded with the demo data at `now` (frozen)."""
    from moto import mock_aws

    from athena_session_mcp import emulator

    emulator.install()
    clock = emulator.get_clock()
    clock.freeze(now)
    try:
        with mock_aws():
            emulator.seed_demo()
            client: AthenaClient = boto3.client("athena", region_name="us-east-1")  # pyright: ignore[reportUnknownMemberType]
            yield client
    finally:
        clock.reset()
        emulator.clear_canned_results()
