"""OAuth 2.1 resource server, end to end: the console script serving streamable HTTP against the emulator,
a real OpenID provider process (tests/oidc_provider.py) and the SDK's OAuth client doing what Claude.ai
does (401 -> protected-resource metadata -> authorization-server metadata -> registration -> authorize
with PKCE -> token -> tool call). Tokens of every bad kind are refused with a 401 that points to the
metadata; the write scope gates terminate_athena_session; /health and /ready answer probes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import anyio
import httpx2
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from mcp import Client
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import (
    AuthorizationCodeResult,
    OAuthClientInformationFull,
    OAuthClientMetadata,
    OAuthToken,
)

from athena_session_mcp.cli.main import main
from tests.conftest import text_of
from tests.oidc_provider import KID, Provider, provider_process
from tests.reliability import free_port
from tests.test_transports import INITIALIZE, MCP_HEADERS, HttpServer, launch, stop
from tests.test_transports import _env as server_env  # pyright: ignore[reportPrivateUsage]

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
REDIRECT_URI = "http://127.0.0.1:9/callback"  # never contacted: the test reads the 302 itself
WRITE = "athena-session:write"


@dataclass
class Setup:
    provider: Provider
    server: HttpServer
    public_url: str

    @property
    def metadata_url(self) -> str:
        return self.public_url.replace("/mcp", "/.well-known/oauth-protected-resource/mcp")

    def token(self, key: rsa.RSAPrivateKey | None = None, kid: str = KID, **claims: Any) -> str:
        """A token signed like the provider's (its key unless told otherwise); claims override or, as None,
        remove the defaults."""
        now = int(time.time())
        base: dict[str, Any] = {
            "iss": self.provider.issuer,
            "sub": "bob",
            "aud": self.public_url,
            "client_id": "test-client",
            "scope": "athena-session:read",
            "iat": now,
            "exp": now + 300,
        }
        base.update(claims)
        payload = {k: v for k, v in base.items() if v is not None}
        return jwt.encode(payload, key or self.provider.key, algorithm="RS256", headers={"kid": kid})


@pytest.fixture(scope="module")
def setup() -> Iterator[Setup]:
    with provider_process() as provider:
        port = free_port()
        public_url = f"http://127.0.0.1:{port}/mcp"
        server = launch(
            [
                "--port",
                str(port),
                "--emulator",
                "--allow-write",
                "--oauth-issuer",
                provider.issuer,
                "--public-url",
                public_url,
            ],
            server_env(),
        )
        try:
            yield Setup(provider, server, public_url)
        finally:
            stop(server)


class MemoryStorage:
    """The SDK's TokenStorage, in memory (a chat assistant keeps these per user)."""

    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client = client_info


def oauth_client(url: str, *, login: str, storage: MemoryStorage) -> OAuthClientProvider:
    """The SDK's OAuth client; the person `login` 'signs in' by the redirect handler following the
    authorization URL, and the callback handler hands back the code from the provider's 302."""
    codes: list[AuthorizationCodeResult] = []

    async def redirect(authorization_url: str) -> None:
        async with httpx2.AsyncClient() as http:
            answer = await http.get(authorization_url + f"&login_hint={login}")
        assert answer.status_code == 302, answer.text
        query = parse_qs(urlsplit(answer.headers["location"]).query)
        codes.append(AuthorizationCodeResult(code=query["code"][0], state=query["state"][0]))

    async def callback() -> AuthorizationCodeResult:
        return codes.pop()

    return OAuthClientProvider(
        server_url=url,
        client_metadata=OAuthClientMetadata(
            client_name="test chat assistant",
            redirect_uris=[REDIRECT_URI],  # pyright: ignore[reportArgumentType]
            grant_types=["authorization_code"],
            response_types=["code"],
            token_endpoint_auth_method="none",
        ),
        storage=storage,
        redirect_handler=redirect,
        callback_handler=callback,
    )


def wait_for_line(server: HttpServer, text: str) -> None:
    """The server's stderr reader thread may lag the HTTP answer by a moment."""
    deadline = time.monotonic() + 5
    while text not in server.stderr and time.monotonic() < deadline:
        time.sleep(0.05)


