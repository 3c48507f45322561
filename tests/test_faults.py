"""AWS misbehaving: throttling, 5xx, read timeouts, dropped and refused connections, expired and invalid
credentials, each injected by a loopback Athena that counts the attempts it receives.

Each fault must give a tool error that names the fix, within a bounded time, after at most
Settings.max_attempts attempts (and one attempt for errors that a retry cannot fix); afterwards the
same server session must serve a valid call.
"""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from botocore.retries.standard import ExponentialBackoff
from mcp import Client
from mcp.types import CallToolResult

from athena_session_mcp.app import build_server
from athena_session_mcp.athena.client import AthenaGateway
from athena_session_mcp.settings import Settings
from tests.conftest import text_of
from tests.reliability import (
    FakeAthena,
    Reply,
    aws_error,
    free_port,
    get_session_body,
    serve_fake,
    shape_problems,
)

ATTEMPTS = 3
BOUND_SECONDS = 15.0  # generous: 3 attempts, 0.5 s timeouts, standard-mode backoff of at most 1 + 2 s
SESSION = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"
CONCURRENT_CALLS = 20


def settings_for(fake_athena_url: str) -> Settings:
    return Settings(
        region="us-east-1",
        endpoint_url=fake_athena_url,
        connect_timeout=0.5,
        read_timeout=0.5,
        max_attempts=ATTEMPTS,
    )


@pytest.fixture
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Throttling backoff scaled like botocore's non-throttling one (0.05 s base), to keep the suite fast;
    the concurrent throttling test below keeps the real backoff."""
    monkeypatch.setattr(
        ExponentialBackoff,
        "_DEFAULT_BACKOFF_CONFIG",
        {"throttling_base_scale": 0.05, "non_throttling_base_scale": 0.05},
    )


async def call_while(
    fake_athena: FakeAthena, fake_athena_url: str, reply: Reply
) -> tuple[CallToolResult, int, CallToolResult]:
    """get_athena_session (within BOUND_SECONDS) while the endpoint answers `reply`, the attempts it made,
    and the same server session's next call once the endpoint is healthy again."""
    fake_athena.reset()
    fake_athena.always(reply)
    async with Client(build_server(settings_for(fake_athena_url))) as client:
        with anyio.fail_after(BOUND_SECONDS):
            result = await client.call_tool("get_athena_session", {"SessionId": SESSION})
        attempts = fake_athena.attempts["GetSession"]
        fake_athena.reset()
        recovered = await client.call_tool("get_athena_session", {"SessionId": SESSION})
    return result, attempts, recovered


# name: (reply, attempts the endpoint must see, phrases the message must contain)
FAULTS: dict[str, tuple[Reply, int, list[str]]] = {
    "throttling": (
        aws_error(400, "ThrottlingException", "Rate exceeded"),
        ATTEMPTS,
        ["throttled", "try again"],
    ),
    "too-many-requests": (
        aws_error(400, "TooManyRequestsException", "Too many requests"),
        ATTEMPTS,
        ["throttled", "fewer concurrent calls"],
    ),
    "internal-error-500": (
        aws_error(500, "InternalServerException", "We encountered an internal error"),
        ATTEMPTS,
        ["server error", "retry"],
    ),
    "unavailable-503": (
        aws_error(503, "ServiceUnavailableException", "Service unavailable"),
        ATTEMPTS,
        ["server error", "AWS Health Dashboard"],
    ),
    "read-timeout": (
        Reply(body=get_session_body(SESSION), delay=1.5),
        ATTEMPTS,
        ["did not answer", "ReadTimeoutError", "network"],
    ),
    "connection-dropped": (Reply(drop=True), ATTEMPTS, ["Could not connect", "--endpoint-url"]),
    "expired-token": (
        aws_error(400, "ExpiredTokenException", "The security token included in the request is expired"),
        1,
        ["credentials have expired", "sso login"],
    ),
    "invalid-credentials": (
        aws_error(
            400, "UnrecognizedClientException", "The security token included in the request is invalid."
        ),
        1,
        ["rejected the credentials", "AWS_PROFILE"],
    ),
    "bad-signature": (
        aws_error(400, "InvalidSignatureException", "The request signature we calculated does not match"),
        1,
        ["rejected the credentials", "AWS_SECRET_ACCESS_KEY"],
    ),
    "access-denied": (
        aws_error(400, "AccessDeniedException", "User: arn:aws:iam::1:user/x is not authorized"),
        1,
        ["Access denied", "Grant athena:GetSession"],
    ),
}


