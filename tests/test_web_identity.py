"""Per-person AWS identity (--aws-web-identity-role-arn) against moto's STS: each person's Athena, S3 and
Logs calls are signed with the temporary key STS issued for their own token, cached per person,
never shared; and the identity comes from the verified OAuth token of the request."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

import anyio.to_thread
import pytest
from botocore.awsrequest import AWSPreparedRequest
from moto import mock_aws

from athena_session_mcp import emulator
from athena_session_mcp.athena import web_identity
from athena_session_mcp.athena.errors import AwsCallError
from athena_session_mcp.athena.web_identity import (
    MAX_PEOPLE,
    WebIdentity,
    WebIdentityGateway,
    role_session_name,
)
from athena_session_mcp.settings import Settings
from tests.conftest import FAKE_ENV

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/athena-mcp-users"
ISSUER = "https://id.example.com"
CREDENTIAL = re.compile(r"Credential=([A-Z0-9]+)/")


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("alice", "alice"),
        ("alice@example.com", "alice@example.com"),  # @ . - are allowed by STS
        # Changed names end in '=' and 8 hex digits of sha256(subject) (computed here by hand).
        ("auth0|5f1e2d", "auth0_5f1e2d=8ad4f69d"),  # | is not allowed
        ("auth0_5f1e2d", "auth0_5f1e2d"),  # ... and this different person keeps a different name
        ("Zoë van Dijk", "Zo__van_Dijk=146fe425"),  # ASCII word characters only
        ("a", "a=ca978112"),  # at least 2 characters
        ("a=b", "a=b=42144f39"),  # a name used as it is never holds "="
        ("x" * 65, "x" * 55 + "=9537c5fd"),  # at most 64
        ("y" * 64, "y" * 64),
    ],
)
def test_role_session_name_is_the_subject_within_the_sts_character_set_and_length(
    subject: str, expected: str
) -> None:
    assert role_session_name(subject) == expected


@pytest.fixture(autouse=True)
def athena_in_moto() -> None:
    # moto routes Athena by the installed botocore's protocol and mounts only "/": the emulator's patch
    # lets it answer REST-JSON too (ListWorkGroups here), whatever ran before this module.
    emulator.install()


@pytest.fixture
def who() -> ContextVar[WebIdentity | None]:
    return ContextVar("who", default=None)


@pytest.fixture
def gateway(who: ContextVar[WebIdentity | None]) -> Iterator[WebIdentityGateway]:
    with mock_aws():
        yield WebIdentityGateway(Settings(region="us-east-1"), ROLE, who.get)


def _assumed() -> list[Any]:
    from moto.sts.models import sts_backends

    return list(sts_backends[ACCOUNT]["aws"].assumed_roles)


def _key_of(session_name: str) -> str:
    keys = [role.access_key_id for role in _assumed() if role.session_name == session_name]
    assert len(keys) == 1, f"{session_name} assumed the role {len(keys)} times"
    return keys[0]


def _signed_with(client: Any, call: str, **kwargs: Any) -> str:
    """Make `call` on `client` and return the access key id its request was signed with (read from
    botocore's before-send event, ahead of moto's own handler)."""
    keys: list[str] = []

    def capture(request: AWSPreparedRequest, **_: Any) -> None:
        authorization = request.headers.get("Authorization", b"")
        text = authorization.decode() if isinstance(authorization, bytes) else authorization
        match = CREDENTIAL.search(text)
        assert match is not None
        keys.append(match.group(1))

    client.meta.events.register_first("before-send", capture)
    try:
        getattr(client, call)(**kwargs)
    finally:
        client.meta.events.unregister("before-send", capture)
    assert len(keys) == 1
    return keys[0]


async def _athena_key(gateway: WebIdentityGateway) -> str:
    return await gateway.call(
        lambda client: _signed_with(client, "list_work_groups"),
        action="athena:ListWorkGroups",
        what="workgroups",
    )


async def test_each_persons_athena_calls_are_signed_with_their_own_temporary_key(
    gateway: WebIdentityGateway, who: ContextVar[WebIdentity | None]
) -> None:
    who.set(WebIdentity(ISSUER, "alice", "token-of-alice"))
    alice_first = await _athena_key(gateway)
    alice_again = await _athena_key(gateway)
    who.set(WebIdentity(ISSUER, "bob", "token-of-bob"))
    bob = await _athena_key(gateway)

    assert alice_first == alice_again == _key_of("alice")  # one STS call for alice, then cached
    assert bob == _key_of("bob")
    assert alice_first != bob
    assert FAKE_ENV["AWS_ACCESS_KEY_ID"] not in (alice_first, bob)  # never the server's own key
    assert alice_first.startswith("ASIA") and bob.startswith("ASIA")  # temporary credentials
    assert {role.role_arn for role in _assumed()} == {ROLE}
    assert gateway.people == 2


async def test_the_diagnosis_s3_and_logs_clients_use_the_persons_key_too(
    gateway: WebIdentityGateway, who: ContextVar[WebIdentity | None]
) -> None:
    who.set(WebIdentity(ISSUER, "carol", "token-of-carol"))
    s3_key = await gateway.run(lambda: _signed_with(gateway.s3(), "list_buckets"))
    logs_key = await gateway.run(lambda: _signed_with(gateway.logs(), "describe_log_groups"))
    assert s3_key == logs_key == _key_of("carol")


async def test_the_same_subject_from_another_issuer_is_another_person(
    gateway: WebIdentityGateway, who: ContextVar[WebIdentity | None]
) -> None:
    who.set(WebIdentity(ISSUER, "dave", "token-1"))
    first = await _athena_key(gateway)
    who.set(WebIdentity("https://other-id.example.com", "dave", "token-2"))
    second = await _athena_key(gateway)
    assert first != second and gateway.people == 2


async def test_the_cache_keeps_the_most_recently_seen_people_up_to_its_bound(
    who: ContextVar[WebIdentity | None],
) -> None:
    with mock_aws():
        gateway = WebIdentityGateway(Settings(region="us-east-1"), ROLE, who.get, max_people=2)
        for name in ("erin", "frank", "erin", "grace"):  # frank is the least recently seen when grace comes
            who.set(WebIdentity(ISSUER, name, f"token-of-{name}"))
            await _athena_key(gateway)
        assert gateway.people == 2
        who.set(WebIdentity(ISSUER, "frank", "token-of-frank"))
        await _athena_key(gateway)  # frank was dropped: STS is asked again
        assert [r.session_name for r in _assumed()].count("frank") == 2
        assert [r.session_name for r in _assumed()].count("erin") == 1
    assert MAX_PEOPLE == 1000


async def test_a_call_without_a_signed_in_person_is_a_tool_error_and_reaches_no_aws(
    gateway: WebIdentityGateway,
) -> None:
    with pytest.raises(AwsCallError, match=r"no verified person.*Sign in to the server again"):
        await _athena_key(gateway)
    assert _assumed() == [] and gateway.people == 0


def test_readiness_needs_no_server_credentials_only_a_region(who: ContextVar[WebIdentity | None]) -> None:
    assert WebIdentityGateway(Settings(region="eu-west-1"), ROLE, who.get).credentials_problem() is None


async def test_a_token_sts_refuses_is_a_tool_error_naming_the_role_and_what_to_check(
    gateway: WebIdentityGateway, who: ContextVar[WebIdentity | None]
) -> None:
    # STS requires WebIdentityToken to be 4-20000 characters: a 3-character token is refused before sending.
    who.set(WebIdentity(ISSUER, "mallory", "q~Z"))
    with pytest.raises(AwsCallError) as refused:
        await _athena_key(gateway)
    message = str(refused.value)
    assert f"sts:AssumeRoleWithWebIdentity on {ROLE} was refused (ParamValidationError)" in message
    assert "IAM OIDC identity provider" in message and "trust policy" in message
    assert "q~Z" not in message  # the token is never echoed
    assert refused.value.action == "sts:AssumeRoleWithWebIdentity"
    assert _assumed() == []


def test_an_engine_learnt_with_one_persons_credentials_is_not_told_to_another(
    gateway: WebIdentityGateway, who: ContextVar[WebIdentity | None]
) -> None:
    # Another person may not be allowed to read the session: its engine must not leak to them.
    who.set(WebIdentity(issuer=ISSUER, subject="alice", token="alice-token"))
    gateway.engines.learn_session("s-1", "Apache Spark version 3.5")
    assert gateway.engines.session("s-1") == "Apache Spark version 3.5"
    who.set(WebIdentity(issuer=ISSUER, subject="bob", token="bob-token"))
    assert gateway.engines.session("s-1") is None
    who.set(None)
    gateway.engines.learn_session("s-2", "PySpark engine version 3")
    assert gateway.engines.session("s-2") is None  # nobody signed in: nothing is kept


async def test_an_evicted_person_gives_up_their_clients(who: ContextVar[WebIdentity | None]) -> None:
    with mock_aws():
        gateway = WebIdentityGateway(Settings(region="us-east-1"), ROLE, who.get, max_people=1)
        who.set(WebIdentity(ISSUER, "heidi", "token-of-heidi"))
        await _athena_key(gateway)
        heidi = await anyio.to_thread.run_sync(gateway.person)
        closed: list[bool] = []
        heidi_client = heidi.client()
        original_close = heidi_client.close

        def close() -> None:
            closed.append(True)
            original_close()

        heidi_client.close = close  # type: ignore[method-assign]
        who.set(WebIdentity(ISSUER, "ivan", "token-of-ivan"))
        await _athena_key(gateway)  # ivan's arrival evicts heidi (bound 1)
        assert closed == [True]
        assert heidi.client() is not heidi_client  # a later need builds a new one


async def test_the_engine_book_never_waits_for_a_person_being_built(
    who: ContextVar[WebIdentity | None],
) -> None:
    # A worker thread building a person's session holds the people lock (boto3 import, session set-up);
    # reading the engine book happens on the event loop and must not block behind it.
    gateway = WebIdentityGateway(Settings(region="us-east-1"), ROLE, who.get)
    who.set(WebIdentity(ISSUER, "judy", "token-of-judy"))
    people_lock = gateway._people_lock  # pyright: ignore[reportPrivateUsage]
    with people_lock:
        started = time.monotonic()
        book = gateway.engines
        assert time.monotonic() - started < 0.5
    assert book is gateway.engines  # the same person's book


async def test_credentials_refreshed_after_a_token_refresh_are_asked_for_with_the_new_token(
    gateway: WebIdentityGateway, who: ContextVar[WebIdentity | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    # STS's shortest role session (900 s) is inside botocore's 15-minute advisory refresh window, so
    # every call refreshes: the token each refresh presents is the one STS sees.
    monkeypatch.setattr(web_identity, "ROLE_SESSION_SECONDS", 900)
    presented: list[str] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        presented.append(params["WebIdentityToken"])

    core = gateway._core()  # pyright: ignore[reportPrivateUsage]  # creates every person's STS client
    core.register("provide-client-params.sts.AssumeRoleWithWebIdentity", record)
    who.set(WebIdentity(ISSUER, "judy", "token-of-judy-1"))
    await _athena_key(gateway)
    before = len(presented)
    who.set(WebIdentity(ISSUER, "judy", "token-of-judy-2"))  # the same person, a refreshed token
    await _athena_key(gateway)
    assert before and set(presented[:before]) == {"token-of-judy-1"}
    assert presented[before:] and set(presented[before:]) == {"token-of-judy-2"}
    assert gateway.people == 1
