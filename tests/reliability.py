"""Helpers for the reliability suites (fuzz, faults, load, secrets): a scriptable loopback Athena that
misbehaves on demand and counts every attempt, and the seeded emulator in its own process.

Keep-alive HTTP/1.1, per-operation replies chosen by X-Amz-Target (JSON 1.1) or by method and path
(REST-JSON, read with the emulator's bindings), answered in the protocol the request came in. Every JSON reply is checked against
botocore's service model (tests/emulator/shape_check.py): a fake that answers in a shape Athena never
sends fails the test that served it. Raw byte bodies are the deliberate exception (garbled JSON, a
proxy's HTML page).
"""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Generator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast

from athena_session_mcp.emulator.wire import CONTENT_TYPES, Protocol, answer_in, protocol_of, read_request
from tests.emulator.shape_check import output_problems, service_model
from tests.factories import session_response
from tests.stdio_harness import CONSOLE_SCRIPT, server_env

Json = dict[str, Any]

# Errors the AWS request layer (authentication, throttling, front ends) sends for any operation, so the
# service model does not list them per operation; botocore's retry and error handling knows them by code.
REQUEST_LAYER_ERRORS = frozenset(
    {
        "AccessDeniedException",
        "ExpiredTokenException",
        "InvalidSignatureException",
        "ServiceUnavailableException",
        "ThrottlingException",
        "TooManyRequestsException",
        "UnrecognizedClientException",
    }
)


def on_the_wire(value: Any) -> Any:
    """A boto3-shaped value as the awsJson1.1 body carries it: datetimes become epoch seconds."""
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, dict):
        return {key: on_the_wire(item) for key, item in cast(Json, value).items()}
    if isinstance(value, list):
        return [on_the_wire(item) for item in cast(list[Any], value)]
    return value


def get_session_body(session_id: str, now: float | None = None) -> Json:
    """A valid GetSession response on the wire: the tests' standard IDLE session (factories), now."""
    at = datetime.fromtimestamp(time.time() if now is None else now, UTC)
    return on_the_wire(session_response(now=at, idle_minutes=1, SessionId=session_id))


def _no_headers() -> Mapping[str, str]:
    return {}


@dataclass
class Reply:
    """What the endpoint answers: a status and a JSON (or raw) body, after an optional delay.
    `drop` closes the connection without answering."""

    status: int = 200
    body: Json | bytes | None = None
    delay: float = 0.0
    drop: bool = False
    headers: Mapping[str, str] = field(default_factory=_no_headers)


def aws_error(status: int, code: str, message: str) -> Reply:
    """An AWS JSON-protocol error, as Athena sends it ("Message" is the member name in Athena's model)."""
    return Reply(status=status, body={"__type": code, "Message": message})


ATHENA_OPERATIONS = frozenset(service_model().operation_names)


def shape_problems(operation: str, reply: Reply) -> list[str]:
    """What in `reply` Athena's model does not allow for `operation` (raw byte bodies are not checked)."""
    if reply.drop or not isinstance(reply.body, dict | None):
        return []
    if operation not in ATHENA_OPERATIONS:
        return []  # CloudWatch Logs calls (diagnose_athena_session) reach the fake through AWS_ENDPOINT_URL
    body = reply.body or {}
    if reply.status >= 300 and body.get("__type") in REQUEST_LAYER_ERRORS:
        message = body.get("message", body.get("Message"))
        return [] if isinstance(message, str) and message else [f"{operation}: error without a message"]
    return output_problems(operation, reply.status, json.dumps(body))


Behaviour = Callable[[str, Json], Reply]


def healthy(operation: str, request: Json) -> Reply:
    """Every GetSession succeeds; other operations get a plausible empty answer."""
    if operation == "GetSession":
        return Reply(body=get_session_body(str(request.get("SessionId", "s-1"))))
    if operation == "ListExecutors":  # SessionId is a required member of its output
        return Reply(body={"SessionId": str(request.get("SessionId", "s-1")), "ExecutorsSummary": []})
    return Reply(body={})


