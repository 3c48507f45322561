"""Hostile input: random and malicious tool arguments through the protocol (every listed tool, so new
tools are covered as they land), and malformed JSON-RPC on the real stdio process.

The server must never die, must answer each bad input with a clear, bounded error (a tool error with a
message or a JSON-RPC error) without sending anything to AWS, and must serve the next valid call. AWS is
the seeded emulator, in its own process; no real AWS. What reaches it is counted on the server's own
boto3 client (botocore's before-send event fires for every HTTP request it is about to send).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import anyio
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mcp import Client
from mcp.server.mcpserver import MCPServer
from mcp.shared.exceptions import MCPError
from mcp.types import CallToolResult, Tool

from athena_session_mcp.app import build_server
from athena_session_mcp.athena.client import AthenaGateway
from athena_session_mcp.settings import Settings
from tests.conftest import FAKE_ENV, text_of
from tests.stdio_harness import StdioServer, is_tool_error, server_env, tool_text

VALID_SESSION = "demo-idle"
MAX_ERROR_CHARS = 2000  # an error names the problem; it never echoes a hostile value back in full
MEGABYTE = "A" * 1_000_000

HOSTILE_STRINGS: list[str] = [
    "",
    " ",
    "\x00",
    "\x1b[2J\x1b[31mred",
    "a" * 257,
    "a" * 10_000,
    MEGABYTE,
    "🙂" * 300,
    "\u202egnp.exe",
    "demo-idle\r\nX-Injected: yes",
    "../../../../etc/passwd",
    "'; DROP TABLE sessions; --",
    '" OR 1=1 --',
    "<script>alert(1)</script>",
    "${jndi:ldap://127.0.0.1/a}",
    "{{7*7}}",
    "%s%s%s%n",
    "$(rm -rf /)",
    '{"SessionId": "demo-idle"}',
    "arn:aws:athena:us-east-1:123456789012:workgroup/*",
    "\ud800",
]

strings = st.one_of(
    st.sampled_from(HOSTILE_STRINGS),
    st.text(max_size=300),
    st.text(st.characters(categories=["Cc", "Cf", "Zs", "Co"]), min_size=1, max_size=40),
)
scalars = st.one_of(
    strings,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=8,
)


@pytest.fixture(scope="module")
def sent() -> list[str]:
    """The Athena operations the server's client has sent, in order."""
    return []


@pytest.fixture(scope="module")
def server(emulator_url: str, sent: list[str]) -> MCPServer:
    settings = Settings(region="us-east-1", endpoint_url=emulator_url)
    gateway = AthenaGateway(settings)

    def record(event_name: str, **_: Any) -> None:
        sent.append(event_name.rpartition(".")[2])

    with pytest.MonkeyPatch.context() as env:  # the client takes its credentials when it is built
        for name, value in FAKE_ENV.items():
            env.setenv(name, value)
        gateway.client().meta.events.register("before-send.athena", record)
    return build_server(settings, gateway=gateway)


@pytest.fixture(scope="module")
def tools(server: MCPServer) -> dict[str, Tool]:
    async def listing() -> list[Tool]:
        async with Client(server) as client:
            return (await client.list_tools()).tools

    return {tool.name: tool for tool in anyio.run(listing)}


async def call(
    server: MCPServer, sent: list[str], name: str, arguments: dict[str, Any]
) -> tuple[CallToolResult | None, str, list[str]]:
    """The tool result, or None and the JSON-RPC error message, and the AWS requests the call sent;
    then a valid call must still succeed."""
    async with Client(server) as client:
        before = len(sent)
        try:
            result: CallToolResult | None = await client.call_tool(name, arguments)
            rpc_error = ""
        except MCPError as exc:
            result, rpc_error = None, exc.error.message
        requests = sent[before:]
        follow_up = await client.call_tool("get_athena_session", {"SessionId": VALID_SESSION})
    assert not follow_up.is_error, f"the next valid call failed: {text_of(follow_up)}"
    assert sent[before + len(requests) :] == ["GetSession"], "the valid follow-up must reach AWS"
    return result, rpc_error, requests


def schema_valid(tool: Tool, arguments: dict[str, Any]) -> bool:
    try:
        jsonschema.validate(arguments, tool.input_schema)
    except jsonschema.ValidationError:
        return False
    return True


