"""Readable terminal rendering of a diagnose_athena_session answer (the demo uses it).

Works on the structured JSON a client receives. Excerpts were cleaned by the server (no escape
sequences), and are marked as untrusted job output here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from athena_session_mcp.athena.responses import as_map


def _items(value: Any) -> list[Mapping[str, Any]]:
    return [as_map(v) for v in cast(list[Any], value)] if isinstance(value, list) else []


def render_diagnosis(result: Mapping[str, Any], *, max_lines: int = 6) -> str:
    """A few lines per section: verdict, causes with evidence and next step, executors, output, logs, gaps."""
    lines = [f"━━ diagnosis of {result.get('session_id')}: {result.get('verdict')}"]
    for rank, cause in enumerate(_items(result.get("causes")), start=1):
        at = f", at {cause.get('at')}" if cause.get("at") else ""
        lines.append(f"   {rank}. {cause.get('title')} [{cause.get('code')}, {cause.get('confidence')}{at}]")
        for evidence in _items(cause.get("evidence"))[:2]:
            lines.append(f"        ▏ {evidence.get('source')}: {evidence.get('text')}")
        lines.append(f"        → {cause.get('next_step')}")
    counts = as_map(as_map(result.get("executors")).get("counts"))
    if counts:
        states = ", ".join(f"{k} {v}" for k, v in as_map(counts.get("by_state")).items())
        types = ", ".join(f"{k} {v}" for k, v in as_map(counts.get("by_type")).items())
        lines.append(f"   executors {counts.get('total')}: {states} ({types})")
    for calc in _items(as_map(result.get("calculations")).get("calculations")):
        tail = as_map(calc.get("stderr_tail"))
        if not tail.get("lines"):
            continue
        size = tail.get("size_bytes")
        lines.append(
            f"   stderr of {calc.get('calculation_execution_id')} (last {tail.get('read_bytes')} of {size} bytes, "
            "untrusted job output):"
        )
        lines += [f"        │ {line}" for line in cast(list[str], tail["lines"])[-max_lines:]]
    logs = as_map(result.get("logs"))
    if logs.get("log_group"):
        lines.append(
            f"   logs {logs.get('log_group')}: {len(cast(list[Any], logs.get('streams') or []))} stream(s)"
        )
        for line in _items(logs.get("lines"))[:max_lines]:
            lines.append(f"        │ {line.get('message')}")
    for gap in _items(result.get("gaps")):
        lines.append(f"   not read: {gap.get('what')} → {gap.get('fix')}")
    return "\n".join(lines)
