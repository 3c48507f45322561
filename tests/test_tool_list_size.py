"""What the model pays for the tool list: bounded in size, each shared definition described once, and
no warning (untrusted content, estimated cost) lost on the way."""

from __future__ import annotations

import json
from typing import Any, cast

import jsonschema
import pytest
from mcp import Client

from athena_session_mcp.app import build_server
from athena_session_mcp.settings import Settings
from athena_session_mcp.tools.schema_size import first_sentence, restates

# Issue M's budget: the whole tools/list, and what a model needs to choose and call a tool. Issue R's two
# account-wide tools (list_athena_session_history, summarize_athena_account: 3.3k and 3.9k compact) raised
# the whole from 45,000; shorter tool descriptions written at their source (issue Q) lowered the calling part
# from 12,000.
MAX_TOOLS_LIST_CHARS = 50_000
MAX_CALLING_CHARS = 11_000


async def _tools() -> list[dict[str, Any]]:
    server = build_server(Settings(region="us-east-1", allow_write=True))
    async with Client(server) as client:
        listed = (await client.list_tools()).tools
    return [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in listed]


def _compact(value: object) -> int:
    return len(json.dumps(value, separators=(",", ":")))


async def test_the_whole_tool_list_stays_within_its_budget() -> None:
    tools = await _tools()
    assert len(tools) == 12  # every tool, terminate included
    assert _compact({"tools": tools}) <= MAX_TOOLS_LIST_CHARS


async def test_names_descriptions_and_input_schemas_stay_within_their_budget() -> None:
    calling = [{k: t[k] for k in ("name", "description", "inputSchema")} for t in await _tools()]
    assert _compact(calling) <= MAX_CALLING_CHARS


async def test_every_tool_and_every_argument_is_described() -> None:
    for tool in await _tools():
        assert tool["description"]
        for name, prop in tool["inputSchema"]["properties"].items():
            assert prop.get("description"), f"{tool['name']}.{name}"


async def test_a_shared_definition_is_described_by_one_tool_only() -> None:
    describers: dict[str, list[str]] = {}
    for tool in await _tools():
        for name, definition in tool.get("outputSchema", {}).get("$defs", {}).items():
            if definition.get("description"):
                describers.setdefault(name, []).append(tool["name"])
    assert describers["Finding"] == ["get_athena_session"]
    assert all(len(tools) == 1 for tools in describers.values()), describers


async def test_untrusted_and_estimate_warnings_survive_in_every_tool_that_returns_them() -> None:
    by_name = {t["name"]: json.dumps(t.get("outputSchema", {})) for t in await _tools()}
    assert "UNTRUSTED" in by_name["diagnose_athena_session"]
    for tool in ("get_athena_session", "diagnose_athena_session", "summarize_athena_workgroup_sessions"):
        assert "ESTIMATE" in by_name[tool], tool


def _keywords(node: Any, keyword: str) -> list[Any]:
    """Values of `keyword` used as a schema keyword anywhere under `node` (a property named like the
    keyword is a field, not the keyword)."""
    found: list[Any] = []
    if isinstance(node, dict):
        items = cast(dict[str, Any], node).items()
        found.extend(value for key, value in items if key == keyword and not isinstance(value, dict))
        for _, value in items:
            found.extend(_keywords(value, keyword))
    elif isinstance(node, list):
        for value in cast(list[Any], node):
            found.extend(_keywords(value, keyword))
    return found


async def test_output_schemas_carry_no_titles_or_defaults() -> None:
    for tool in await _tools():
        schema = tool.get("outputSchema", {})
        assert _keywords(schema, "title") == [] and _keywords(schema, "default") == [], tool["name"]


@pytest.mark.parametrize(
    ("name", "description", "expected"),
    [
        ("session_id", "The session ID.", True),
        ("dpu_hours", "DPU execution time in DPU-hours.", True),
        ("state_change_reason", "Status.StateChangeReason.", True),
        ("kms_key_configured", "Whether a KMS key is set (the key itself is not shown).", False),
        ("logging", "enabled: a destination is on; disabled: the destinations it names are off.", False),
    ],
)
def test_a_description_that_only_restates_its_field_name_is_recognised(
    name: str, description: str, expected: bool
) -> None:
    assert restates(name, description) is expected


def test_first_sentence_stops_at_a_full_stop_before_a_capital_letter() -> None:
    text = "Costs, e.g. about 0.35 USD, are shown. More here."
    assert first_sentence(text) == "Costs, e.g. about 0.35 USD, are shown."
    assert first_sentence("No full stop at all") == "No full stop at all"


async def test_a_nullable_enumeration_in_an_output_is_one_enum_that_accepts_null_and_its_values() -> None:
    schema = next(t for t in await _tools() if t["name"] == "list_athena_sessions")["outputSchema"]
    state_filter = schema["properties"]["state_filter"]
    assert "anyOf" not in state_filter and state_filter["enum"][-1] is None
    for value in (None, "TERMINATED"):
        jsonschema.validate({**_listing(), "state_filter": value}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**_listing(), "state_filter": "terminated"}, schema)


def _listing() -> dict[str, Any]:
    return {
        "workgroup": "wg",
        "sessions": [],
        "returned": 0,
        "more_available": False,
        "hint": "h",
    }


async def test_inputs_keep_their_enum_choices_but_drop_null_defaults_and_outputs_drop_their_own_description() -> (
    None
):
    for tool in await _tools():
        assert "description" not in tool.get("outputSchema", {}), tool["name"]
        for name, prop in tool["inputSchema"]["properties"].items():
            assert prop.get("default", "absent") is not None, f"{tool['name']}.{name}"
    listing = next(t for t in await _tools() if t["name"] == "list_athena_sessions")["inputSchema"]
    assert listing["properties"]["StateFilter"]["anyOf"][0]["enum"][0] == "CREATING"
    assert listing["additionalProperties"] is False


def test_each_server_gets_its_own_schemas_however_many_are_built() -> None:
    # Tool schemas are derived once per process; a server changing its copy must not reach another server.
    from athena_session_mcp.app import build_tools
    from athena_session_mcp.athena.client import AthenaGateway
    from athena_session_mcp.tools import Deps

    settings = Settings(region="us-east-1", allow_write=True)
    first = build_tools(Deps(gateway=AthenaGateway(settings), settings=settings))
    schema = first[0].output_schema
    assert schema is not None
    schema["properties"].clear()
    first[0].parameters["properties"].clear()
    second = build_tools(Deps(gateway=AthenaGateway(settings), settings=settings))
    again = second[0].output_schema
    assert again is not None and again["properties"] and second[0].parameters["properties"]
    assert [t.name for t in second] == [t.name for t in first]
