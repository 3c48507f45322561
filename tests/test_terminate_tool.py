"""terminate_athena_session: offered only with allow_write, annotated destructive, returns the new state,
and leaves an already inactive session alone (TerminateSession "succeeds but has no effect" on it)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from botocore.stub import Stubber
from mcp import Client
from mcp.server.mcpserver import MCPServer

from athena_session_mcp.settings import Settings
from tests.conftest import NOW, server_for
from tests.factories import in_botocore_shape
from tests.fleet import call_error, call_ok, call_rejected, count_aws_calls

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient

WRITE = Settings(region="us-east-1", allow_write=True)
SESSION_ID = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"


def status(state: str) -> dict[str, Any]:
    body: dict[str, Any] = {"StartDateTime": NOW - timedelta(hours=1), "State": state}
    if state in ("TERMINATED", "FAILED"):
        body["EndDateTime"] = NOW - timedelta(minutes=3)
    return in_botocore_shape("GetSessionStatus", {"SessionId": SESSION_ID, "Status": body})


@pytest.fixture
def write_server(athena_client: AthenaClient, stubber: Stubber) -> MCPServer:
    return server_for(athena_client, settings=WRITE)


async def test_not_offered_without_allow_write(
    athena_client: AthenaClient, stubbed_server: MCPServer
) -> None:
    calls = count_aws_calls(athena_client)
    async with Client(stubbed_server) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        result = await client.call_tool("terminate_athena_session", {"SessionId": SESSION_ID})
    assert "terminate_athena_session" not in names
    assert "get_athena_session" in names
    assert result.is_error
    assert calls == []


async def test_offered_with_allow_write_and_annotated_destructive(write_server: MCPServer) -> None:
    async with Client(write_server) as client:
        tool = next(t for t in (await client.list_tools()).tools if t.name == "terminate_athena_session")
    annotations = tool.annotations
    assert annotations is not None and tool.title
    assert annotations.destructive_hint is True
    assert annotations.read_only_hint is False
    assert annotations.idempotent_hint is True  # a second call on an ended session changes nothing
    assert annotations.open_world_hint is True
    assert tool.input_schema["required"] == ["SessionId"]
    assert tool.input_schema["additionalProperties"] is False


async def test_returns_the_new_state_and_phase(write_server: MCPServer, stubber: Stubber) -> None:
    stubber.add_response("get_session_status", status("IDLE"), {"SessionId": SESSION_ID})
    stubber.add_response("terminate_session", {"State": "TERMINATING"}, {"SessionId": SESSION_ID})
    content = await call_ok(write_server, "terminate_athena_session", {"SessionId": SESSION_ID})
    assert content["session_id"] == SESSION_ID
    assert (content["state"], content["phase"]) == ("TERMINATING", "stopping")
    assert (content["state_before"], content["had_effect"]) == ("IDLE", True)
    assert "get_athena_session_status" in content["message"]
    stubber.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("state", "phase"), [("TERMINATED", "ended"), ("FAILED", "unhealthy"), ("TERMINATING", "stopping")]
)
async def test_an_inactive_session_is_reported_as_is_and_terminate_session_is_not_called(
    athena_client: AthenaClient, write_server: MCPServer, stubber: Stubber, state: str, phase: str
) -> None:
    calls = count_aws_calls(athena_client)
    stubber.add_response("get_session_status", status(state), {"SessionId": SESSION_ID})
    content = await call_ok(write_server, "terminate_athena_session", {"SessionId": SESSION_ID})
    assert calls == ["GetSessionStatus"]
    assert (content["state"], content["phase"], content["state_before"]) == (state, phase, state)
    assert content["had_effect"] is False
    assert f"already {state}" in content["message"] and "no effect" in content["message"]


async def test_unknown_session_is_not_found(write_server: MCPServer, stubber: Stubber) -> None:
    stubber.add_client_error(
        "get_session_status",
        service_error_code="InvalidRequestException",
        service_message="Session x not found",
    )
    text = await call_error(write_server, "terminate_athena_session", {"SessionId": "x"})
    assert "'x' was not found" in text


async def test_access_denied_names_terminate_session(write_server: MCPServer, stubber: Stubber) -> None:
    stubber.add_response("get_session_status", status("BUSY"), {"SessionId": SESSION_ID})
    stubber.add_client_error(
        "terminate_session", service_error_code="AccessDeniedException", service_message="no"
    )
    text = await call_error(write_server, "terminate_athena_session", {"SessionId": SESSION_ID})
    assert "athena:TerminateSession" in text


async def test_terminates_an_emulated_session_which_then_ends(emulated: AthenaClient) -> None:
    server = server_for(emulated, settings=WRITE)
    content = await call_ok(server, "terminate_athena_session", {"SessionId": "demo-idle"})
    assert content["phase"] in ("stopping", "ended")
    status = emulated.get_session_status(SessionId="demo-idle")["Status"].get("State")
    assert status in ("TERMINATING", "TERMINATED")


async def test_terminating_an_ended_emulated_session_reports_it_had_no_effect(emulated: AthenaClient) -> None:
    server = server_for(emulated, settings=WRITE)
    content = await call_ok(server, "terminate_athena_session", {"SessionId": "demo-terminated-idle"})
    assert (content["state"], content["had_effect"]) == ("TERMINATED", False)


async def test_empty_session_id_is_rejected_before_any_aws_call(
    athena_client: AthenaClient, write_server: MCPServer
) -> None:
    text = await call_rejected(athena_client, write_server, "terminate_athena_session", {"SessionId": ""})
    assert "SessionId" in text
