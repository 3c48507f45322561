"""Opaque, tamper-evident NextToken values for the List* operations."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from typing import cast

from .errors import InvalidRequestError

__all__ = ["decode_token", "encode_token"]

# Per-process key: tokens are only meaningful to the emulator instance that issued them.
_KEY = secrets.token_bytes(32)
INVALID_TOKEN = "The NextToken provided is not valid."  # noqa: S105 - a message, not a secret


def _sign(payload: bytes) -> str:
    return hmac.new(_KEY, payload, hashlib.sha256).hexdigest()[:24]


def encode_token(kind: str, scope: str, state_filter: str | None, offset: int) -> str:
    """A token resuming the listing ``kind`` of ``scope`` (with the same filter) at ``offset``."""
    payload = json.dumps({"k": kind, "s": scope, "f": state_filter, "o": offset}, separators=(",", ":"))
    raw = payload.encode() + b"." + _sign(payload.encode()).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str, kind: str, scope: str, state_filter: str | None) -> int:
    """The offset in ``token``; InvalidRequestError unless this emulator issued it for this listing."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload, _, signature = raw.rpartition(b".")
        if not hmac.compare_digest(signature, _sign(payload).encode()):
            raise InvalidRequestError(INVALID_TOKEN)
        data = cast(dict[str, object], json.loads(payload))
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise InvalidRequestError(INVALID_TOKEN) from error
    offset = data.get("o")
    if data.get("k") != kind or data.get("s") != scope or data.get("f") != state_filter:
        raise InvalidRequestError(INVALID_TOKEN)
    if not isinstance(offset, int) or offset < 0:
        raise InvalidRequestError(INVALID_TOKEN)
    return offset
