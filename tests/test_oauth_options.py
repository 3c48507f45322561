"""The OAuth options, issuer discovery, audit-line hygiene and the readiness cache, in-process (fast);
tests/test_oauth.py runs the whole thing with real processes."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time
from typing import Any

import anyio
import anyio.to_thread
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt import PyJWKClient
from jwt.algorithms import RSAAlgorithm

from athena_session_mcp.transport import oauth
from athena_session_mcp.transport.http import HttpOptions
from athena_session_mcp.transport.oauth import (
    DEFAULT_WRITE_SCOPE,
    DISCOVERY_RETRY_SECONDS,
    ENV_OAUTH_ISSUER,
    ENV_PUBLIC_URL,
    ENV_REQUIRED_SCOPE,
    MAX_TOKEN_CHARS,
    JwtVerifier,
    OAuthConfigError,
    OAuthOptions,
    discovery_urls,
)
from athena_session_mcp.transport.probes import Readiness

ISSUER = "https://id.example.com/tenant-1"
PUBLIC = "https://mcp.example.com/mcp"


def test_the_environment_configures_oauth_and_flags_win() -> None:
    env = {ENV_OAUTH_ISSUER: ISSUER, ENV_PUBLIC_URL: PUBLIC, ENV_REQUIRED_SCOPE: "athena-session:read"}
    options = OAuthOptions.resolve(env)
    assert options == OAuthOptions(ISSUER, PUBLIC, "athena-session:read", DEFAULT_WRITE_SCOPE, None)
    flagged = OAuthOptions.resolve(env, public_url="https://other.example.com/mcp")
    assert flagged is not None and flagged.public_url == "https://other.example.com/mcp"
    assert OAuthOptions.resolve({}) is None


@pytest.mark.parametrize(
    ("issuer", "public_url", "message"),
    [
        ("ftp://id.example.com", PUBLIC, "--oauth-issuer must be an absolute https:// URL"),
        ("http://id.example.com", PUBLIC, "--oauth-issuer must use https://"),
        (ISSUER, "https://mcp.example.com/mcp#frag", "--public-url must be an absolute https:// URL"),
        (ISSUER, "http://mcp.example.com/mcp", "--public-url must use https://"),
    ],
)
def test_urls_must_be_https_except_on_loopback(issuer: str, public_url: str, message: str) -> None:
    with pytest.raises(OAuthConfigError, match=message):
        OAuthOptions.resolve({}, issuer=issuer, public_url=public_url)


def test_plain_http_is_accepted_for_loopback_issuers_and_urls() -> None:
    options = OAuthOptions.resolve({}, issuer="http://127.0.0.1:5556", public_url="http://localhost:8000/mcp")
    assert options is not None and options.public_host == "localhost"


def test_the_public_host_is_allowed_and_oauth_permits_a_non_loopback_bind() -> None:
    oauth = OAuthOptions(ISSUER, PUBLIC)
    options = HttpOptions(host="0.0.0.0", oauth=oauth)  # noqa: S104 - the point of the test
    options.check()  # no static token needed: every request needs an OAuth token
    assert "mcp.example.com" in options.host_names()
    assert "mcp.example.com" not in HttpOptions().host_names()


def test_the_advertised_scopes_are_the_ones_the_server_checks() -> None:
    assert OAuthOptions(ISSUER, PUBLIC).scopes_supported(allow_write=False) == []
    assert OAuthOptions(ISSUER, PUBLIC).scopes_supported(allow_write=True) == [DEFAULT_WRITE_SCOPE]
    read = OAuthOptions(ISSUER, PUBLIC, required_scope="athena-session:read")
    assert read.scopes_supported(allow_write=True) == ["athena-session:read", DEFAULT_WRITE_SCOPE]


def test_issuer_metadata_is_looked_up_openid_first_then_rfc8414() -> None:
    assert discovery_urls(ISSUER) == [
        "https://id.example.com/tenant-1/.well-known/openid-configuration",
        "https://id.example.com/.well-known/oauth-authorization-server/tenant-1",
    ]
    assert discovery_urls("https://id.example.com/") == [
        "https://id.example.com/.well-known/openid-configuration",
        "https://id.example.com/.well-known/oauth-authorization-server",
    ]


def test_discovery_falls_back_to_rfc8414_and_takes_the_issuer_spelling_from_the_metadata(
    signing_key: rsa.RSAPrivateKey,
) -> None:
    asked: list[str] = []

    def fetch(url: str) -> dict[str, Any]:
        asked.append(url)
        if "openid-configuration" in url:
            raise OSError("404")
        return {"issuer": ISSUER + "/", "jwks_uri": "https://id.example.com/keys"}

    keys = _MemoryKeys(signing_key)
    verifier = JwtVerifier(ISSUER, PUBLIC, fetch_json=fetch, jwks_client=keys.client)
    # The token carries the spelling the metadata names (a trailing slash), not the configured one.
    assert verifier.check(_token(signing_key, aud=PUBLIC, iss=ISSUER + "/")) is not None
    assert len(asked) == 2 and keys.uris == ["https://id.example.com/keys"]
    assert verifier.check(_token(signing_key, aud=PUBLIC, iss=ISSUER)) is None
    assert len(asked) == 2 and len(keys.uris) == 1  # discovered once


def test_metadata_naming_another_issuer_is_not_trusted_and_tokens_are_refused(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def fetch(url: str) -> dict[str, Any]:
        return {"issuer": "https://evil.example.com", "jwks_uri": "https://evil.example.com/k"}

    verifier = JwtVerifier(ISSUER, PUBLIC, fetch_json=fetch)
    with caplog.at_level(logging.WARNING):
        assert verifier.check("eyJhbGciOiJSUzI1NiJ9.e30.c2ln") is None
    assert "cannot check bearer tokens" in caplog.text
    assert "names issuer 'https://evil.example.com'" in caplog.text


def test_an_oversized_token_is_refused_without_asking_the_issuer() -> None:
    def fetch(url: str) -> dict[str, Any]:
        raise AssertionError("no network for an oversized token")

    assert JwtVerifier(ISSUER, PUBLIC, fetch_json=fetch).check("a" * (MAX_TOKEN_CHARS + 1)) is None


def test_readiness_is_checked_at_most_once_per_ttl() -> None:
    now = [100.0]
    calls: list[float] = []

    def check() -> str | None:
        calls.append(now[0])
        return None if len(calls) > 1 else "no AWS credentials were found"

    readiness = Readiness(check, ttl=10.0, clock=lambda: now[0])
    assert readiness.problem() == "no AWS credentials were found"
    now[0] = 109.9
    assert readiness.problem() == "no AWS credentials were found"
    now[0] = 110.0
    assert readiness.problem() is None
    assert calls == [100.0, 110.0]


@pytest.mark.slow
def test_building_the_stdio_server_does_not_import_jwt() -> None:
    probe = (
        "import sys\n"
        "import athena_session_mcp.cli.main\n"
        "from athena_session_mcp.cli.options import build_parser\n"
        "from athena_session_mcp.settings import Settings\n"
        "from athena_session_mcp.app import build_server\n"
        "build_parser().parse_args([])\n"
        "build_server(Settings())\n"
        "print('jwt' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "False"


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class _MemoryKeys:
    """The issuer's JWKS endpoint, answered from memory: what JwtVerifier.jwks_client builds."""

    def __init__(self, key: rsa.RSAPrivateKey) -> None:
        public: dict[str, Any] = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
        self.jwks = {"keys": [{**public, "kid": "k1", "use": "sig"}]}
        self.uris: list[str] = []

    def client(self, uri: str) -> PyJWKClient:
        self.uris.append(uri)
        keys = PyJWKClient(uri)
        keys.fetch_data = lambda: self.jwks
        return keys


