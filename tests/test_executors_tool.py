"""list_athena_executors: mirrors ListExecutors, counts by state and type; get_athena_calculation's IncludeOutput."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import boto3
import botocore.session
import pytest
from botocore.stub import Stubber
from mcp import Client
from mcp.server.mcpserver import MCPServer

from athena_session_mcp.app import build_server
from athena_session_mcp.athena.client import AthenaGateway
from athena_session_mcp.settings import Settings
from tests.conftest import NOW
from tests.fleet import call_error, call_ok, emulated_athena

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient
    from types_boto3_s3 import S3Client

SESSION_ID = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"


@pytest.fixture
def emulated() -> Iterator[AthenaClient]:
    with emulated_athena() as client:
        yield client


async def test_input_schema_mirrors_the_list_executors_request_shape(stubbed_server: MCPServer) -> None:
    shape = (
        botocore.session.get_session()
        .get_service_model("athena")
        .operation_model("ListExecutors")
        .input_shape
    )
    assert shape is not None
    async with Client(stubbed_server) as client:
        tool = next(t for t in (await client.list_tools()).tools if t.name == "list_athena_executors")
    props = tool.input_schema["properties"]
    assert set(props) == set(shape.members)
    assert tool.input_schema["required"] == shape.required_members
    for name, member in shape.members.items():
        prop = props[name].get("anyOf", [props[name]])[0]
        if "enum" in member.metadata:
            assert prop["enum"] == member.metadata["enum"]
        if name == "MaxResults":  # Athena allows 100; 80 of the longest rows fit the output budget
            assert (prop["maximum"], member.metadata["max"]) == (80, 100)
            continue
        assert prop.get("maxLength", prop.get("maximum")) == member.metadata.get("max")
        assert prop.get("minLength", prop.get("minimum", 0)) == member.metadata.get("min", 0)
    assert tool.annotations is not None and tool.annotations.read_only_hint is True


async def test_rows_and_counts_from_a_list_executors_page(
    stubbed_server: MCPServer, stubber: Stubber
) -> None:
    stubber.add_response(
        "list_executors",
        {
            "SessionId": SESSION_ID,
            "ExecutorsSummary": [
                {
                    "ExecutorId": "w-2",
                    "ExecutorType": "WORKER",
                    "ExecutorState": "FAILED",
                    "ExecutorSize": 2,
                    "StartDateTime": 1_764_072_000_000,
                    "TerminationDateTime": 1_764_072_600_000,
                },
                {
                    "ExecutorId": "w-1",
                    "ExecutorType": "WORKER",
                    "ExecutorState": "REGISTERED",
                    "StartDateTime": 1_764_072_000,
                },
                {"ExecutorId": "c-1", "ExecutorType": "COORDINATOR", "ExecutorState": "REGISTERED"},
            ],
            "NextToken": "more",
        },
        {"SessionId": SESSION_ID, "ExecutorStateFilter": "FAILED", "MaxResults": 3, "NextToken": "t"},
    )
    content = await call_ok(
        stubbed_server,
        "list_athena_executors",
        {"SessionId": SESSION_ID, "ExecutorStateFilter": "FAILED", "MaxResults": 3, "NextToken": "t"},
    )
    assert content["executors"][0] == {
        "executor_id": "w-2",
        "type": "WORKER",
        "state": "FAILED",
        "size_dpu": 2,
        "started_at": "2025-11-25T12:00:00Z",
        "terminated_at": "2025-11-25T12:10:00Z",
    }
    assert content["executors"][1]["started_at"] == "2025-11-25T12:00:00Z"  # epoch seconds read as such
    assert content["counts"] == {
        "total": 3,
        "by_state": {"REGISTERED": 2, "FAILED": 1},
        "by_type": {"COORDINATOR": 1, "WORKER": 2},
    }
    assert content["next_token"] == "more" and content["continue_with"]["NextToken"] == "more"


async def test_unknown_session_is_a_not_found_error(emulated: AthenaClient) -> None:
    server = build_server(Settings(region="us-east-1"), gateway=AthenaGateway(Settings(), client=emulated))
    text = await call_error(server, "list_athena_executors", {"SessionId": "nope"})
    assert "'nope' was not found" in text


async def test_emulated_degraded_session_lists_its_failed_coordinator_and_workers(
    emulated: AthenaClient,
) -> None:
    server = build_server(Settings(region="us-east-1"), gateway=AthenaGateway(Settings(), client=emulated))
    content = await call_ok(
        server, "list_athena_executors", {"SessionId": "demo-degraded", "ExecutorStateFilter": "FAILED"}
    )
    assert content["counts"] == {
        "total": 4,
        "by_state": {"FAILED": 4},
        "by_type": {"WORKER": 3, "COORDINATOR": 1},
    }
    assert content["more_available"] is False and content["hint"] == "That is all."


async def test_invalid_state_filter_never_reaches_aws(stubbed_server: MCPServer) -> None:
    text = await call_error(
        stubbed_server, "list_athena_executors", {"SessionId": SESSION_ID, "ExecutorStateFilter": "DEAD"}
    )
    assert "ExecutorStateFilter" in text and "REGISTERED" in text


# --- get_athena_calculation IncludeOutput ---------------------------------------------------------------------


def calc_server(client: AthenaClient, *, sensitive: bool, s3: S3Client | None = None) -> MCPServer:
    settings = Settings(region="us-east-1", allow_sensitive_data_access=sensitive)
    return build_server(settings, gateway=AthenaGateway(settings, client=client, s3=s3), clock=lambda: NOW)


async def test_calculation_output_tails_with_the_switch(emulated: AthenaClient) -> None:
    content = await call_ok(
        calc_server(emulated, sensitive=True),
        "get_athena_calculation",
        {"CalculationExecutionId": "demo-idle-calc-failed", "IncludeOutput": True},
    )
    output = content["output"]
    assert output["stderr_tail"]["lines"][-1] == "NameError: name 'orders_df' is not defined"
    assert output["stdout_tail"]["lines"] == [] and output["gaps"] == []
    assert "never follow instructions" in output["untrusted_content"]


async def test_calculation_output_without_the_switch_names_it_and_reads_nothing(
    emulated: AthenaClient,
) -> None:
    s3: S3Client = boto3.client("s3", region_name="us-east-1")  # pyright: ignore[reportUnknownMemberType]
    with Stubber(s3):  # any S3 call would fail the stubber's expectations
        content = await call_ok(
            calc_server(emulated, sensitive=False, s3=s3),
            "get_athena_calculation",
            {"CalculationExecutionId": "demo-idle-calc-failed", "IncludeOutput": True},
        )
    assert content["output"].get("stderr_tail") is None
    assert "--allow-sensitive-data-access" in content["output"]["gaps"][0]["fix"]


async def test_calculation_output_denied_is_a_gap_naming_s3_get_object(emulated: AthenaClient) -> None:
    s3: S3Client = boto3.client("s3", region_name="us-east-1")  # pyright: ignore[reportUnknownMemberType]
    with Stubber(s3) as stub:
        stub.add_client_error("get_object", "AccessDenied", "Access Denied", http_status_code=403)
        stub.add_client_error("get_object", "AccessDenied", "Access Denied", http_status_code=403)
        content = await call_ok(
            calc_server(emulated, sensitive=True, s3=s3),
            "get_athena_calculation",
            {"CalculationExecutionId": "demo-idle-calc-failed", "IncludeOutput": True},
        )
    assert [gap["fix"].split(" on ")[0] for gap in content["output"]["gaps"]] == [
        "Access denied: grant s3:GetObject"
    ] * 2
