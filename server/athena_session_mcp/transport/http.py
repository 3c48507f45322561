"""Serving the MCP server: stdio (for desktop clients) or streamable HTTP (for remote/shared use).

HTTP is secure by default: it binds loopback, rejects foreign Host/Origin headers (DNS rebinding),
requires a bearer token when one is configured, and refuses a non-loopback bind without one.
SIGINT/SIGTERM shut it down cleanly (exit status 0).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from starlette.types import ASGIApp

from athena_session_mcp.settings import DEFAULT_HOST, DEFAULT_PORT, MCP_PATH
from athena_session_mcp.transport.auth import HttpGuard, host_name, is_loopback

if TYPE_CHECKING:
    import uvicorn

    from athena_session_mcp.transport.oauth import OAuthOptions

logger = logging.getLogger(__name__)

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
WILDCARD_HOSTS = ("0.0.0.0", "::", "")  # noqa: S104 - named here so they can be refused without a token
GRACEFUL_SHUTDOWN_SECONDS = 3


class TransportConfigError(ValueError):
    """The transport options cannot be used as given (a usage error); the message says why."""


@dataclass(frozen=True, slots=True)
class HttpOptions:
    """Everything the HTTP transport needs. `token` None means no authentication (loopback only)."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    path: str = MCP_PATH
    stateless: bool = False
    token: str | None = field(default=None, repr=False)
    allowed_hosts: tuple[str, ...] = ()
    allowed_origins: tuple[str, ...] = ()
    # OAuth resource server (--oauth-issuer): tokens from an identity provider instead of `token`.
    oauth: OAuthOptions | None = None
    # What /ready reports: None when AWS credentials resolve, else why not.
    readiness: Callable[[], str | None] | None = field(default=None, repr=False, compare=False)
    # Whether the server offers write tools (their scope is advertised in the OAuth metadata).
    allow_write: bool = False

    def check(self) -> None:
        """Refuse settings that would expose the server: a non-loopback bind without a token."""
        if not 0 <= self.port <= 65535:
            raise TransportConfigError(f"--port must be between 0 and 65535, got {self.port}")
        if self.oauth is not None and self.token is not None:
            raise TransportConfigError(
                "--oauth-issuer and a static bearer token (--auth-token-file or ATHENA_SESSION_MCP_AUTH_TOKEN) "
                "cannot be combined: use OAuth for a team, the static token for a single user"
            )
        if not is_loopback(self.host) and self.token is None and self.oauth is None:
            raise TransportConfigError(
                f"refusing to listen on {self.host or 'all interfaces'} without authentication: anyone who "
                "can reach it could read your Athena sessions. Set a bearer token with --auth-token-file PATH "
                "or ATHENA_SESSION_MCP_AUTH_TOKEN, or bind loopback (--host 127.0.0.1)."
            )

    def host_names(self) -> list[str]:
        """Host names a request may address: loopback names, the bound address, --allow-host values."""
        names = [*LOOPBACK_HOSTS]
        bound = host_name(self.host)
        if bound not in WILDCARD_HOSTS:
            names.append(bound)
        names.extend(host_name(h) for h in self.allowed_hosts)
        if self.oauth is not None:  # the host clients were told to use (--public-url)
            names.append(self.oauth.public_host)
        return list(dict.fromkeys(names))


def _bracket(name: str) -> str:
    return f"[{name}]" if ":" in name else name


# HttpGuard is the one Host/Origin check. The SDK's own (exact, case-sensitive string patterns, on the MCP
# route only) is turned off explicitly: given None on a loopback host, the SDK would switch it back on with
# its own lists, which ignore --allow-host. The SDK still checks the POST Content-Type.
NO_SDK_HOST_CHECK = TransportSecuritySettings(enable_dns_rebinding_protection=False)


def build_http_app(server: MCPServer, options: HttpOptions) -> ASGIApp:
    """The SDK's streamable HTTP app behind HttpGuard (Host 421, Origin 403, token 401), with /health and
    /ready in front of the guard (probes address the server by IP) and, with OAuth, the protected-resource
    metadata listing every scope the server checks."""
    from athena_session_mcp.transport.probes import PathRoutes, Readiness, probe_routes

    app: ASGIApp = server.streamable_http_app(
        streamable_http_path=options.path,
        stateless_http=options.stateless,
        transport_security=NO_SDK_HOST_CHECK,
        host=options.host,
    )
    if options.oauth is not None:
        from athena_session_mcp.transport.audit import SessionAudit

        app = PathRoutes(SessionAudit(app), options.oauth.metadata_routes(allow_write=options.allow_write))
    guarded = HttpGuard(
        app,
        allowed_hosts=options.host_names(),
        allowed_origins=options.allowed_origins,
        token=options.token,
    )
    readiness = Readiness(options.readiness) if options.readiness is not None else None
    return PathRoutes(guarded, probe_routes(readiness))