def _offline_verifier(key: rsa.RSAPrivateKey, audience: str, resource: str) -> JwtVerifier:
    """A verifier whose issuer metadata and JWKS come from memory (no network)."""

    def fetch(url: str) -> dict[str, Any]:
        return {"issuer": ISSUER, "jwks_uri": "https://id.example.com/keys"}

    return JwtVerifier(
        ISSUER, audience, resource=resource, fetch_json=fetch, jwks_client=_MemoryKeys(key).client
    )


def _token(key: rsa.RSAPrivateKey, **claims: Any) -> str:
    now = int(time.time())
    payload = {"iss": ISSUER, "sub": "u1", "exp": now + 300, **claims}
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": "k1"})


def test_an_entra_style_token_is_accepted_for_the_configured_audience_only(
    signing_key: rsa.RSAPrivateKey,
) -> None:
    verifier = _offline_verifier(signing_key, "api://athena-session", PUBLIC)
    entra = _token(signing_key, aud="api://athena-session", azp="client-guid", scp="athena-session.read")
    access = verifier.check(entra)
    assert access is not None
    assert (access.client_id, access.scopes, access.subject) == ("client-guid", ["athena-session.read"], "u1")
    assert access.resource == PUBLIC  # what the SDK compares with its resource_server_url
    assert verifier.check(_token(signing_key, aud=PUBLIC)) is None


