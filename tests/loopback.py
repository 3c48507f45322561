"""Tiny loopback HTTP endpoints that misbehave on purpose (hang, answer slowly), for failure tests."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Generator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def closed_port() -> int:
    """A loopback port with nothing listening (bound then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SlowAthena:
    """Answers every request with `body` after `delay` seconds; records peak concurrency."""

    def __init__(self, body: dict[str, Any], delay: float) -> None:
        self.body = json.dumps(body).encode()
        self.delay = delay
        self.in_flight = 0
        self.peak = 0
        self.requests = 0
        self._lock = threading.Lock()

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.in_flight += 1
            self.requests += 1
            self.peak = max(self.peak, self.in_flight)
        try:
            length = int(handler.headers.get("Content-Length", "0"))
            handler.rfile.read(length)
            time.sleep(self.delay)
            handler.send_response(200)
            handler.send_header("Content-Type", "application/x-amz-json-1.1")
            handler.send_header("Content-Length", str(len(self.body)))
            handler.end_headers()
            handler.wfile.write(self.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up first: that is the point of the timeout tests
        finally:
            with self._lock:
                self.in_flight -= 1


@contextmanager
def serve(behaviour: SlowAthena) -> Generator[str]:
    """Run `behaviour` on a loopback port; yields the endpoint URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            behaviour.handle(self)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
