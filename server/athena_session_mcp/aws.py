"""The one boto3 Athena client: built lazily on first use, reused for every call, called off the event loop."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import anyio.to_thread

from athena_session_mcp import __version__
from athena_session_mcp.config import Settings
from athena_session_mcp.errors import tool_error

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient

T = TypeVar("T")

# botocore keeps a connection pool per client; size it for bursts of concurrent tool calls.
MAX_POOL_CONNECTIONS = 64


class AthenaGateway:
    """Owns the Athena client. Importing boto3 and loading the service model cost ~100 ms, so it
    happens on the first call (in a worker thread), not at server start-up."""

    def __init__(self, settings: Settings, client: AthenaClient | None = None) -> None:
        self.settings = settings
        self._client = client
        self._lock = threading.Lock()

    @property
    def region(self) -> str | None:
        """The region in use: the resolved one once the client exists, else the configured one."""
        return self._client.meta.region_name if self._client is not None else self.settings.region

    def client(self) -> AthenaClient:
        """The shared client, created once (thread-safe)."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = self._build()
        return self._client

    def _build(self) -> AthenaClient:
        import boto3
        from botocore.config import Config

        s = self.settings
        config = Config(
            retries={"mode": "standard", "total_max_attempts": s.max_attempts},
            connect_timeout=s.connect_timeout,
            read_timeout=s.read_timeout,
            max_pool_connections=MAX_POOL_CONNECTIONS,
            user_agent_extra=f"athena-session-mcp/{__version__}",
        )
        session = boto3.session.Session(profile_name=s.profile, region_name=s.region)
        # types-boto3 overloads every service name; only the athena one is installed, hence the ignore.
        client: AthenaClient = session.client(  # pyright: ignore[reportUnknownMemberType]
            "athena", endpoint_url=s.endpoint_url, config=config
        )
        return client

    async def call(
        self, fn: Callable[[AthenaClient], T], *, action: str, what: str, finder: str | None = None
    ) -> T:
        """Run `fn(client)` in a worker thread so concurrent tool calls do not serialize.

        Any failure (including building the client: no region, unknown profile) becomes a ToolError
        that names the fix. `action` is the IAM action; `what` names the resource for messages and
        `finder` says where valid ids come from (used when Athena says the id is unknown).
        """

        def run() -> T:
            return fn(self.client())

        try:
            return await anyio.to_thread.run_sync(run)
        except Exception as exc:
            raise tool_error(exc, action=action, what=what, region=self.region, finder=finder) from exc
