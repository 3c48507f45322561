"""The streamable HTTP transport: the real console script on a loopback port, checked with httpx2 and the
SDK's streamable HTTP client; plus the guard's header parsing and the token loading, in-process."""

from __future__ import annotations

import json
import logging
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.server.mcpserver import MCPServer
from starlette.types import Message, Receive, Scope, Send

from athena_session_mcp.cli.main import main
from athena_session_mcp.transport import http as transports
from athena_session_mcp.transport.auth import (
    ENV_AUTH_TOKEN,
    AuthConfigError,
    HttpGuard,
    host_name,
    is_loopback,
    load_token,
)
from athena_session_mcp.transport.http import HttpOptions, TransportConfigError
from tests.conftest import FAKE_ENV
from tests.fleet import call_error
from tests.stdio_harness import CONSOLE_SCRIPT

TOKEN = "test-token-0123456789abcdef"
WRONG = "test-token-wrong-456789abcdef"
READY = re.compile(r"serving MCP over streamable HTTP at (http://\S+)")
STARTUP_TIMEOUT = 30.0
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "1"},
    },
}
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


@dataclass
class HttpServer:
    """The console script serving streamable HTTP; stderr is drained by a thread (it must never block)."""

    proc: subprocess.Popen[str]
    url: str = ""
    lines: list[str] = field(default_factory=list[str])
    reader: threading.Thread | None = None

    @property
    def stderr(self) -> str:
        return "".join(self.lines)


def _env(**extra: str) -> dict[str, str]:
    # Only what we give: fake AWS credentials, no AWS config files, nothing from the developer's shell.
    env = {**FAKE_ENV, "PATH": os.environ.get("PATH", ""), **extra}
    if sys.platform == "win32":  # pragma: no cover - Windows needs SYSTEMROOT for sockets
        env["SYSTEMROOT"] = os.environ.get("SYSTEMROOT", "")
    return env


