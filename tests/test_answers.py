"""What a model reads: every answer is one compact JSON document, identical in structuredContent and the
text block, without null or empty optional fields, and still valid against the published outputSchema."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
from botocore.stub import Stubber
from mcp import Client
from mcp.server.mcpserver import MCPServer
from mcp.types import TextContent

from athena_session_mcp.health.models import Finding, SessionTiming
from athena_session_mcp.tools.answers import lean, to_text
from tests.factories import session_response

SESSION_ID = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"


def nulls_and_empties(value: Any, path: str = "") -> list[str]:
    """Paths of null values and empty lists/objects anywhere in `value`."""
    if value is None or value == [] or value == {}:
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in nulls_and_empties(v, f"{path}.{k}")]  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in nulls_and_empties(v, f"{path}[{i}]")]  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]
    return []


async def test_session_answer_is_one_compact_document_in_both_blocks_without_nulls(
    stubbed_server: MCPServer, stubber: Stubber
) -> None:
    # A running session: no end time, no idle time, no state reason: fields the summary leaves out.
    stubber.add_response("get_session", session_response("BUSY"), {"SessionId": SESSION_ID})
    async with Client(stubbed_server) as client:
        tool = next(t for t in (await client.list_tools()).tools if t.name == "get_athena_session")
        result = await client.call_tool("get_athena_session", {"SessionId": SESSION_ID})
    assert not result.is_error and result.structured_content is not None and tool.output_schema is not None
    assert len(result.content) == 1 and isinstance(result.content[0], TextContent)
    text = result.content[0].text
    assert json.loads(text) == result.structured_content
    assert text == json.dumps(result.structured_content, separators=(",", ":"), ensure_ascii=False)
    summary = result.structured_content["summary"]
    assert nulls_and_empties(summary) == []
    for absent in ("ended_at", "idle_since", "idle_timeout_remaining_seconds"):
        assert absent not in summary["timing"]
    assert "state_change_reason" not in summary
    jsonschema.validate(result.structured_content, tool.output_schema)


def test_required_fields_stay_even_when_null_and_optional_ones_go() -> None:
    timing = SessionTiming.model_validate({"started_at": "2026-11-25T11:30:00Z"})
    assert lean(timing) == {"started_at": "2026-11-25T11:30:00Z"}
    finding = Finding(severity="info", code="X", message="m", suggestion="s")
    assert lean(finding) == {"severity": "info", "code": "X", "message": "m", "suggestion": "s"}


def test_text_is_compact_utf8_json() -> None:
    assert to_text({"headline": "IDLE · 1 DPU-h ≈ $0.35", "n": [1, 2]}) == (
        '{"headline":"IDLE · 1 DPU-h ≈ $0.35","n":[1,2]}'
    )


def _nullable(prop: dict[str, Any]) -> bool:
    types = prop.get("type")
    return (
        types == "null"
        or (isinstance(types, list) and "null" in types)
        or any(_nullable(option) for option in prop.get("anyOf", []))
    )


async def test_no_output_field_is_both_required_and_nullable() -> None:
    # Answers leave null fields out (answers.lean): a required field that could be null would be left out
    # and the answer would no longer match its own schema.
    from athena_session_mcp.app import build_server
    from athena_session_mcp.settings import Settings

    async with Client(build_server(Settings(region="us-east-1", allow_write=True))) as client:
        tools = (await client.list_tools()).tools
    checked = 0
    for tool in tools:
        schema = tool.output_schema or {}
        for name, definition in [("", schema), *schema.get("$defs", {}).items()]:
            for field in definition.get("required", []):
                checked += 1
                assert not _nullable(definition["properties"][field]), f"{tool.name} {name}.{field}"
    assert checked > 50
