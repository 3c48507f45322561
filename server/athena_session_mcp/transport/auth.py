"""Who may talk to the HTTP transport: Host/Origin checks against DNS rebinding, and a bearer token.

One small ASGI middleware in front of the SDK's app, and the only place these checks run (the SDK's
own Host/Origin check is off, see transport/http.py), so the answers are the same on every path whatever
the SDK does underneath: a foreign Host gets 421, a foreign Origin 403, a missing or wrong token 401
with `WWW-Authenticate: Bearer`. The checks run in that order, so a rebinding page learns nothing
about the token. The token is compared in constant time and never logged. Refusals say which flag
would allow the request, and are logged at WARNING. Only HTTP requests (and the lifespan events) reach
the app: a WebSocket or any other kind of connection is refused.

The SDK's token hooks (mcp.server.auth: TokenVerifier with AuthSettings) are not used: they make the
server an OAuth 2.1 resource server, which needs an issuer URL and publishes protected-resource
metadata that sends clients looking for an authorization server; a static shared token has none.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

logger = logging.getLogger(__name__)

ENV_AUTH_TOKEN = "ATHENA_SESSION_MCP_AUTH_TOKEN"  # noqa: S105 - a variable name, not a secret
MIN_TOKEN_LENGTH = 16
TOKEN_HINT = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'  # noqa: S105 - a command
REALM = "athena-session-mcp"


class AuthConfigError(ValueError):
    """The token could not be loaded or is unusable; the message says how to fix it."""


def _check_token(token: str, source: str) -> str:
    if not token:
        raise AuthConfigError(f"{source} is empty; put a random token in it, e.g. from: {TOKEN_HINT}")
    if len(token) < MIN_TOKEN_LENGTH:
        raise AuthConfigError(
            f"the token from {source} is too short ({len(token)} characters, at least {MIN_TOKEN_LENGTH}); "
            f"generate one with: {TOKEN_HINT}"
        )
    if any(c.isspace() or not c.isprintable() for c in token):
        raise AuthConfigError(
            f"the token from {source} must be one line without spaces or control characters"
        )
    return token


def load_token(path: str | None, env: Mapping[str, str] | None = None) -> str | None:
    """The bearer token: from `path` if given (surrounding whitespace stripped), else from the
    ATHENA_SESSION_MCP_AUTH_TOKEN environment variable, else None (no authentication)."""
    env = os.environ if env is None else env
    if path:
        file = Path(path).expanduser()
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
            raise AuthConfigError(f"cannot read the token file {path}: {reason}") from None
        if os.name == "posix" and file.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            logger.warning("the token file %s is readable by other users; consider: chmod 600 %s", path, path)
        return _check_token(text.strip(), f"the token file {path}")
    if ENV_AUTH_TOKEN in env:
        return _check_token(env[ENV_AUTH_TOKEN].strip(), ENV_AUTH_TOKEN)
    return None


def _digest(value: str) -> bytes:
    # Hashing first makes the comparison independent of the presented token's length too.
    return hashlib.sha256(value.encode("utf-8", "surrogateescape")).digest()


def host_name(host_header: str) -> str:
    """The host part of a Host header (or a host name), lower-case, without port, IPv6 without brackets:
    '[::1]:80' -> '::1', 'Example.com:8443' -> 'example.com', '::1' -> '::1'."""
    value = host_header.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else ""
    if value.count(":") == 1:
        return value.split(":", 1)[0]
    return value


def is_loopback(host: str) -> bool:
    """True for 'localhost' and loopback addresses (127.0.0.0/8, ::1)."""
    name = host.strip().lower().removeprefix("[").removesuffix("]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def shown(value: object, limit: int = 80) -> str:
    """Request input fit to quote in a log line, an audit field or an answer: printable ASCII without
    spaces, quotes or backslashes (anything else becomes '?', so nothing can forge a log line, an audit
    field or a terminal sequence), at most `limit` characters; None is '-'."""
    if value is None:
        return "-"
    text = "".join(c if "!" <= c <= "~" and c not in "\"'\\" else "?" for c in str(value))
    return text if len(text) <= limit else text[: limit - 3] + "..."


class HttpGuard:
    """ASGI middleware: Host (421), then Origin (403), then bearer token (401) if one is set."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        allowed_hosts: Iterable[str],
        allowed_origins: Iterable[str] = (),
        token: str | None = None,
    ) -> None:
        self.app = app
        self.allowed_hosts = frozenset(host_name(h) for h in allowed_hosts)
        self.allowed_origins = frozenset(o.strip().lower().rstrip("/") for o in allowed_origins)
        self._token_digest = _digest(token) if token is not None else None

    @property
    def requires_token(self) -> bool:
        return self._token_digest is not None

    def host_allowed(self, host_header: str | None) -> bool:
        return bool(host_header) and host_name(host_header or "") in self.allowed_hosts

    def origin_allowed(self, origin: str | None) -> bool:
        """Requests without Origin (non-browser clients) pass; browsers must come from an allowed page."""
        if origin is None:
            return True
        value = origin.strip().lower().rstrip("/")
        if value in self.allowed_origins:
            return True
        try:
            parts = urlsplit(value)
        except ValueError:
            return False
        return parts.scheme in ("http", "https") and (parts.hostname or "") in self.allowed_hosts

    def token_ok(self, authorization: str | None) -> bool:
        if self._token_digest is None:
            return True
        if not authorization:
            return False
        scheme, _, presented = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not presented.strip():
            return False
        return hmac.compare_digest(_digest(presented.strip()), self._token_digest)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            # Only HTTP requests are checked, so nothing else may reach the app: a WebSocket handshake
            # is closed (the server answers it with 403), any other kind of connection is dropped.
            logger.warning(
                "refused a %s connection: this server serves HTTP only", shown(str(scope["type"]), 20)
            )
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            return
        headers = _headers(scope)
        client = scope.get("client")
        peer = shown(f"{client[0]}" if client else "?", 64)
        host = _single(headers, "host")
        if not self.host_allowed(host):
            if host:
                named, name = shown(host), shown(host_name(host)) or "NAME"
                told = (
                    f"Host '{named}' is not allowed for this server. If clients reach it by that name (e.g. "
                    f"behind a proxy), start the server with --allow-host {name}."
                )
            else:
                told = "A Host header is required."
            logger.warning("refused a request from %s (DNS rebinding?): %s", peer, told)
            await _respond(send, 421, "misdirected_request", told)
            return
        origins = headers.get("origin", [])
        if not self.origin_allowed(_single(headers, "origin")) or len(origins) > 1:
            if len(origins) > 1:
                told = "Send one Origin header, not several."
            else:
                origin = shown(origins[0].strip().rstrip("/"))
                told = (
                    f"Origin '{origin}' is not allowed for this server. If browser pages from it should use "
                    f"the server, start it with --allow-origin {origin}."
                )
            logger.warning("refused a request from %s: %s", peer, told)
            await _respond(send, 403, "forbidden", told)
            return
        authorization = headers.get("authorization", [])
        if self._token_digest is not None and (
            len(authorization) != 1 or not self.token_ok(authorization[0])
        ):
            missing = not authorization
            # WARNING, so an operator sees it at the default level; never the token, only who and why.
            logger.warning("refused a request from %s: %s bearer token", peer, "no" if missing else "wrong")
            challenge = f'Bearer realm="{REALM}"' + ("" if missing else ', error="invalid_token"')
            await _respond(
                send,
                401,
                "unauthorized" if missing else "invalid_token",
                "Send 'Authorization: Bearer <token>'." if missing else "The bearer token is not valid.",
                extra_headers=[(b"www-authenticate", challenge.encode())],
            )
            return
        await self.app(scope, receive, send)


def _headers(scope: Scope) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    raw: Iterable[tuple[bytes, bytes]] = scope.get("headers", [])
    for name, value in raw:
        out.setdefault(name.decode("latin-1").lower(), []).append(value.decode("latin-1"))
    return out


def _single(headers: Mapping[str, list[str]], name: str) -> str | None:
    values = headers.get(name)
    return values[0] if values else None


async def _respond(
    send: Send,
    status: int,
    error: str,
    description: str,
    extra_headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    body = json.dumps({"error": error, "error_description": description}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(extra_headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