def _post(url: str, token: str | None = None, **headers: str) -> httpx2.Response:
    auth = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return httpx2.post(url, json=INITIALIZE, headers={**MCP_HEADERS, **auth, **headers}, timeout=30)


async def test_a_chat_assistant_signs_in_with_pkce_and_calls_a_tool_and_the_call_is_audited(
    setup: Setup,
) -> None:
    exchanges: list[str] = []

    async def record(response: httpx2.Response) -> None:
        request = response.request
        exchanges.append(f"{request.method} {request.url.copy_with(query=None)} -> {response.status_code}")

    storage = MemoryStorage()
    auth = oauth_client(setup.public_url, login="alice", storage=storage)
    async with (
        httpx2.AsyncClient(auth=auth, timeout=30, event_hooks={"response": [record]}) as http,
        Client(streamable_http_client(setup.public_url, http_client=http), mode="legacy") as client,
    ):
        result = await client.call_tool("get_athena_session", {"SessionId": "demo-idle-near-timeout"})
    assert not result.is_error, result.content
    assert result.structured_content is not None
    assert result.structured_content["summary"]["state"] == "IDLE"

    issuer, mcp = setup.provider.issuer, setup.public_url
    assert exchanges[:5] == [
        f"POST {mcp} -> 401",
        f"GET {setup.metadata_url} -> 200",
        f"GET {issuer}/.well-known/oauth-authorization-server -> 200",
        f"POST {issuer}/register -> 201",
        f"POST {issuer}/token -> 200",
    ], exchanges
    assert exchanges[5] == f"POST {mcp} -> 200"
    sys.stderr.write("HTTP exchanges of the sign-in:\n" + "\n".join(exchanges) + "\n")

    # The token the client got is a JWT for this server, naming alice.
    assert storage.tokens is not None
    claims = jwt.decode(storage.tokens.access_token, options={"verify_signature": False})
    assert claims["aud"] == mcp and claims["sub"] == "alice" and claims["iss"] == issuer
    # One audit line: who, which tool, which session; never the token.
    wait_for_line(setup.server, "tool=get_athena_session")
    audit = [line for line in setup.server.stderr.splitlines() if "tool=get_athena_session" in line]
    assert len(audit) == 1, setup.server.stderr
    assert f"sub=alice client_id={claims['client_id']} tool=get_athena_session" in audit[0]
    assert "session_id=demo-idle-near-timeout access=granted" in audit[0]
    assert storage.tokens.access_token not in setup.server.stderr


def test_no_token_gets_401_pointing_at_the_protected_resource_metadata(setup: Setup) -> None:
    response = _post(setup.public_url)
    assert response.status_code == 401
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Bearer ")
    assert f'resource_metadata="{setup.metadata_url}"' in challenge


def test_the_metadata_names_the_issuer_the_resource_and_the_write_scope(setup: Setup) -> None:
    response = httpx2.get(setup.metadata_url, timeout=10)
    assert response.status_code == 200
    metadata = response.json()
    assert metadata["resource"] == setup.public_url
    assert metadata["authorization_servers"] == [setup.provider.issuer]
    assert metadata["scopes_supported"] == [WRITE]  # --allow-write; no --oauth-required-scope


def test_a_token_signed_by_the_issuer_for_this_server_is_accepted(setup: Setup) -> None:
    assert _post(setup.public_url, setup.token()).status_code == 200


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _bad_tokens(s: Setup) -> dict[str, str]:
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    public_pem = s.provider.key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    claims = {"iss": s.provider.issuer, "sub": "eve", "aud": s.public_url, "exp": now + 300}

    def unsigned(alg: str) -> str:
        header = {"alg": alg, "kid": KID, "typ": "JWT"}
        return ".".join(b64(json.dumps(part).encode()) for part in (header, claims))

    # Algorithm confusion: HMAC keyed with the issuer's public key (PyJWT refuses to make one itself).
    hs256 = unsigned("HS256")
    hs256 += "." + b64(hmac.new(public_pem, hs256.encode(), hashlib.sha256).digest())
    return {
        "other audience": s.token(aud="https://other.example.com/mcp"),
        "other issuer": s.token(iss="https://evil.example.com"),
        "expired beyond the leeway": s.token(exp=now - 120, iat=now - 600),
        "not yet valid beyond the leeway": s.token(nbf=now + 120),
        "other key with the issuer's kid": s.token(key=other_key),
        "other key with an unknown kid": s.token(key=other_key, kid="rotated-key"),
        "alg none": unsigned("none") + ".",
        "HS256 with the public key as secret": hs256,
        "no subject": s.token(sub=None),
        "no expiry": s.token(exp=None),
        "garbage": "not-a-jwt",
    }


