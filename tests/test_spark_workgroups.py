"""list_spark_workgroups: ListWorkGroups filtered to Apache Spark engines, paged and bounded."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from botocore.stub import Stubber
from mcp.server.mcpserver import MCPServer

from athena_session_mcp.tools import workgroups
from tests.conftest import NOW, server_for
from tests.fleet import call_ok, call_rejected

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient


def workgroup(name: str, engine: str | None = "PySpark engine version 3", **extra: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "Name": name,
        "State": "ENABLED",
        "Description": f"{name} workgroup",
        "CreationTime": NOW - timedelta(days=3),
        **extra,
    }
    if engine is not None:
        item["EngineVersion"] = {"SelectedEngineVersion": engine, "EffectiveEngineVersion": engine}
    return item


async def test_keeps_only_spark_engines_and_counts_the_rest(
    stubbed_server: MCPServer, stubber: Stubber
) -> None:
    stubber.add_response(
        "list_work_groups",
        {
            "WorkGroups": [
                workgroup("primary", "Athena engine version 3"),
                workgroup("spark-a"),
                workgroup("spark-b", "Apache Spark version 3.5", State="DISABLED"),
                workgroup("no-engine", None),
            ]
        },
        {"MaxResults": 25},
    )
    content = await call_ok(stubbed_server, "list_spark_workgroups", {})
    assert [(w["name"], w["state"]) for w in content["workgroups"]] == [
        ("spark-a", "ENABLED"),
        ("spark-b", "DISABLED"),
    ]
    assert [(w["engine_version"], w["engine_kind"]) for w in content["workgroups"]] == [
        ("PySpark engine version 3", "pyspark-v3"),
        ("Apache Spark version 3.5", "spark-3.5"),
    ]
    assert content["workgroups"][0]["created_at"] == "2026-11-22T12:00:00Z"
    assert (content["workgroups_scanned"], content["other_engine_count"]) == (4, 2)
    assert content["truncated"] is False and "next_token" not in content
    assert "list_athena_sessions" in content["hint"]


async def test_follows_list_work_groups_pages(stubbed_server: MCPServer, stubber: Stubber) -> None:
    stubber.add_response(
        "list_work_groups", {"WorkGroups": [workgroup("a")], "NextToken": "p2"}, {"MaxResults": 25}
    )
    stubber.add_response(
        "list_work_groups", {"WorkGroups": [workgroup("b")]}, {"MaxResults": 25, "NextToken": "p2"}
    )
    content = await call_ok(stubbed_server, "list_spark_workgroups", {})
    assert [w["name"] for w in content["workgroups"]] == ["a", "b"]
    assert content["pages_read"] == 2
    stubber.assert_no_pending_responses()


async def test_stops_at_the_page_cap_with_a_token_to_continue(
    stubbed_server: MCPServer, stubber: Stubber, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workgroups, "MAX_PAGES", 2)
    stubber.add_response("list_work_groups", {"WorkGroups": [workgroup("a")], "NextToken": "p2"})
    stubber.add_response("list_work_groups", {"WorkGroups": [workgroup("b")], "NextToken": "p3"})
    content = await call_ok(stubbed_server, "list_spark_workgroups", {})
    assert content["truncated"] is True and content["next_token"] == "p3"
    stubber.add_response(
        "list_work_groups", {"WorkGroups": [workgroup("c")]}, {"MaxResults": 25, "NextToken": "p3"}
    )
    rest = await call_ok(stubbed_server, "list_spark_workgroups", {"NextToken": "p3"})
    assert [w["name"] for w in rest["workgroups"]] == ["c"]
    stubber.assert_no_pending_responses()


async def test_the_scan_stops_at_the_page_boundary_where_another_page_could_pass_the_row_cap(
    stubbed_server: MCPServer, stubber: Stubber, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workgroups, "PAGE_SIZE", 3)
    monkeypatch.setattr(workgroups, "MAX_WORKGROUP_ROWS", 5)
    # 2 Spark workgroups: another page of 3 still fits the cap of 5, so the scan goes on.
    stubber.add_response(
        "list_work_groups",
        {
            "WorkGroups": [workgroup("a0"), workgroup("a1"), workgroup("sql", "Athena engine version 3")],
            "NextToken": "p2",
        },
        {"MaxResults": 3},
    )
    # 4: another page could make 7, so the scan stops here with Athena's token as it is.
    stubber.add_response(
        "list_work_groups",
        {"WorkGroups": [workgroup("b0"), workgroup("b1")], "NextToken": "p3"},
        {"MaxResults": 3, "NextToken": "p2"},
    )
    content = await call_ok(stubbed_server, "list_spark_workgroups", {})
    assert [w["name"] for w in content["workgroups"]] == ["a0", "a1", "b0", "b1"]
    assert (content["next_token"], content["truncated"], content["pages_read"]) == ("p3", True, 2)
    assert "Pass next_token as NextToken" in content["hint"]
    stubber.assert_no_pending_responses()


async def test_no_spark_workgroups_suggests_checking_the_region(
    stubbed_server: MCPServer, stubber: Stubber
) -> None:
    stubber.add_response(
        "list_work_groups", {"WorkGroups": [workgroup("primary", "Athena engine version 3")]}
    )
    content = await call_ok(stubbed_server, "list_spark_workgroups", {})
    assert content["workgroups"] == [] and "region" in content["hint"]


@pytest.mark.parametrize("arguments", [{"NextToken": ""}, {"NextToken": "t" * 1025}, {"MaxResults": 5}])
async def test_invalid_arguments_are_rejected_before_any_aws_call(
    athena_client: AthenaClient, stubbed_server: MCPServer, arguments: dict[str, Any]
) -> None:
    text = await call_rejected(athena_client, stubbed_server, "list_spark_workgroups", arguments)
    assert "list_spark_workgroups takes: NextToken (optional)" in text


async def test_finds_the_emulated_spark_workgroups_but_not_the_sql_one(emulated: AthenaClient) -> None:
    content = await call_ok(server_for(emulated), "list_spark_workgroups", {})
    names = {w["name"] for w in content["workgroups"]}
    assert names == {"demo-spark", "demo-spark-unencrypted", "demo-spark35"}
    assert content["other_engine_count"] >= 1
