"""HTTP mode: moto's threaded server on loopback with the Spark emulation installed and seeded."""

from __future__ import annotations

import signal
import socket
import sys
import threading
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import TYPE_CHECKING, Any, Self

from .constants import DEFAULT_ACCOUNT_ID, DEFAULT_REGION

if TYPE_CHECKING:
    from moto.server import ThreadedMotoServer

__all__ = ["EmulatorServer", "run_emulator"]

_SignalHandler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


def _check_free(host: str, port: int) -> None:
    # ThreadedMotoServer.start() waits forever if its thread cannot bind, so fail fast here.
    if port == 0:
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))


class EmulatorServer:
    """moto's ThreadedMotoServer with the Spark emulator, as a context manager.

    ``port=0`` picks a free port; ``endpoint_url`` is valid after ``start()``. Binds loopback
    unless told otherwise. Seeds the demo data (``seed_demo``) when ``seed`` is true.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        seed: bool = True,
        account_id: str = DEFAULT_ACCOUNT_ID,
        region: str = DEFAULT_REGION,
    ) -> None:
        self.host = host
        self.port = port
        self.seed = seed
        self.account_id = account_id
        self.region = region
        self.seeded: dict[str, str] = {}
        self._server: ThreadedMotoServer | None = None

    @property
    def endpoint_url(self) -> str:
        """Base URL for boto3's ``endpoint_url`` (e.g. http://127.0.0.1:51234)."""
        if self._server is None:
            raise RuntimeError("EmulatorServer is not running")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def running(self) -> bool:
        """True between start() and stop()."""
        return self._server is not None

    def start(self) -> Self:
        """Install the emulator, start the server and seed; returns self."""
        from moto.server import ThreadedMotoServer  # lazy: plain imports of the package must not load moto

        from .patch import install
        from .seed import seed_demo

        if self._server is not None:
            return self
        install()
        _check_free(self.host, self.port)
        server = ThreadedMotoServer(ip_address=self.host, port=self.port, verbose=False)
        server.start()
        self._server = server
        self.port = server.get_host_and_port()[1]
        if self.seed:
            self.seeded = seed_demo(account_id=self.account_id, region=self.region)
        return self

    def stop(self) -> None:
        """Stop serving and release the socket; safe to call twice."""
        server, self._server = self._server, None
        if server is None:
            return
        server.stop()
        # ThreadedMotoServer.stop() shuts the loop down but leaves the listening socket open.
        inner = getattr(server, "_server", None)
        close = getattr(inner, "server_close", None)
        if callable(close):
            close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def run_emulator(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    seed: bool = True,
    account_id: str = DEFAULT_ACCOUNT_ID,
    region: str = DEFAULT_REGION,
) -> int:
    """Serve until SIGINT/SIGTERM; prints exactly ``Emulator ready at <url>`` once ready.

    Returns the process exit code (0 on a signal-initiated stop).
    """
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous: dict[signal.Signals, _SignalHandler] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, request_stop)
    try:
        with EmulatorServer(host, port, seed=seed, account_id=account_id, region=region) as server:
            sys.stdout.write(f"Emulator ready at {server.endpoint_url}\n")
            sys.stdout.flush()
            # Short waits keep the main thread responsive to signals on every platform.
            while not stop.wait(0.2):
                pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
