"""One AWS error from one read tool: the tool answers with a tool error naming the fix (the IAM action,
the tool that lists what exists, the engine that has the API), keeping the service's own words where they
are all there is. Cases that need more than one stubbed answer stay with their tool's tests."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.stub import Stubber
from mcp.server.mcpserver import MCPServer

from tests.fleet import call_error

WG = "spark-wg"
SESSION_ID = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
CALC_ID = "c0ffee00-1111-2222-3333-444455556666"


# tool, its arguments, the operation that fails, the AWS error code and message, phrases the answer holds
CASES = [
    pytest.param(
        "list_athena_sessions",
        {"WorkGroup": "nope"},
        "list_sessions",
        "InvalidRequestException",
        "WorkGroup nope is not found.",
        ["Workgroup 'nope' was not found", "list_spark_workgroups"],
        id="unknown-workgroup-points-at-list_spark_workgroups",
    ),
    pytest.param(
        "list_athena_sessions",
        {"WorkGroup": WG},
        "list_sessions",
        "AccessDeniedException",
        "no",
        ["athena:ListSessions", "IAM"],
        id="access-denied-names-list-sessions",
    ),
    pytest.param(
        "list_athena_sessions",
        {"WorkGroup": WG},
        "list_sessions",
        "InvalidRequestException",
        "Nope.",
        ["Nope.", "If the workgroup is not an Apache Spark workgroup", "list_spark_workgroups"],
        id="a-refused-listing-hints-at-spark-workgroups-without-reading-the-message",
    ),
    pytest.param(
        "get_athena_session_status",
        {"SessionId": "x"},
        "get_session_status",
        "InvalidRequestException",
        "Session x not found",
        ["was not found", "list_athena_sessions"],
        id="unknown-session-status-is-a-not-found-error-naming-the-fix",
    ),
    pytest.param(
        "get_athena_session_status",
        {"SessionId": SESSION_ID},
        "get_session_status",
        "AccessDeniedException",
        "no",
        ["athena:GetSessionStatus", "workgroup/NAME"],
        id="access-denied-names-get-session-status",
    ),
    pytest.param(
        "list_spark_workgroups",
        {},
        "list_work_groups",
        "AccessDeniedException",
        "no",
        ["athena:ListWorkGroups", 'Resource "*"'],
        id="access-denied-names-list-work-groups",
    ),
    pytest.param(
        "get_athena_calculation",
        {"CalculationExecutionId": "nope"},
        "get_calculation_execution",
        "InvalidRequestException",
        "Calculation nope not found",
        ["Calculation 'nope' was not found"],
        id="unknown-calculation-is-not-found",
    ),
    pytest.param(
        "get_athena_calculation",
        {"CalculationExecutionId": CALC_ID},
        "get_calculation_execution",
        "InvalidRequestException",
        "Unsupported.",
        ["Unsupported.", "PySpark engine version 3"],
        id="a-refused-calculation-lookup-says-which-engine-has-calculations",
    ),
]


@pytest.mark.parametrize(("tool", "arguments", "operation", "code", "message", "phrases"), CASES)
async def test_an_aws_error_is_a_tool_error_naming_the_fix(
    stubbed_server: MCPServer,
    stubber: Stubber,
    tool: str,
    arguments: dict[str, Any],
    operation: str,
    code: str,
    message: str,
    phrases: list[str],
) -> None:
    stubber.add_client_error(operation, service_error_code=code, service_message=message)
    text = await call_error(stubbed_server, tool, arguments)
    for phrase in phrases:
        assert phrase in text


async def test_access_denied_on_list_work_groups_names_no_workgroup_arn(
    stubbed_server: MCPServer, stubber: Stubber
) -> None:
    # ListWorkGroups takes no resource (Service Authorization Reference): a workgroup ARN would not help.
    stubber.add_client_error(
        "list_work_groups", service_error_code="AccessDeniedException", service_message="no"
    )
    text = await call_error(stubbed_server, "list_spark_workgroups", {})
    assert "workgroup/NAME" not in text
