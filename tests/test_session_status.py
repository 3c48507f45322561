"""get_athena_session_status: the cheap poll, in the same vocabulary as get_athena_session."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from botocore.stub import Stubber
from mcp.server.mcpserver import MCPServer

from tests.conftest import NOW, server_for
from tests.factories import in_botocore_shape, session_response
from tests.fleet import call_error, call_ok

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient

SESSION_ID = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"


def status_response(state: str, **status: Any) -> dict[str, Any]:
    return in_botocore_shape(
        "GetSessionStatus",
        {
            "SessionId": SESSION_ID,
            "Status": {"StartDateTime": NOW - timedelta(hours=1), "State": state, **status},
        },
    )


# From the SessionState meanings in botocore's model: CREATING "being started, including acquiring
# resources", CREATED "started", IDLE "able to accept a calculation", BUSY "unable to accept a calculation",
# TERMINATING "in the process of shutting down", TERMINATED "resources are released", DEGRADED "no healthy
# coordinator", FAILED "failed due to an error". alive: resources still allocated.
EXPECTED_BY_STATE = {
    # state: (phase, alive, state finding)
    "CREATING": ("starting", True, "SESSION_STARTING"),
    "CREATED": ("starting", True, "SESSION_STARTING"),
    "IDLE": ("ready", True, "SESSION_READY"),
    "BUSY": ("running", True, "SESSION_BUSY"),
    "TERMINATING": ("stopping", True, "SESSION_TERMINATING"),
    "TERMINATED": ("ended", False, "SESSION_TERMINATED"),
    "DEGRADED": ("unhealthy", True, "SESSION_DEGRADED"),
    "FAILED": ("unhealthy", False, "SESSION_FAILED"),
}


@pytest.mark.parametrize("state", list(EXPECTED_BY_STATE))
async def test_state_phase_and_health_flags_follow_the_documented_states(
    stubbed_server: MCPServer, stubber: Stubber, state: str
) -> None:
    stubber.add_response("get_session_status", status_response(state), {"SessionId": SESSION_ID})
    content = await call_ok(stubbed_server, "get_athena_session_status", {"SessionId": SESSION_ID})
    summary = content["summary"]
    phase, alive, finding = EXPECTED_BY_STATE[state]
    assert (summary["state"], summary["phase"], summary["alive"]) == (state, phase, alive)
    # Derivable from the phase, so not said twice (a TERMINATED session was once "healthy").
    assert "healthy" not in summary and "accepting_calculations" not in summary
    assert summary["findings"][0]["code"] == finding


async def test_idle_session_reports_idle_time_but_no_timeout_countdown(
    stubbed_server: MCPServer, stubber: Stubber
) -> None:
    stubber.add_response(
        "get_session_status",
        status_response("IDLE", IdleSinceDateTime=NOW - timedelta(minutes=7)),
        {"SessionId": SESSION_ID},
    )
    content = await call_ok(stubbed_server, "get_athena_session_status", {"SessionId": SESSION_ID})
    timing = content["summary"]["timing"]
    assert timing["idle_for_seconds"] == 420
    assert timing["age_seconds"] == 3600
    assert "idle_timeout_remaining_seconds" not in timing
    assert content["summary"]["headline"].startswith("IDLE (ready)")
    assert content["raw"]["Status"]["IdleSinceDateTime"] == "2026-11-25T11:53:00Z"


async def test_failed_session_is_critical_with_its_reason(
    stubbed_server: MCPServer, stubber: Stubber
) -> None:
    stubber.add_response(
        "get_session_status",
        status_response("FAILED", StateChangeReason="Executor lost", EndDateTime=NOW),
        {"SessionId": SESSION_ID},
    )
    content = await call_ok(stubbed_server, "get_athena_session_status", {"SessionId": SESSION_ID})
    finding = content["summary"]["findings"][0]
    assert (finding["severity"], finding["code"]) == ("critical", "SESSION_FAILED")
    assert content["summary"]["state_change_reason"] == "Executor lost"
    # GetSessionStatus does not name the engine: the next steps cover both engines.
    assert (
        "list_athena_calculations" in finding["suggestion"]
        and "GetResourceDashboard" in finding["suggestion"]
    )


async def test_status_uses_the_engine_the_server_already_learnt_from_get_session(
    stubbed_server: MCPServer, stubber: Stubber
) -> None:
    response = session_response("IDLE", EngineVersion="Apache Spark version 3.5", NotebookVersion=None)
    stubber.add_response("get_session", response, {"SessionId": SESSION_ID})
    stubber.add_response("get_session_status", status_response("IDLE"), {"SessionId": SESSION_ID})
    await call_ok(stubbed_server, "get_athena_session", {"SessionId": SESSION_ID})
    content = await call_ok(stubbed_server, "get_athena_session_status", {"SessionId": SESSION_ID})
    (ready,) = content["summary"]["findings"]
    assert (
        "GetSessionEndpoint" in ready["suggestion"] and "StartCalculationExecution" not in ready["suggestion"]
    )


async def test_polls_the_emulated_near_timeout_session(emulated: AthenaClient) -> None:
    content = await call_ok(
        server_for(emulated), "get_athena_session_status", {"SessionId": "demo-idle-near-timeout"}
    )
    assert content["summary"]["state"] == "IDLE"
    assert content["summary"]["phase"] == "ready"
    assert content["summary"]["timing"]["idle_for_seconds"] == 17 * 60


async def test_emulated_unknown_session_is_not_found(emulated: AthenaClient) -> None:
    text = await call_error(
        server_for(emulated), "get_athena_session_status", {"SessionId": "no-such-session"}
    )
    assert "'no-such-session' was not found" in text


async def test_an_idle_poll_says_it_cannot_see_the_idle_timeout_instead_of_only_ready(
    stubbed_server: MCPServer, stubber: Stubber
) -> None:
    stubber.add_response(
        "get_session_status",
        status_response("IDLE", IdleSinceDateTime=NOW - timedelta(minutes=17)),
        {"SessionId": SESSION_ID},
    )
    content = await call_ok(stubbed_server, "get_athena_session_status", {"SessionId": SESSION_ID})
    summary = content["summary"]
    (ready,) = summary["findings"]
    assert ready["message"] == (
        "The session is idle and ready for work. It has been idle 17m 00s. GetSessionStatus does not return "
        "the idle timeout, so this poll cannot tell how soon the idle timeout ends it."
    )
    assert ready["suggestion"].startswith("Call get_athena_session for the idle-timeout countdown")
    assert summary["headline"] == "IDLE (ready) · idle 17m 00s"


async def test_an_ended_poll_says_when_it_ended_and_that_the_idle_timeout_is_not_in_the_response(
    stubbed_server: MCPServer, stubber: Stubber
) -> None:
    stubber.add_response(
        "get_session_status",
        status_response(
            "TERMINATED",
            StartDateTime=NOW - timedelta(hours=3, minutes=10),
            IdleSinceDateTime=NOW - timedelta(hours=3),
            EndDateTime=NOW - timedelta(hours=2, minutes=50),
        ),
        {"SessionId": SESSION_ID},
    )
    content = await call_ok(stubbed_server, "get_athena_session_status", {"SessionId": SESSION_ID})
    summary = content["summary"]
    assert summary["headline"] == "TERMINATED (ended) · ended 2h 50m ago · ran 20m 00s"
    assert "GetSessionStatus does not return the idle timeout" in summary["findings"][0]["message"]


async def test_the_rendered_poll_shows_no_configuration_it_was_not_given(emulated: AthenaClient) -> None:
    from athena_session_mcp.cli.render import render_summary

    # demo-idle's results are SSE_KMS-encrypted: a poll must not print "encryption none configured".
    content = await call_ok(server_for(emulated), "get_athena_session_status", {"SessionId": "demo-idle"})
    text = render_summary(content["summary"])
    assert (
        "encryption none configured" not in text and "   config " not in text and "   capacity " not in text
    )
    assert (
        "not shown GetSessionStatus returns no configuration, capacity, DPU usage or idle timeout: "
        "get_athena_session has them"
    ) in text
    full = await call_ok(server_for(emulated), "get_athena_session", {"SessionId": "demo-idle"})
    assert "encryption SSE_KMS" in render_summary(full["summary"])
