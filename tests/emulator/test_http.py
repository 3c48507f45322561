"""HTTP mode: moto's server on loopback, real requests, raw-input validation, the runner."""

# Tests index response keys directly on purpose: a missing key is a test failure.
# pyright: reportTypedDictNotRequiredAccess=false

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import boto3
import pytest

from athena_session_mcp import emulator
from athena_session_mcp.emulator import Clock, EmulatorServer

from .conftest import athena_client, create_spark_workgroup, raw_call, s3_client
from .shape_check import output_problems

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient


@pytest.fixture(scope="module")
def validation_server(fake_aws_environment: None) -> Iterator[EmulatorServer]:
    """An unseeded server shared by the raw-input tests: validation happens before any lookup."""
    with EmulatorServer(seed=False) as server:
        yield server


BAD_INPUTS: list[tuple[str, dict[str, object], str]] = [
    ("GetSession", {"SessionId": ""}, "length greater than or equal to 1"),
    ("GetSession", {"SessionId": "s" * 257}, "length less than or equal to 256"),
    ("GetSession", {}, "Member must not be null"),
    ("ListSessions", {"WorkGroup": "demo-spark", "MaxResults": 0}, "value greater than or equal to 1"),
    ("ListSessions", {"WorkGroup": "demo-spark", "MaxResults": 101}, "value less than or equal to 100"),
    ("ListSessions", {"WorkGroup": "demo-spark", "StateFilter": "SLEEPING"}, "enum value set"),
    ("ListSessions", {"WorkGroup": "demo spark!"}, "regular expression pattern"),
    ("ListCalculationExecutions", {"SessionId": "demo-idle", "NextToken": "x" * 2049}, "2048"),
    ("StartSession", {"WorkGroup": "demo-spark", "EngineConfiguration": {"MaxConcurrentDpus": 1}}, "2"),
    ("StartSession", {"WorkGroup": "demo-spark"}, "engineConfiguration"),
    (
        "StartSession",
        {"WorkGroup": "demo-spark", "EngineConfiguration": {}, "SessionIdleTimeoutInMinutes": 481},
        "480",
    ),
    ("StartCalculationExecution", {"SessionId": "demo-idle", "CodeBlock": "x" * 68001}, "68000"),
    ("GetCalculationExecution", {"CalculationExecutionId": "c" * 37}, "36"),
]


def test_http_emulator_serves_seeded_sessions_and_s3_results(
    http_emulator: EmulatorServer, http_athena: AthenaClient, boto_session: boto3.session.Session
) -> None:
    assert http_emulator.endpoint_url.startswith("http://127.0.0.1:")
    assert http_emulator.seeded == emulator.DEMO_SESSION_STATES
    listed = http_athena.list_sessions(WorkGroup=emulator.DEMO_SPARK_WORKGROUP, StateFilter="IDLE")[
        "Sessions"
    ]
    assert {s["SessionId"] for s in listed} == {emulator.SESSION_IDLE, emulator.SESSION_IDLE_NEAR_TIMEOUT}
    calc = http_athena.get_calculation_execution(CalculationExecutionId=emulator.DEMO_CALC_COMPLETED)
    s3 = s3_client(boto_session, http_emulator.endpoint_url)
    bucket, _, key = calc["Result"]["ResultS3Uri"].removeprefix("s3://").partition("/")
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"1048576"
    s3.close()


def test_http_emulator_runs_a_full_session_lifecycle(
    http_emulator: EmulatorServer, http_athena: AthenaClient, clock: Clock
) -> None:
    create_spark_workgroup(http_athena, "http-wg")
    session_id = http_athena.start_session(WorkGroup="http-wg", EngineConfiguration={})["SessionId"]
    clock.advance(12)
    calc_id = http_athena.start_calculation_execution(SessionId=session_id, CodeBlock="1 + 1")[
        "CalculationExecutionId"
    ]
    assert http_athena.get_session_status(SessionId=session_id)["Status"]["State"] == "BUSY"
    clock.advance(60)
    assert (
        http_athena.get_calculation_execution(CalculationExecutionId=calc_id)["Status"]["State"]
        == "COMPLETED"
    )
    assert http_athena.terminate_session(SessionId=session_id)["State"] == "TERMINATING"
    endpoint = http_athena.get_session_endpoint(SessionId=emulator.SESSION_SPARK35_IDLE)
    assert endpoint["AuthToken"]