def launch(args: Sequence[str], env: dict[str, str]) -> HttpServer:
    """Start `athena-session-mcp serve --transport streamable-http --port 0 ARGS` and wait (bounded) until it
    says where it listens. The caller must `stop` it."""
    proc = subprocess.Popen(
        [str(CONSOLE_SCRIPT), "serve", "--transport", "streamable-http", "--port", "0", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    server = HttpServer(proc)
    urls: queue.Queue[str] = queue.Queue()

    def drain() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            server.lines.append(line)
            if match := READY.search(line):
                urls.put(match.group(1))
        urls.put("")  # stderr closed: the process has ended

    server.reader = threading.Thread(target=drain, daemon=True)
    server.reader.start()
    try:
        server.url = urls.get(timeout=STARTUP_TIMEOUT)
    except queue.Empty:
        stop(server)
        pytest.fail(f"the server did not start within {STARTUP_TIMEOUT}s:\n{server.stderr}")
    if not server.url:
        stop(server)
        pytest.fail(f"the server exited with {proc.returncode}:\n{server.stderr}")
    return server


def stop(server: HttpServer) -> None:
    if server.proc.poll() is None:
        server.proc.kill()
    server.proc.wait(timeout=10)
    if server.reader is not None:
        server.reader.join(timeout=10)  # stderr reaches EOF once the process is gone
    if server.proc.stderr is not None:
        server.proc.stderr.close()


@pytest.fixture
def start_server() -> Iterator[Any]:
    """Factory for servers that live for one test; every one is killed at the end."""
    started: list[HttpServer] = []

    def start(args: Sequence[str], env: dict[str, str] | None = None) -> HttpServer:
        started.append(launch(args, env if env is not None else _env()))
        return started[-1]

    yield start
    for server in started:
        stop(server)


@pytest.fixture(scope="module")
def token_server() -> Iterator[HttpServer]:
    """One shared server with a bearer token, against the emulator (module scope: it takes seconds to start)."""
    server = launch(["--emulator"], _env(**{ENV_AUTH_TOKEN: TOKEN}))
    try:
        yield server
    finally:
        stop(server)


def post_initialize(url: str, **headers: str) -> httpx2.Response:
    return httpx2.post(url, json=INITIALIZE, headers={**MCP_HEADERS, **headers}, timeout=10)


def test_foreign_host_header_gets_421_even_with_the_right_token(token_server: HttpServer) -> None:
    response = post_initialize(
        token_server.url, Host="attacker.example:8000", Authorization=f"Bearer {TOKEN}"
    )
    assert response.status_code == 421
    assert response.json()["error_description"] == (
        "Host 'attacker.example:8000' is not allowed for this server. If clients reach it by that name (e.g. "
        "behind a proxy), start the server with --allow-host attacker.example."
    )


def test_foreign_origin_gets_403_even_with_the_right_token(token_server: HttpServer) -> None:
    response = post_initialize(
        token_server.url, Origin="http://attacker.example", Authorization=f"Bearer {TOKEN}"
    )
    assert response.status_code == 403


def test_missing_token_gets_401_with_a_bearer_challenge(token_server: HttpServer) -> None:
    response = post_initialize(token_server.url)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer ")
    assert "error=" not in response.headers["www-authenticate"]


def test_wrong_token_gets_401_with_invalid_token_challenge(token_server: HttpServer) -> None:
    response = post_initialize(token_server.url, Authorization=f"Bearer {WRONG}")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer ")
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_other_auth_schemes_and_token_prefixes_get_401(token_server: HttpServer) -> None:
    for value in (f"Basic {TOKEN}", f"Bearer {TOKEN[:-1]}", f"Bearer {TOKEN}x", "Bearer", TOKEN):
        assert post_initialize(token_server.url, Authorization=value).status_code == 401, value


def test_right_token_from_a_loopback_origin_initializes(token_server: HttpServer) -> None:
    port = token_server.url.split(":")[2].split("/")[0]
    for auth in (f"Bearer {TOKEN}", f"bearer {TOKEN}"):
        response = post_initialize(token_server.url, Authorization=auth, Origin=f"http://localhost:{port}")
        assert response.status_code == 200, response.text
        assert '"serverInfo"' in response.text and "athena-session-mcp" in response.text


def test_host_and_origin_are_checked_once_by_the_guard_case_insensitively(token_server: HttpServer) -> None:
    # Host names are case-insensitive (RFC 9110). Only HttpGuard decides: the SDK's own check, were it on,
    # would refuse these (it compares exact strings).
    port = token_server.url.split(":")[2].split("/")[0]
    response = post_initialize(
        token_server.url,
        Host=f"LocalHost:{port}",
        Origin=f"HTTP://LOCALHOST:{port}",
        Authorization=f"Bearer {TOKEN}",
    )
    assert response.status_code == 200, response.text


async def test_sdk_streamable_http_client_initializes_lists_and_calls_against_the_emulator(
    token_server: HttpServer,
) -> None:
    async with (
        httpx2.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30) as http,
        Client(streamable_http_client(token_server.url, http_client=http), mode="legacy") as client,
    ):
        assert client.server_info is not None and client.server_info.name == "athena-session-mcp"
        tools = (await client.list_tools()).tools
        assert "get_athena_session" in {t.name for t in tools}
        result = await client.call_tool("get_athena_session", {"SessionId": "demo-idle-near-timeout"})
    assert not result.is_error
    assert result.structured_content is not None
    summary = result.structured_content["summary"]
    assert summary["session_id"] == "demo-idle-near-timeout"
    assert summary["state"] == "IDLE"


def test_stateless_loopback_server_without_token_serves_local_clients_and_exits_0_on_ctrl_c(
    start_server: Any,
) -> None:
    server: HttpServer = start_server(["--stateless"])
    response = post_initialize(server.url)
    assert response.status_code == 200, response.text
    assert "mcp-session-id" not in response.headers
    assert post_initialize(server.url, Host="attacker.example").status_code == 421
    server.proc.send_signal(signal.SIGINT)
    assert server.proc.wait(timeout=15) == 0, server.stderr


def test_sigterm_shuts_down_cleanly_with_exit_0_and_the_token_is_never_logged(start_server: Any) -> None:
    server: HttpServer = start_server(["--log-level", "DEBUG"], _env(**{ENV_AUTH_TOKEN: TOKEN}))
    assert post_initialize(server.url, Authorization=f"Bearer {TOKEN}").status_code == 200
    assert post_initialize(server.url, Authorization=f"Bearer {WRONG}").status_code == 401
    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(timeout=15) == 0, server.stderr
    assert server.stderr  # DEBUG logging did write something: the absence below means something
    assert TOKEN not in server.stderr and WRONG not in server.stderr


def test_binding_all_interfaces_without_allow_host_warns_and_prints_a_url_that_works(
    start_server: Any,
) -> None:
    server: HttpServer = start_server(["--host", "0.0.0.0"], _env(**{ENV_AUTH_TOKEN: TOKEN}))  # noqa: S104
    port = server.url.split(":")[2].split("/")[0]
    assert server.url == f"http://127.0.0.1:{port}/mcp", "not the unusable http://0.0.0.0:PORT/mcp"
    assert (
        "athena-session-mcp: warning: listening on all interfaces (0.0.0.0) without --allow-host: every request "
        "whose Host is not a loopback name (127.0.0.1, localhost, ::1) is refused with 421. Start the server with "
        "--allow-host NAME for each name remote clients use to reach it.\n"
    ) in server.lines
    assert post_initialize(server.url, Authorization=f"Bearer {TOKEN}").status_code == 200


def test_binding_all_interfaces_with_allow_host_says_how_remote_clients_connect(start_server: Any) -> None:
    server: HttpServer = start_server(
        ["--host", "0.0.0.0", "--allow-host", "mcp.example.com"],  # noqa: S104
        _env(**{ENV_AUTH_TOKEN: TOKEN}),
    )
    port = server.url.split(":")[2].split("/")[0]
    assert server.url == f"http://127.0.0.1:{port}/mcp"
    assert (
        f"remote clients use a name given with --allow-host, e.g. http://mcp.example.com:{port}/mcp"
        in server.stderr
    )
    assert "warning" not in server.stderr
    assert (
        post_initialize(
            server.url, Host=f"mcp.example.com:{port}", Authorization=f"Bearer {TOKEN}"
        ).status_code
        == 200
    )


@pytest.fixture
def run_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[Any]:
    """`main(argv)` in-process -> (exit status, stderr). Serving is replaced by a failure, so a check that
    wrongly lets a command through fails the test instead of serving forever. Logging is put back."""

    def refuse(*args: object, **kwargs: object) -> int:
        raise AssertionError("the command was not refused: it went on to serve")

    monkeypatch.setattr(transports, "serve_http", refuse)
    monkeypatch.setattr(transports, "serve_stdio", refuse)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level

    def run(argv: list[str]) -> tuple[int, str]:
        try:
            status = main(argv)
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 1
        return status, capsys.readouterr().err

    yield run
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "example.com"])  # noqa: S104 - refused: the point
def test_refuses_a_non_loopback_bind_without_a_token_with_exit_2(host: str, run_main: Any) -> None:
    status, err = run_main(["serve", "--transport", "streamable-http", "--host", host, "--port", "0"])
    assert status == 2
    assert f"refusing to listen on {host}" in err and "--auth-token-file" in err


