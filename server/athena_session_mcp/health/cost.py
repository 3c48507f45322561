"""DPU usage and its estimated cost, computed one way for sessions and calculations alike."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from athena_session_mcp.athena.responses import as_int
from athena_session_mcp.health.models import DpuUsage

_MILLIS_PER_HOUR = 3_600_000


def price(dpu_hours: float, price_per_dpu_hour: float) -> float:
    """The estimated cost of `dpu_hours` at `price_per_dpu_hour`, rounded like every cost we show."""
    return round(dpu_hours * price_per_dpu_hour, 4)


def dpu_usage(statistics: Mapping[str, Any], price_per_dpu_hour: float) -> DpuUsage:
    """DPU-hours and an estimated cost from a Statistics block (DpuExecutionInMillis)."""
    millis = as_int(statistics.get("DpuExecutionInMillis"))
    dpu_hours = cost = None
    if millis is not None:
        dpu_hours = round(millis / _MILLIS_PER_HOUR, 4)
        cost = price(millis / _MILLIS_PER_HOUR, price_per_dpu_hour)
    return DpuUsage(
        dpu_execution_millis=millis,
        dpu_hours=dpu_hours,
        estimated_cost_usd=cost,
        price_per_dpu_hour_usd=price_per_dpu_hour,
    )
