"""Apache Spark version 3.5 sessions: Spark Connect endpoints, the Spark UI, and no Calculation APIs."""

# Tests index response keys directly on purpose: a missing key is a test failure.
# pyright: reportTypedDictNotRequiredAccess=false

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from botocore.exceptions import ClientError

from athena_session_mcp import emulator
from athena_session_mcp.athena.vocabulary import SPARK_35_ENGINE
from athena_session_mcp.emulator import Clock, assumptions

from .conftest import CALCULATION_ID_OPERATIONS, FROZEN_AT, REGION, start_idle_session
from .shape_check import RawResponses

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient


def _code(caught: pytest.ExceptionInfo[ClientError]) -> str:
    return caught.value.response["Error"]["Code"]


def _arn(workgroup: str, session_id: str) -> str:
    return f"arn:aws:athena:{REGION}:123456789012:workgroup/{workgroup}/session/{session_id}"


def test_session_reports_its_engine_and_has_no_notebook_version(
    athena: AthenaClient, spark35_workgroup: str, spark35_session: str
) -> None:
    session = athena.get_session(SessionId=spark35_session)
    assert session["EngineVersion"] == SPARK_35_ENGINE
    assert "NotebookVersion" not in session
    (summary,) = athena.list_sessions(WorkGroup=spark35_workgroup)["Sessions"]
    assert summary["EngineVersion"] == {
        "SelectedEngineVersion": SPARK_35_ENGINE,
        "EffectiveEngineVersion": SPARK_35_ENGINE,
    }
    assert "NotebookVersion" not in summary


def test_start_session_with_a_notebook_version_is_refused(
    athena: AthenaClient, spark35_workgroup: str
) -> None:
    with pytest.raises(ClientError) as caught:
        athena.start_session(
            WorkGroup=spark35_workgroup,
            EngineConfiguration={"MaxConcurrentDpus": 4, "AdditionalConfigs": {"NotebookId": "nb-1"}},
            NotebookVersion="Athena notebook version 1",
        )
    assert _code(caught) == assumptions.NOTEBOOK_VERSION_ON_SPARK_35_ERROR


def test_calculation_apis_are_refused(athena: AthenaClient, spark35_session: str) -> None:
    # "Considerations and limitations": the Calculation APIs are not supported in this release.
    with pytest.raises(ClientError) as started:
        athena.start_calculation_execution(SessionId=spark35_session, CodeBlock="spark.range(1).count()")
    assert _code(started) == assumptions.CALCULATIONS_UNSUPPORTED_ERROR
    assert "Spark Connect" in started.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as listed:
        athena.list_calculation_executions(SessionId=spark35_session)
    assert _code(listed) == assumptions.CALCULATIONS_UNSUPPORTED_ERROR


@pytest.mark.parametrize("operation", CALCULATION_ID_OPERATIONS)
def test_calculation_id_operations_find_nothing(
    athena: AthenaClient, spark35_session: str, operation: str
) -> None:
    with pytest.raises(ClientError) as caught:
        getattr(athena, operation)(CalculationExecutionId="calc-on-spark35")
    assert _code(caught) == assumptions.UNKNOWN_RESOURCE_ERROR


