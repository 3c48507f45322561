"""Answers of a known size: clipped texts, and pages of the longest rows at the largest page size within
the output budget, Athena's NextToken passed through unchanged; every tool's answer on the emulator too."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from botocore.stub import Stubber
from mcp import Client

from athena_session_mcp.athena.responses import clip
from athena_session_mcp.settings import Settings
from athena_session_mcp.tools import budget, workgroups
from athena_session_mcp.tools.args import (
    MAX_CALCULATION_ROWS,
    MAX_EXECUTOR_ROWS,
    MAX_SESSION_ROWS,
)
from tests.conftest import NOW, server_for, text_of
from tests.fleet import count_aws_calls

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient


def test_clip_keeps_short_text_and_marks_cut_text() -> None:
    assert clip(None, 10) is None
    assert clip("a  b\n c", 10) == "a b c"
    assert clip("x" * 11, 10) == "x" * 9 + "…"
    assert len(clip("y" * 500, 160) or "") == 160


# The longest values botocore's Athena model allows, in the character JSON escapes to two.
def _longest(n: int) -> str:
    return '"' * n


AT = NOW - timedelta(hours=1)
LONGEST_STATUS = {
    "StartDateTime": AT,
    "LastModifiedDateTime": AT,
    "EndDateTime": AT,
    "IdleSinceDateTime": AT,
    "State": "TERMINATED",
    "StateChangeReason": _longest(1024),
}
ENGINE = {"SelectedEngineVersion": "PySpark engine version 3", "EffectiveEngineVersion": "x" * 128}


@pytest.mark.parametrize(
    ("tool", "arguments", "operation", "response"),
    [
        (
            "list_athena_sessions",
            {"WorkGroup": "wg", "MaxResults": MAX_SESSION_ROWS},
            "list_sessions",
            {
                "Sessions": [
                    {
                        "SessionId": f"{i:03d}" + "s" * 253,
                        "Description": _longest(1024),
                        "EngineVersion": ENGINE,
                        "NotebookVersion": "n" * 128,
                        "Status": LONGEST_STATUS,
                    }
                    for i in range(MAX_SESSION_ROWS)
                ],
                "NextToken": "t" * 2048,
            },
        ),
        (
            "list_athena_calculations",
            {"SessionId": "s-1", "MaxResults": MAX_CALCULATION_ROWS},
            "list_calculation_executions",
            {
                "Calculations": [
                    {
                        "CalculationExecutionId": f"{i:03d}" + "c" * 33,
                        "Description": _longest(1024),
                        "Status": {
                            "SubmissionDateTime": AT,
                            "CompletionDateTime": AT,
                            "State": "FAILED",
                            "StateChangeReason": _longest(1024),
                        },
                    }
                    for i in range(MAX_CALCULATION_ROWS)
                ],
                "NextToken": "t" * 2048,
            },
        ),
        (
            "list_athena_executors",
            {"SessionId": "s" * 256, "MaxResults": MAX_EXECUTOR_ROWS},
            "list_executors",
            {
                "SessionId": "s" * 256,
                "ExecutorsSummary": [
                    {
                        "ExecutorId": _longest(100_000),
                        "ExecutorType": "WORKER",
                        "StartDateTime": 1_764_900_000_000,
                        "TerminationDateTime": 1_764_900_000_000,
                        "ExecutorState": "FAILED",
                        "ExecutorSize": 1,
                    }
                    for _ in range(MAX_EXECUTOR_ROWS)
                ],
                "NextToken": "t" * 2048,
            },
        ),
    ],
)
async def test_a_page_of_the_longest_rows_at_the_largest_page_size_fits_the_budget(
    athena_client: AthenaClient,
    stubber: Stubber,
    tool: str,
    arguments: dict[str, Any],
    operation: str,
    response: dict[str, Any],
) -> None:
    stubber.add_response(operation, response)
    async with Client(server_for(athena_client)) as client:
        result = await client.call_tool(tool, arguments)
    text = text_of(result)
    assert not result.is_error, text[:300]
    content: dict[str, Any] = json.loads(text)
    assert content["returned"] == arguments["MaxResults"]  # every row read is shown: nothing cut to fit
    assert len(text) <= budget.OUTPUT_BUDGET_CHARS, len(text)
    assert json.loads(text)["next_token"] == "t" * 2048  # Athena's token, passed through unchanged


async def test_the_largest_spark_workgroup_answer_fits_the_budget(
    athena_client: AthenaClient, stubber: Stubber
) -> None:
    page = {
        "WorkGroups": [
            {
                "Name": f"{i:03d}" + "w" * 125,
                "State": "ENABLED",
                "Description": _longest(1024),
                "CreationTime": AT,
                # Only Spark workgroups are shown: the effective engine decides.
                "EngineVersion": {
                    "SelectedEngineVersion": "x" * 128,
                    "EffectiveEngineVersion": "PySpark engine version 3",
                },
            }
            for i in range(workgroups.PAGE_SIZE)
        ],
        "NextToken": "t" * 1024,
    }
    for _ in range(workgroups.MAX_WORKGROUP_ROWS // workgroups.PAGE_SIZE):
        stubber.add_response("list_work_groups", page)
    async with Client(server_for(athena_client)) as client:
        result = await client.call_tool("list_spark_workgroups", {})
    text = text_of(result)
    assert not result.is_error, text[:400]
    assert len(json.loads(text)["workgroups"]) == workgroups.MAX_WORKGROUP_ROWS
    assert len(text) <= budget.OUTPUT_BUDGET_CHARS, len(text)
    stubber.assert_no_pending_responses()  # it stopped at the page boundary where the next page could overflow


# One call of every tool, on the emulator's sessions, with every switch on (sensitive data, write): the
# sessions of both engines, the Spark 3.5 ones being those GetSessionEndpoint would answer for.
EVERY_TOOL_CALL: dict[str, dict[str, Any]] = {
    "list_athena_session_history": {"Days": 14},
    "summarize_athena_account": {"Days": 14},
    "get_athena_session": {"SessionId": "demo-spark35-idle"},
    "get_athena_session_status": {"SessionId": "demo-spark35-idle"},
    "list_athena_sessions": {"WorkGroup": "demo-spark35", "MaxResults": MAX_SESSION_ROWS},
    "list_spark_workgroups": {},
    "list_athena_calculations": {"SessionId": "demo-idle"},
    "get_athena_calculation": {
        "CalculationExecutionId": "demo-idle-calc-failed",
        "IncludeCode": True,
        "IncludeOutput": True,
    },
    "list_athena_executors": {"SessionId": "demo-spark35-idle"},
    "diagnose_athena_session": {"SessionId": "demo-spark35-idle"},
    "summarize_athena_workgroup_sessions": {"WorkGroup": "demo-spark", "MaxSessions": 500},
    "terminate_athena_session": {"SessionId": "demo-spark35-idle"},
}


async def test_no_tool_calls_get_session_endpoint_or_returns_its_token_and_every_answer_fits_the_budget(
    emulated: AthenaClient,
) -> None:
    settings = Settings(region="us-east-1", allow_write=True, allow_sensitive_data_access=True)
    server = server_for(emulated, settings=settings)
    calls = count_aws_calls(emulated)
    async with Client(server) as client:
        listed = {tool.name for tool in (await client.list_tools()).tools}
        # A new tool must be added here, so the sweep covers it.
        assert listed == EVERY_TOOL_CALL.keys()
        for name, arguments in EVERY_TOOL_CALL.items():
            result = await client.call_tool(name, arguments)
            text = "".join(str(getattr(block, "text", "")) for block in result.content)
            assert not result.is_error, (name, text[:300])
            # The endpoint and its short-lived token grant access to the session: never fetched, never shown.
            assert "AuthToken" not in text and "EndpointUrl" not in text, name
            assert len(text) <= budget.OUTPUT_BUDGET_CHARS, (name, len(text))
    assert calls and "GetSessionEndpoint" not in calls


def test_excerpts_take_lines_from_their_end_while_the_json_text_fits() -> None:
    from athena_session_mcp.tools.job_content import first_within, last_within

    lines = ["aa", "bb", "cc"]  # 4 characters each as JSON text ("aa")
    assert first_within(lines, 3, 8) == ["aa", "bb"] and last_within(lines, 3, 8) == ["bb", "cc"]
    assert first_within(lines, 3, 7) == ["aa"] and last_within(lines, 3, 7) == ["cc"]
    assert first_within(lines, 1, 100) == ["aa"] and last_within(lines, 1, 100) == ["cc"]
    assert first_within(lines, 0, 100) == [] and last_within(lines, 0, 100) == []