def check_answer(result: CallToolResult | None, rpc_error: str) -> str:
    """Bad input gets a clear, bounded error; returns its text."""
    if result is None:
        assert rpc_error.strip(), "a JSON-RPC error without a message"
        return rpc_error
    assert result.is_error
    text = text_of(result)
    assert text.strip(), "a tool error without a message"
    assert len(text) <= MAX_ERROR_CHARS, f"an error of {len(text)} characters echoes too much"
    return text


def test_the_server_lists_tools_to_fuzz(tools: dict[str, Tool]) -> None:
    assert "get_athena_session" in tools
    for tool in tools.values():
        assert tool.input_schema.get("additionalProperties") is False, tool.name


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_hostile_arguments_to_any_listed_tool_get_a_clear_bounded_error_and_the_server_keeps_serving(
    server: MCPServer, sent: list[str], tools: dict[str, Tool], data: st.DataObject
) -> None:
    name = data.draw(st.sampled_from(sorted(tools)), label="tool")
    tool = tools[name]
    known = sorted(tool.input_schema.get("properties", {}))
    keys = st.one_of(st.sampled_from(known), st.text(max_size=40)) if known else st.text(max_size=40)
    arguments = data.draw(st.dictionaries(keys, values, max_size=4), label="arguments")

    result, rpc_error, requests = anyio.run(call, server, sent, name, arguments)

    if not schema_valid(tool, arguments):
        check_answer(result, rpc_error)  # anything the schema forbids is refused...
        assert requests == [], f"{name} sent schema-invalid arguments to AWS: {requests}"  # ...never sent
    elif result is not None and result.is_error:
        check_answer(result, rpc_error)  # valid shape, but AWS may still say no (unknown id): clearly


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.one_of(st.text(max_size=300), st.sampled_from(["", "get_athena_session ", "GET_ATHENA_SESSION"]))
)
def test_unknown_tool_names_get_a_clear_error(
    server: MCPServer, sent: list[str], tools: dict[str, Tool], name: str
) -> None:
    if name in tools:
        return
    result, rpc_error, requests = anyio.run(call, server, sent, name, {"SessionId": VALID_SESSION})
    check_answer(result, rpc_error)
    assert requests == []


async def test_a_huge_unknown_tool_name_is_not_echoed_back_in_full(
    server: MCPServer, sent: list[str]
) -> None:
    before = len(sent)
    async with Client(server) as client:
        result = await client.call_tool("a" * 100_000, {})
    assert sent[before:] == []
    text = check_answer(result, "")
    assert len(text) <= MAX_ERROR_CHARS
    assert "get_athena_session" in text, "the error should list the tools that do exist"


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({}, "SessionId is required"),
        ({"SessionId": ""}, "1-256 characters"),
        ({"SessionId": "a" * 257}, "a string of 257 characters"),
        ({"SessionId": MEGABYTE}, "a string of 1000000 characters"),
        ({"SessionId": 12345}, "got a number"),
        ({"SessionId": None}, "got null"),
        ({"SessionId": ["demo-idle"]}, "got a list of 1 items"),
        ({"SessionId": VALID_SESSION, "Region": "eu-west-1"}, "unknown argument(s) 'Region'"),
        ({"sessionid": VALID_SESSION}, "names are case-sensitive"),
    ],
    ids=["empty", "blank", "257", "1MB", "number", "null", "list", "extra-key", "wrong-case"],
)
async def test_invalid_get_session_arguments_are_refused_with_what_would_be_right_and_never_sent_to_aws(
    server: MCPServer, sent: list[str], arguments: dict[str, Any], expected: str
) -> None:
    before = len(sent)
    async with Client(server) as client:
        result = await client.call_tool("get_athena_session", arguments)
    assert sent[before:] == [], "refused arguments reached AWS"
    text = check_answer(result, "")
    assert expected in text
    assert "get_athena_session takes: SessionId (required)" in text
    assert MEGABYTE[:300] not in text


async def test_ids_that_pass_validation_but_do_not_exist_get_a_not_found_error(
    server: MCPServer, sent: list[str]
) -> None:
    async with Client(server) as client:
        for session_id in ["no-such-session", "'; DROP TABLE sessions; --", "🙂" * 64, "x" * 256]:
            before = len(sent)
            result = await client.call_tool("get_athena_session", {"SessionId": session_id})
            assert "not found" in check_answer(result, ""), session_id
            assert sent[before:] == ["GetSession"], "a valid id is AWS's to judge: it must be asked"


# --- Malformed JSON-RPC on the real stdio process --------------------------------------------------