def test_too_short_token_file_is_a_usage_error_that_does_not_echo_it(tmp_path: Path, run_main: Any) -> None:
    short = tmp_path / "token"
    short.write_text("zq9x\n")
    status, err = run_main(["serve", "--transport", "streamable-http", "--auth-token-file", str(short)])
    assert status == 2
    assert "too short" in err and "zq9x" not in err


def test_token_from_the_environment_that_is_too_short_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, run_main: Any
) -> None:
    monkeypatch.setenv(ENV_AUTH_TOKEN, "zq9x")
    status, err = run_main(["serve", "--transport", "streamable-http"])
    assert status == 2
    assert ENV_AUTH_TOKEN in err and "zq9x" not in err


@pytest.mark.parametrize(
    "flag", [["--port", "9"], ["--host", "127.0.0.1"], ["--stateless"], ["--allow-host", "a"]]
)
def test_http_flags_with_stdio_are_a_usage_error(flag: list[str], run_main: Any) -> None:
    status, err = run_main(["serve", *flag])
    assert status == 2
    assert flag[0] in err and "streamable-http" in err


# --- in-process: the guard and the options ------------------------------------------------------


async def _ok_app(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


async def _status(guard: HttpGuard, headers: dict[str, str], host: str = "127.0.0.1:8000") -> int:
    transport = httpx2.ASGITransport(app=guard)
    async with httpx2.AsyncClient(transport=transport, base_url=f"http://{host}") as client:
        return (await client.get("/mcp", headers=headers)).status_code


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1:8000", 200),
        ("localhost:8000", 200),
        ("LOCALHOST", 200),
        ("[::1]:8000", 200),
        ("127.0.0.1.attacker.example:8000", 421),
        ("localhost.attacker.example", 421),
        ("attacker.example", 421),
        ("proxy.internal:443", 200),
    ],
)
async def test_guard_matches_host_names_exactly_whatever_the_port(host: str, expected: int) -> None:
    guard = HttpGuard(_ok_app, allowed_hosts=["127.0.0.1", "localhost", "::1", "proxy.internal"])
    assert await _status(guard, {"Host": host}) == expected


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("http://localhost:6274", 200),
        ("http://127.0.0.1", 200),
        ("https://[::1]:3000", 200),
        ("https://app.example.com", 200),
        ("null", 403),
        ("file://", 403),
        ("http://localhost.attacker.example", 403),
        ("https://app.example.com.attacker.example", 403),
    ],
)
async def test_guard_allows_loopback_and_listed_origins_only(origin: str, expected: int) -> None:
    guard = HttpGuard(
        _ok_app, allowed_hosts=["127.0.0.1", "localhost", "::1"], allowed_origins=["https://app.example.com"]
    )
    assert await _status(guard, {"Origin": origin}) == expected


