"""Readable terminal rendering of a session summary (the demo and the one-shot CLI use it).

Works on the structured JSON a client receives, not on server objects, so it renders exactly what
travelled over MCP. Colour only when asked (a TTY); plain text otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from athena_session_mcp.athena.responses import as_map, format_duration
from athena_session_mcp.health.session import ENGINE_WORK

_RESET = "\033[0m"
_STYLES = {
    "bold": "\033[1m",
    "dim": "\033[2m",
    "red": "\033[31m",
    "yellow": "\033[33m",
    "green": "\033[32m",
    "cyan": "\033[36m",
}
_SEVERITY_STYLE = {"critical": "red", "warning": "yellow", "info": "cyan"}
_PHASE_STYLE = {
    "ready": "green",
    "running": "green",
    "starting": "cyan",
    "unhealthy": "red",
    "unknown": "yellow",
}


class _Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, *styles: str) -> str:
        if not self.color or not styles:
            return text
        return "".join(_STYLES[s] for s in styles) + text + _RESET


def _dur(value: Any) -> str | None:
    return format_duration(value) if isinstance(value, int) else None


def _join(*parts: str | None) -> str:
    return " · ".join(p for p in parts if p)


def render_summary(summary: Mapping[str, Any], *, color: bool = False) -> str:
    """Multi-line text for one session summary (the `summary` of get_athena_session, or of
    get_athena_session_status, which has no configuration, capacity or usage to show)."""
    paint = _Painter(color)
    timing, capacity, usage, config = (
        as_map(summary.get(k)) for k in ("timing", "capacity", "usage", "config")
    )
    phase = str(summary.get("phase", "unknown"))
    lines = [
        paint(f"━━ {summary.get('session_id') or '?'} ", "bold")
        + paint(str(summary.get("headline", "")), "bold", _PHASE_STYLE.get(phase, "dim"))
    ]
    lines.append(
        "   "
        + _join(
            f"workgroup {summary.get('workgroup')}" if summary.get("workgroup") else None,
            summary.get("engine_version"),
            # An ended session is not "healthy", it is over (and not a failure either).
            paint("not healthy", "red")
            if phase == "unhealthy"
            else ("ended normally" if phase in ("ended", "stopping") else "healthy"),
            # Only PySpark engine version 3 has calculations; a status poll does not know the engine.
            ("accepting " if phase == "ready" else "not accepting ")
            + ENGINE_WORK.get(str(summary.get("engine_kind")), "work"),
        )
    )
    if summary.get("state_change_reason"):
        lines.append(f"   reason    {summary['state_change_reason']}")
    idle = None
    if timing.get("idle_timeout_remaining_seconds") is not None:
        idle = (
            f"idle {_dur(timing.get('idle_for_seconds')) or '?'} of {_dur(timing.get('idle_timeout_seconds'))}"
            f" timeout, " + paint(f"{_dur(timing.get('idle_timeout_remaining_seconds'))} left", "bold")
        )
    elif timing.get("idle_timeout_seconds") is not None:
        idle = f"idle timeout {_dur(timing.get('idle_timeout_seconds'))}"
    lines.append(
        "   timing    "
        + _join(
            f"started {timing.get('started_at')}" if timing.get("started_at") else None,
            f"ended {timing.get('ended_at')}" if timing.get("ended_at") else None,
            # An ended session's age stopped at its end: it "ran" that long.
            f"{'ran' if timing.get('ended_at') else 'age'} {_dur(timing.get('age_seconds'))}"
            if timing.get("age_seconds") is not None
            else None,
            idle,
        )
    )
    if "config" not in summary:
        # get_athena_session_status: GetSessionStatus returns none of the rest; say so, print nothing for it.
        lines.append(
            "   not shown GetSessionStatus returns no configuration, capacity, DPU usage or idle timeout: "
            "get_athena_session has them"
        )
        return "\n".join(lines + _findings(summary, paint))
    lines.append(
        "   capacity  "
        + _join(
            f"coordinator {capacity.get('coordinator_dpu_size')} DPU"
            if capacity.get("coordinator_dpu_size")
            else None,
            f"executor {capacity.get('default_executor_dpu_size')} DPU"
            if capacity.get("default_executor_dpu_size")
            else None,
            f"max {capacity.get('max_concurrent_dpus')} DPUs"
            if capacity.get("max_concurrent_dpus")
            else None,
        )
    )
    if usage.get("dpu_hours") is not None:
        lines.append(
            f"   usage     {usage['dpu_hours']:g} DPU-hours ≈ ${usage.get('estimated_cost_usd', 0):.2f} "
            f"at ${usage.get('price_per_dpu_hour_usd')}/DPU-hour (estimate)"
        )
    encryption = config.get("encryption_option") or "none configured"
    if config.get("kms_key_configured"):
        encryption += " (KMS key set)"
    # An absent MonitoringConfiguration is "not reported", not "off".
    logging_to = ", ".join(str(d) for d in cast(list[Any], config.get("logging_destinations") or [])) or {
        "disabled": "none"
    }.get(str(config.get("logging")), "not reported")
    lines.append(f"   config    encryption {encryption} · logging {logging_to}")
    return "\n".join(lines + _findings(summary, paint))


def _findings(summary: Mapping[str, Any], paint: _Painter) -> list[str]:
    findings = cast(list[Any], summary.get("findings") or [])
    lines = ["   findings"] if findings else []
    for raw in findings:
        finding = as_map(raw)
        severity = str(finding.get("severity", "info"))
        tag = paint(f"{severity.upper():<8}", "bold", _SEVERITY_STYLE.get(severity, "dim"))
        lines.append(f"     {tag} {finding.get('code')}: {finding.get('message')}")
        lines.append(paint(f"              → {finding.get('suggestion')}", "dim"))
    return lines
