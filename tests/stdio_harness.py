"""Drive the real console script over stdio, one JSON-RPC message per line, with no MCP client library.

Used by the fuzz/secrets tests (malformed input must be sent byte for byte) and by benchmarks/run.py
(timings without a client SDK in the way). Every process started here is killed on close.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

PROTOCOL_VERSION = "2025-11-25"
REPO = Path(__file__).resolve().parent.parent
CONSOLE_SCRIPT = Path(sys.executable).with_name("athena-session-mcp")

Message = dict[str, Any]


def server_env(credentials: Mapping[str, str], extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """A minimal environment, like the one MCP clients give servers: PATH, the given AWS_* and nothing
    of the caller's AWS configuration."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        **credentials,
    }
    if extra:
        env.update(extra)
    return env


class StdioServer:
    """`athena-session-mcp serve ...` as a child process speaking newline-delimited JSON-RPC."""

    def __init__(self, args: Sequence[str], env: Mapping[str, str]) -> None:
        self.args = [str(CONSOLE_SCRIPT), *args]
        self.env = dict(env)
        self.started_at = 0.0
        self._proc: subprocess.Popen[bytes] | None = None
        self._ids = itertools.count(1)
        self._responses: dict[object, Message] = {}
        self._other: list[Message] = []
        self._cond = threading.Condition()
        self._stderr = bytearray()
        self._stderr_lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    # --- process -----------------------------------------------------------------------------------

    def start(self) -> Self:
        """Spawn the process (once: entering a started server does not spawn another)."""
        if self._proc is not None:
            return self
        self.started_at = time.perf_counter()
        self._proc = subprocess.Popen(
            self.args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=self.env,
            cwd=REPO,
        )
        for target in (self._read_stdout, self._read_stderr):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    @property
    def proc(self) -> subprocess.Popen[bytes]:
        if self._proc is None:
            raise RuntimeError("StdioServer is not started")
        return self._proc

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        """Close stdin (a clean shutdown for stdio servers), then kill if it lingers."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait(timeout=5)
        for thread in self._threads:
            thread.join(timeout=5)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- output ------------------------------------------------------------------------------------

    def _read_stdout(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        for line in stream:
            try:
                message: Message = json.loads(line)
            except ValueError:
                message = {"unparseable": line.decode(errors="replace")}
            with self._cond:
                if "id" in message and ("result" in message or "error" in message):
                    self._responses[message["id"]] = message
                else:
                    self._other.append(message)
                self._cond.notify_all()

    def _read_stderr(self) -> None:
        stream = self.proc.stderr
        assert stream is not None
        fd = stream.fileno()
        while chunk := os.read(fd, 65536):
            with self._stderr_lock:
                self._stderr.extend(chunk)

    def stderr(self) -> str:
        with self._stderr_lock:
            return self._stderr.decode(errors="replace")

    def stderr_size(self) -> int:
        with self._stderr_lock:
            return len(self._stderr)

    def unsolicited(self) -> list[Message]:
        """Messages that were not responses to our ids (notifications, errors with id null)."""
        with self._cond:
            return list(self._other)

    # --- input -------------------------------------------------------------------------------------

    def write_line(self, data: bytes) -> None:
        stdin = self.proc.stdin
        assert stdin is not None
        stdin.write(data if data.endswith(b"\n") else data + b"\n")
        stdin.flush()

    def send(self, method: str, params: Mapping[str, Any] | None = None) -> int:
        """Send a request; returns its id."""
        request_id = next(self._ids)
        message: Message = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = dict(params)
        self.write_line(json.dumps(message).encode())
        return request_id

    def notify(self, method: str, params: Mapping[str, Any] | None = None) -> None:
        message: Message = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = dict(params)
        self.write_line(json.dumps(message).encode())

    def wait_for(self, request_id: object, timeout: float = 30.0) -> Message:
        """The response to `request_id`; raises TimeoutError if the server does not answer in time."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while request_id not in self._responses:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no response to request {request_id!r} within {timeout} s")
                if self._proc is not None and self._proc.poll() is not None:
                    raise RuntimeError(
                        f"server exited with code {self._proc.returncode}: {self.stderr()[-2000:]}"
                    )
                self._cond.wait(min(left, 0.2))
            return self._responses.pop(request_id)

    def wait_for_other(self, count: int, timeout: float = 10.0) -> list[Message]:
        """At least `count` unsolicited messages (e.g. parse errors with id null)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self._other) < count and time.monotonic() < deadline:
                self._cond.wait(0.1)
            return list(self._other)

    def request(self, method: str, params: Mapping[str, Any] | None = None, timeout: float = 30.0) -> Message:
        return self.wait_for(self.send(method, params), timeout)

    def initialize(self, timeout: float = 30.0) -> Message:
        response = self.request(
            "initialize",
            {
                "protocolVersion": PROTOCOL_VERSION,
                "capabilities": {},
                "clientInfo": {"name": "athena-session-mcp-tests", "version": "0"},
            },
            timeout,
        )
        self.notify("notifications/initialized")
        return response

    def call_tool(self, name: str, arguments: Mapping[str, Any], timeout: float = 30.0) -> Message:
        return self.request("tools/call", {"name": name, "arguments": dict(arguments)}, timeout)


def tool_text(response: Message) -> str:
    """The text content of a tools/call response (empty for JSON-RPC errors)."""
    result: dict[str, Any] = response.get("result") or {}
    blocks: list[dict[str, Any]] = result.get("content", [])
    return " ".join(str(block.get("text", "")) for block in blocks)


def is_tool_error(response: Message) -> bool:
    result: dict[str, Any] = response.get("result") or {}
    return bool(result.get("isError"))