def test_okta_style_scope_lists_and_cid_are_read(signing_key: rsa.RSAPrivateKey) -> None:
    verifier = _offline_verifier(signing_key, PUBLIC, PUBLIC)
    okta = _token(signing_key, aud=PUBLIC, cid="0oa1", scp=["athena-session:read", "athena-session:write"])
    access = verifier.check(okta)
    assert access is not None
    assert (access.client_id, access.scopes) == ("0oa1", ["athena-session:read", "athena-session:write"])
    rfc9068 = verifier.check(_token(signing_key, aud=[PUBLIC, "other"], client_id="c", scope="a b"))
    assert rfc9068 is not None and (rfc9068.client_id, rfc9068.scopes) == ("c", ["a", "b"])


def test_a_failed_discovery_is_remembered_briefly_then_tried_again() -> None:
    asked: list[str] = []
    now = [1000.0]

    def fetch(url: str) -> dict[str, Any]:
        asked.append(url)
        raise OSError("the identity provider is down")

    verifier = JwtVerifier(ISSUER, PUBLIC, fetch_json=fetch, clock=lambda: now[0])
    token = "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"
    assert verifier.check(token) is None
    assert len(asked) == 2  # both discovery URLs, once
    now[0] += DISCOVERY_RETRY_SECONDS - 1
    assert verifier.check(token) is None
    assert len(asked) == 2  # still remembered: refused at once, no fetch
    now[0] += 2
    assert verifier.check(token) is None
    assert len(asked) == 4  # tried again


async def test_token_checks_do_not_wait_for_the_threads_aws_calls_use() -> None:
    def fetch(url: str) -> dict[str, Any]:
        return {"issuer": ISSUER, "jwks_uri": "https://id.example.com/keys"}

    verifier = JwtVerifier(ISSUER, PUBLIC, fetch_json=fetch)
    default = anyio.to_thread.current_default_thread_limiter()
    saved = default.total_tokens
    default.total_tokens = 1
    release = threading.Event()
    try:
        async with anyio.create_task_group() as group:
            group.start_soon(anyio.to_thread.run_sync, release.wait)  # holds the one default thread
            await anyio.sleep(0.1)
            with anyio.fail_after(5):
                assert await verifier.verify_token("not-a-jwt") is None
            release.set()
    finally:
        release.set()
        default.total_tokens = saved


def test_a_slow_discovery_holds_other_checks_only_briefly_and_its_outcome_serves_every_later_check(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, signing_key: rsa.RSAPrivateKey
) -> None:
    release = threading.Event()
    fetched: list[str] = []

    def fetch(url: str) -> dict[str, Any]:
        release.wait(10)  # a slow identity provider
        fetched.append(url)
        return {"issuer": ISSUER, "jwks_uri": "https://id.example.com/keys"}

    verifier = JwtVerifier(ISSUER, PUBLIC, fetch_json=fetch, jwks_client=_MemoryKeys(signing_key).client)
    monkeypatch.setattr(oauth, "DISCOVERY_WAIT_SECONDS", 0.2)
    token = _token(signing_key, aud=PUBLIC)
    first_answer: list[object] = []
    first = threading.Thread(target=lambda: first_answer.append(verifier.check(token)))
    first.start()
    try:
        time.sleep(0.1)  # the first check is now inside the slow fetch
        started = time.monotonic()
        with caplog.at_level(logging.WARNING):
            assert verifier.check(token) is None
        assert time.monotonic() - started < 2  # refused after the bounded wait, not after the fetch
        assert "still being fetched for another request" in caplog.text
    finally:
        release.set()
        first.join(5)
    assert first_answer and first_answer[0] is not None  # the slow discovery's own check succeeded
    assert verifier.check(token) is not None
    assert len(fetched) == 1  # later checks use what it found
