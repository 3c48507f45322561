"""The harness itself: opt-in rules, the cost statement, and clean-up that survives failures."""

from __future__ import annotations

import dataclasses

import pytest

from athena_session_mcp.settings import DEFAULT_DPU_HOUR_PRICE_USD, ENV_PRICE

from .conftest import emulator_only, suite_timeout
from .target import (
    ENV_LIVE,
    ENV_PYSPARK_WORKGROUP,
    ENV_SPARK35_WORKGROUP,
    LIVE_SESSIONS,
    MAX_CONCURRENT_DPUS,
    Target,
    cost_statement,
    dpu_hour_price,
    live_requested,
    missing_live_settings,
)

pytestmark = suite_timeout


@pytest.mark.parametrize(
    ("env", "live"),
    [
        ({}, False),
        ({ENV_LIVE: "1"}, True),
        ({ENV_LIVE: "yes"}, False),
        ({ENV_LIVE: "1", "CI": "true"}, False),
        ({ENV_LIVE: "1", "CI": "TRUE"}, False),
        ({ENV_LIVE: "1", "CI": "1"}, False),
        ({ENV_LIVE: "1", "CI": "false"}, True),
    ],
)
def test_live_mode_needs_the_opt_in_and_never_runs_in_ci(env: dict[str, str], live: bool) -> None:
    assert live_requested(env) is live


def test_live_mode_names_the_missing_workgroups() -> None:
    assert missing_live_settings({}) == [ENV_PYSPARK_WORKGROUP, ENV_SPARK35_WORKGROUP]
    assert missing_live_settings({ENV_PYSPARK_WORKGROUP: "a", ENV_SPARK35_WORKGROUP: "b"}) == []


def test_cost_statement_bounds_the_dpu_minutes_and_the_price() -> None:
    lines = cost_statement(0.5)
    worst = sum(LIVE_SESSIONS.values()) * MAX_CONCURRENT_DPUS
    assert f"it starts {len(LIVE_SESSIONS)} Spark sessions" in lines[0]
    assert f"Worst case {worst:.0f} DPU-minutes x $0.50/DPU-hour = ${worst / 60 * 0.5:.2f}" in lines[-1]
    assert len(lines) == len(LIVE_SESSIONS) + 2


@pytest.mark.parametrize(
    ("env", "price"),
    [
        ({}, DEFAULT_DPU_HOUR_PRICE_USD),
        ({ENV_PRICE: "0.42"}, 0.42),
        ({ENV_PRICE: "cheap"}, DEFAULT_DPU_HOUR_PRICE_USD),
    ],
)
def test_price_comes_from_the_servers_setting(env: dict[str, str], price: float) -> None:
    assert dpu_hour_price(env) == price


@emulator_only  # checks the harness, not the service: no need to pay for it
def test_clean_up_terminates_every_started_session_even_after_an_error(target: Target) -> None:
    own = dataclasses.replace(target, started=[])
    first = own.start_session(target.pyspark_workgroup)
    own.started.append("contract-no-such-session")  # a failing terminate must not stop the others
    second = own.start_session(target.pyspark_workgroup)
    problems = own.terminate_started()
    assert len(problems) == 1 and "contract-no-such-session" in problems[0]
    for session_id in (first, second):
        state = target.client.get_session_status(SessionId=session_id)["Status"].get("State")
        assert state in ("TERMINATING", "TERMINATED")


@emulator_only
def test_waiting_is_bounded(target: Target) -> None:
    own = dataclasses.replace(target, started=[])
    session_id = own.start_session(target.pyspark_workgroup)
    try:
        with pytest.raises(AssertionError, match="expected one of"):
            own.wait_for(session_id, {"BUSY"}, 30)
    finally:
        assert own.terminate_started() == []