async def test_guard_without_a_token_lets_requests_through_and_with_one_requires_it() -> None:
    hosts = ["127.0.0.1"]
    assert await _status(HttpGuard(_ok_app, allowed_hosts=hosts), {}) == 200
    guarded = HttpGuard(_ok_app, allowed_hosts=hosts, token=TOKEN)
    assert await _status(guarded, {}) == 401
    assert await _status(guarded, {"Authorization": f"Bearer  {TOKEN} "}) == 200


async def _asgi(scope: Scope, token: str | None = None) -> tuple[list[Message], bool]:
    """What a guard for 127.0.0.1 (with `token`) sends for one connection of `scope`, and whether it let
    the app see it."""
    reached: list[Scope] = []
    sent: list[Message] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        reached.append(scope)

    async def receive() -> Message:
        return {"type": f"{scope['type']}.connect"}

    async def send(message: Message) -> None:
        sent.append(message)

    await HttpGuard(app, allowed_hosts=["127.0.0.1"], token=token)(scope, receive, send)
    return sent, bool(reached)


def _http_scope(*headers: tuple[bytes, bytes]) -> Scope:
    return {
        "type": "http",
        "method": "POST",
        "path": "/mcp",
        "headers": list(headers),
        "client": ("192.0.2.7", 5),
    }


def _description(sent: list[Message]) -> str:
    body = json.loads(next(m for m in sent if m["type"] == "http.response.body")["body"])
    return str(body["error_description"])


async def test_a_refused_host_is_named_with_the_flag_that_allows_it_in_the_answer_and_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="athena_session_mcp.transport.auth"):
        sent, reached = await _asgi(_http_scope((b"host", b"mcp.example.com:8443")))
    told = (
        "Host 'mcp.example.com:8443' is not allowed for this server. If clients reach it by that name (e.g. "
        "behind a proxy), start the server with --allow-host mcp.example.com."
    )
    assert not reached and sent[0]["status"] == 421 and _description(sent) == told
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", f"refused a request from 192.0.2.7 (DNS rebinding?): {told}")
    ]


async def test_a_refused_host_is_quoted_bounded_and_without_control_characters(
    caplog: pytest.LogCaptureFixture,
) -> None:
    hostile = b"evil\x1b[31m\r\nFAKE LOG LINE" + b"a" * 5000
    with caplog.at_level(logging.WARNING, logger="athena_session_mcp.transport.auth"):
        sent, _ = await _asgi(_http_scope((b"host", hostile)))
    for text in (_description(sent), caplog.records[0].getMessage()):
        assert "\x1b" not in text and "\r" not in text and "\n" not in text
        assert "Host 'evil?[31m??FAKE?LOG?LINEaaa" in text and len(text) < 400


