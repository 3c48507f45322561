"""The stdio read-stream wrapper that answers malformed requests (-32600) instead of dropping them."""

from __future__ import annotations

import inspect
import textwrap

import anyio
import mcp_types
import pytest
from mcp.server.mcpserver import MCPServer
from mcp.shared.message import SessionMessage
from pydantic import ValidationError

from athena_session_mcp.transport.stdio import InvalidRequestAnswerer, request_id

# What AthenaMCPServer.run_stdio_async copies, as the SDK (mcp 2.3) wrote it.
SDK_RUN_STDIO_ASYNC = '''\
async def run_stdio_async(self) -> None:
    """Run the server using stdio transport."""
    async with stdio_server() as (read_stream, write_stream):
        await self._lowlevel_server.run(
            read_stream,
            write_stream,
            self._lowlevel_server.create_initialization_options(),
        )
'''


def failure(line: str) -> Exception:
    try:
        mcp_types.jsonrpc_message_adapter.validate_json(line, by_name=False)
    except ValidationError as exc:
        return exc
    raise AssertionError("the line was valid")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('{"jsonrpc": "1.0", "id": 7, "method": "tools/list"}', 7),
        ('{"jsonrpc": "2.0", "id": "a", "method": "tools/call", "params": "x"}', "a"),
        ('{"jsonrpc": "1.0", "id": true, "method": "tools/list"}', None),
        ('{"jsonrpc": "1.0", "method": "notifications/initialized"}', None),
        ('{"jsonrpc": "1.0", "id": 3, "result": {}}', None),
        ("not json", None),
    ],
    ids=["bad-version", "params-string", "bool-id", "notification", "response", "garbage"],
)
def test_request_id_is_found_only_for_requests_with_a_valid_id(line: str, expected: object) -> None:
    assert request_id(failure(line)) == expected


def test_request_id_ignores_other_exceptions() -> None:
    assert request_id(RuntimeError("x")) is None


async def test_invalid_request_is_answered_and_the_next_message_passes_through() -> None:
    inbound_send, inbound = anyio.create_memory_object_stream[SessionMessage | Exception](4)
    replies_send, replies = anyio.create_memory_object_stream[SessionMessage](4)
    valid = SessionMessage(mcp_types.JSONRPCRequest(jsonrpc="2.0", id=2, method="ping"))
    garbage = failure("not json")
    await inbound_send.send(failure('{"jsonrpc": "1.0", "id": 1, "method": "ping"}'))
    await inbound_send.send(garbage)
    await inbound_send.send(valid)
    inbound_send.close()
    guard = InvalidRequestAnswerer(inbound, replies_send)
    async with guard:
        received = [item async for item in guard]
    assert received == [garbage, valid]
    reply = replies.receive_nowait().message
    assert isinstance(reply, mcp_types.JSONRPCError)
    assert (reply.id, reply.error.code) == (1, -32600)
    assert "jsonrpc" in reply.error.message
    assert guard.last_context is None
    replies_send.close()
    replies.close()


def test_the_private_sdk_surface_of_the_stdio_override_is_unchanged() -> None:
    """AthenaMCPServer.run_stdio_async copies MCPServer's and reaches its private `_lowlevel_server`. If this
    fails after an SDK upgrade, redo that override from the SDK's new run_stdio_async (or drop it if the SDK
    now answers invalid requests itself), then update SDK_RUN_STDIO_ASYNC."""
    current = textwrap.dedent(inspect.getsource(MCPServer.run_stdio_async))
    assert current == SDK_RUN_STDIO_ASYNC, "the SDK's MCPServer.run_stdio_async changed: re-check server.py"
    lowlevel = MCPServer("probe")._lowlevel_server  # pyright: ignore[reportPrivateUsage]
    parameters = list(inspect.signature(lowlevel.run).parameters)
    assert parameters[:3] == ["read_stream", "write_stream", "initialization_options"]
    assert callable(lowlevel.create_initialization_options)
