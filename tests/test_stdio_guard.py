"""The stdio read-stream wrapper that answers malformed requests (-32600) instead of dropping them."""

from __future__ import annotations

import anyio
import mcp_types
import pytest
from mcp.shared.message import SessionMessage
from pydantic import ValidationError

from athena_session_mcp.stdio_guard import InvalidRequestAnswerer, request_id


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
