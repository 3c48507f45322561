"""Test/seed controls that the real API does not offer: inject failures and degradation."""

from __future__ import annotations

from .clock import get_clock
from .errors import InvalidRequestError
from .service import SparkService

__all__ = ["inject_session_degraded", "inject_session_failure", "recover_session", "service_for"]


def service_for(account_id: str, region: str) -> SparkService:
    """The Spark service over moto's state for one account and region."""
    from ._moto import (
        MotoPlatform,
        athena_backend,
        spark_state,
    )  # lazy: plain imports of the package must not load moto

    backend = athena_backend(account_id, region)
    return SparkService(spark_state(backend), MotoPlatform(backend), get_clock())


def _locate(session_id: str, account_id: str | None, region: str | None) -> SparkService:
    from ._moto import MotoPlatform, existing_backends, spark_state

    if account_id is not None and region is not None:
        return service_for(account_id, region)
    for backend in existing_backends():
        if account_id is not None and backend.account_id != account_id:
            continue
        if region is not None and backend.region_name != region:
            continue
        state = spark_state(backend)
        if session_id in state.sessions:
            return SparkService(state, MotoPlatform(backend), get_clock())
    raise InvalidRequestError(f"Session {session_id} not found")


def inject_session_failure(
    session_id: str, reason: str, *, account_id: str | None = None, region: str | None = None
) -> None:
    """Make a session FAILED now with ``reason`` (EndDateTime set; running calculations fail).

    The session is looked up in every account/region moto holds unless both are given.
    Raises InvalidRequestError if it is unknown or already TERMINATED/FAILED.
    """
    _locate(session_id, account_id, region).fail_session(session_id, reason)


def inject_session_degraded(
    session_id: str, reason: str, *, account_id: str | None = None, region: str | None = None
) -> None:
    """Make a session DEGRADED now with ``reason``, until ``recover_session``."""
    _locate(session_id, account_id, region).degrade_session(session_id, reason)


def recover_session(session_id: str, *, account_id: str | None = None, region: str | None = None) -> None:
    """End a degradation: the session is IDLE or BUSY again (as its calculations dictate)."""
    _locate(session_id, account_id, region).recover_session(session_id)
