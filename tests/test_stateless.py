"""--stateless for replicas behind a load balancer, and the Bedrock AgentCore Runtime contract: every
request stands alone (any replica can answer it), and the Mcp-Session-Id and
X-Amzn-Bedrock-AgentCore-Runtime-Session-Id headers AgentCore forwards are accepted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from tests.test_transports import INITIALIZE, MCP_HEADERS, HttpServer, launch, stop
from tests.test_transports import _env as server_env  # pyright: ignore[reportPrivateUsage]

pytestmark = pytest.mark.slow

AGENTCORE_SESSION = "5b9b3ad0-8e0c-4a27-9d1e-1f5b0d6c2a11"  # AgentCore uses one id for both headers
AGENTCORE_HEADERS = {
    "Mcp-Session-Id": AGENTCORE_SESSION,
    "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id": AGENTCORE_SESSION,
}
STATUS_CALL = {
    "jsonrpc": "2.0",
    "id": 2,
    "method": "tools/call",
    "params": {"name": "get_athena_session_status", "arguments": {"SessionId": "demo-idle"}},
}


@pytest.fixture(scope="module")
def replicas() -> Iterator[list[HttpServer]]:
    """Two stateless replicas of the server, each with its own emulator seeded alike."""
    started: list[HttpServer] = []
    try:
        for _ in range(2):
            started.append(launch(["--stateless", "--emulator"], server_env()))
        yield started
    finally:
        for server in started:
            stop(server)


def _rpc(url: str, message: dict[str, Any], **headers: str) -> dict[str, Any]:
    response = httpx2.post(
        url,
        json=message,
        headers={**MCP_HEADERS, "MCP-Protocol-Version": "2025-06-18", **headers},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert "mcp-session-id" not in response.headers  # stateless: the server hands out no session
    data = next(line for line in response.text.splitlines() if line.startswith("data: "))
    answer: dict[str, Any] = json.loads(data.removeprefix("data: "))
    return answer


def test_agentcore_session_headers_are_accepted_on_initialize_and_on_a_tool_call(
    replicas: list[HttpServer],
) -> None:
    url = replicas[0].url
    initialized = _rpc(url, INITIALIZE, **AGENTCORE_HEADERS)
    assert initialized["result"]["serverInfo"]["name"] == "athena-session-mcp"
    called = _rpc(url, STATUS_CALL, **AGENTCORE_HEADERS)
    assert called["result"]["structuredContent"]["summary"]["state"] == "IDLE"


def test_a_client_initialized_on_one_replica_is_answered_by_another(replicas: list[HttpServer]) -> None:
    first, second = replicas
    assert _rpc(first.url, INITIALIZE)["result"]["serverInfo"]["name"] == "athena-session-mcp"
    # The next request lands on the other replica, which never saw this client: still answered.
    called = _rpc(second.url, STATUS_CALL)
    assert called["result"]["structuredContent"]["summary"]["session_id"] == "demo-idle"
