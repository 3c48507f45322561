"""Where the contract suite runs: the in-process emulator (default) or a real AWS account (opt-in).

Live mode needs ATHENA_CONTRACT_LIVE=1 plus the two workgroup names, and is never used when CI=true.
The same checks run in both modes: they poll for states with bounded waits. On the emulator a "pause"
moves the frozen emulator clock; against AWS it sleeps.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from athena_session_mcp.emulator import assumptions
from athena_session_mcp.settings import DEFAULT_DPU_HOUR_PRICE_USD, ENV_PRICE

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient
    from types_boto3_athena.type_defs import EngineConfigurationTypeDef, SessionStatusTypeDef

ENV_LIVE = "ATHENA_CONTRACT_LIVE"
ENV_PYSPARK_WORKGROUP = "ATHENA_CONTRACT_PYSPARK_WORKGROUP"
ENV_SPARK35_WORKGROUP = "ATHENA_CONTRACT_SPARK35_WORKGROUP"
ENV_ACCOUNT_ID = "ATHENA_CONTRACT_ACCOUNT_ID"

# The smallest session the API accepts (EngineConfiguration.MaxConcurrentDpus has min 2 in the model).
MAX_CONCURRENT_DPUS = 2
# Live-mode waits (seconds) and polling interval: generous, but bounded.
LIVE_POLL_SECONDS = 5.0
LIVE_START_TIMEOUT = 300.0
LIVE_STOP_TIMEOUT = 300.0
LIVE_IDLE_TIMEOUT_WAIT = 900.0
# The sessions a live run starts, with the longest each can stay alive (minutes): start + checks + stop.
LIVE_SESSIONS: dict[str, float] = {
    "PySpark engine version 3, stopped by request": (LIVE_START_TIMEOUT + 60 + LIVE_STOP_TIMEOUT) / 60,
    "PySpark engine version 3, ended by a 1-minute idle timeout": (
        LIVE_START_TIMEOUT + LIVE_IDLE_TIMEOUT_WAIT
    )
    / 60,
    "Apache Spark version 3.5, stopped by request": (LIVE_START_TIMEOUT + 120 + LIVE_STOP_TIMEOUT) / 60,
}
# Emulated waits never sleep: the clock moves.
EMULATOR_POLL_SECONDS = 1.0


def live_requested(env: Mapping[str, str]) -> bool:
    """True when the user opted in to a real account and this is not CI (CI=true forces the emulator)."""
    return env.get(ENV_LIVE) == "1" and env.get("CI", "").strip().lower() not in ("true", "1")


def missing_live_settings(env: Mapping[str, str]) -> list[str]:
    """The environment variables live mode still needs."""
    return [name for name in (ENV_PYSPARK_WORKGROUP, ENV_SPARK35_WORKGROUP) if not env.get(name)]


def dpu_hour_price(env: Mapping[str, str]) -> float:
    """USD per DPU-hour: the server's setting (ATHENA_SESSION_MCP_DPU_HOUR_PRICE) or the us-east-1 list price."""
    try:
        return float(env.get(ENV_PRICE, "")) if env.get(ENV_PRICE) else DEFAULT_DPU_HOUR_PRICE_USD
    except ValueError:
        return DEFAULT_DPU_HOUR_PRICE_USD


def cost_statement(price: float) -> list[str]:
    """What a live run costs at most, for printing before anything starts."""
    lines = [
        f"Athena contract suite against a REAL AWS account: it starts {len(LIVE_SESSIONS)} Spark sessions."
    ]
    dpu_minutes = 0.0
    for name, minutes in LIVE_SESSIONS.items():
        dpu_minutes += minutes * MAX_CONCURRENT_DPUS
        lines.append(f"  - {name}: at most {minutes:.0f} min x {MAX_CONCURRENT_DPUS} DPU")
    lines.append(
        f"Worst case {dpu_minutes:.0f} DPU-minutes x ${price:.2f}/DPU-hour = ${dpu_minutes / 60 * price:.2f} "
        "(usually a few minutes per session; every session it starts is terminated at the end, even on failure)."
    )
    return lines


@dataclass
class Target:
    """An Athena endpoint plus how to wait on it; remembers every session it started."""

    client: AthenaClient
    live: bool
    pyspark_workgroup: str
    spark35_workgroup: str
    account_id: str
    now: Callable[[], datetime]
    pause: Callable[[float], object]
    poll_seconds: float
    started: list[str] = field(default_factory=list[str])

    @property
    def region(self) -> str:
        return self.client.meta.region_name

    def start_timeout(self) -> float:
        return LIVE_START_TIMEOUT if self.live else 60.0

    def stop_timeout(self) -> float:
        return LIVE_STOP_TIMEOUT if self.live else 60.0

    def start_session(self, workgroup: str, *, idle_timeout_minutes: int | None = None) -> str:
        """StartSession with the smallest engine configuration; the id is remembered for clean-up."""
        description = "athena-session-mcp contract suite (safe to terminate)"
        configuration: EngineConfigurationTypeDef = {"MaxConcurrentDpus": MAX_CONCURRENT_DPUS}
        if idle_timeout_minutes is None:
            response = self.client.start_session(
                WorkGroup=workgroup, EngineConfiguration=configuration, Description=description
            )
        else:
            response = self.client.start_session(
                WorkGroup=workgroup,
                EngineConfiguration=configuration,
                Description=description,
                SessionIdleTimeoutInMinutes=idle_timeout_minutes,
            )
        self.started.append(response["SessionId"])
        return response["SessionId"]

    def wait_for(self, session_id: str, wanted: Collection[str], timeout: float) -> SessionStatusTypeDef:
        """Poll GetSessionStatus until the state is one of ``wanted``; fail after ``timeout`` seconds."""
        began = self.now()
        while True:
            status = self.client.get_session_status(SessionId=session_id)["Status"]
            state = status.get("State")
            if state in wanted:
                return status
            waited = (self.now() - began).total_seconds()
            if waited >= timeout:
                raise AssertionError(
                    f"session {session_id} is {state} after {waited:.0f}s; expected one of {sorted(wanted)}"
                )
            self.pause(self.poll_seconds)

    def session_arn(self, workgroup: str, session_id: str) -> str:
        """The session's ARN as the emulator assumes it (assumptions.SESSION_ARN_TEMPLATE)."""
        partition = "aws-cn" if self.region.startswith("cn-") else "aws"
        if self.region.startswith("us-gov-"):
            partition = "aws-us-gov"
        return assumptions.SESSION_ARN_TEMPLATE.format(
            partition=partition,
            region=self.region,
            account=self.account_id,
            workgroup=workgroup,
            session_id=session_id,
        )

    def terminate_started(self) -> list[str]:
        """Terminate every session this run started (inactive ones are a documented no-op); returns problems."""
        problems: list[str] = []
        for session_id in self.started:
            try:
                self.client.terminate_session(SessionId=session_id)
            except (ClientError, BotoCoreError) as error:
                problems.append(f"{session_id}: {error}")
        return problems


def real_clock() -> datetime:
    return datetime.now(UTC)


def real_pause(seconds: float) -> None:
    time.sleep(seconds)


def environment() -> Mapping[str, str]:
    return os.environ