async def test_a_refused_origin_names_the_flag_that_allows_it() -> None:
    sent, reached = await _asgi(_http_scope((b"host", b"127.0.0.1"), (b"origin", b"https://app.example.com")))
    assert not reached and sent[0]["status"] == 403
    assert _description(sent) == (
        "Origin 'https://app.example.com' is not allowed for this server. If browser pages from it should use the "
        "server, start it with --allow-origin https://app.example.com."
    )


async def test_a_wrong_or_missing_token_is_logged_at_warning_without_the_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="athena_session_mcp.transport.auth"):
        wrong = (b"authorization", f"Bearer {WRONG}".encode())
        await _asgi(_http_scope((b"host", b"127.0.0.1"), wrong), token=TOKEN)
        await _asgi(_http_scope((b"host", b"127.0.0.1")), token=TOKEN)
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", "refused a request from 192.0.2.7: wrong bearer token"),
        ("WARNING", "refused a request from 192.0.2.7: no bearer token"),
    ]
    assert WRONG not in caplog.text and TOKEN not in caplog.text


async def test_only_http_and_lifespan_reach_the_app_a_websocket_is_closed() -> None:
    _, reached = await _asgi({"type": "lifespan"})
    assert reached
    sent, reached = await _asgi({"type": "websocket", "path": "/mcp", "headers": [(b"host", b"127.0.0.1")]})
    assert not reached and sent == [{"type": "websocket.close", "code": 1008}]
    sent, reached = await _asgi({"type": "webtransport", "path": "/mcp"})
    assert not reached and sent == []


async def test_a_server_served_over_http_words_a_missing_region_for_its_own_environment(
    monkeypatch: pytest.MonkeyPatch, run_main: Any
) -> None:
    served: list[MCPServer] = []

    def capture(server: MCPServer, options: HttpOptions, **_: object) -> int:
        served.append(server)
        return 0

    monkeypatch.setattr(transports, "serve_http", capture)
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    status, _ = run_main(["serve", "--transport", "streamable-http", "--port", "0"])
    assert status == 0
    text = await call_error(served[0], "get_athena_session", {"SessionId": "s-1"})
    assert "This server is served over HTTP" in text and "env block" not in text


def test_loopback_detection() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "", "10.0.0.1", "example.com"))  # noqa: S104
    assert host_name("[::1]:8000") == "::1" and host_name("Example.COM:80") == "example.com"


def test_options_refuse_non_loopback_without_token_and_bad_ports() -> None:
    HttpOptions(host="0.0.0.0", token=TOKEN).check()  # noqa: S104
    HttpOptions(host="127.0.0.1").check()
    with pytest.raises(TransportConfigError, match="without authentication"):
        HttpOptions(host="0.0.0.0").check()  # noqa: S104
    with pytest.raises(TransportConfigError, match="--port"):
        HttpOptions(port=70000).check()
    assert TOKEN not in repr(HttpOptions(token=TOKEN))


def test_allowed_hosts_are_the_loopback_names_the_bound_address_and_extras_without_ports() -> None:
    options = HttpOptions(host="0.0.0.0", token=TOKEN, allowed_hosts=("Proxy.Internal:8443", "[fd00::1]"))  # noqa: S104
    assert options.host_names() == ["127.0.0.1", "localhost", "::1", "proxy.internal", "fd00::1"]
    assert HttpOptions(host="10.1.2.3", token=TOKEN).host_names()[-1] == "10.1.2.3"


def test_token_comes_from_the_file_first_then_the_environment(tmp_path: Path) -> None:
    file = tmp_path / "token"
    file.write_text(f"  {TOKEN}\n")
    file.chmod(0o600)
    assert load_token(str(file), {ENV_AUTH_TOKEN: WRONG}) == TOKEN
    assert load_token(None, {ENV_AUTH_TOKEN: WRONG}) == WRONG
    assert load_token(None, {}) is None


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "empty"), ("zq9x", "too short"), ("zq9x zq9x zq9x zq9x zq9x", "without spaces")],
)
def test_unusable_tokens_are_refused_without_echoing_them(tmp_path: Path, content: str, message: str) -> None:
    file = tmp_path / "token"
    file.write_text(content)
    with pytest.raises(AuthConfigError, match=message) as caught:
        load_token(str(file), {})
    assert "zq9x" not in str(caught.value)
    with pytest.raises(AuthConfigError, match="cannot read"):
        load_token(str(tmp_path / "missing"), {})
