"""Answers that are not AWS's (a proxy's page, another server, a wrong --endpoint-url) are named as such:
who answered, what, that Athena did not see the call, and what to check; never "Athena rejected" and
never the page itself. Served by the loopback FakeAthena, parsed by the installed botocore."""

from __future__ import annotations

import botocore
import pytest
from botocore.exceptions import ClientError
from mcp import Client

from athena_session_mcp.app import build_server
from athena_session_mcp.settings import Settings
from athena_session_mcp.tools.job_content import gap
from tests.conftest import text_of
from tests.reliability import FakeAthena, Reply, aws_error, get_session_body
from tests.wire_clients import installed_protocol

SESSION = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
HTML_404 = (
    b"<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>"
    b"<p>The requested URL was not found on the server. <script>alert(1)</script></p>"
)
LOGIN_PAGE = (
    b"<html><head><title>Corporate proxy: sign in</title></head><body><form>password</form></body></html>"
)


async def get_session(fake_athena: FakeAthena, url: str, reply: Reply) -> str:
    fake_athena.reset()
    fake_athena.always(reply)
    settings = Settings(region="us-east-1", endpoint_url=url, max_attempts=1)
    async with Client(build_server(settings)) as client:
        result = await client.call_tool("get_athena_session", {"SessionId": SESSION})
    assert result.is_error
    return text_of(result)


@pytest.mark.parametrize(
    ("reply", "said"),
    [
        pytest.param(
            Reply(status=404, body=HTML_404, headers={"Content-Type": "text/html; charset=utf-8"}),
            'HTTP 404 (text/html: "404 Not Found")',
            id="an-html-404",
        ),
        pytest.param(
            Reply(status=403, body=b"Forbidden by policy", headers={"Content-Type": "text/plain"}),
            'HTTP 403 (text/plain: "Forbidden by policy")',
            id="a-bare-403",
        ),
        pytest.param(
            Reply(status=400, body=b'{"error": "bad"}', headers={"Content-Type": "application/json"}),
            "HTTP 400 (application/json)",
            id="json-without-an-error-type",
        ),
        pytest.param(
            Reply(status=200, body=LOGIN_PAGE, headers={"Content-Type": "text/html"}),
            "HTTP 200 (text/html)",
            id="a-login-page-with-200",
        ),
    ],
)
async def test_an_answer_that_is_not_athenas_is_named_with_who_answered_and_what_to_check(
    fake_athena: FakeAthena, fake_athena_url: str, reply: Reply, said: str
) -> None:
    text = await get_session(fake_athena, fake_athena_url, reply)
    assert f"The endpoint {fake_athena_url} answered athena:GetSession with {said}" in text
    assert "which is not an Athena answer: Athena did not see the call" in text
    assert "--endpoint-url" in text and "HTTPS_PROXY" in text
    protocol = "REST-JSON" if installed_protocol() == "rest-json" else "JSON 1.1"
    assert f"this botocore {botocore.__version__} speaks to Athena: {protocol}" in text
    assert "rejected" not in text
    for markup in ("<", ">", "script", "doctype", "password"):
        assert markup not in text


async def test_an_aws_error_is_still_athenas_own(fake_athena: FakeAthena, fake_athena_url: str) -> None:
    text = await get_session(
        fake_athena,
        fake_athena_url,
        aws_error(400, "InvalidRequestException", f"Session {SESSION} not found"),
    )
    assert "was not found" in text and "Athena said" in text
    assert "not an Athena answer" not in text


async def test_a_json_answer_still_reads_as_a_session(fake_athena: FakeAthena, fake_athena_url: str) -> None:
    fake_athena.reset()
    fake_athena.always(Reply(body=get_session_body(SESSION)))
    settings = Settings(region="us-east-1", endpoint_url=fake_athena_url, max_attempts=1)
    async with Client(build_server(settings)) as client:
        result = await client.call_tool("get_athena_session", {"SessionId": SESSION})
    assert not result.is_error, text_of(result)


def s3_error(status: int, headers: dict[str, str], message: str) -> ClientError:
    """The ClientError botocore raises when S3's XML parser finds no error code: the bare status."""
    return ClientError(
        {
            "Error": {"Code": str(status), "Message": message},
            "ResponseMetadata": {
                "HTTPStatusCode": status,
                "HTTPHeaders": headers,
                "RequestId": "",
                "HostId": "",
                "RetryAttempts": 0,
            },
        },
        "GetObject",
    )


def test_a_proxy_page_on_an_s3_read_is_neither_access_denied_nor_a_missing_object() -> None:
    page = s3_error(403, {"content-type": "text/html"}, "")
    found = gap(page, what="stderr", action="s3:GetObject", resource="s3://b/k", region="us-east-1")
    assert "Access denied" not in found.fix and "not an Amazon S3 answer" in found.fix
    # S3's own bare 403 (a HEAD answer has no body, and no HTML) stays a denial.
    denied = s3_error(403, {}, "Forbidden")
    found = gap(denied, what="stderr", action="s3:GetObject", resource="s3://b/k", region=None)
    assert found.fix.startswith("Access denied")