class FakeAthena:
    """Loopback Athena whose answers come from `behaviour(operation, request)`; counts attempts."""

    def __init__(self, behaviour: Behaviour = healthy) -> None:
        self.behaviour = behaviour
        self.attempts: Counter[str] = Counter()
        self.shape_problems: list[str] = []
        # Set when the endpoint stops: delayed replies go out at once, so no caller is left waiting
        # (a digest abandons slow reads; their threads must end with the test, not minutes later).
        self.released = threading.Event()
        self.in_flight = 0
        self._lock = threading.Lock()

    def always(self, reply: Reply) -> None:
        def behaviour(operation: str, request: Json) -> Reply:
            return reply

        self.behaviour = behaviour

    def reset(self, behaviour: Behaviour = healthy) -> None:
        with self._lock:
            self.behaviour = behaviour
            self.attempts.clear()

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length", "0"))
        raw = handler.rfile.read(length)
        headers = dict(handler.headers.items())
        target = handler.headers.get("X-Amz-Target")
        path, _, query = handler.path.partition("?")
        protocol = protocol_of(headers)
        try:
            if protocol == "json":
                # By target, not by Athena's table: CloudWatch Logs calls (Logs_20140328.*) come here too.
                operation, request = str(target).rpartition(".")[2], cast(Json, json.loads(raw or b"{}"))
            else:
                wire = read_request(handler.command, path, query, headers, raw.decode())
                operation, request = wire.operation, cast(Json, wire.params)
        except ValueError:
            operation, request = str(target or "").rpartition(".")[2], {}
        with self._lock:
            self.attempts[operation] += 1
            self.in_flight += 1
            behaviour = self.behaviour
        try:
            self._reply(handler, operation, behaviour(operation, request), protocol)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _reply(
        self, handler: BaseHTTPRequestHandler, operation: str, reply: Reply, protocol: Protocol
    ) -> None:
        if problems := shape_problems(operation, reply):
            with self._lock:
                self.shape_problems.extend(problems)
        if reply.delay:
            self.released.wait(reply.delay)
        if reply.drop:
            handler.close_connection = True
            return
        if isinstance(reply.body, bytes):
            # A raw body (a proxy's page) may say its own content type.
            extra = {k: v for k, v in reply.headers.items() if k.lower() != "content-type"}
            content_type = next((v for k, v in reply.headers.items() if k.lower() == "content-type"), None)
            status, content_type, body = reply.status, content_type or CONTENT_TYPES[protocol], reply.body
            reply = Reply(reply.status, reply.body, headers=extra)
        else:
            status, headers, text = answer_in(protocol, reply.status, {}, json.dumps(reply.body or {}))
            content_type, body = headers.pop("Content-Type"), text.encode()
            reply = Reply(reply.status, reply.body, headers={**headers, **reply.headers})
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(body)))
            handler.send_header("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True  # the client gave up first (timeout tests)


@contextmanager
def serve_fake(fake: FakeAthena, port: int = 0) -> Generator[str]:
    """Serve `fake` on loopback (keep-alive); yields the endpoint URL."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall

        def do_POST(self) -> None:
            fake.handle(self)

        # REST-JSON reads use every method.
        do_GET = do_DELETE = do_PATCH = do_PUT = do_POST  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:
            pass

    fake.released.clear()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        fake.released.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    assert not fake.shape_problems, "the fake answered outside botocore's model:\n" + "\n".join(
        fake.shape_problems
    )


def stop_process(proc: subprocess.Popen[Any]) -> None:
    """Ask a process to stop (SIGTERM), and kill it if it has not within 10 s."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def free_port() -> int:
    """A loopback port with nothing listening right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def emulator_process(credentials: Mapping[str, str]) -> Generator[str]:
    """`athena-session-mcp emulator --port 0` (seeded) in its own process; yields its URL, then kills it."""
    proc = subprocess.Popen(
        [str(CONSOLE_SCRIPT), "emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=server_env(credentials),
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("Emulator ready at "):
            raise RuntimeError(f"the emulator did not start: {line!r}")
        yield line.removeprefix("Emulator ready at ").strip()
    finally:
        stop_process(proc)
        if proc.stdout is not None:
            proc.stdout.close()


def example_arguments(schema: Mapping[str, Any], session_id: str) -> Json:
    """Schema-valid arguments for any tool: required properties filled with plausible values
    (session ids where the name says so), so every tool can be called without knowing it."""
    props: Mapping[str, Mapping[str, Any]] = schema.get("properties", {})
    args: Json = {}
    for name in schema.get("required", []):
        args[name] = _example_value(name, props.get(name, {}), session_id)
    return args


def _example_value(name: str, prop: Mapping[str, Any], session_id: str) -> Any:
    if "enum" in prop:
        return prop["enum"][0]
    if "default" in prop:
        return prop["default"]
    kind = prop.get("type")
    if kind is None:
        options: list[Mapping[str, Any]] = [o for o in prop.get("anyOf", []) if o.get("type") != "null"]
        kind = options[0].get("type") if options else "string"
    if kind == "integer":
        return int(prop.get("minimum", 1))
    if kind == "number":
        return float(prop.get("minimum", 1))
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "object":
        return {}
    lowered = name.lower()
    if "session" in lowered:
        return session_id
    if "workgroup" in lowered:
        return "demo-spark"
    return "x" * max(1, int(prop.get("minLength", 1)))
