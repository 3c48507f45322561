"""Audit lines for OAuth (on stderr, never a token), and which token a tool call acts with.

- `ToolCallGuard`, a server middleware: one line per tool call (who, which tool, which session id) and
  the write scope that destructive tools need on top of --allow-write.
- `SessionAudit`, an ASGI wrapper: one line when a signed-in person's request on an MCP session is
  answered 404. The SDK answers so for a session opened with another person's token, exactly as for one
  it does not hold (python-sdk binds a session to the client id, issuer and subject that opened it), so
  the line says both.
- `request_token` / `current_web_identity`: the token verified for the HTTP request at hand, which a
  refreshed token replaces on a stateful session (python-sdk #2208: the SDK's auth context keeps the
  first).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, cast

from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.types import CallToolResult, TextContent

from athena_session_mcp.transport.auth import shown

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from athena_session_mcp.athena.web_identity import WebIdentity

# Its own logger so that audit lines appear at INFO while the rest of the server stays at WARNING.
audit_logger = logging.getLogger("athena_session_mcp.audit")


# The verified token of the HTTP request a tool call came in (set by ToolCallGuard around the call).
_REQUEST_TOKEN: ContextVar[AccessToken | None] = ContextVar("athena_session_mcp_request_token", default=None)


def request_token(request: object) -> AccessToken | None:
    """The token the SDK verified for this very HTTP request (its authentication middleware puts the user
    in the ASGI scope of every request), else the SDK's auth context. On a stateful session the latter is
    the token of the request that opened the session, however often the person refreshed it since."""
    scope: object = getattr(request, "scope", None)
    user = cast(Mapping[str, object], scope).get("user") if isinstance(scope, Mapping) else None
    token: object = getattr(user, "access_token", None)
    return token if isinstance(token, AccessToken) else get_access_token()


class ToolCallGuard:
    """Server middleware for OAuth: one audit line per tool call, and the write scope for write tools."""

    def __init__(
        self,
        write_tools: Iterable[str],
        write_scope: str,
        every_account: Iterable[str] = (),
    ) -> None:
        self._write_tools = frozenset(write_tools)
        self._write_scope = write_scope
        # Tools that look in the server's own account and then in every declared one (--account): their
        # input names no account (get_athena_session). Other calls use the Account given, else the own.
        self._every_account = frozenset(every_account)

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        if ctx.method != "tools/call" or ctx.params is None:
            return await call_next(ctx)
        name = ctx.params.get("name")
        arguments = ctx.params.get("arguments")
        given: Mapping[str, object] = (
            cast(Mapping[str, object], arguments) if isinstance(arguments, Mapping) else {}
        )
        session_id = given.get("SessionId")
        # The account asked for (not yet validated: a name not declared is then refused before AWS).
        account: object = given.get("Account") or ("own+declared" if name in self._every_account else "own")
        token = request_token(ctx.request)
        scopes = token.scopes if token is not None else []
        refused = name in self._write_tools and self._write_scope not in scopes
        audit_logger.info(
            "tool call: sub=%s client_id=%s tool=%s session_id=%s access=%s account=%s",
            shown(token.subject if token else None),
            shown(token.client_id if token else None),
            shown(name),
            shown(session_id),
            f"refused:missing-scope:{shown(self._write_scope)}" if refused else "granted",
            shown(account),
        )
        if refused:
            have = ", ".join(scopes[:10]) or "none"
            text = (
                f"{name} needs the OAuth scope {self._write_scope!r}, which this access token does not have "
                f"(it has: {have}). Nothing was changed. Ask the user to reconnect this server and grant "
                f"{self._write_scope!r} if they want sessions terminated from this chat; reading works without it."
            )
            return CallToolResult(content=[TextContent(type="text", text=text)], is_error=True)
        # The tool (and the per-person AWS credentials it uses) read this request's token, not the one that
        # opened the session (python-sdk #2208: the SDK's auth context keeps the first).
        reset = _REQUEST_TOKEN.set(token)
        try:
            return await call_next(ctx)
        finally:
            _REQUEST_TOKEN.reset(reset)


def enable_audit_log() -> None:
    """Audit lines at INFO on stderr whatever --log-level says (it can still make them more verbose)."""
    if audit_logger.getEffectiveLevel() > logging.INFO:
        audit_logger.setLevel(logging.INFO)


def current_web_identity() -> WebIdentity | None:
    """The person behind the current request, for per-person AWS credentials: this request's token (a
    refreshed one included), else the SDK's auth context."""
    from athena_session_mcp.athena.web_identity import WebIdentity

    token = _REQUEST_TOKEN.get() or get_access_token()
    if token is None or not token.subject:
        return None
    issuer = (token.claims or {}).get("iss")
    return WebIdentity(issuer=str(issuer or ""), subject=token.subject, token=token.token)


class SessionAudit:
    """ASGI: the audit line of a signed-in person's request refused on an MCP session (HTTP 404)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or []) if scope["type"] == "http" else {}
        session = headers.get(b"mcp-session-id")
        if session is None:
            return await self.app(scope, receive, send)
        statuses: list[int] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                statuses.append(int(message["status"]))
            await send(message)

        await self.app(scope, receive, watch)
        # The SDK's authentication middleware puts the verified user in this same scope.
        token: object = getattr(scope.get("user"), "access_token", None)
        if statuses == [404] and isinstance(token, AccessToken):
            audit_logger.info(
                "session refused: sub=%s client_id=%s mcp_session=%s method=%s "
                "access=refused:session-unknown-or-opened-by-another-person",
                shown(token.subject),
                shown(token.client_id),
                shown(session.decode("latin-1")[:16]),
                shown(scope.get("method")),
            )
        return None
