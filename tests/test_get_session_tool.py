"""get_athena_session through the real server, in memory, with botocore's Stubber as AWS."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import botocore.session
import jsonschema
import pytest
from botocore.stub import Stubber
from mcp import Client
from mcp.server.mcpserver import MCPServer

from athena_session_mcp.athena.client import AthenaGateway
from athena_session_mcp.athena.errors import AwsCallError
from athena_session_mcp.settings import Settings
from athena_session_mcp.tools.models import (
    GetSessionResult,
)
from tests.conftest import server_for, text_of
from tests.factories import session_response
from tests.fleet import call_ok, count_aws_calls

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient

SESSION_ID = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"


async def test_tool_input_schema_matches_botocore_get_session_request_shape(
    stubbed_server: MCPServer,
) -> None:
    shape = (
        botocore.session.get_session().get_service_model("athena").operation_model("GetSession").input_shape
    )
    async with Client(stubbed_server) as client:
        tool = next(t for t in (await client.list_tools()).tools if t.name == "get_athena_session")
    schema = tool.input_schema
    assert shape is not None
    assert sorted(schema["properties"]) == sorted(shape.members)
    assert sorted(schema.get("required", [])) == sorted(shape.required_members)
    for name, member in shape.members.items():
        prop = schema["properties"][name]
        assert prop["type"] == member.type_name
        assert prop.get("minLength") == member.metadata.get("min")
        assert prop.get("maxLength") == member.metadata.get("max")
        assert prop.get("description")
    assert schema["additionalProperties"] is False


async def test_tool_is_annotated_read_only_idempotent_open_world_with_a_title(
    stubbed_server: MCPServer,
) -> None:
    async with Client(stubbed_server) as client:
        tool = next(t for t in (await client.list_tools()).tools if t.name == "get_athena_session")
    assert tool.annotations is not None
    assert tool.annotations.read_only_hint is True
    assert tool.annotations.idempotent_hint is True
    assert tool.annotations.open_world_hint is True
    assert tool.annotations.destructive_hint is False
    assert tool.title and tool.annotations.title
    assert tool.description and "GetSession" in tool.description


async def test_returns_summary_and_raw_that_validate_against_the_output_schema(
    stubbed_server: MCPServer, stubber: Stubber
) -> None:
    stubber.add_response("get_session", session_response("IDLE", idle_minutes=17), {"SessionId": SESSION_ID})
    async with Client(stubbed_server) as client:
        tool = next(t for t in (await client.list_tools()).tools if t.name == "get_athena_session")
        result = await client.call_tool("get_athena_session", {"SessionId": SESSION_ID})
    assert not result.is_error
    content = result.structured_content
    assert content is not None
    assert tool.output_schema is not None
    jsonschema.validate(content, tool.output_schema)
    assert json.loads(text_of(result)) == content
    parsed = GetSessionResult.model_validate(content)
    assert parsed.summary.state == "IDLE"
    assert parsed.summary.findings[0].code == "IDLE_TIMEOUT_SOON"
    assert parsed.summary.timing.idle_timeout_remaining_seconds == 180
    stubber.assert_no_pending_responses()


async def test_raw_is_the_response_with_iso_utc_datetimes_and_no_response_metadata(
    stubbed_server: MCPServer, stubber: Stubber
) -> None:
    stubber.add_response("get_session", session_response("BUSY"), {"SessionId": SESSION_ID})
    async with Client(stubbed_server) as client:
        result = await client.call_tool("get_athena_session", {"SessionId": SESSION_ID})
    assert result.structured_content is not None
    raw: dict[str, Any] = result.structured_content["raw"]
    assert "ResponseMetadata" not in raw
    assert raw["Status"]["StartDateTime"] == "2026-11-25T11:00:00Z"
    assert raw["Status"]["State"] == "BUSY"
    assert raw["EngineConfiguration"]["SparkProperties"] == {"spark.sql.shuffle.partitions": "64"}


@pytest.mark.parametrize(
    ("code", "message", "expected"),
    [
        (
            "InvalidRequestException",
            "Session abc not found",
            ["was not found", "list_athena_sessions", "region"],
        ),
        ("ResourceNotFoundException", "Session missing", ["was not found"]),
        ("AccessDeniedException", "User is not authorized", ["athena:GetSession", "IAM"]),
        ("ThrottlingException", "Rate exceeded", ["throttled", "try again"]),
        ("TooManyRequestsException", "Slow down", ["throttled"]),
        ("InternalServerException", "Oops", ["server error", "retry"]),
        (
            "ExpiredTokenException",
            "The security token included in the request is expired",
            ["expired", "sso login"],
        ),
        (
            "UnrecognizedClientException",
            "The security token is invalid",
            ["rejected the credentials", "AWS_PROFILE"],
        ),
        (
            "InvalidRequestException",
            "Something else is off",
            ["Athena rejected athena:GetSession", "Something else"],
        ),
    ],
)
async def test_aws_errors_become_tool_errors_that_name_the_fix(
    stubbed_server: MCPServer, stubber: Stubber, code: str, message: str, expected: list[str]
) -> None:
    stubber.add_client_error(
        "get_session", service_error_code=code, service_message=message, http_status_code=400
    )
    async with Client(stubbed_server) as client:
        result = await client.call_tool("get_athena_session", {"SessionId": SESSION_ID})
    assert result.is_error
    assert result.structured_content is None
    text = text_of(result)
    for fragment in expected:
        assert fragment in text


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"SessionId": ""}, "at least 1 character"),
        ({"SessionId": "x" * 257}, "at most 256 characters"),
        ({"SessionId": 123}, "valid string"),
        ({"SessionId": None}, "valid string"),
        ({}, "SessionId is required"),
        ({"sessionId": "abc"}, "unknown argument(s) 'sessionId'"),
        ({"SessionId": "abc", "Region": "eu-west-1"}, "unknown argument(s) 'Region'"),
    ],
)
async def test_invalid_arguments_are_rejected_before_any_aws_call_with_a_clear_message(
    athena_client: AthenaClient, stubbed_server: MCPServer, arguments: dict[str, Any], expected: str
) -> None:
    calls = count_aws_calls(athena_client)
    async with Client(stubbed_server) as client:
        result = await client.call_tool("get_athena_session", arguments)
        assert result.is_error
        text = text_of(result)
        assert expected in text
        assert "get_athena_session takes: SessionId (required)" in text
        assert "1-256 characters" in text or "unknown argument" in text
    assert calls == []


async def test_rejected_values_are_not_echoed_back(stubbed_server: MCPServer) -> None:
    hostile = "<script>alert(1)</script>" * 20
    async with Client(stubbed_server) as client:
        result = await client.call_tool("get_athena_session", {"SessionId": hostile})
    assert result.is_error
    assert "<script>" not in text_of(result)
    assert f"a string of {len(hostile)} characters" in text_of(result)


async def test_server_keeps_serving_after_an_error(stubbed_server: MCPServer, stubber: Stubber) -> None:
    stubber.add_client_error(
        "get_session", service_error_code="InternalServerException", http_status_code=500
    )
    stubber.add_response("get_session", session_response("IDLE"), {"SessionId": SESSION_ID})
    async with Client(stubbed_server) as client:
        first = await client.call_tool("get_athena_session", {"SessionId": SESSION_ID})
        second = await client.call_tool("get_athena_session", {"SessionId": SESSION_ID})
    assert first.is_error and not second.is_error


async def test_argument_counter_sees_stubbed_calls(
    athena_client: AthenaClient, stubbed_server: MCPServer, stubber: Stubber
) -> None:
    # Guards the counter used above: it must record a call that does reach botocore.
    calls = count_aws_calls(athena_client)
    stubber.add_response("get_session", session_response("IDLE"), {"SessionId": SESSION_ID})
    async with Client(stubbed_server) as client:
        await client.call_tool("get_athena_session", {"SessionId": SESSION_ID})
    assert calls == ["GetSession"]


async def test_the_result_schema_labels_the_text_aws_returns_and_the_estimated_cost(
    stubbed_server: MCPServer,
) -> None:
    # GetSession's free text (Description, Status.StateChangeReason) and the raw response were written by
    # someone else's code; the cost is computed at an assumed price.
    async with Client(stubbed_server) as client:
        tool = next(t for t in (await client.list_tools()).tools if t.name == "get_athena_session")
    schema = tool.output_schema
    assert schema is not None
    summary = schema["$defs"]["SessionSummary"]["properties"]
    for field in (summary["state_change_reason"], summary["description"], schema["properties"]["raw"]):
        assert "UNTRUSTED" in field["description"]
    assert "ESTIMATE" in schema["$defs"]["DpuUsage"]["properties"]["estimated_cost_usd"]["description"]
    for quiet in ("session_id", "headline", "workgroup"):
        assert "UNTRUSTED" not in summary[quiet].get("description", ""), quiet


@pytest.mark.parametrize(
    ("code", "message", "not_found"),
    [
        ("InvalidRequestException", "Session x not found", True),
        ("ResourceNotFoundException", "No such session", True),
        ("AccessDeniedException", "not authorized", False),
        ("InvalidRequestException", "Something else is off", False),
    ],
)
async def test_gateway_errors_carry_the_aws_code_action_and_resource(
    athena_client: AthenaClient, stubber: Stubber, code: str, message: str, not_found: bool
) -> None:
    stubber.add_client_error("get_session", service_error_code=code, service_message=message)
    gateway = AthenaGateway(Settings(region="us-east-1"), client=athena_client)
    with pytest.raises(AwsCallError) as caught:
        await gateway.call(
            lambda c: c.get_session(SessionId="x"), action="athena:GetSession", what="Session 'x'"
        )
    error = caught.value
    assert (error.code, error.action, error.resource, error.not_found) == (
        code,
        "athena:GetSession",
        "Session 'x'",
        not_found,
    )
    assert error.service_message == message


async def test_failures_without_a_service_answer_have_no_code() -> None:
    gateway = AthenaGateway(Settings(region="us-east-1", profile="no-such-profile"))
    with pytest.raises(AwsCallError) as caught:
        await gateway.call(
            lambda c: c.get_session(SessionId="x"), action="athena:GetSession", what="Session 'x'"
        )
    assert (caught.value.code, caught.value.action, caught.value.not_found) == (
        "",
        "athena:GetSession",
        False,
    )


SPARK_35 = "Apache Spark version 3.5"


def workgroup_response(engine: str) -> dict[str, Any]:
    return {
        "WorkGroup": {
            "Name": "spark-wg",
            "Configuration": {
                "EngineVersion": {"SelectedEngineVersion": engine, "EffectiveEngineVersion": engine}
            },
        }
    }


async def test_a_spark_35_session_reads_as_that_engine(stubbed_server: MCPServer, stubber: Stubber) -> None:
    response = session_response("IDLE", EngineVersion=SPARK_35, NotebookVersion=None)
    stubber.add_response("get_session", response, {"SessionId": SESSION_ID})
    summary = (await call_ok(stubbed_server, "get_athena_session", {"SessionId": SESSION_ID}))["summary"]
    assert (summary["engine_version"], summary["engine_kind"]) == (SPARK_35, "spark-3.5")
    assert "GetSessionEndpoint" in summary["findings"][0]["suggestion"]


async def test_without_an_engine_in_get_session_the_workgroup_is_asked_once_per_server(
    athena_client: AthenaClient, stubbed_server: MCPServer, stubber: Stubber
) -> None:
    calls = count_aws_calls(athena_client)
    stubber.add_response(
        "get_session", session_response("IDLE", EngineVersion=None), {"SessionId": SESSION_ID}
    )
    stubber.add_response("get_work_group", workgroup_response(SPARK_35), {"WorkGroup": "spark-wg"})
    other = session_response("BUSY", EngineVersion=None, SessionId="other")
    stubber.add_response("get_session", other, {"SessionId": "other"})
    first = await call_ok(stubbed_server, "get_athena_session", {"SessionId": SESSION_ID})
    second = await call_ok(stubbed_server, "get_athena_session", {"SessionId": "other"})
    assert calls == ["GetSession", "GetWorkGroup", "GetSession"]
    assert first["summary"]["engine_kind"] == second["summary"]["engine_kind"] == "spark-3.5"
    assert first["raw"].get("EngineVersion") is None  # raw stays what the service said


async def test_an_unreadable_workgroup_leaves_the_engine_unknown_and_the_answer_intact(
    stubbed_server: MCPServer, stubber: Stubber
) -> None:
    stubber.add_response(
        "get_session", session_response("IDLE", EngineVersion=None), {"SessionId": SESSION_ID}
    )
    stubber.add_client_error("get_work_group", service_error_code="AccessDeniedException")
    summary = (await call_ok(stubbed_server, "get_athena_session", {"SessionId": SESSION_ID}))["summary"]
    assert "engine_kind" not in summary
    suggestion = summary["findings"][0]["suggestion"]
    assert "StartCalculationExecution" in suggestion and "GetSessionEndpoint" in suggestion


async def test_workgroup_engines_seen_by_list_spark_workgroups_are_not_asked_again(
    athena_client: AthenaClient, stubbed_server: MCPServer, stubber: Stubber
) -> None:
    listing = {
        "WorkGroups": [
            {
                "Name": "spark-wg",
                "State": "ENABLED",
                **workgroup_response(SPARK_35)["WorkGroup"]["Configuration"],
            }
        ]
    }
    stubber.add_response("list_work_groups", listing, {"MaxResults": 25})
    stubber.add_response(
        "get_session", session_response("IDLE", EngineVersion=None), {"SessionId": SESSION_ID}
    )
    calls = count_aws_calls(athena_client)
    await call_ok(stubbed_server, "list_spark_workgroups", {})
    content = await call_ok(stubbed_server, "get_athena_session", {"SessionId": SESSION_ID})
    assert calls == ["ListWorkGroups", "GetSession"]
    assert content["summary"]["engine_kind"] == "spark-3.5"


async def test_what_one_server_learns_about_engines_does_not_leak_into_another(
    athena_client: AthenaClient, stubber: Stubber
) -> None:
    stubber.add_response(
        "get_session", session_response("IDLE", EngineVersion=None), {"SessionId": SESSION_ID}
    )
    stubber.add_response("get_work_group", workgroup_response(SPARK_35), {"WorkGroup": "spark-wg"})
    stubber.add_response(
        "get_session", session_response("IDLE", EngineVersion=None), {"SessionId": SESSION_ID}
    )
    stubber.add_response(
        "get_work_group", workgroup_response("PySpark engine version 3"), {"WorkGroup": "spark-wg"}
    )
    first = await call_ok(server_for(athena_client), "get_athena_session", {"SessionId": SESSION_ID})
    second = await call_ok(server_for(athena_client), "get_athena_session", {"SessionId": SESSION_ID})
    assert (first["summary"]["engine_kind"], second["summary"]["engine_kind"]) == ("spark-3.5", "pyspark-v3")


def test_athena_error_reads_the_typed_fields_only() -> None:
    from mcp.server.mcpserver.exceptions import ToolError

    from athena_session_mcp.athena.errors import athena_error

    typed = AwsCallError("text", code="InvalidRequestException", service_message="Session x not found")
    assert athena_error(typed) == ("InvalidRequestException", "Session x not found")
    assert athena_error(ToolError("InvalidRequestException: Session x not found")) == ("", "")


# Expected from the emulator's seed (emulator/seed.py), not from the rule: demo-terminated-idle ended when
# its 20-minute idle timeout was due; the other two were stopped by request before theirs was due.
@pytest.mark.parametrize(
    ("session_id", "expected", "sentence"),
    [
        (
            "demo-terminated-idle",
            True,
            "It ended 20m 00s after it went idle; its idle timeout is 20m 00s: consistent with its idle timeout.",
        ),
        (
            "demo-terminated-by-user",
            False,
            "It ended 9m 51s after it went idle; its idle timeout is 20m 00s: it ended before the idle timeout "
            "was due",
        ),
        (
            "demo-spark35-terminated",
            False,
            "It ended 59m 51s after it went idle; its idle timeout is 2h 00m: it ended before the idle timeout "
            "was due",
        ),
    ],
)
async def test_emulated_terminated_sessions_are_ends_read_from_their_timestamps(
    session_id: str, expected: bool, sentence: str
) -> None:
    from tests.fleet import emulated_athena

    with emulated_athena() as emulated:
        content = await call_ok(server_for(emulated), "get_athena_session", {"SessionId": session_id})
    summary = content["summary"]
    assert summary["timing"]["end_consistent_with_idle_timeout"] is expected
    assert sentence in summary["findings"][0]["message"]
    assert (summary["state"], summary["phase"], summary["alive"]) == ("TERMINATED", "ended", False)
    assert [f["code"] for f in summary["findings"]] == ["SESSION_TERMINATED"]
