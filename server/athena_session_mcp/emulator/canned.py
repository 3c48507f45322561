"""Canned calculation results: the emulator never executes code, tests say what it "returns"."""

from __future__ import annotations

import threading
from dataclasses import dataclass

__all__ = [
    "DEFAULT_RUN_SECONDS",
    "CannedResult",
    "clear_canned_results",
    "default_result",
    "lookup_canned_result",
    "register_canned_result",
]

DEFAULT_RUN_SECONDS = 5.0
_PREVIEW_CHARS = 500


@dataclass(frozen=True, slots=True)
class CannedResult:
    """What a calculation with a given code block produces.

    ``failure_reason`` set means the calculation ends FAILED with that StateChangeReason.
    ``result`` None means no ResultS3Uri/ResultType is reported.
    """

    stdout: str = ""
    stderr: str = ""
    result: str | None = None
    result_type: str = "application/json"
    failure_reason: str | None = None
    run_seconds: float = DEFAULT_RUN_SECONDS


_lock = threading.Lock()
_registry: dict[str, CannedResult] = {}


def register_canned_result(
    code: str,
    *,
    stdout: str = "",
    stderr: str = "",
    result: str | None = None,
    result_type: str = "application/json",
    failure_reason: str | None = None,
    run_seconds: float = DEFAULT_RUN_SECONDS,
) -> CannedResult:
    """Make calculations whose code block is exactly ``code`` produce this outcome.

    Applies to calculations started afterwards, in every account and region, until
    ``clear_canned_results()``.
    """
    if run_seconds < 0:
        raise ValueError("run_seconds must not be negative")
    canned = CannedResult(
        stdout=stdout,
        stderr=stderr,
        result=result,
        result_type=result_type,
        failure_reason=failure_reason,
        run_seconds=run_seconds,
    )
    with _lock:
        _registry[code] = canned
    return canned


def lookup_canned_result(code: str) -> CannedResult | None:
    """The canned outcome registered for exactly this code, if any."""
    with _lock:
        return _registry.get(code)


def clear_canned_results() -> None:
    """Forget every registered canned result."""
    with _lock:
        _registry.clear()


def default_result(code: str) -> CannedResult:
    """The outcome of code nobody registered: a note saying what would have run (never executed)."""
    preview = code if len(code) <= _PREVIEW_CHARS else code[:_PREVIEW_CHARS] + "\n... (truncated)"
    text = f"[athena-session-mcp emulator] Code was not executed. It would have run:\n{preview}\n"
    return CannedResult(stdout=text, result=text, result_type="text/plain")
