"""list_athena_sessions: compact rows, API-mirrored arguments, one page per call, Athena's NextToken as is."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import botocore.session
import pytest
from botocore.stub import Stubber
from mcp import Client
from mcp.server.mcpserver import MCPServer

from tests.conftest import server_for
from tests.fleet import call_error, call_ok, call_rejected, session_item

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient

WG = "spark-wg"


async def test_input_schema_mirrors_the_list_sessions_request_shape(stubbed_server: MCPServer) -> None:
    shape = (
        botocore.session.get_session().get_service_model("athena").operation_model("ListSessions").input_shape
    )
    assert shape is not None
    async with Client(stubbed_server) as client:
        tool = next(t for t in (await client.list_tools()).tools if t.name == "list_athena_sessions")
    props = tool.input_schema["properties"]
    assert set(shape.members) == set(props)
    assert tool.input_schema["required"] == shape.required_members == ["WorkGroup"]
    assert props["StateFilter"]["anyOf"][0]["enum"] == shape.members["StateFilter"].metadata["enum"]
    # Athena allows 1-100; a page of 30 of the longest rows is what fits the output budget (test_budget).
    assert (props["MaxResults"]["minimum"], props["MaxResults"]["maximum"]) == (1, 30)
    assert shape.members["MaxResults"].metadata["max"] == 100
    assert props["NextToken"]["maxLength"] == shape.members["NextToken"].metadata["max"]
    assert shape.members["WorkGroup"].metadata["pattern"] in props["WorkGroup"]["pattern"]
    assert all(prop.get("description") for prop in props.values())
    # ListSessions API reference: without StateFilter it lists sessions "in an active state like CREATING,
    # CREATED, IDLE, or BUSY". The schema must say so, and how to see ended sessions.
    state_filter = props["StateFilter"]["description"]
    assert "Omit for all states" not in state_filter
    assert "only active sessions" in state_filter and "TERMINATED or FAILED" in state_filter
    assert "only active sessions" in (tool.description or "")
    assert tool.annotations is not None and tool.annotations.read_only_hint is True
    assert tool.annotations.idempotent_hint is True and tool.annotations.open_world_hint is True


async def test_one_page_of_compact_rows_with_the_next_token_and_exact_continue_arguments(
    stubbed_server: MCPServer, stubber: Stubber
) -> None:
    stubber.add_response(
        "list_sessions",
        {
            "Sessions": [
                session_item("s-1", "IDLE"),
                session_item("s-2", "FAILED", reason="Executor lost " + "x" * 500, description="d" * 400),
            ],
            "NextToken": "tok-2",
        },
        {"WorkGroup": WG, "StateFilter": "IDLE", "MaxResults": 2, "NextToken": "tok-1"},
    )
    content = await call_ok(
        stubbed_server,
        "list_athena_sessions",
        {"WorkGroup": WG, "StateFilter": "IDLE", "MaxResults": 2, "NextToken": "tok-1"},
    )
    assert [row["session_id"] for row in content["sessions"]] == ["s-1", "s-2"]
    first, second = content["sessions"]
    assert (first["state"], first["phase"], first["idle_since"]) == ("IDLE", "ready", "2026-11-25T11:59:00Z")
    assert (second["phase"], second["ended_at"]) == ("unhealthy", "2026-11-25T11:59:00Z")
    assert len(second["state_change_reason"]) == 160 and second["state_change_reason"].endswith("…")
    assert len(second["description"]) == 120
    assert second["engine_version"] == "PySpark engine version 3"
    assert content["next_token"] == "tok-2" and content["more_available"] is True
    assert content["continue_with"] == {
        "WorkGroup": WG,
        "StateFilter": "IDLE",
        "MaxResults": 2,
        "NextToken": "tok-2",
    }
    assert "NextToken" in content["hint"]
    stubber.assert_no_pending_responses()


async def test_last_page_says_there_is_nothing_more(stubbed_server: MCPServer, stubber: Stubber) -> None:
    stubber.add_response(
        "list_sessions", {"Sessions": [session_item("s-1")]}, {"WorkGroup": WG, "MaxResults": 25}
    )
    content = await call_ok(stubbed_server, "list_athena_sessions", {"WorkGroup": WG})
    assert "next_token" not in content and "continue_with" not in content
    assert content["more_available"] is False
    assert content["returned"] == 1


async def test_empty_filtered_listing_suggests_another_filter_or_none(
    stubbed_server: MCPServer, stubber: Stubber
) -> None:
    stubber.add_response("list_sessions", {"Sessions": []})
    content = await call_ok(stubbed_server, "list_athena_sessions", {"WorkGroup": WG, "StateFilter": "BUSY"})
    assert content["sessions"] == [] and content["returned"] == 0
    assert (
        content["hint"]
        == "No sessions in state BUSY in workgroup 'spark-wg'. Try another StateFilter, or none."
    )


ACTIVE_ONLY = (
    "Without StateFilter Athena lists only active sessions (like CREATING, CREATED, IDLE, BUSY): "
    "StateFilter TERMINATED or FAILED lists ended ones."
)


async def test_an_unfiltered_last_page_says_it_holds_only_the_active_sessions(
    stubbed_server: MCPServer, stubber: Stubber
) -> None:
    stubber.add_response("list_sessions", {"Sessions": [session_item("s-1", "IDLE")]})
    content = await call_ok(stubbed_server, "list_athena_sessions", {"WorkGroup": WG})
    assert content["hint"] == (
        f"That is every active session. {ACTIVE_ONLY} Use get_athena_session on a session_id for its health."
    )


async def test_an_empty_unfiltered_listing_does_not_say_the_workgroup_has_no_sessions(
    stubbed_server: MCPServer, stubber: Stubber
) -> None:
    stubber.add_response("list_sessions", {"Sessions": []})
    content = await call_ok(stubbed_server, "list_athena_sessions", {"WorkGroup": WG})
    assert content["hint"] == f"No active sessions in workgroup 'spark-wg'. {ACTIVE_ONLY}"


async def test_a_filtered_last_page_says_it_holds_every_session_in_that_state(
    stubbed_server: MCPServer, stubber: Stubber
) -> None:
    stubber.add_response("list_sessions", {"Sessions": [session_item("s-1", "TERMINATED")]})
    content = await call_ok(
        stubbed_server, "list_athena_sessions", {"WorkGroup": WG, "StateFilter": "TERMINATED"}
    )
    assert content["hint"] == (
        "That is every session in state TERMINATED. Use get_athena_session on a session_id for its health."
    )


async def test_unfiltered_emulated_listing_leaves_out_ended_sessions_and_says_how_to_see_them(
    emulated: AthenaClient,
) -> None:
    server = server_for(emulated)
    active = await call_ok(server, "list_athena_sessions", {"WorkGroup": "demo-spark"})
    ended = await call_ok(
        server, "list_athena_sessions", {"WorkGroup": "demo-spark", "StateFilter": "TERMINATED"}
    )
    assert "TERMINATED" not in {row["state"] for row in active["sessions"]}
    assert {row["state"] for row in ended["sessions"]} == {"TERMINATED"}
    assert "StateFilter TERMINATED or FAILED" in active["hint"]


async def test_following_next_token_lists_every_session_once_in_order(emulated: AthenaClient) -> None:
    for i in range(30):
        emulated.start_session(
            WorkGroup="demo-spark",
            Description=f"bulk {i:02d} " + "x" * 900,
            EngineConfiguration={"MaxConcurrentDpus": 2},
        )
    truth = [
        s.get("SessionId") for s in emulated.list_sessions(WorkGroup="demo-spark", MaxResults=100)["Sessions"]
    ]
    # Without StateFilter, ListSessions lists active sessions only: the 5 active demo sessions and the 30 new.
    assert len(truth) == 35
    server = server_for(emulated)
    seen: list[str] = []
    arguments: dict[str, Any] = {"WorkGroup": "demo-spark", "MaxResults": 7}
    for _ in range(10):
        content = await call_ok(server, "list_athena_sessions", arguments)
        seen.extend(row["session_id"] for row in content["sessions"])
        if "continue_with" not in content:
            break
        # The same page size every time, Athena's token as it gave it.
        assert content["continue_with"] == {**arguments, "NextToken": content["next_token"]}
        arguments = content["continue_with"]
    assert seen == truth


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"WorkGroup": WG, "StateFilter": "RUNNING"}, "StateFilter"),
        ({"WorkGroup": WG, "StateFilter": "idle"}, "StateFilter"),
        ({"WorkGroup": WG, "MaxResults": 0}, "MaxResults"),
        ({"WorkGroup": WG, "MaxResults": 31}, "MaxResults"),
        ({"WorkGroup": "bad name!"}, "WorkGroup"),
        ({"WorkGroup": ""}, "WorkGroup"),
        ({"WorkGroup": "w" * 129}, "WorkGroup"),
        ({"WorkGroup": WG, "NextToken": "t" * 2049}, "NextToken"),
        ({}, "WorkGroup is required"),
        ({"WorkGroup": WG, "Workgroup": WG}, "unknown argument(s) 'Workgroup'"),
    ],
)
async def test_invalid_arguments_are_rejected_before_any_aws_call(
    athena_client: AthenaClient, stubbed_server: MCPServer, arguments: dict[str, Any], expected: str
) -> None:
    text = await call_rejected(athena_client, stubbed_server, "list_athena_sessions", arguments)
    assert expected in text
    assert "list_athena_sessions takes: WorkGroup (required)" in text


async def test_lists_the_emulated_failed_session_with_its_reason(emulated: AthenaClient) -> None:
    content = await call_ok(
        server_for(emulated), "list_athena_sessions", {"WorkGroup": "demo-spark", "StateFilter": "FAILED"}
    )
    assert [row["session_id"] for row in content["sessions"]] == ["demo-failed"]
    assert "OutOfMemoryError" in content["sessions"][0]["state_change_reason"]


async def test_emulated_sql_workgroup_is_explained(emulated: AthenaClient) -> None:
    text = await call_error(server_for(emulated), "list_athena_sessions", {"WorkGroup": "demo-sql"})
    assert "Apache Spark" in text and "list_spark_workgroups" in text


async def test_a_lower_case_state_filter_is_refused_once_with_the_values_and_their_case(
    athena_client: AthenaClient, stubbed_server: MCPServer
) -> None:
    text = await call_rejected(
        athena_client, stubbed_server, "list_athena_sessions", {"WorkGroup": WG, "StateFilter": "terminated"}
    )
    states = "CREATING, CREATED, IDLE, BUSY, TERMINATING, TERMINATED, DEGRADED, FAILED"
    assert text == (
        "Invalid arguments for list_athena_sessions: StateFilter: got a string of 10 characters, not one of "
        f"its values; expected exactly one of {states} (values are upper case: use TERMINATED). "
        "list_athena_sessions takes: WorkGroup (required), StateFilter (optional), MaxResults (optional), "
        "NextToken (optional)."
    )
    assert text.count("DEGRADED") == 1


async def test_an_unknown_state_filter_lists_the_values_once_without_guessing(
    athena_client: AthenaClient, stubbed_server: MCPServer
) -> None:
    text = await call_rejected(
        athena_client, stubbed_server, "list_athena_sessions", {"WorkGroup": WG, "StateFilter": "ENDED"}
    )
    assert text.count("TERMINATED") == 1 and "upper case" not in text


async def test_a_too_long_next_token_is_refused_with_its_type_and_bounds(
    athena_client: AthenaClient, stubbed_server: MCPServer
) -> None:
    # ListSessions' NextToken is a string of 1-2048 characters (botocore's model, Token shape).
    text = await call_rejected(
        athena_client, stubbed_server, "list_athena_sessions", {"WorkGroup": WG, "NextToken": "t" * 2049}
    )
    assert "NextToken:" in text and "(got a string of 2049 characters)" in text
    assert "expected string, " in text and "2048 characters" in text
    assert "['string', 'null']" not in text and "None" not in text