def _uvicorn_server(config: uvicorn.Config, ready_message: str, out: TextIO) -> uvicorn.Server:
    """Built here so that serving over stdio never imports uvicorn (start-up time and memory)."""
    import uvicorn

    class _Server(uvicorn.Server):
        """uvicorn, but a handled SIGINT/SIGTERM ends in a normal return (exit 0) instead of being re-raised,
        and it says where it listens once it is ready."""

        def __init__(self, config: uvicorn.Config, ready_message: str, out: TextIO) -> None:
            super().__init__(config)
            self.ready_message = ready_message
            self.out = out

        @contextlib.contextmanager
        def capture_signals(self) -> Generator[None]:
            if threading.current_thread() is not threading.main_thread():
                yield
                return
            handled: list[int] = [signal.SIGINT, signal.SIGTERM]
            if sys.platform == "win32":  # pragma: no cover - Ctrl+Break
                handled.append(signal.SIGBREAK)
            originals = {sig: signal.signal(sig, self.handle_exit) for sig in handled}
            try:
                yield
            finally:
                for sig, handler in originals.items():
                    signal.signal(sig, handler)

        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if self.started:
                self.out.write(self.ready_message + "\n")
                self.out.flush()

    return _Server(config, ready_message, out)


def _bind(host: str, port: int) -> socket.socket:
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise OSError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    try:
        if os.name != "nt":  # on Windows SO_REUSEADDR would let another process share the port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def serve_http(server: MCPServer, options: HttpOptions, *, out: TextIO | None = None) -> int:
    """Serve streamable HTTP until SIGINT/SIGTERM; 0 after a clean shutdown. Logs go to stderr."""
    options.check()
    stream = out or sys.stderr
    app = build_http_app(server, options)
    sock = _bind(options.host, options.port)
    bound, port = str(sock.getsockname()[0]), int(sock.getsockname()[1])
    url = f"http://{_bracket(options.host)}:{port}{options.path}"
    auth = "bearer token required" if options.token is not None else "no authentication: loopback only"
    if options.oauth is not None:
        from athena_session_mcp.transport.audit import enable_audit_log

        enable_audit_log()
        auth = f"OAuth: tokens from {options.oauth.issuer} for {options.oauth.public_url}"
    mode = ", stateless" if options.stateless else ""
    if host_name(options.host) in WILDCARD_HOSTS:
        # http://0.0.0.0:PORT/mcp is no address a client can use, and the guard accepts only loopback
        # names and --allow-host ones: print a URL that works here, and say what remote clients need.
        url = f"http://{_bracket('::1' if bound == '::' else '127.0.0.1')}:{port}{options.path}"
        allowed = [host_name(h) for h in options.allowed_hosts]
        if allowed:
            mode += (
                f"; on all interfaces: remote clients use a name given with --allow-host, "
                f"e.g. http://{_bracket(allowed[0])}:{port}{options.path}"
            )
        else:
            mode += (
                "; on all interfaces, but only loopback names are accepted until --allow-host NAME is given"
            )
            stream.write(
                f"athena-session-mcp: warning: listening on all interfaces ({options.host or bound}) without "
                f"--allow-host: every request whose Host is not a loopback name ({', '.join(LOOPBACK_HOSTS)}) "
                "is refused with 421. Start the server with --allow-host NAME for each name remote clients "
                "use to reach it.\n"
            )
    level = logging.getLogger("athena_session_mcp").getEffectiveLevel()
    logging.getLogger("uvicorn").setLevel(max(level, logging.INFO))
    logging.getLogger("uvicorn.access").setLevel(max(level, logging.INFO))
    import uvicorn

    config = uvicorn.Config(
        app,
        log_config=None,  # our stderr handler; uvicorn's default sends access logs to stdout
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        server_header=False,
        lifespan="on",
    )
    uv = _uvicorn_server(
        config, f"athena-session-mcp: serving MCP over streamable HTTP at {url} ({auth}{mode})", stream
    )
    try:
        uv.run(sockets=[sock])
    finally:
        sock.close()
    return 0 if uv.started else 1


def serve_stdio(server: MCPServer) -> int:
    """Serve over stdin/stdout until the client closes stdin. stdout carries only the protocol."""
    server.run("stdio")
    return 0