@pytest.mark.parametrize(
    "kind",
    [
        "other audience",
        "other issuer",
        "expired beyond the leeway",
        "not yet valid beyond the leeway",
        "other key with the issuer's kid",
        "other key with an unknown kid",
        "alg none",
        "HS256 with the public key as secret",
        "no subject",
        "no expiry",
        "garbage",
    ],
)
def test_every_bad_token_is_refused_with_401_and_the_metadata_pointer(setup: Setup, kind: str) -> None:
    token = _bad_tokens(setup)[kind]
    response = _post(setup.public_url, token)
    assert response.status_code == 401, kind
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    assert f'resource_metadata="{setup.metadata_url}"' in response.headers["www-authenticate"]
    assert token not in setup.server.stderr


def test_clock_skew_within_the_leeway_is_tolerated(setup: Setup) -> None:
    now = int(time.time())
    assert _post(setup.public_url, setup.token(exp=now - 5, iat=now - 600)).status_code == 200
    assert _post(setup.public_url, setup.token(nbf=now + 5)).status_code == 200


async def _call(setup: Setup, token: str, tool: str, arguments: dict[str, Any]) -> Any:
    async with (
        httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30) as http,
        Client(streamable_http_client(setup.public_url, http_client=http), mode="legacy") as client,
    ):
        return await client.call_tool(tool, arguments)


async def test_terminate_without_the_write_scope_is_a_tool_error_naming_the_scope_and_changes_nothing(
    setup: Setup,
) -> None:
    reader = setup.token(sub="carol", scope="athena-session:read")
    result = await _call(setup, reader, "terminate_athena_session", {"SessionId": "demo-idle"})
    assert result.is_error
    text = result.content[0].text
    assert "needs the OAuth scope 'athena-session:write'" in text and "Nothing was changed" in text
    status = await _call(setup, reader, "get_athena_session_status", {"SessionId": "demo-idle"})
    assert not status.is_error and status.structured_content["summary"]["state"] == "IDLE"
    wait_for_line(setup.server, "sub=carol")
    assert "sub=carol" in setup.server.stderr and "access=refused:missing-scope:athena-session:write" in (
        setup.server.stderr
    )


async def test_terminate_with_the_write_scope_terminates(setup: Setup) -> None:
    writer = setup.token(sub="dave", scope=f"athena-session:read {WRITE}")
    result = await _call(setup, writer, "terminate_athena_session", {"SessionId": "demo-busy"})
    assert not result.is_error, result.content
    assert result.structured_content["had_effect"] is True


