"""The athena://sessions/{SessionId} resource template and the diagnose_athena_session prompt."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from botocore.stub import Stubber
from mcp import Client
from mcp.server.mcpserver import MCPServer
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS, TextContent, TextResourceContents

from tests.conftest import server_for
from tests.factories import session_response

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient

SESSION_ID = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"


async def test_resource_template_is_listed_as_json(stubbed_server: MCPServer) -> None:
    async with Client(stubbed_server) as client:
        templates = (await client.list_resource_templates()).resource_templates
    template = next(t for t in templates if t.uri_template == "athena://sessions/{SessionId}")
    assert template.mime_type == "application/json"
    assert template.description and "get_athena_session" in template.description


async def test_resource_is_the_same_document_as_get_athena_session(
    stubbed_server: MCPServer, stubber: Stubber
) -> None:
    stubber.add_response("get_session", session_response("IDLE", idle_minutes=17), {"SessionId": SESSION_ID})
    stubber.add_response("get_session", session_response("IDLE", idle_minutes=17), {"SessionId": SESSION_ID})
    async with Client(stubbed_server) as client:
        read = await client.read_resource(f"athena://sessions/{SESSION_ID}")
        tool = await client.call_tool("get_athena_session", {"SessionId": SESSION_ID})
    content = read.contents[0]
    assert isinstance(content, TextResourceContents)
    assert content.mime_type == "application/json"
    assert json.loads(content.text) == tool.structured_content


async def test_unknown_session_is_a_not_found_resource_error_with_the_fix(emulated: AthenaClient) -> None:
    async with Client(server_for(emulated)) as client:
        with pytest.raises(MCPError) as raised:
            await client.read_resource("athena://sessions/no-such-session")
    assert raised.value.error.code == INVALID_PARAMS
    assert "'no-such-session' was not found" in raised.value.error.message
    assert "list_athena_sessions" in raised.value.error.message


async def test_other_failures_are_resource_errors_naming_the_fix(
    stubbed_server: MCPServer, stubber: Stubber
) -> None:
    stubber.add_client_error("get_session", service_error_code="AccessDeniedException", service_message="no")
    async with Client(stubbed_server) as client:
        with pytest.raises(MCPError) as raised:
            await client.read_resource(f"athena://sessions/{SESSION_ID}")
    assert raised.value.error.code != INVALID_PARAMS
    assert "athena:GetSession" in raised.value.error.message


async def test_reads_an_emulated_session(emulated: AthenaClient) -> None:
    async with Client(server_for(emulated)) as client:
        read = await client.read_resource("athena://sessions/demo-busy")
    content = read.contents[0]
    assert isinstance(content, TextResourceContents)
    assert json.loads(content.text)["summary"]["state"] == "BUSY"


async def test_prompt_is_listed_with_its_session_id_argument(stubbed_server: MCPServer) -> None:
    async with Client(stubbed_server) as client:
        prompts = (await client.list_prompts()).prompts
    prompt = next(p for p in prompts if p.name == "diagnose_athena_session")
    assert prompt.arguments is not None
    assert [(a.name, a.required) for a in prompt.arguments] == [("SessionId", True)]
    assert prompt.description and not prompt.description.startswith(" ")


async def test_prompt_walks_through_the_session_its_calculations_and_the_next_step(
    stubbed_server: MCPServer,
) -> None:
    async with Client(stubbed_server) as client:
        prompt = await client.get_prompt("diagnose_athena_session", {"SessionId": SESSION_ID})
    assert len(prompt.messages) == 1 and prompt.messages[0].role == "user"
    content = prompt.messages[0].content
    assert isinstance(content, TextContent)
    text = content.text
    for step in ("get_athena_session", "list_athena_calculations", "get_athena_calculation", SESSION_ID):
        assert step in text
    assert text.index("get_athena_session ") < text.index("list_athena_calculations")
    assert "terminat" in text.lower() and "estimate" in text


async def test_prompt_without_a_session_id_is_an_error(stubbed_server: MCPServer) -> None:
    async with Client(stubbed_server) as client:
        with pytest.raises(MCPError):
            await client.get_prompt("diagnose_athena_session", {})
