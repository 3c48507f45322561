"""Fixtures of the contract suite: one target (emulator or, opt-in, a real account) shared by the package,
and the few sessions the checks need, each started once and terminated at the end whatever happens."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.conftest import FAKE_ENV

from .target import (
    EMULATOR_POLL_SECONDS,
    ENV_ACCOUNT_ID,
    ENV_LIVE,
    ENV_PYSPARK_WORKGROUP,
    ENV_SPARK35_WORKGROUP,
    LIVE_IDLE_TIMEOUT_WAIT,
    LIVE_POLL_SECONDS,
    Target,
    cost_statement,
    dpu_hour_price,
    live_requested,
    missing_live_settings,
    real_clock,
    real_pause,
)

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient
    from types_boto3_athena.type_defs import SessionStatusTypeDef

LIVE = live_requested(os.environ)
# Checks that depend on the emulator's frozen clock (exact instants) cannot hold against AWS.
emulator_only = pytest.mark.skipif(LIVE, reason="emulator timing (frozen clock); not measurable on AWS")
# A live run waits for real sessions; the emulated one finishes in seconds.
suite_timeout = pytest.mark.timeout(3600 if LIVE else 120)

EMULATOR_START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EMULATOR_ROLE = "arn:aws:iam::123456789012:role/AthenaContractRole"
MAX_LIST_PAGES = 10
_HERE = os.path.dirname(__file__)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """State the mode — and in live mode the cost — before anything runs."""
    if not any(str(item.path).startswith(_HERE) for item in items):
        return
    reporter: Any = config.pluginmanager.get_plugin("terminalreporter")
    if not LIVE:
        if reporter is not None:
            forced = (
                " (CI=true forces it)"
                if os.environ.get(ENV_LIVE) == "1"
                else " (ATHENA_CONTRACT_LIVE=1 for AWS)"
            )
            reporter.write_line(f"Athena contract suite: against the offline emulator{forced}.")
        return
    missing = missing_live_settings(os.environ)
    if missing:
        raise pytest.UsageError(f"ATHENA_CONTRACT_LIVE=1 also needs {', '.join(missing)} (workgroup names).")
    if reporter is not None:
        for line in cost_statement(dpu_hour_price(os.environ)):
            reporter.write_line(line, yellow=True, bold=True)


@pytest.fixture(autouse=True)
def fake_aws_env() -> None:
    """Overrides tests/conftest.py's fake credentials: live mode uses the user's AWS settings, and the
    emulated target sets its own fake environment for the whole package."""


def _emulator_target() -> Iterator[Target]:
    from moto import mock_aws

    from athena_session_mcp import emulator
    from athena_session_mcp.athena.vocabulary import PYSPARK_V3_ENGINE, SPARK_35_ENGINE
    from tests.emulator.shape_check import attach_shape_checker

    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("AWS_"):
                patch.delenv(name)
        for name, value in FAKE_ENV.items():
            patch.setenv(name, value)
        emulator.install()
        clock = emulator.get_clock()
        clock.freeze(EMULATOR_START)
        try:
            with mock_aws():
                client: AthenaClient = boto3.session.Session(region_name="us-east-1").client("athena")  # pyright: ignore[reportUnknownMemberType]
                attach_shape_checker(client)  # every emulated answer must fit botocore's model
                workgroups = {"contract-pyspark": PYSPARK_V3_ENGINE, "contract-spark35": SPARK_35_ENGINE}
                for name, engine in workgroups.items():
                    client.create_work_group(
                        Name=name,
                        Configuration={
                            "EngineVersion": {"SelectedEngineVersion": engine},
                            "ExecutionRole": EMULATOR_ROLE,
                            "ResultConfiguration": {"OutputLocation": f"s3://contract-results/{name}/"},
                        },
                    )
                target = Target(
                    client=client,
                    live=False,
                    pyspark_workgroup="contract-pyspark",
                    spark35_workgroup="contract-spark35",
                    account_id=emulator.DEFAULT_ACCOUNT_ID,
                    now=clock.now,
                    pause=clock.advance,
                    poll_seconds=EMULATOR_POLL_SECONDS,
                )
                try:
                    yield target
                finally:
                    problems = target.terminate_started()
                    client.close()
                    assert not problems, problems
        finally:
            clock.reset()
            emulator.clear_canned_results()


def _live_target() -> Iterator[Target]:
    session = boto3.session.Session()  # AWS_PROFILE / AWS_REGION and the usual credential chain
    client: AthenaClient = session.client(  # pyright: ignore[reportUnknownMemberType]
        "athena", config=Config(retries={"mode": "standard", "max_attempts": 8})
    )
    account_id = os.environ.get(ENV_ACCOUNT_ID, "")
    if not account_id:
        sts = cast(Any, session.client("sts"))  # pyright: ignore[reportUnknownMemberType]
        account_id = str(sts.get_caller_identity()["Account"])
    target = Target(
        client=client,
        live=True,
        pyspark_workgroup=os.environ[ENV_PYSPARK_WORKGROUP],
        spark35_workgroup=os.environ[ENV_SPARK35_WORKGROUP],
        account_id=account_id,
        now=real_clock,
        pause=real_pause,
        poll_seconds=LIVE_POLL_SECONDS,
    )
    try:
        yield target
    finally:
        problems = target.terminate_started()
        client.close()
        assert not problems, f"could not terminate every session this run started: {problems}"


@pytest.fixture(scope="package")
def target() -> Iterator[Target]:
    """The endpoint under test; terminates every session it started when the package is done."""
    yield from (_live_target() if LIVE else _emulator_target())


def list_ids(target: Target, workgroup: str, state: str | None = None) -> dict[str, str]:
    """{SessionId: State} over at most MAX_LIST_PAGES pages (newest first), optionally per state."""
    found: dict[str, str] = {}
    token: str | None = None
    for _ in range(MAX_LIST_PAGES):
        kwargs: dict[str, Any] = {"WorkGroup": workgroup, "MaxResults": 100}
        if state is not None:
            kwargs["StateFilter"] = state
        if token:
            kwargs["NextToken"] = token
        page = target.client.list_sessions(**kwargs)
        for summary in page["Sessions"]:
            found[summary.get("SessionId", "")] = summary.get("Status", {}).get("State", "")
        token = page.get("NextToken")
        if not token:
            break
    return found


def error_code(call: Any, **kwargs: Any) -> str:
    """The AWS error code a call answers with, or "ok" when it succeeds."""
    try:
        call(**kwargs)
    except ClientError as error:
        return str(error.response.get("Error", {}).get("Code", "?"))
    return "ok"


@dataclass(frozen=True)
class StoppedSession:
    """A PySpark engine version 3 session observed while IDLE, then stopped by request."""

    session_id: str
    listed_while_idle: bool
    endpoint_while_idle: str
    dashboard_while_idle: str
    terminate_answer: str
    idle_since: datetime | None
    status: SessionStatusTypeDef


@pytest.fixture(scope="package")
def pyspark_stopped(target: Target) -> StoppedSession:
    session_id = target.start_session(target.pyspark_workgroup)
    idle = target.wait_for(session_id, {"IDLE"}, target.start_timeout())
    listed = session_id in list_ids(target, target.pyspark_workgroup)
    endpoint = error_code(target.client.get_session_endpoint, SessionId=session_id)
    dashboard = error_code(
        target.client.get_resource_dashboard,
        ResourceARN=target.session_arn(target.pyspark_workgroup, session_id),
    )
    answer = target.client.terminate_session(SessionId=session_id)["State"]
    status = target.wait_for(session_id, {"TERMINATED"}, target.stop_timeout())
    return StoppedSession(
        session_id, listed, endpoint, dashboard, answer, idle.get("IdleSinceDateTime"), status
    )


@pytest.fixture(scope="package")
def spark35_session(target: Target) -> str:
    """An IDLE Apache Spark version 3.5 session (the last check of its module stops it)."""
    session_id = target.start_session(target.spark35_workgroup)
    target.wait_for(session_id, {"IDLE"}, target.start_timeout())
    return session_id


@dataclass(frozen=True)
class TimedOutSession:
    session_id: str
    idle: SessionStatusTypeDef
    ended: SessionStatusTypeDef


@pytest.fixture(scope="package")
def pyspark_timed_out(target: Target) -> TimedOutSession:
    """A PySpark engine version 3 session with a 1-minute idle timeout, left alone until it ends."""
    session_id = target.start_session(target.pyspark_workgroup, idle_timeout_minutes=1)
    idle = target.wait_for(session_id, {"IDLE"}, target.start_timeout())
    wait = LIVE_IDLE_TIMEOUT_WAIT if target.live else 600.0
    ended = target.wait_for(session_id, {"TERMINATED"}, wait)
    return TimedOutSession(session_id, idle, ended)
