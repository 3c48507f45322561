"""Run triage cases end to end: each becomes a real emulated session (reasons in the API, stderr objects in
S3, driver logs in CloudWatch Logs), diagnose_athena_session is called through the MCP server, and the
top-ranked cause code is recorded, with and without --allow-sensitive-data-access."""

from __future__ import annotations

import json
from collections.abc import Generator, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import boto3
from mcp import Client

from athena_session_mcp.app import build_server
from athena_session_mcp.athena.client import AthenaGateway
from athena_session_mcp.athena.vocabulary import PYSPARK_V3_ENGINE, SPARK_35_ENGINE
from athena_session_mcp.settings import Settings
from tests.triage.model import NO_CAUSE, Case

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient

    from athena_session_mcp.emulator.service import SparkService

NOW = datetime.fromisoformat("2026-11-25T12:00:00+00:00")
ACCOUNT = "123456789012"
REGION = "us-east-1"
PYSPARK_WG = "triage-pyspark"
SPARK35_WG = "triage-spark35"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/AthenaSparkRole"
_ENGINE = {"CoordinatorDpuSize": 1, "MaxConcurrentDpus": 20, "DefaultExecutorDpuSize": 1}
_LOGGING = {"CloudWatchLoggingConfiguration": {"Enabled": True}}


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the diagnosis answered for one case and one setting of the flag."""

    case: Case
    sensitive: bool
    top: str
    answer: dict[str, Any]

    @property
    def expected(self) -> str:
        return self.case.expected if self.sensitive else self.case.without_flag

    @property
    def right(self) -> bool:
        return self.top == self.expected


def session_id(case: Case) -> str:
    return f"triage-{case.name}"


def _log_message(at: datetime, line: str) -> str:
    stamp = at.strftime("%Y-%m-%d %H:%M:%S,") + f"{at.microsecond // 1000:03d}"
    return f"AthenaForApacheSpark: {stamp} {line}"


def seed_case(service: SparkService, case: Case, now: datetime = NOW) -> str:
    """Create the case's session and everything it wrote; returns the session id."""
    from athena_session_mcp.emulator._moto import put_log_events
    from athena_session_mcp.emulator.canned import CannedResult
    from athena_session_mcp.emulator.logs import log_group_of, seed_session_logs
    from athena_session_mcp.emulator.service import NOTEBOOK_VERSION

    sid = session_id(case)
    start = now - timedelta(hours=3)
    pyspark = case.engine == "pyspark-v3"
    session = service.create_session(
        PYSPARK_WG if pyspark else SPARK35_WG,
        _ENGINE,
        session_id=sid,
        at=start,
        description=f"Triage case {case.name}",
        monitoring_configuration=_LOGGING,
        notebook_version=NOTEBOOK_VERSION if pyspark else None,
        idle_timeout_minutes=20 if case.end == "terminated-idle" else 600,
    )
    at = start + timedelta(minutes=2)
    failed_at = start + timedelta(minutes=30)
    for index, calc in enumerate(case.calculations):
        if calc.cut:
            outcome = CannedResult(stderr=calc.stderr, run_seconds=3600)
        elif calc.reason is not None:
            outcome = CannedResult(stderr=calc.stderr, failure_reason=calc.reason, run_seconds=60)
            failed_at = at + timedelta(seconds=60)
        else:
            outcome = CannedResult(stdout="ok\n", result='"ok"', run_seconds=60)
        service.submit_calculation(sid, f"{calc.code}  # step {index}", at=at, outcome=outcome)
        at += timedelta(minutes=5)
    if case.session_reason is not None:
        failed_at = at + timedelta(minutes=1)
        service.fail_session(sid, case.session_reason, at=failed_at)
    elif case.end == "terminated-request":
        service.request_termination(sid, at=at + timedelta(minutes=1))
    seed_session_logs(service, session, now)
    group = log_group_of(session)
    if case.logs and group is not None:
        events: list[dict[str, object]] = [
            {
                "timestamp": int((failed_at + timedelta(milliseconds=i)).timestamp() * 1000),
                "message": _log_message(failed_at, line),
            }
            for i, line in enumerate(case.logs)
        ]
        put_log_events(ACCOUNT, REGION, group, f"{sid}/driver-extra/1", events)
    return sid


@contextmanager
def emulated_corpus(cases: Iterable[Case], now: datetime = NOW) -> Generator[AthenaClient]:
    """An in-process emulator (frozen at `now`) holding every case's session; yields an Athena client."""
    from moto import mock_aws

    from athena_session_mcp import emulator
    from athena_session_mcp.emulator.control import service_for

    emulator.install()
    clock = emulator.get_clock()
    clock.freeze(now)
    try:
        with mock_aws():
            client: AthenaClient = boto3.client("athena", region_name=REGION)  # pyright: ignore[reportUnknownMemberType]
            for name, engine in ((PYSPARK_WG, PYSPARK_V3_ENGINE), (SPARK35_WG, SPARK_35_ENGINE)):
                client.create_work_group(
                    Name=name,
                    Configuration={
                        "EngineVersion": {"SelectedEngineVersion": engine},
                        "ExecutionRole": ROLE,
                        "ResultConfiguration": {"OutputLocation": f"s3://triage-results/{name}/"},
                    },
                )
            service = service_for(ACCOUNT, REGION)
            for case in cases:
                seed_case(service, case, now)
            yield client
    finally:
        clock.reset()
        emulator.clear_canned_results()


async def diagnose(client: AthenaClient, case: Case, *, sensitive: bool, now: datetime = NOW) -> Outcome:
    """Call diagnose_athena_session for the case's session through the MCP server."""
    return (await run(client, [case], now=now, settings=(sensitive,)))[0]


def _top(answer: dict[str, Any]) -> str:
    causes: list[dict[str, Any]] = answer.get("causes") or []
    return str(causes[0]["code"]) if causes else NO_CAUSE


async def run(
    client: AthenaClient,
    cases: Iterable[Case],
    *,
    now: datetime = NOW,
    settings: tuple[bool, ...] = (True, False),
) -> list[Outcome]:
    """Every case, with and without the flag: one MCP server and client per setting."""
    chosen = list(cases)
    outcomes: list[Outcome] = []
    for sensitive in settings:
        config = Settings(region=REGION, allow_sensitive_data_access=sensitive)
        server = build_server(config, gateway=AthenaGateway(config, client=client), clock=lambda: now)
        async with Client(server) as mcp_client:
            for case in chosen:
                result = await mcp_client.call_tool(
                    "diagnose_athena_session", {"SessionId": session_id(case)}
                )
                assert not result.is_error, result
                answer = result.structured_content
                if answer is None:
                    answer = json.loads(str(getattr(result.content[0], "text", "{}")))
                outcomes.append(Outcome(case, sensitive, _top(answer), answer))
    return outcomes


def accuracy(outcomes: list[Outcome], *, sensitive: bool, metadata_only: bool = False) -> tuple[int, int]:
    """(right, total) over the outcomes with this flag setting; `metadata_only`: only the cases whose
    metadata names the failure."""
    chosen = [
        o for o in outcomes if o.sensitive == sensitive and (not metadata_only or o.case.metadata_names_it)
    ]
    return sum(o.right for o in chosen), len(chosen)
