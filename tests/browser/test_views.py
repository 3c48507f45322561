"""The MCP Apps views in a real browser (Debian's Chromium, headless): the test host page speaks the
host side of the protocol and feeds each view real results from the server on the seeded emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3

from athena_session_mcp import emulator
from athena_session_mcp.athena.vocabulary import SESSION_STATES
from athena_session_mcp.emulator.seed import FAILED_REASON
from tests.browser.conftest import Host
from tests.conftest import FAKE_ENV


def emulator_sessions(endpoint_url: str, workgroup: str) -> dict[str, str]:
    """session id -> state, straight from the emulator (ListSessions per state), not through our tools."""
    client: Any = boto3.client("athena", region_name="us-east-1", endpoint_url=endpoint_url)  # pyright: ignore[reportUnknownMemberType]
    sessions: dict[str, str] = {}
    for state in SESSION_STATES:
        token: dict[str, str] = {}
        while True:
            page = client.list_sessions(WorkGroup=workgroup, StateFilter=state, MaxResults=100, **token)
            for item in page["Sessions"]:
                sessions[item["SessionId"]] = item["Status"]["State"]
            if not page.get("NextToken"):
                break
            token = {"NextToken": page["NextToken"]}
    return sessions


def no_network(host: Host) -> list[str]:
    return [url for url in host.requests if url.startswith(("http:", "https:", "ws:", "wss:"))]


async def test_session_card_shows_the_session_state_and_a_countdown_that_ticks(
    host: Host, screenshots: Path
) -> None:
    session_id = emulator.SESSION_IDLE_NEAR_TIMEOUT
    view = await host.show("session_card.html", "get_athena_session", {"SessionId": session_id})

    await view.get_by_test_id("session-id").wait_for()
    assert await view.get_by_test_id("session-id").text_content() == session_id
    assert emulator.DEMO_SESSION_STATES[session_id] in (
        await view.get_by_test_id("state").text_content() or ""
    )
    countdown = view.get_by_test_id("countdown")
    assert "Idle timeout in" in (await countdown.text_content() or "")
    first = int(await countdown.get_attribute("data-remaining-seconds") or "nan")
    await host.page.wait_for_timeout(1500)
    second = int(await countdown.get_attribute("data-remaining-seconds") or "nan")
    assert 0 < second < first <= 20 * 60  # seeded with a 20-minute timeout, about 3 minutes left
    assert await view.get_by_test_id("engine").text_content() == emulator.SPARK_ENGINE_VERSION
    assert "DPU-h" in (await view.get_by_test_id("dpu-hours").text_content() or "")
    severities = await view.locator(".finding").evaluate_all("items => items.map(i => i.dataset.severity)")
    assert severities[0] == "warning"  # IDLE_TIMEOUT_SOON before the INFO finding
    page = await view.locator("html").evaluate("html => html.outerHTML")
    assert FAKE_ENV["AWS_SECRET_ACCESS_KEY"] not in page and FAKE_ENV["AWS_SESSION_TOKEN"] not in page
    assert "arn:aws:kms" not in page  # the card renders the summary, not the raw response
    assert no_network(host) == []
    assert host.errors == []
    await host.screenshot("session-card.png", screenshots)


async def test_session_card_follows_the_host_theme_and_its_changes_and_shows_an_ended_session(
    host: Host, screenshots: Path
) -> None:
    session_id = emulator.SESSION_FAILED
    view = await host.show("session_card.html", "get_athena_session", {"SessionId": session_id}, theme="dark")

    await view.get_by_test_id("session-id").wait_for()
    assert await view.locator("html").get_attribute("data-theme") == "dark"
    assert "FAILED" in (await view.get_by_test_id("state").text_content() or "")
    assert "Ended" in (await view.get_by_test_id("health").text_content() or "")
    assert FAILED_REASON[:60] in (await view.get_by_test_id("reason").text_content() or "")
    assert "no idle countdown" in (await view.get_by_test_id("countdown").text_content() or "")
    assert no_network(host) == []
    assert host.errors == []
    await host.screenshot("session-card-dark.png", screenshots)
    await host.page.evaluate("() => setTheme('light')")
    await view.locator("html[data-theme=light]").wait_for(state="attached")


async def test_workgroup_board_lists_every_session_and_a_click_opens_its_card(
    host: Host, screenshots: Path, emulator_url: str
) -> None:
    workgroup = emulator.DEMO_SPARK_WORKGROUP
    expected = emulator_sessions(emulator_url, workgroup)
    view = await host.show(
        "workgroup_board.html", "summarize_athena_workgroup_sessions", {"WorkGroup": workgroup}
    )

    await view.locator("[data-testid=board-status][data-complete=true]").wait_for()
    rows = await view.locator(".session-row").evaluate_all(
        "rows => rows.map(r => [r.dataset.sessionId, r.dataset.state, r.textContent])"
    )
    assert {row[0]: row[1] for row in rows} == expected
    for _, state, text in rows:
        assert state in text  # the state is written out, not only coloured
        assert "DPU-h" in text
    digest = (host.shown or {})["structuredContent"]
    for state, count in digest["counts_by_state"].items():
        assert (await view.get_by_test_id(f"count-{state}").text_content() or "").endswith(f"{state} {count}")

    target = emulator.SESSION_DEGRADED
    await view.locator(f".session-row[data-session-id='{target}']").click()
    card = view.get_by_test_id("card-panel")
    await card.get_by_test_id("session-id").wait_for()
    assert await card.get_by_test_id("session-id").text_content() == target
    assert expected[target] in (await card.get_by_test_id("state").text_content() or "")
    row = view.locator(f".session-row[data-session-id='{target}']")
    assert await row.get_attribute("aria-pressed") == "true"
    calls = await host.page.evaluate("() => window.host.toolCalls")
    # The board draws the sessions the digest listed (its result's _meta): it lists and reads none again.
    assert calls == [{"name": "get_athena_session", "arguments": {"SessionId": target}}]
    assert no_network(host) == []
    assert host.errors == []
    await host.screenshot("workgroup-board.png", screenshots)


async def test_diagnosis_renders_in_the_session_card_with_its_causes_and_gaps(
    host: Host, screenshots: Path
) -> None:
    session_id = emulator.SESSION_FAILED
    view = await host.show("session_card.html", "diagnose_athena_session", {"SessionId": session_id})

    await view.get_by_test_id("diagnosis").wait_for()
    diagnosis = (host.shown or {})["structuredContent"]
    assert await view.get_by_test_id("session-id").text_content() == session_id
    assert "FAILED" in (await view.get_by_test_id("state").text_content() or "")
    assert await view.get_by_test_id("verdict").text_content() == diagnosis["verdict"]
    codes = await view.locator("[data-testid=causes] > li").evaluate_all(
        "items => items.map(i => i.dataset.code)"
    )
    assert codes == [cause["code"] for cause in diagnosis["causes"]]
    for cause in diagnosis["causes"]:
        assert cause["title"] in (await view.get_by_test_id("causes").text_content() or "")
    gaps = await view.get_by_test_id("gaps").text_content() or ""
    assert all(gap["what"] in gaps for gap in diagnosis["gaps"])
    assert no_network(host) == []
    assert host.errors == []
    await host.screenshot("session-diagnosis.png", screenshots)


async def test_session_card_of_an_apache_spark_35_session_names_its_engine(host: Host) -> None:
    session_id = emulator.SESSION_SPARK35_IDLE
    view = await host.show("session_card.html", "get_athena_session", {"SessionId": session_id})

    await view.get_by_test_id("session-id").wait_for()
    assert await view.get_by_test_id("session-id").text_content() == session_id
    assert await view.get_by_test_id("engine").text_content() == emulator.SPARK35_ENGINE_VERSION
    assert emulator.DEMO_SESSION_STATES[session_id] in (
        await view.get_by_test_id("state").text_content() or ""
    )
    remaining = int(await view.get_by_test_id("countdown").get_attribute("data-remaining-seconds") or "nan")
    assert 0 < remaining <= 60 * 60  # seeded IDLE with a 60-minute idle timeout
    assert no_network(host) == []
    assert host.errors == []


async def test_account_board_shows_every_workgroup_its_cost_and_the_days(
    host: Host, screenshots: Path
) -> None:
    view = await host.show("account_board.html", "summarize_athena_account", {"Days": 14})
    await view.get_by_test_id("workgroups").wait_for()
    summary = (host.shown or {})["structuredContent"]
    rows = await view.locator("[data-testid=workgroup-row]").evaluate_all(
        "rows => rows.map(r => [r.dataset.region, r.dataset.workgroup, r.textContent])"
    )
    assert [(r, w) for r, w, _ in rows] == [(w["region"], w["workgroup"]) for w in summary["workgroups"]]
    for (_, _, text), workgroup in zip(rows, summary["workgroups"], strict=True):
        assert f"${workgroup['estimated_cost_usd']:.2f}" in text
    assert await view.locator("[data-testid=day]").count() == len(summary["by_day"])
    assert await view.get_by_test_id("cost").text_content() == f"${summary['estimated_cost_usd']:.2f}"
    calls = await host.page.evaluate("() => window.host.toolCalls")
    assert calls == []  # it draws the answer; it calls nothing
    assert no_network(host) == []
    assert host.errors == []
    await host.screenshot("account-board.png", screenshots)
