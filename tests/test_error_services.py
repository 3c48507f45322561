"""An AWS failure is worded for the service that failed: diagnose_athena_session reads Amazon S3 and
CloudWatch Logs too, and "Athena throttled s3:GetObject" would send the reader to the wrong service.
The service comes from the IAM action's prefix; the messages are the sentences a model reads."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError

from athena_session_mcp.athena.errors import call_error


def client_error(code: str, status: int, message: str = "Rate exceeded") -> ClientError:
    """The ClientError botocore raises for an error answer (as the Stubber builds it)."""
    return ClientError(
        {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {
                "HTTPStatusCode": status,
                "HTTPHeaders": {},
                "RequestId": "r-1",
                "HostId": "",
                "RetryAttempts": 0,
            },
        },
        "Operation",
    )


@pytest.mark.parametrize(
    ("action", "code", "status", "expected"),
    [
        ("athena:GetSession", "ThrottlingException", 400, "Athena throttled athena:GetSession"),
        ("s3:GetObject", "SlowDown", 503, "Amazon S3 throttled s3:GetObject"),
        (
            "logs:FilterLogEvents",
            "ThrottlingException",
            400,
            "CloudWatch Logs throttled logs:FilterLogEvents",
        ),
    ],
)
def test_throttling_names_the_service_that_throttled(
    action: str, code: str, status: int, expected: str
) -> None:
    text = str(call_error(client_error(code, status), action=action, what="x"))
    assert (
        text
        == f"{expected} and the retries were exhausted. Wait a few seconds and try again, or make fewer concurrent calls."
    )


def test_an_unreachable_s3_endpoint_is_named_with_the_settings_that_move_it() -> None:
    exc = EndpointConnectionError(endpoint_url="https://s3.us-east-1.amazonaws.com")
    assert str(call_error(exc, action="s3:GetObject", what="stderr")) == (
        "Could not connect to the Amazon S3 endpoint for s3:GetObject. Check the region, network access, proxy "
        "settings and AWS_ENDPOINT_URL_S3/AWS_ENDPOINT_URL if set."
    )


def test_a_cloudwatch_logs_timeout_names_cloudwatch_logs_and_not_the_athena_flag() -> None:
    exc = ReadTimeoutError(endpoint_url="https://logs.us-east-1.amazonaws.com")
    text = str(call_error(exc, action="logs:DescribeLogStreams", what="driver logs"))
    assert text.startswith("The CloudWatch Logs endpoint did not answer logs:DescribeLogStreams in time")
    assert "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS" in text and "--endpoint-url" not in text


def test_server_errors_and_other_refusals_name_the_service() -> None:
    five_hundred = str(
        call_error(client_error("InternalError", 500, "oops"), action="s3:GetObject", what="x")
    )
    assert five_hundred.startswith("Amazon S3 returned a server error (InternalError) for s3:GetObject")
    other = str(call_error(client_error("InvalidParameterException", 400, "bad"), action="logs:X", what="x"))
    assert other == "CloudWatch Logs rejected logs:X: InvalidParameterException: bad"


def test_denied_s3_access_asks_for_the_action_on_the_object_not_on_a_workgroup() -> None:
    exc = client_error("AccessDenied", 403, "Access Denied")
    text = str(call_error(exc, action="s3:GetObject", what="s3://bucket/key", region="us-east-1"))
    assert text == (
        "Access denied calling s3:GetObject in region us-east-1. Grant s3:GetObject on s3://bucket/key to the "
        "caller's IAM identity. (Amazon S3 said: Access Denied)"
    )
    athena = str(
        call_error(client_error("AccessDeniedException", 400, "no"), action="athena:GetSession", what="x")
    )
    assert "on the workgroup (arn:aws:athena:REGION:ACCOUNT:workgroup/NAME)" in athena
    assert athena.endswith("(Athena said: no)")