def test_health_answers_any_host_without_a_token_and_ready_says_credentials_resolve(setup: Setup) -> None:
    base = setup.public_url.removesuffix("/mcp")
    health = httpx2.get(f"{base}/health", headers={"Host": "10.0.3.17:8000"}, timeout=10)
    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    ready = httpx2.get(f"{base}/ready", headers={"Host": "10.0.3.17:8000"}, timeout=10)
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})
    # The MCP endpoint itself still refuses a foreign Host before looking at any token.
    assert _post(setup.public_url, setup.token(), Host="10.0.3.17:8000").status_code == 421


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--oauth-issuer", "https://id.example.com"], "--oauth-issuer needs --public-url"),
        (
            ["--oauth-issuer", "http://id.example.com", "--public-url", "https://mcp.example.com/mcp"],
            "--oauth-issuer must use https://",
        ),
        (
            ["--aws-web-identity-role-arn", "arn:aws:iam::123456789012:role/r"],
            "--aws-web-identity-role-arn needs --oauth-issuer",
        ),
        (
            [
                "--oauth-issuer",
                "https://id.example.com",
                "--public-url",
                "https://mcp.example.com/mcp",
                "--aws-web-identity-role-arn",
                "role/r",
            ],
            "must be an IAM role ARN",
        ),
    ],
)
def test_unusable_oauth_options_are_usage_errors(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["serve", "--transport", "streamable-http", *args])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_oauth_and_a_static_token_together_are_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("a-static-token-0123456789")
    token_file.chmod(0o600)
    args = ["--auth-token-file", str(token_file), "--oauth-issuer", "https://id.example.com"]
    with pytest.raises(SystemExit) as exit_info:
        main(
            ["serve", "--transport", "streamable-http", *args, "--public-url", "https://mcp.example.com/mcp"]
        )
    assert exit_info.value.code == 2
    assert "cannot be combined" in capsys.readouterr().err


def test_with_a_web_identity_role_and_a_required_scope_each_persons_calls_go_through_sts(
    setup: Setup,
) -> None:
    port = free_port()
    public_url = f"http://127.0.0.1:{port}/mcp"
    role = "arn:aws:iam::123456789012:role/athena-mcp-users"
    issuer = setup.provider.issuer
    args = ["--port", str(port), "--emulator", "--oauth-issuer", issuer, "--public-url", public_url]
    required = ["--oauth-required-scope", "athena-session:read"]
    server = launch([*args, *required, "--aws-web-identity-role-arn", role], server_env())
    try:
        routed = Setup(setup.provider, server, public_url)
        ready = httpx2.get(public_url.replace("/mcp", "/ready"), timeout=10)
        assert (ready.status_code, ready.json()) == (200, {"status": "ready"})
        without = _post(public_url, routed.token(sub="erin", scope="openid"))
        assert without.status_code == 403
        assert 'error="insufficient_scope"' in without.headers["www-authenticate"]
        token = routed.token(sub="erin")
        result = anyio.run(_call, routed, token, "get_athena_session_status", {"SessionId": "demo-idle"})
        assert not result.is_error, result.content
        assert result.structured_content["summary"]["state"] == "IDLE"
        wait_for_line(server, "sub=erin")
        assert token not in server.stderr
    finally:
        stop(server)


async def test_an_audit_line_cannot_be_forged_through_a_hostile_session_id(setup: Setup) -> None:
    token = setup.token(sub="frank")
    result = await _call(setup, token, "get_athena_session", {"SessionId": 'x"\nFORGED sub=root'})
    assert result.is_error  # not a valid session id: refused before any AWS call
    wait_for_line(setup.server, "sub=frank")
    [line] = [line for line in setup.server.stderr.splitlines() if "sub=frank" in line]
    assert "session_id=x??FORGED?sub=root access=granted" in line
    assert not any(line.startswith("FORGED") for line in setup.server.stderr.splitlines())


async def test_a_refreshed_token_of_the_same_person_is_the_one_every_check_uses(setup: Setup) -> None:
    # python-sdk #2208: on a stateful session the SDK's auth context keeps the token that opened it. The
    # write-scope check must read the token of the request at hand: the refreshed one grants the scope.
    reader = setup.token(sub="erin", scope="athena-session:read")
    writer = setup.token(sub="erin", scope=f"athena-session:read {WRITE}")
    async with (
        httpx2.AsyncClient(headers={"Authorization": f"Bearer {reader}"}, timeout=30) as http,
        Client(streamable_http_client(setup.public_url, http_client=http), mode="legacy") as client,
    ):
        refused = await client.call_tool("terminate_athena_session", {"SessionId": "demo-creating"})
        assert refused.is_error and "needs the OAuth scope" in text_of(refused)
        http.headers["Authorization"] = f"Bearer {writer}"  # the same session, a refreshed token
        granted = await client.call_tool("terminate_athena_session", {"SessionId": "demo-creating"})
    assert not granted.is_error, granted.content
    wait_for_line(setup.server, "sub=erin")
    assert setup.server.stderr.count("sub=erin") >= 2