@pytest.mark.parametrize(("operation", "body", "expected"), BAD_INPUTS)
def test_raw_request_with_bad_input_gets_validation_error(
    validation_server: EmulatorServer, operation: str, body: dict[str, object], expected: str
) -> None:
    status, error = raw_call(validation_server.endpoint_url, operation, body)
    assert status == 400
    assert error["__type"] == "ValidationException"
    assert expected in str(error["message"])


@pytest.mark.parametrize(
    ("operation", "body"),
    [
        ("GetSession", b"{not json"),
        ("GetSession", {"SessionId": 42}),
        ("ListSessions", {"WorkGroup": "demo-spark", "MaxResults": "10"}),
        ("StartSession", {"WorkGroup": "demo-spark", "EngineConfiguration": []}),
    ],
)
def test_raw_request_with_wrong_json_types_gets_serialization_error(
    validation_server: EmulatorServer, operation: str, body: bytes | dict[str, object]
) -> None:
    status, error = raw_call(validation_server.endpoint_url, operation, body)
    assert (status, error["__type"]) == (400, "SerializationException")


def test_raw_error_bodies_match_the_model(http_emulator: EmulatorServer) -> None:
    status, error = raw_call(http_emulator.endpoint_url, "GetSession", {"SessionId": "ghost"})
    assert status == 400
    assert error == {"__type": "InvalidRequestException", "Message": "Session ghost not found"}
    assert output_problems("GetSession", status, json.dumps(error)) == []
    status, error = raw_call(
        http_emulator.endpoint_url, "ListSessions", {"WorkGroup": "demo-spark", "NextToken": "x"}
    )
    assert (status, error["__type"]) == (400, "InvalidRequestException")


def test_raw_success_bodies_match_the_model(http_emulator: EmulatorServer) -> None:
    for operation, body in [
        ("GetSession", {"SessionId": emulator.SESSION_FAILED}),
        ("ListSessions", {"WorkGroup": emulator.DEMO_SPARK_WORKGROUP}),
        ("ListCalculationExecutions", {"SessionId": emulator.SESSION_BUSY}),
        ("GetCalculationExecution", {"CalculationExecutionId": emulator.DEMO_CALC_FAILED}),
        ("GetWorkGroup", {"WorkGroup": emulator.DEMO_SPARK_WORKGROUP}),
        ("ListWorkGroups", {}),
    ]:
        status, data = raw_call(http_emulator.endpoint_url, operation, body)
        assert status == 200, data
        assert output_problems(operation, status, json.dumps(data)) == []


def test_emulator_server_stops_and_releases_its_port(clock: Clock) -> None:
    server = EmulatorServer(seed=False).start()
    port = server.port
    assert server.running
    server.stop()
    server.stop()
    assert not server.running
    with EmulatorServer(port=port, seed=False) as again:
        assert again.endpoint_url == f"http://127.0.0.1:{port}"


def _subprocess_env() -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1"}


def test_importing_the_emulator_starts_nothing_and_skips_moto() -> None:
    code = "import sys, athena_session_mcp.emulator as e; print('moto' in sys.modules, e.installed.__name__)"
    output = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=_subprocess_env(),
        timeout=60,
    ).stdout
    assert output.strip() == "False installed"


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_run_emulator_prints_one_ready_line_and_exits_cleanly_on_signal(
    boto_session: boto3.session.Session, stop_signal: signal.Signals
) -> None:
    code = "from athena_session_mcp.emulator import run_emulator; raise SystemExit(run_emulator(port=0))"
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_subprocess_env(),
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # blocks until ready: the start-up wait
        assert line.startswith("Emulator ready at http://127.0.0.1:")
        endpoint = line.strip().removeprefix("Emulator ready at ")
        client = athena_client(boto_session, endpoint)
        state = client.get_session_status(SessionId=emulator.SESSION_IDLE)["Status"]["State"]
        client.close()
        assert state == "IDLE"
        process.send_signal(stop_signal)
        remaining, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0
    assert remaining == ""
