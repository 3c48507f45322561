"""Apache Spark version 3.5 ("Release versions", "Considerations and limitations", "Spark Connect support",
"Accessing the Spark UI"). The checks run in file order: the last one stops the shared session.
Secrets (the endpoint's AuthToken, dashboard URLs) never appear in an assertion message.
"""

from __future__ import annotations

from datetime import UTC, datetime

from .conftest import error_code, list_ids, suite_timeout
from .target import Target

pytestmark = suite_timeout


def test_assumed_engine_version_string(target: Target, spark35_session: str) -> None:
    # Assumed (assumptions.SPARK_35_ENGINE_VERSION), stated literally: GetSession's EngineVersion is a string...
    session = target.client.get_session(SessionId=spark35_session)
    assert session.get("EngineVersion") == "Apache Spark version 3.5"
    # ...ListSessions' is an EngineVersion structure (botocore model).
    page = target.client.list_sessions(WorkGroup=target.spark35_workgroup, StateFilter="IDLE")
    mine = [s for s in page["Sessions"] if s.get("SessionId") == spark35_session]
    assert (
        mine and mine[0].get("EngineVersion", {}).get("EffectiveEngineVersion") == "Apache Spark version 3.5"
    )


def test_session_has_no_notebook_version(target: Target, spark35_session: str) -> None:
    # "This engine version does not support Athena in-console notebooks or notebook APIs."
    assert "NotebookVersion" not in target.client.get_session(SessionId=spark35_session)


def test_idle_session_is_listed_without_filter(target: Target, spark35_session: str) -> None:
    assert list_ids(target, target.spark35_workgroup).get(spark35_session) == "IDLE"


def test_calculation_apis_are_refused(target: Target, spark35_session: str) -> None:
    # "The Calculation APIs - StartCalculationExecution, ListCalculationExecutions and
    # GetCalculationExecution, are not supported in this release." The error code is assumed.
    client = target.client
    started = error_code(client.start_calculation_execution, SessionId=spark35_session, CodeBlock="1")
    listed = error_code(client.list_calculation_executions, SessionId=spark35_session)
    assert (started, listed) == ("InvalidRequestException",) * 2  # assumptions.CALCULATIONS_UNSUPPORTED_ERROR


def test_calculation_lookups_find_nothing(target: Target, spark35_session: str) -> None:
    # No calculation can exist on this engine; the code for an unknown id is assumed.
    code = error_code(target.client.get_calculation_execution, CalculationExecutionId="contract-none")
    assert code == "InvalidRequestException"  # assumed (assumptions.UNKNOWN_RESOURCE_ERROR)


def test_session_endpoint_has_the_documented_shape(target: Target, spark35_session: str) -> None:
    # "Spark Connect support": {"EndpointUrl", "AuthToken", "AuthTokenExpirationTime"}.
    endpoint = target.client.get_session_endpoint(SessionId=spark35_session)
    url_ok = endpoint.get("EndpointUrl", "").startswith(("https://", "sc://", "grpc"))
    token_ok = len(endpoint.get("AuthToken", "")) >= 16
    expires = endpoint.get("AuthTokenExpirationTime")
    assert url_ok, "EndpointUrl missing or not a URL"
    assert token_ok, "AuthToken missing or shorter than 16 characters"
    assert isinstance(expires, datetime) and expires > target.now().astimezone(UTC)


def test_resource_dashboard_gives_the_live_spark_ui(target: Target, spark35_session: str) -> None:
    # "Accessing the Spark UI": a secure URL for the live Spark UI. The session ARN format is assumed.
    arn = target.session_arn(target.spark35_workgroup, spark35_session)
    url = target.client.get_resource_dashboard(ResourceARN=arn).get("Url", "")
    assert url.startswith("https://"), "Url missing or not https"


def test_after_the_stop_the_dashboard_is_the_history_server(target: Target, spark35_session: str) -> None:
    # Runs last in this module: it stops the shared session.
    target.client.terminate_session(SessionId=spark35_session)
    status = target.wait_for(spark35_session, {"TERMINATED"}, target.stop_timeout())
    assert status.get("StateChangeReason") == "Session was terminated per request."
    arn = target.session_arn(target.spark35_workgroup, spark35_session)
    url = target.client.get_resource_dashboard(ResourceARN=arn).get("Url", "")
    assert url.startswith("https://"), "Url missing or not https"
    endpoint = error_code(target.client.get_session_endpoint, SessionId=spark35_session)
    assert endpoint == "InvalidRequestException"  # assumed (assumptions.ENDPOINT_UNAVAILABLE_ERROR)