async def test_another_persons_token_on_a_session_is_refused(setup: Setup) -> None:
    frank = setup.token(sub="frank")
    mallory = setup.token(sub="mallory")
    async with (
        httpx2.AsyncClient(headers={"Authorization": f"Bearer {frank}"}, timeout=30) as http,
        Client(streamable_http_client(setup.public_url, http_client=http), mode="legacy") as client,
    ):
        assert not (await client.call_tool("list_spark_workgroups", {})).is_error
        http.headers["Authorization"] = f"Bearer {mallory}"
        with pytest.raises(Exception):  # noqa: B017, PT011  # the SDK refuses: another user's session
            await client.call_tool("list_spark_workgroups", {})


def _rpc(setup: Setup, token: str, session: str, method: str, params: dict[str, Any]) -> httpx2.Response:
    """One JSON-RPC request on an open MCP session, as a client sends it after initialize."""
    body = {"jsonrpc": "2.0", "id": 2, "method": method, "params": params}
    headers = {**MCP_HEADERS, "Authorization": f"Bearer {token}", "Mcp-Session-Id": session}
    return httpx2.post(setup.public_url, json=body, headers=headers, timeout=30)


def _result(response: httpx2.Response) -> dict[str, Any]:
    """The JSON-RPC result of a 200 answer, sent as JSON or as one server-sent event."""
    assert response.status_code == 200, (response.status_code, response.text[:300])
    text = response.text
    if response.headers["content-type"].startswith("text/event-stream"):
        text = next(line[5:] for line in text.splitlines() if line.startswith("data:"))
    return json.loads(text)["result"]


def test_a_token_that_expires_mid_session_is_refused_and_the_refreshed_one_carries_on(setup: Setup) -> None:
    now = int(time.time())
    # Accepted for about 3 more seconds: exp is LEEWAY (30 s) minus 3 s in the past.
    expiring = setup.token(sub="grace", exp=now - 27, iat=now - 600)
    opened = _post(setup.public_url, expiring)
    session = opened.headers["mcp-session-id"]
    status = {"name": "get_athena_session_status", "arguments": {"SessionId": "demo-idle"}}
    first = _result(_rpc(setup, expiring, session, "tools/call", status))
    assert not first.get("isError"), first
    time.sleep(max(0.0, now + 3.5 - time.time()))

    expired = _rpc(setup, expiring, session, "tools/call", status)
    assert expired.status_code == 401
    assert 'error="invalid_token"' in expired.headers["www-authenticate"]
    assert "resource_metadata=" in expired.headers["www-authenticate"]

    refreshed = setup.token(sub="grace")  # the same person (issuer, subject, client id), a new token
    again = _result(_rpc(setup, refreshed, session, "tools/call", status))
    assert not again.get("isError"), again
    assert again["structuredContent"]["summary"]["state"] == "IDLE"  # demo-idle, read on the same session
    wait_for_line(setup.server, "sub=grace")
    assert setup.server.stderr.count("sub=grace client_id=test-client tool=get_athena_session_status") == 2
    assert expiring not in setup.server.stderr and refreshed not in setup.server.stderr


def test_another_persons_token_on_a_session_is_refused_and_audited(setup: Setup) -> None:
    opened = _post(setup.public_url, setup.token(sub="heidi"))
    session = opened.headers["mcp-session-id"]
    intruder = setup.token(sub="ivan")
    refused = _rpc(setup, intruder, session, "tools/list", {})
    assert refused.status_code == 404  # the SDK answers as if the session did not exist
    wait_for_line(setup.server, "sub=ivan")
    [line] = [line for line in setup.server.stderr.splitlines() if "sub=ivan" in line]
    assert "session refused: sub=ivan client_id=test-client" in line
    assert f"mcp_session={session[:16]}" in line
    assert "access=refused:session-unknown-or-opened-by-another-person" in line
    assert intruder not in setup.server.stderr
    # The owner is not audited as refused on their own session.
    assert _rpc(setup, setup.token(sub="heidi"), session, "tools/list", {}).status_code == 200
    assert "session refused: sub=heidi" not in setup.server.stderr