@pytest.fixture(scope="module")
def stdio(emulator_url: str) -> Iterator[StdioServer]:
    env = server_env({k: v for k, v in FAKE_ENV.items() if k.startswith("AWS_")})
    with StdioServer(["serve", "--endpoint-url", emulator_url, "--region", "us-east-1"], env) as server:
        assert "result" in server.initialize(timeout=60)
        yield server


def deeply_nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


# Lines without a usable id: nothing to answer (JSON-RPC allows a parse error with id null).
UNANSWERABLE = {
    "garbage": b"garbage",
    "truncated-json": b'{"jsonrpc": "2.0", "id": 1, "method": ',
    "invalid-utf8": b"\xff\xfe\xfd\x00\x01",
    "nul-bytes": b"\x00" * 64,
    "empty-line": b"",
    "json-string": b'"tools/list"',
    "json-number": b"42",
    "empty-batch": b"[]",
    "batch": b'[{"jsonrpc": "2.0", "id": "batch-1", "method": "tools/list"}]',
    "null-id": b'{"jsonrpc": "2.0", "id": null, "method": "tools/list"}',
    "object-id": b'{"jsonrpc": "2.0", "id": {"a": 1}, "method": "tools/list"}',
    "deep-nesting": deeply_nested(100_000),
    "huge-garbage-line": b"x" * 3_000_000,
    "response-from-nowhere": b'{"jsonrpc": "2.0", "id": 424242, "result": {}}',
    "notification-unknown": b'{"jsonrpc": "2.0", "method": "notifications/whatever", "params": {"a": 1}}',
}


@pytest.mark.parametrize("line", list(UNANSWERABLE.values()), ids=list(UNANSWERABLE))
def test_malformed_lines_are_survived_without_junk_on_stdout(stdio: StdioServer, line: bytes) -> None:
    stdio.write_line(line)
    response = stdio.call_tool("get_athena_session", {"SessionId": VALID_SESSION}, timeout=30)
    assert not is_tool_error(response), tool_text(response)
    assert stdio.alive()
    for message in stdio.unsolicited():
        assert "unparseable" not in message, f"non-JSON on stdout: {message}"
        assert "error" in message and message.get("jsonrpc") == "2.0", message


# Requests with a usable id must get an answer with that id.
ANSWERED: dict[str, tuple[dict[str, Any], int]] = {
    "unknown-method": ({"method": "sessions/destroy_all"}, -32601),
    "arguments-not-an-object": (
        {
            "method": "tools/call",
            "params": {"name": "get_athena_session", "arguments": "SessionId=demo-idle"},
        },
        -32602,
    ),
    "tools-call-without-name": ({"method": "tools/call", "params": {"arguments": {}}}, -32602),
}


@pytest.mark.parametrize(("request_body", "code"), list(ANSWERED.values()), ids=list(ANSWERED))
def test_bad_requests_with_an_id_get_a_json_rpc_error_and_the_server_keeps_serving(
    stdio: StdioServer, request_body: dict[str, Any], code: int
) -> None:
    request_id = f"bad-{code}-{len(json.dumps(request_body))}"
    stdio.write_line(json.dumps({"jsonrpc": "2.0", "id": request_id, **request_body}).encode())
    answer = stdio.wait_for(request_id, timeout=10)
    assert answer["error"]["code"] == code
    assert answer["error"]["message"]
    assert not is_tool_error(stdio.call_tool("get_athena_session", {"SessionId": VALID_SESSION}))


def test_a_two_megabyte_request_line_is_answered(stdio: StdioServer) -> None:
    response = stdio.call_tool("get_athena_session", {"SessionId": "b" * 2_000_000})
    assert is_tool_error(response)
    assert "a string of 2000000 characters" in tool_text(response)
    assert len(tool_text(response)) <= MAX_ERROR_CHARS


def test_unknown_tool_over_stdio_is_a_tool_error_naming_it(stdio: StdioServer) -> None:
    response = stdio.call_tool("drop_all_sessions", {})
    assert is_tool_error(response)
    assert "Unknown tool" in tool_text(response)


@pytest.mark.parametrize(
    "line",
    [
        b'{"jsonrpc": "1.0", "id": "old-version", "method": "tools/list"}',
        b'{"jsonrpc": "2.0", "id": "params-string", "method": "tools/call", "params": "x"}',
    ],
    ids=["wrong-jsonrpc-version", "params-not-an-object"],
)
def test_invalid_requests_with_an_id_get_an_invalid_request_error(stdio: StdioServer, line: bytes) -> None:
    request_id = json.loads(line)["id"]
    stdio.write_line(line)
    assert stdio.wait_for(request_id, timeout=1)["error"]["code"] == -32600
