"""list_athena_session_history against the emulator: ListSessions, DPUCount metrics and CloudTrail merged;
sessions known only from metrics or CloudTrail have no state; limits named. Expected values from the seed
(emulator/seed.py, emulator/history.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from botocore.stub import Stubber

from athena_session_mcp.emulator import SECOND_REGION
from athena_session_mcp.settings import Settings
from tests.conftest import server_for
from tests.fleet import call_error, call_ok, call_with_progress, emulated_athena

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient

pytestmark = pytest.mark.anyio
TWO_REGIONS = Settings(region="us-east-1", regions=("us-east-1", SECOND_REGION))


async def _history(arguments: dict[str, Any], settings: Settings = TWO_REGIONS) -> dict[str, Any]:
    with emulated_athena() as client:
        return await call_ok(server_for(client, settings=settings), "list_athena_session_history", arguments)


def _rows(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["session_id"]: row for row in answer["sessions"]}


async def test_every_source_is_merged_and_named() -> None:
    answer = await _history({"Days": 14, "MaxResults": 50})
    rows = _rows(answer)
    assert answer["regions"] == ["us-east-1", "eu-west-1"]
    failed = rows["demo-failed"]
    assert failed["state"] == "FAILED"
    assert failed["sources"] == ["ListSessions", "CloudWatch metrics", "CloudTrail"]
    assert "out of memory" in failed["state_change_reason"]
    assert "UNTRUSTED" in answer["untrusted"]
    nightly = rows["demo-past-nightly-1"]  # 4 DPUs for an hour, not in Athena any more
    assert nightly["dpu_hours"] == 4.0
    assert "state" not in nightly
    assert nightly["sources"] == ["CloudWatch metrics", "CloudTrail"]
    assert "can no longer be read" in nightly["note"]
    assert rows["demo-past-no-metrics"]["sources"] == ["CloudTrail"]
    assert "dpu_hours" not in rows["demo-past-no-metrics"]
    assert rows["demo-past-metrics-only"]["sources"] == ["CloudWatch metrics"]
    assert rows["demo-eu-past-1"]["region"] == "eu-west-1"
    assert rows["demo-eu-spark35-failed"]["engine_version"] == "Apache Spark version 3.5"
    assert "demo-past-old" not in rows  # 20 days ago
    starts = [row["started_at"] for row in answer["sessions"]]
    assert starts == sorted(starts, reverse=True)


async def test_days_bound_the_window_on_both_sides() -> None:
    one_day = _rows(await _history({"Days": 1, "MaxResults": 50}))
    assert "demo-idle" in one_day and "demo-past-nightly-2" not in one_day  # started 2 days ago
    assert "demo-past-nightly-1" not in one_day  # ended 25 h ago
    month = await _history({"Days": 30, "MaxResults": 50})
    assert "demo-past-old" in _rows(month)  # CloudTrail keeps it
    assert any("only the last 14 days" in limit for limit in month["limits"])


async def test_filters_and_pages() -> None:
    failed = await _history({"Days": 7, "StateFilter": "FAILED", "Region": "eu-west-1"})
    assert [row["session_id"] for row in failed["sessions"]] == ["demo-eu-spark35-failed"]
    first = await _history({"Days": 14, "WorkGroup": "demo-spark35", "MaxResults": 2})
    assert len(first["sessions"]) == 2 and first["next_token"]
    assert all(row["workgroup"] == "demo-spark35" for row in first["sessions"])
    second = await _history(
        {"Days": 14, "WorkGroup": "demo-spark35", "MaxResults": 2, "NextToken": first["next_token"]}
    )
    assert not {r["session_id"] for r in first["sessions"]} & {r["session_id"] for r in second["sessions"]}


async def test_following_next_token_gives_every_row_once_in_order() -> None:
    whole = await _history({"Days": 14, "MaxResults": 50})
    assert whole["total"] > 6 and "next_token" not in whole  # the fixture fits one page of 50
    seen: list[str] = []
    arguments: dict[str, Any] = {"Days": 14, "MaxResults": 3}
    while True:
        page = await _history(arguments)
        assert page["total"] == whole["total"]
        seen += [row["session_id"] for row in page["sessions"]]
        if "next_token" not in page:
            break
        arguments["NextToken"] = page["next_token"]
    assert seen == [row["session_id"] for row in whole["sessions"]]


async def test_a_session_started_between_two_pages_does_not_repeat_a_row_on_the_next() -> None:
    # A position would shift by one when a newer session appears; the token names the last row shown.
    with emulated_athena() as client:
        server = server_for(client, settings=TWO_REGIONS)
        first = await call_ok(server, "list_athena_session_history", {"Days": 14, "MaxResults": 3})
        client.start_session(WorkGroup="demo-spark35", EngineConfiguration={"MaxConcurrentDpus": 2})
        second = await call_ok(
            server,
            "list_athena_session_history",
            {"Days": 14, "MaxResults": 3, "NextToken": first["next_token"]},
        )
        whole = await call_ok(server, "list_athena_session_history", {"Days": 14, "MaxResults": 50})
    shown = [row["session_id"] for row in first["sessions"]]
    after = [row["session_id"] for row in second["sessions"]]
    assert not set(shown) & set(after)
    order = [row["session_id"] for row in whole["sessions"]]
    assert order[1:7] == shown + after  # the new session is first; the pages continue where they were
    assert whole["total"] == first["total"] + 1


@pytest.mark.parametrize("token", ["2", "not base64!", "WyJ4Il0=", "eyJhIjogMX0="])
async def test_a_next_token_this_tool_did_not_give_is_refused_with_what_to_pass(token: str) -> None:
    with emulated_athena() as client:
        text = await call_error(
            server_for(client, settings=TWO_REGIONS),
            "list_athena_session_history",
            {"Days": 1, "NextToken": token},
        )
    assert "NextToken is not a next_token this tool gave" in text
    assert "leave NextToken out for the first page" in text


async def test_a_region_not_configured_is_refused() -> None:
    with emulated_athena() as client:
        text = await call_error(
            server_for(client, settings=TWO_REGIONS), "list_athena_session_history", {"Region": "ap-south-1"}
        )
    assert "ap-south-1 is not among the configured regions (us-east-1, eu-west-1)" in text


def _workgroup_page(name: str, token: str | None) -> dict[str, Any]:
    spark = {
        "SelectedEngineVersion": "PySpark engine version 3",
        "EffectiveEngineVersion": "PySpark engine version 3",
    }
    sql = {"SelectedEngineVersion": "AUTO", "EffectiveEngineVersion": "Athena engine version 3"}
    page: dict[str, Any] = {
        "WorkGroups": [
            {"Name": name, "State": "ENABLED", "EngineVersion": spark},
            {"Name": f"{name}-sql", "State": "ENABLED", "EngineVersion": sql},
        ]
    }
    return {**page, "NextToken": token} if token else page


@pytest.mark.parametrize(("pages", "complete"), [(20, True), (21, False)])
async def test_the_account_wide_workgroup_scan_names_what_it_did_not_read(
    athena_client: AthenaClient, stubber: Stubber, pages: int, complete: bool
) -> None:
    # 20 pages of 50 are read (1,000 workgroups); a 21st page is a limit the answer names, not a silent cut.
    from athena_session_mcp.athena.client import AthenaGateway
    from athena_session_mcp.tools import Deps
    from athena_session_mcp.tools.history_reads import spark_workgroups

    for page in range(min(pages, 20)):
        token = f"t{page + 1}" if page + 1 < pages else None
        expected: dict[str, Any] = {"MaxResults": 50, **({"NextToken": f"t{page}"} if page else {})}
        stubber.add_response("list_work_groups", _workgroup_page(f"wg{page}", token), expected)
    settings = Settings(region="us-east-1")
    deps = Deps(gateway=AthenaGateway(settings, client=athena_client), settings=settings)
    limits: list[str] = []
    names = await spark_workgroups(deps, "us-east-1", limits)
    assert names == [f"wg{page}" for page in range(20)]  # the SQL workgroups are left out
    if complete:
        assert limits == []
    else:
        assert limits == [
            "us-east-1: workgroups past the first 1000 not read (ListWorkGroups has more pages)"
        ]
    stubber.assert_no_pending_responses()


async def test_progress_names_each_source_and_region_read_out_of_three_per_region() -> None:
    with emulated_athena() as client:
        _, updates = await call_with_progress(
            server_for(client, settings=TWO_REGIONS), "list_athena_session_history", {"Days": 1}
        )
    # Three sources (ListSessions, CloudWatch metrics, CloudTrail) in each of the two regions.
    assert [(p, t) for p, t, _ in updates] == [(n, 6) for n in range(1, 7)]
    messages = {m for _, _, m in updates}
    for region in ("us-east-1", SECOND_REGION):
        for source in ("ListSessions", "CloudWatch metrics", "CloudTrail"):
            assert f"Read {source} in {region}" in messages
