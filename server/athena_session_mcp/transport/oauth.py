"""OAuth 2.1 resource server for streamable HTTP: `--oauth-issuer URL` with `--public-url URL`.

The server never issues tokens: an identity provider (the issuer) does, and chat assistants get them
with the authorization-code + PKCE flow the MCP authorization spec describes. This module gives the
SDK (mcp.server.auth) what it needs to be the resource server:

- `JwtVerifier`, the SDK's TokenVerifier: a JWT access token is accepted only when its signature
  verifies with a key from the issuer's JWKS (found through the issuer's OpenID / RFC 8414 metadata;
  keys cached, refetched on an unknown `kid` at most every 30 s), with an asymmetric algorithm (never
  `none`, never HMAC), `iss` equal to the issuer, `aud` containing the public URL (RFC 8707), and
  `exp`/`nbf` within LEEWAY_SECONDS. PyJWT does the parsing and checking.
- `AuthSettings` with `validate_token_resource`, so the SDK answers 401 with
  `WWW-Authenticate: Bearer … resource_metadata="…"` and serves RFC 9728 Protected Resource Metadata.
- transport/audit.py: the audit lines and the write scope that destructive tools need on top of
  --allow-write.

jwt is imported on first use only: serving over stdio never loads it.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

import anyio.to_thread
from mcp.server.auth.provider import AccessToken
from mcp.server.auth.settings import AuthSettings

from athena_session_mcp.settings import ROLE_ARN
from athena_session_mcp.transport.auth import is_loopback

if TYPE_CHECKING:
    from jwt import PyJWKClient
    from mcp.server.mcpserver.tools import Tool
    from starlette.routing import Route

    from athena_session_mcp.transport.audit import ToolCallGuard

logger = logging.getLogger(__name__)

ENV_OAUTH_ISSUER = "ATHENA_SESSION_MCP_OAUTH_ISSUER"
ENV_PUBLIC_URL = "ATHENA_SESSION_MCP_PUBLIC_URL"
ENV_REQUIRED_SCOPE = "ATHENA_SESSION_MCP_OAUTH_REQUIRED_SCOPE"
ENV_WRITE_SCOPE = "ATHENA_SESSION_MCP_OAUTH_WRITE_SCOPE"
ENV_WEB_IDENTITY_ROLE_ARN = "ATHENA_SESSION_MCP_AWS_WEB_IDENTITY_ROLE_ARN"
ENV_AUDIENCE = "ATHENA_SESSION_MCP_OAUTH_AUDIENCE"

DEFAULT_WRITE_SCOPE = "athena-session:write"
# Clock skew tolerated on exp and nbf (and iat), in seconds.
LEEWAY_SECONDS = 30
# Discovery and JWKS requests to the issuer; JWKS kept this long before a routine refetch.
ISSUER_TIMEOUT_SECONDS = 5.0
JWKS_LIFESPAN_SECONDS = 300.0
# A failed discovery is remembered this long: tokens arriving meanwhile are refused at once instead of
# each waiting on a slow or down identity provider (two 5 s fetches), then discovery is tried again.
DISCOVERY_RETRY_SECONDS = 30.0
# A check waits at most this long for another's discovery (two fetches of ISSUER_TIMEOUT_SECONDS).
DISCOVERY_WAIT_SECONDS = 2 * ISSUER_TIMEOUT_SECONDS + 1
# Token checks run in threads of their own: a slow identity provider never holds the threads that make
# AWS calls (boto3 runs on anyio's default limiter).
TOKEN_CHECK_THREADS = 8
MAX_METADATA_BYTES = 1_000_000
# A bearer token longer than this is refused before any parsing (real access tokens are 1-4 KB).
MAX_TOKEN_CHARS = 16_384
# RFC 7518 / RFC 8037 signature algorithms with a public verification key. HMAC (HS*) is never
# accepted: its key would be the issuer's shared secret, and `none` has no signature at all.
ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES256K", "ES384", "ES512", "EdDSA"}
)
RESOURCE_NAME = "Athena Spark sessions (athena-session-mcp)"


class OAuthConfigError(ValueError):
    """The OAuth options cannot be used as given; the message says what would be right."""


def _check_url(value: str, flag: str) -> str:
    """An absolute https URL (http only for a loopback host, for local testing), no fragment."""
    url = value.strip()
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        parts, host = None, ""
    if parts is None or parts.scheme not in ("https", "http") or not host or parts.fragment:
        raise OAuthConfigError(
            f"{flag} must be an absolute https:// URL without #fragment, e.g. https://mcp.example.com/mcp"
        )
    if parts.scheme == "http" and not is_loopback(host):
        raise OAuthConfigError(
            f"{flag} must use https:// (plain http is accepted only for localhost/127.0.0.1, for testing)"
        )
    return url


@dataclass(frozen=True, slots=True)
class OAuthOptions:
    """The resource-server settings: who issues tokens, what this server is called, which scopes count."""

    issuer: str
    public_url: str
    required_scope: str | None = None
    write_scope: str = DEFAULT_WRITE_SCOPE
    web_identity_role_arn: str | None = None
    # The `aud` tokens must contain when the identity provider cannot use the public URL (Entra ID v2
    # access tokens carry the API's application id); None means the public URL (RFC 8707).
    audience: str | None = None

    @classmethod
    def resolve(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        issuer: str | None = None,
        public_url: str | None = None,
        required_scope: str | None = None,
        write_scope: str | None = None,
        web_identity_role_arn: str | None = None,
        audience: str | None = None,
    ) -> OAuthOptions | None:
        """Flags over environment variables; None when no issuer is configured (OAuth off)."""
        env = os.environ if env is None else env
        issuer = issuer or env.get(ENV_OAUTH_ISSUER) or None
        public_url = public_url or env.get(ENV_PUBLIC_URL) or None
        required_scope = required_scope or env.get(ENV_REQUIRED_SCOPE) or None
        write_scope = write_scope or env.get(ENV_WRITE_SCOPE) or DEFAULT_WRITE_SCOPE
        role = web_identity_role_arn or env.get(ENV_WEB_IDENTITY_ROLE_ARN) or None
        audience = (audience or env.get(ENV_AUDIENCE) or "").strip() or None
        if issuer is None:
            if role is not None:
                raise OAuthConfigError(
                    "--aws-web-identity-role-arn needs --oauth-issuer: the role is assumed with each "
                    "person's OAuth access token"
                )
            return None
        if public_url is None:
            raise OAuthConfigError(
                "--oauth-issuer needs --public-url (or ATHENA_SESSION_MCP_PUBLIC_URL): the URL clients use "
                "to reach this server, e.g. https://mcp.example.com/mcp; tokens must name it as audience"
            )
        for scope, flag in ((required_scope, "--oauth-required-scope"), (write_scope, "--oauth-write-scope")):
            if scope is not None and (not scope.strip() or any(c.isspace() or c in '"\\' for c in scope)):
                raise OAuthConfigError(f"{flag} must be one scope name without spaces or quotes")
        if role is not None and not ROLE_ARN.fullmatch(role.strip()):
            raise OAuthConfigError(
                "--aws-web-identity-role-arn must be an IAM role ARN, e.g. arn:aws:iam::123456789012:role/athena-mcp-users"
            )
        return cls(
            issuer=_check_url(issuer, "--oauth-issuer"),
            public_url=_check_url(public_url, "--public-url"),
            required_scope=required_scope,
            write_scope=write_scope,
            web_identity_role_arn=role.strip() if role else None,
            audience=audience,
        )

    @property
    def public_host(self) -> str:
        """The host name of the public URL (allowed by the Host guard)."""
        return (urlsplit(self.public_url).hostname or "").lower()

    def scopes_supported(self, *, allow_write: bool) -> list[str]:
        """The scopes this server checks, advertised in its protected-resource metadata so that clients
        ask the identity provider for them."""
        scopes = [self.required_scope] if self.required_scope else []
        if allow_write and self.write_scope not in scopes:
            scopes.append(self.write_scope)
        return scopes

    def auth_settings(self) -> AuthSettings:
        # Validated from strings, so that AuthSettings keeps an empty path empty ("https://id.example.com",
        # not ".../"): clients compare the advertised issuer with the issuer's metadata as exact strings.
        return AuthSettings.model_validate(
            {
                "issuer_url": self.issuer,
                "resource_server_url": self.public_url,
                "required_scopes": [self.required_scope] if self.required_scope else None,
                "validate_token_resource": True,
            }
        )

    def server_auth(self) -> ServerAuth:
        return ServerAuth(
            settings=self.auth_settings(),
            verifier=JwtVerifier(self.issuer, self.audience or self.public_url, resource=self.public_url),
            write_scope=self.write_scope,
        )

    def metadata_routes(self, *, allow_write: bool) -> list[Route]:
        """The RFC 9728 metadata route, built by the SDK, listing every scope this server checks (the
        SDK's own lists only the required ones); it shadows the SDK's route at the same path."""
        from mcp.server.auth.routes import create_protected_resource_routes

        settings = self.auth_settings()
        assert settings.resource_server_url is not None
        return create_protected_resource_routes(
            resource_url=settings.resource_server_url,
            authorization_servers=[settings.issuer_url],
            scopes_supported=self.scopes_supported(allow_write=allow_write) or None,
            resource_name=RESOURCE_NAME,
        )


class IssuerError(Exception):
    """The issuer's metadata or keys could not be fetched or are unusable."""


def discovery_urls(issuer: str) -> list[str]:
    """Where the issuer's metadata lives: OpenID Connect Discovery (path appended), then RFC 8414
    (well-known segment inserted before the path)."""
    parts = urlsplit(issuer)
    path = parts.path.rstrip("/")
    return [
        f"{issuer.rstrip('/')}/.well-known/openid-configuration",
        f"{parts.scheme}://{parts.netloc}/.well-known/oauth-authorization-server{path}",
    ]


def _fetch_json(url: str) -> dict[str, Any]:
    import urllib.request

    if urlsplit(url).scheme not in ("https", "http"):
        raise IssuerError(f"{url} is not an http(s) URL")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - scheme checked
    with urllib.request.urlopen(request, timeout=ISSUER_TIMEOUT_SECONDS) as response:  # noqa: S310
        body = response.read(MAX_METADATA_BYTES + 1)
    if len(body) > MAX_METADATA_BYTES:
        raise IssuerError(f"{url} answered more than {MAX_METADATA_BYTES} bytes")
    data = json.loads(body)
    if not isinstance(data, dict):
        raise IssuerError(f"{url} did not answer a JSON object")
    return cast(dict[str, Any], data)


def _jwks_client(uri: str) -> PyJWKClient:
    from jwt import PyJWKClient

    return PyJWKClient(uri, timeout=ISSUER_TIMEOUT_SECONDS, lifespan=JWKS_LIFESPAN_SECONDS)


def _scopes(claims: Mapping[str, Any]) -> list[str]:
    # RFC 9068 `scope` is a space-separated string; Okta puts a list in `scp`, Entra ID a string.
    raw = claims.get("scope", claims.get("scp"))
    if isinstance(raw, str):
        return raw.split()
    if isinstance(raw, list):
        return [str(s) for s in cast(list[Any], raw)]
    return []


def _client_id(claims: Mapping[str, Any]) -> str:
    # RFC 9068 and Cognito: client_id; Entra ID v2 and Keycloak: azp; Entra ID v1: appid; Okta: cid.
    for name in ("client_id", "azp", "appid", "cid"):
        value = claims.get(name)
        if isinstance(value, str) and value:
            return value
    return "unknown"


@dataclass
class JwtVerifier:
    """The SDK's TokenVerifier for JWT access tokens from one issuer, for one audience (by default the
    public URL, which is also the `resource` the SDK compares with its resource_server_url)."""

    issuer: str
    audience: str
    resource: str = ""
    fetch_json: Any = field(default=_fetch_json, repr=False)
    # How the issuer's keys are read, given its jwks_uri (replaceable, like fetch_json, to run offline).
    jwks_client: Callable[[str], PyJWKClient] = field(default=_jwks_client, repr=False)
    _found: tuple[PyJWKClient, str] | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    _failed: tuple[float, str] | None = field(default=None, init=False, repr=False)
    _threads: anyio.CapacityLimiter | None = field(default=None, init=False, repr=False)

    def _discover(self) -> tuple[PyJWKClient, str]:
        """The JWKS client and the exact `iss` value, from the issuer's metadata (fetched once; a failure
        is remembered for DISCOVERY_RETRY_SECONDS, then tried again)."""
        found = self._found
        if found is not None:  # the common case takes no lock
            return found
        # One discovery at a time; the others wait for its outcome, never longer than it can take.
        if not self._lock.acquire(timeout=DISCOVERY_WAIT_SECONDS):
            raise IssuerError("the issuer's metadata is still being fetched for another request")
        try:
            if self._found is not None:
                return self._found
            if self._failed is not None and self.clock() < self._failed[0]:
                raise IssuerError(self._failed[1] + " (remembered; tried again shortly)")
            try:
                self._found = self._fetch_keys()
            except IssuerError as exc:
                self._failed = (self.clock() + DISCOVERY_RETRY_SECONDS, str(exc))
                raise
            return self._found
        finally:
            self._lock.release()

    def _fetch_keys(self) -> tuple[PyJWKClient, str]:
        problems: list[str] = []
        for url in discovery_urls(self.issuer):
            try:
                metadata = self.fetch_json(url)
            except Exception as exc:
                problems.append(f"{url}: {type(exc).__name__}")
                continue
            issuer = metadata.get("issuer")
            jwks_uri = metadata.get("jwks_uri")
            # RFC 8414 §3.3 / OpenID Discovery §4.3: the metadata must name the issuer it was asked for.
            if not isinstance(issuer, str) or issuer.rstrip("/") != self.issuer.rstrip("/"):
                problems.append(f"{url}: names issuer {str(issuer)[:100]!r}, not {self.issuer!r}")
                continue
            if not isinstance(jwks_uri, str):
                problems.append(f"{url}: has no jwks_uri")
                continue
            _check_url(jwks_uri, "the issuer's jwks_uri")
            return self.jwks_client(jwks_uri), issuer
        raise IssuerError("no usable issuer metadata: " + "; ".join(problems))

    def check(self, token: str) -> AccessToken | None:
        """The token's principal and scopes when it is valid for this server, else None (the reason is
        logged at INFO, the token never). Blocking: fetches metadata or keys when needed."""
        import jwt

        if not token or len(token) > MAX_TOKEN_CHARS:
            logger.info("refused a bearer token: empty or longer than %d characters", MAX_TOKEN_CHARS)
            return None
        try:
            keys, issuer = self._discover()
            key = keys.get_signing_key_from_jwt(token)
            if key.algorithm_name not in ASYMMETRIC_ALGORITHMS:
                logger.info("refused a bearer token: key algorithm %s is not asymmetric", key.algorithm_name)
                return None
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[key.algorithm_name],
                audience=[self.audience, self.audience.rstrip("/"), self.audience.rstrip("/") + "/"],
                issuer=issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as exc:
            logger.info("refused a bearer token: %s", type(exc).__name__)
            return None
        except (IssuerError, OAuthConfigError) as exc:
            logger.warning("cannot check bearer tokens: issuer %s: %s", self.issuer, exc)
            return None
        return AccessToken(
            token=token,
            client_id=_client_id(claims),
            scopes=_scopes(claims),
            # The SDK refuses a token once expires_at has passed; the leeway applies there too.
            expires_at=int(claims["exp"]) + LEEWAY_SECONDS,
            resource=self.resource or self.audience,
            subject=str(claims["sub"]),
            claims=claims,
        )

    async def verify_token(self, token: str) -> AccessToken | None:
        if self._threads is None:
            self._threads = anyio.CapacityLimiter(TOKEN_CHECK_THREADS)
        return await anyio.to_thread.run_sync(self.check, token, limiter=self._threads)


@dataclass(frozen=True, slots=True)
class ServerAuth:
    """What the MCP server is built with when OAuth is on."""

    settings: AuthSettings
    verifier: JwtVerifier
    write_scope: str

    def tool_guard(self, tools: Sequence[Tool], every_account: Iterable[str] = ()) -> ToolCallGuard:
        """Write tools are those not annotated read-only (terminate_athena_session); `every_account` the
        tools that look in every declared account (their audit lines say own+declared)."""
        writes = [t.name for t in tools if not (t.annotations and t.annotations.read_only_hint)]
        from athena_session_mcp.transport.audit import ToolCallGuard

        return ToolCallGuard(writes, self.write_scope, every_account)