def test_session_endpoint_gives_fresh_tokens_and_never_logs_them(
    athena: AthenaClient, spark35_session: str, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ("athena_session_mcp", "moto", "werkzeug"):
        caplog.set_level(logging.DEBUG, logger=name)
    first = athena.get_session_endpoint(SessionId=spark35_session)
    second = athena.get_session_endpoint(SessionId=spark35_session)
    assert first["AuthToken"] != second["AuthToken"]
    assert first["EndpointUrl"] != second["EndpointUrl"]
    assert len(first["AuthToken"]) >= 32
    assert first["EndpointUrl"].startswith("https://") and ".invalid/" in first["EndpointUrl"]
    assert (
        first["AuthTokenExpirationTime"]
        == FROZEN_AT + timedelta(seconds=12) + assumptions.AUTH_TOKEN_LIFETIME
    )
    assert any(r.name.startswith("athena_session_mcp") for r in caplog.records), "emulator logs nothing?"
    logged = "\n".join(r.getMessage() for r in caplog.records) + caplog.text
    assert first["AuthToken"] not in logged
    assert second["AuthToken"] not in logged


def test_session_endpoint_is_unavailable_while_creating_and_once_terminated(
    athena: AthenaClient, spark35_workgroup: str, clock: Clock
) -> None:
    session_id = athena.start_session(WorkGroup=spark35_workgroup, EngineConfiguration={})["SessionId"]
    with pytest.raises(ClientError) as creating:
        athena.get_session_endpoint(SessionId=session_id)
    assert _code(creating) == assumptions.ENDPOINT_UNAVAILABLE_ERROR
    clock.advance(12)
    assert athena.get_session_endpoint(SessionId=session_id)["AuthToken"]
    athena.terminate_session(SessionId=session_id)
    clock.advance(3)
    with pytest.raises(ClientError) as ended:
        athena.get_session_endpoint(SessionId=session_id)
    assert _code(ended) == assumptions.ENDPOINT_UNAVAILABLE_ERROR


def test_resource_dashboard_is_the_live_ui_then_the_history_server(
    athena: AthenaClient, spark35_workgroup: str, spark35_session: str, clock: Clock
) -> None:
    arn = _arn(spark35_workgroup, spark35_session)
    live = athena.get_resource_dashboard(ResourceARN=arn)["Url"]
    assert live.startswith("https://spark-ui-") and ".invalid/" in live
    assert athena.get_resource_dashboard(ResourceARN=arn)["Url"] != live  # one-off, like a presigned URL
    athena.terminate_session(SessionId=spark35_session)
    assert athena.get_resource_dashboard(ResourceARN=arn)["Url"].startswith("https://spark-ui-")
    clock.advance(3)
    assert athena.get_resource_dashboard(ResourceARN=arn)["Url"].startswith("https://spark-history-")


def test_resource_dashboard_is_refused_while_creating(athena: AthenaClient, spark35_workgroup: str) -> None:
    session_id = athena.start_session(WorkGroup=spark35_workgroup, EngineConfiguration={})["SessionId"]
    with pytest.raises(ClientError) as caught:
        athena.get_resource_dashboard(ResourceARN=_arn(spark35_workgroup, session_id))
    assert _code(caught) == assumptions.DASHBOARD_UNAVAILABLE_ERROR


def test_resource_dashboard_is_refused_for_pyspark_engine_version_3(
    athena: AthenaClient, idle_session: str
) -> None:
    with pytest.raises(ClientError) as caught:
        athena.get_resource_dashboard(ResourceARN=_arn("spark-wg", idle_session))
    assert _code(caught) == assumptions.DASHBOARD_UNAVAILABLE_ERROR


@pytest.mark.parametrize(
    ("arn", "code"),
    [
        ("not-an-arn", "InvalidRequestException"),
        ("arn:aws:s3:::bucket/session/x", "InvalidRequestException"),
        (
            "arn:aws:athena:us-east-1:123456789012:workgroup/w/session/ghost",
            assumptions.UNKNOWN_RESOURCE_ERROR,
        ),
    ],
)
def test_resource_dashboard_rejects_bad_or_unknown_arns(athena: AthenaClient, arn: str, code: str) -> None:
    with pytest.raises(ClientError) as caught:
        athena.get_resource_dashboard(ResourceARN=arn)
    assert _code(caught) == code


def test_session_ended_while_idle_keeps_its_idle_since(
    athena: AthenaClient, spark35_session: str, clock: Clock
) -> None:
    # assumptions.IDLE_SINCE_KEPT_AFTER_END, for a stop by request.
    clock.advance(30)
    athena.terminate_session(SessionId=spark35_session)
    clock.advance(3)
    status = athena.get_session_status(SessionId=spark35_session)["Status"]
    assert status["State"] == "TERMINATED"
    assert status["IdleSinceDateTime"] == FROZEN_AT + timedelta(seconds=12)


def test_seeded_spark35_sessions(athena: AthenaClient, clock: Clock) -> None:
    emulator.seed_demo()
    states = {
        sid: athena.get_session_status(SessionId=sid)["Status"]
        for sid in (
            emulator.SESSION_SPARK35_IDLE,
            emulator.SESSION_SPARK35_TERMINATED,
            emulator.SESSION_SPARK35_FAILED,
        )
    }
    assert [s["State"] for s in states.values()] == ["IDLE", "TERMINATED", "FAILED"]
    assert (
        states[emulator.SESSION_SPARK35_TERMINATED]["StateChangeReason"]
        == emulator.TERMINATED_PER_REQUEST_REASON
    )
    listed = athena.list_sessions(WorkGroup=emulator.DEMO_SPARK35_WORKGROUP)["Sessions"]
    assert [s["SessionId"] for s in listed] == [emulator.SESSION_SPARK35_IDLE]
    assert athena.get_session(SessionId=emulator.SESSION_SPARK35_IDLE)["EngineVersion"] == SPARK_35_ENGINE


def test_every_spark35_response_was_checked_against_the_model(
    athena: AthenaClient, raw: RawResponses, spark35_workgroup: str, clock: Clock
) -> None:
    session_id = start_idle_session(athena, clock, spark35_workgroup)
    athena.get_session_endpoint(SessionId=session_id)
    athena.get_resource_dashboard(ResourceARN=_arn(spark35_workgroup, session_id))
    assert {"GetSessionEndpoint", "GetResourceDashboard"} <= {name for name, _, _ in raw.seen}


@pytest.mark.parametrize(
    ("region", "partition"), [("us-east-1", "aws"), ("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")]
)
def test_session_arn_follows_the_assumed_template(region: str, partition: str) -> None:
    from athena_session_mcp.emulator.calculations import Calculation
    from athena_session_mcp.emulator.clock import Clock as EmulatorClock
    from athena_session_mcp.emulator.service import SparkService
    from athena_session_mcp.emulator.sessions import Session
    from athena_session_mcp.emulator.state import SparkState

    class _Platform:
        account_id = "111122223333"

        def __init__(self) -> None:
            self.region = region

        def workgroup_configuration(self, name: str) -> None:
            return None

        def put_object(self, uri: str, body: bytes) -> None:
            return None

        def workgroup_tags(self, name: str) -> dict[str, str]:
            return {}

    service = SparkService(SparkState("111122223333", region), _Platform(), EmulatorClock())
    session = Session("sid", "wg", SPARK_35_ENGINE, {}, {}, 20, FROZEN_AT, calculations=list[Calculation]())
    assert (
        service.session_arn(session)
        == f"arn:{partition}:athena:{region}:111122223333:workgroup/wg/session/sid"
    )
