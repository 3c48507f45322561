"""What the model pays for the tool list: bounded in size because the words written at each field and
tool are short (tools/schema.py adds and removes none), with no warning (untrusted content, estimated
cost) left out."""

from __future__ import annotations

import json
from typing import Any, cast

import jsonschema
import pytest
from mcp import Client
from pydantic import BaseModel

from athena_session_mcp.app import build_server
from athena_session_mcp.settings import Settings

# Issue Q's budget: the whole tools/list, and what a model needs to choose and call a tool (names,
# descriptions, input schemas), every tool included.
MAX_TOOLS_LIST_CHARS = 45_000
MAX_CALLING_CHARS = 10_500


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


async def test_untrusted_and_estimate_warnings_survive_in_every_tool_that_returns_them() -> None:
    by_name = {t["name"]: json.dumps(t.get("outputSchema", {})) for t in await _tools()}
    assert "UNTRUSTED" in by_name["diagnose_athena_session"]
    for tool in (
        "get_athena_session",
        "diagnose_athena_session",
        "summarize_athena_workgroup_sessions",
        "summarize_athena_account",
    ):
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


async def test_no_schema_carries_a_title_or_a_class_docstring() -> None:
    from athena_session_mcp.health.models import SessionTiming

    docstring = " ".join((SessionTiming.__doc__ or "").split())
    for tool in await _tools():
        for schema in (tool["inputSchema"], tool.get("outputSchema", {})):
            assert _keywords(schema, "title") == [], tool["name"]
            assert docstring not in json.dumps(schema), tool["name"]


def _output_models() -> list[type[BaseModel]]:
    from athena_session_mcp.health.models import OutModel

    found: list[type[BaseModel]] = []
    pending: list[type[BaseModel]] = [OutModel]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


async def test_every_description_written_at_a_result_field_is_published_as_written() -> None:
    # Expected values are the models' own words: nothing between the model and the wire may cut them.
    published = json.dumps([t.get("outputSchema", {}) for t in await _tools()])
    written = [
        (cls.__name__, name, field.description)
        for cls in _output_models()
        for name, field in cls.model_fields.items()
        if field.description
    ]
    assert len(written) >= 30
    for model, name, description in written:
        assert json.dumps(description) in published, f"{model}.{name}"


def _nullable(prop: dict[str, Any]) -> bool:
    kind = prop.get("type")
    return (
        (isinstance(kind, list) and "null" in kind)
        or None in prop.get("enum", [])
        or {"type": "null"} in prop.get("anyOf", [])
    )


async def test_an_output_field_a_lean_answer_may_leave_out_says_it_is_null_then() -> None:
    # answers.lean drops null fields: the schema must say what an absent field means.
    checked = 0
    for tool in await _tools():
        schema = tool.get("outputSchema", {})
        for owner in [schema, *schema.get("$defs", {}).values()]:
            for name, prop in owner.get("properties", {}).items():
                if _nullable(prop):
                    assert name not in owner.get("required", []), f"{tool['name']}: {name}"
                    assert prop.get("default", "absent") is None, f"{tool['name']}: {name}"
                    checked += 1
    assert checked >= 100


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


async def test_inputs_keep_their_enum_choices_and_drop_null_defaults() -> None:
    for tool in await _tools():
        for name, prop in tool["inputSchema"]["properties"].items():
            assert prop.get("default", "absent") is not None, f"{tool['name']}.{name}"
    listing = next(t for t in await _tools() if t["name"] == "list_athena_sessions")["inputSchema"]
    assert listing["properties"]["StateFilter"]["anyOf"][0]["enum"][0] == "CREATING"
    assert listing["additionalProperties"] is False


def test_each_server_gets_its_own_schemas_however_many_are_built() -> None:
    # A server changing its copy of a schema must not reach another server.
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