@pytest.mark.usefixtures("quick_backoff")
@pytest.mark.parametrize(("reply", "attempts", "phrases"), list(FAULTS.values()), ids=list(FAULTS))
async def test_fault_gives_a_bounded_error_naming_the_fix_and_the_server_serves_the_next_call(
    fake_athena: FakeAthena, fake_athena_url: str, reply: Reply, attempts: int, phrases: list[str]
) -> None:
    result, made, recovered = await call_while(fake_athena, fake_athena_url, reply)
    assert result.is_error
    for phrase in phrases:
        assert phrase in text_of(result)
    assert made == attempts, "retries must be bounded by max_attempts"
    assert not recovered.is_error, text_of(recovered)
    assert fake_athena.attempts["GetSession"] == 1


async def test_connection_refused_is_retried_a_bounded_number_of_times_and_recovers_when_the_endpoint_returns() -> (
    None
):
    port = free_port()
    settings = settings_for(f"http://127.0.0.1:{port}")
    gateway = AthenaGateway(settings)
    sent: list[str] = []

    def count(**kwargs: Any) -> None:
        sent.append("GetSession")

    gateway.client().meta.events.register("before-send.athena.GetSession", count)
    async with Client(build_server(settings, gateway=gateway)) as client:
        with anyio.fail_after(BOUND_SECONDS):
            result = await client.call_tool("get_athena_session", {"SessionId": SESSION})
        assert result.is_error
        assert "Could not connect to the Athena endpoint" in text_of(result)
        assert "--endpoint-url" in text_of(result)
        assert len(sent) == ATTEMPTS

        with serve_fake(FakeAthena(), port=port):
            recovered = await client.call_tool("get_athena_session", {"SessionId": SESSION})
    assert not recovered.is_error, text_of(recovered)


async def test_concurrent_calls_during_throttling_all_fail_cleanly_without_a_retry_storm(
    fake_athena: FakeAthena, fake_athena_url: str
) -> None:
    fake_athena.reset()
    fake_athena.always(aws_error(400, "ThrottlingException", "Rate exceeded"))
    results: list[Any] = []
    async with Client(build_server(settings_for(fake_athena_url))) as client:

        async def one() -> None:
            results.append(await client.call_tool("get_athena_session", {"SessionId": SESSION}))

        with anyio.fail_after(BOUND_SECONDS):
            async with anyio.create_task_group() as tg:
                for _ in range(CONCURRENT_CALLS):
                    tg.start_soon(one)
        attempts = fake_athena.attempts["GetSession"]
        fake_athena.reset()
        recovered = await client.call_tool("get_athena_session", {"SessionId": SESSION})
    assert [r.is_error for r in results] == [True] * CONCURRENT_CALLS
    assert all("throttled" in text_of(r) for r in results)
    # Every call reached AWS, and none retried more than max_attempts allows: no amplification.
    assert CONCURRENT_CALLS <= attempts <= CONCURRENT_CALLS * ATTEMPTS, (
        f"{attempts} attempts for {CONCURRENT_CALLS} throttled calls"
    )
    assert not recovered.is_error


async def test_a_garbled_success_response_is_reported_as_unknown_health_not_a_crash(
    fake_athena: FakeAthena, fake_athena_url: str
) -> None:
    result, _, recovered = await call_while(
        fake_athena, fake_athena_url, Reply(status=200, body=b"{not json")
    )
    # botocore reads an unparseable JSON body as an empty response: the summary must say so.
    assert not result.is_error
    assert result.structured_content is not None
    summary = result.structured_content["summary"]
    assert summary["phase"] == "unknown"
    assert summary["findings"][0]["code"] == "STATE_MISSING"
    assert not recovered.is_error


async def test_a_proxy_502_without_an_aws_error_code_is_reported_as_a_server_error(
    fake_athena: FakeAthena, fake_athena_url: str
) -> None:
    reply = Reply(status=502, body=b"<html><body>502 Bad Gateway</body></html>")
    result, attempts, recovered = await call_while(fake_athena, fake_athena_url, reply)
    assert result.is_error
    assert attempts == ATTEMPTS
    assert "server error" in text_of(result)
    assert not recovered.is_error


def test_the_fake_refuses_replies_in_a_shape_athena_never_sends() -> None:
    """Replies are checked against botocore's model, so fakes cannot drift from the service."""
    body = get_session_body(SESSION)
    assert shape_problems("GetSession", Reply(body=body)) == []
    body["EngineVersion"] = {"SelectedEngineVersion": "PySpark engine version 3"}  # ListSessions' shape
    assert shape_problems("GetSession", Reply(body=body)) == [
        "GetSession.EngineVersion: expected string, got dict"
    ]
    assert shape_problems("GetSession", aws_error(400, "NoSuchThingException", "x")) != []
    assert shape_problems("GetSession", aws_error(400, "ThrottlingException", "Rate exceeded")) == []
