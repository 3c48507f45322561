"""Answer malformed requests on stdio instead of dropping them.

The SDK's stdio transport turns a line that fails JSON-RPC validation into an exception on the read
stream, which the server only logs: a request that carries an id (say `"jsonrpc": "1.0"`, or
`params` that is not an object) then never gets an answer and the client waits for its timeout.
This read-stream wrapper answers such requests with -32600 Invalid Request, as JSON-RPC asks.
Lines without a usable id are passed on unchanged (JSON-RPC forbids answering notifications).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any, Protocol, Self, cast

from anyio import EndOfStream
from mcp.shared.message import SessionMessage
from mcp.types import INVALID_REQUEST, ErrorData, JSONRPCError
from pydantic import ValidationError


def request_id(exc: Exception) -> str | int | None:
    """The id of a request that failed JSON-RPC validation, if the line was an object with a method."""
    if not isinstance(exc, ValidationError):
        return None
    for error in exc.errors(include_url=False):
        candidate: object = error.get("input")
        if isinstance(candidate, Mapping) and "method" in candidate:
            rid = cast(Mapping[str, Any], candidate).get("id")
            # bool is an int subclass but not a valid JSON-RPC id.
            if isinstance(rid, str | int) and not isinstance(rid, bool):
                return rid
    return None


def _reason(exc: ValidationError) -> str:
    first = exc.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in first["loc"][1:]) or "message"
    return f"{where}: {first['msg']}"[:200]


# The SDK types its streams with protocols from a private module (mcp.shared._stream_protocols); these
# are the parts of them used here, so nothing private is imported. anyio's memory streams fit both.
class _Messages(Protocol):
    async def receive(self) -> SessionMessage | Exception: ...
    async def aclose(self) -> None: ...


class _Replies(Protocol):
    async def send(self, item: SessionMessage, /) -> None: ...


class InvalidRequestAnswerer:
    """A read stream over the SDK's stdio read stream that answers invalid requests itself; it has
    everything the SDK's ReadStream protocol asks for."""

    def __init__(self, inner: _Messages, replies: _Replies) -> None:
        self._inner = inner
        self._replies = replies

    @property
    def last_context(self) -> object:
        # The SDK reads the sender's context from the stream it was given; pass the inner one through.
        return getattr(self._inner, "last_context", None)

    async def receive(self) -> SessionMessage | Exception:
        while True:
            item = await self._inner.receive()
            if isinstance(item, ValidationError) and (rid := request_id(item)) is not None:
                error = ErrorData(code=INVALID_REQUEST, message=f"Invalid Request: {_reason(item)}")
                await self._replies.send(SessionMessage(JSONRPCError(jsonrpc="2.0", id=rid, error=error)))
                continue
            return item

    async def aclose(self) -> None:
        await self._inner.aclose()

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> SessionMessage | Exception:
        try:
            return await self.receive()
        except EndOfStream:
            raise StopAsyncIteration from None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> bool | None:
        await self.aclose()
        return None
