"""Every finding, next step and digest line is worded for the session's engine: calculations exist only on
PySpark engine version 3; Apache Spark version 3.5 has Spark Connect and the Spark UI instead."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from athena_session_mcp.athena.vocabulary import SPARK_35_ENGINE
from athena_session_mcp.cli.render import render_summary
from athena_session_mcp.health.session import summarize_session
from tests.conftest import NOW, server_for
from tests.factories import session_response
from tests.fleet import call_ok

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient


def spark35(state: str) -> dict[str, Any]:
    return session_response(state, EngineVersion=SPARK_35_ENGINE, NotebookVersion=None)


def test_a_busy_spark_35_session_is_not_said_to_refuse_calculations() -> None:
    (busy,) = summarize_session(spark35("BUSY"), now=NOW).findings
    assert busy.message == "The session is busy processing Spark Connect work."
    assert "calculation" not in (busy.message + busy.suggestion).lower()
    assert "GetResourceDashboard" in busy.suggestion


def test_a_busy_pyspark_session_cannot_accept_another_calculation() -> None:
    (busy,) = summarize_session(session_response("BUSY"), now=NOW).findings
    assert busy.message == "The session is processing a calculation and cannot accept another one right now."
    assert busy.suggestion.endswith("submit the next calculation when it is IDLE.")


def test_a_busy_session_of_unknown_engine_says_the_calculation_rule_only_for_its_engine() -> None:
    (busy,) = summarize_session(session_response("BUSY", EngineVersion=None), now=NOW).findings
    assert "on PySpark engine version 3 it cannot accept another calculation" in busy.message


@pytest.mark.parametrize(
    ("engine", "accepting"),
    [
        ("pyspark-v3", "accepting calculations"),
        ("spark-3.5", "accepting Spark Connect work"),
        (None, "accepting work"),
    ],
)
def test_the_rendered_summary_says_what_an_idle_session_accepts_on_its_engine(
    engine: str | None, accepting: str
) -> None:
    response = {"pyspark-v3": session_response("IDLE"), "spark-3.5": spark35("IDLE")}.get(
        engine or "", session_response("IDLE", EngineVersion=None)
    )
    text = render_summary(summarize_session(response, now=NOW).model_dump(mode="json"))
    assert f"· {accepting}" in text


async def test_the_digest_of_a_spark_35_workgroup_never_points_at_the_calculation_api(
    emulated: AthenaClient,
) -> None:
    content = await call_ok(
        server_for(emulated), "summarize_athena_workgroup_sessions", {"WorkGroup": "demo-spark35"}
    )
    (unhealthy,) = [f for f in content["findings"] if f["code"] == "UNHEALTHY_SESSIONS"]
    assert "list_athena_calculations" not in unhealthy["suggestion"]
    assert "diagnose_athena_session" in unhealthy["suggestion"]
    assert "Apache Spark version 3.5 has no Calculation APIs" in unhealthy["suggestion"]
    every_line = " ".join(f["message"] + " " + f["suggestion"] for f in content["findings"]) + content["hint"]
    assert "calculation" not in every_line.replace("Calculation APIs", "").lower()


async def test_the_digest_of_a_pyspark_workgroup_points_failed_sessions_at_their_calculations(
    emulated: AthenaClient,
) -> None:
    content = await call_ok(
        server_for(emulated), "summarize_athena_workgroup_sessions", {"WorkGroup": "demo-spark"}
    )
    (unhealthy,) = [f for f in content["findings"] if f["code"] == "UNHEALTHY_SESSIONS"]
    assert "list_athena_calculations with StateFilter FAILED" in unhealthy["suggestion"]
