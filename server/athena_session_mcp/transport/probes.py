"""Probes for load balancers and orchestrators: `/health` (liveness) and `/ready` (readiness).

Both sit in front of the Host/Origin guard and need no token: load balancers, Kubernetes kubelets and
ECS/AgentCore health checks address the server by IP (`Host: 10.0.3.17:8000`), and what they learn
is one word. `/health` answers 200 whenever the process serves HTTP and calls nothing. `/ready`
answers 200 when AWS credentials and a region resolve through botocore's chain (no AWS API call; with
per-person credentials the server needs none of its own), else 503 with the reason; the answer is
kept READY_CACHE_SECONDS so that frequent probes cost nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Receive, Scope, Send

HEALTH_PATH = "/health"
READY_PATH = "/ready"
READY_CACHE_SECONDS = 10.0


class PathRoutes:
    """ASGI: requests matching one of `routes` are answered by it, everything else (and the lifespan)
    goes to `app` unchanged."""

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.routes = list(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for route in self.routes:
                match, child = route.matches(scope)
                if match is Match.FULL:
                    await route.handle({**scope, **child}, receive, send)
                    return
        await self.app(scope, receive, send)


@dataclass
class Readiness:
    """`check` returns None when ready, else the reason; its answer is cached for a few seconds."""

    check: Callable[[], str | None]
    ttl: float = READY_CACHE_SECONDS
    clock: Callable[[], float] = time.monotonic
    _answer: tuple[float, str | None] | None = field(default=None, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def problem(self) -> str | None:
        """Blocking: call off the event loop."""
        with self._lock:
            now = self.clock()
            if self._answer is None or now - self._answer[0] >= self.ttl:
                self._answer = (now, self.check())
            return self._answer[1]


def probe_routes(readiness: Readiness | None) -> list[Route]:
    async def health(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def ready(_: Request) -> JSONResponse:
        problem = await anyio.to_thread.run_sync(readiness.problem) if readiness is not None else None
        if problem is None:
            return JSONResponse({"status": "ready"})
        return JSONResponse({"status": "not ready", "reason": problem}, status_code=503)

    return [
        Route(HEALTH_PATH, health, methods=["GET", "HEAD"]),
        Route(READY_PATH, ready, methods=["GET", "HEAD"]),
    ]
