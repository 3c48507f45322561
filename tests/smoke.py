"""End-to-end smoke test, run by tests/ranges.py inside each throwaway environment (lowest and newest
versions): the emulator in its own process; boto3 clients of both Athena wire protocols against it; the
stdio server (the console script, as an MCP client starts it) calling every tool once.

Run from the repository root with the environment's Python: `python -m tests.smoke`. Prints one line per
check; exits non-zero on the first failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Generator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio
from botocore.exceptions import ClientError
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from athena_session_mcp import emulator
from tests.wire_clients import PROTOCOLS, athena_client, installed_protocol

CONSOLE_SCRIPT = Path(sys.executable).with_name("athena-session-mcp")
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}
# Arguments for every tool, from the seeded demo (emulator/constants.py).
TOOL_ARGUMENTS: dict[str, dict[str, Any]] = {
    "get_athena_session": {"SessionId": emulator.SESSION_FAILED},
    "get_athena_session_status": {"SessionId": emulator.SESSION_BUSY},
    "diagnose_athena_session": {"SessionId": emulator.SESSION_FAILED},
    "list_athena_sessions": {"WorkGroup": emulator.DEMO_SPARK_WORKGROUP, "StateFilter": "TERMINATED"},
    "summarize_athena_workgroup_sessions": {"WorkGroup": emulator.DEMO_SPARK_WORKGROUP},
    "list_spark_workgroups": {},
    "list_athena_calculations": {"SessionId": emulator.SESSION_IDLE},
    "get_athena_calculation": {"CalculationExecutionId": emulator.DEMO_CALC_FAILED},
    "list_athena_executors": {"SessionId": emulator.SESSION_BUSY},
    "list_athena_session_history": {"Days": 14},
    "summarize_athena_account": {"Days": 14},
    "terminate_athena_session": {"SessionId": emulator.SESSION_IDLE},
}


class SmokeCheckError(Exception):
    """A check failed (its line is printed already)."""


def check(name: str, ok: bool, detail: str = "") -> None:
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)
    if not ok:
        raise SmokeCheckError(name)


@contextmanager
def emulator_process() -> Generator[str]:
    proc = subprocess.Popen(
        [str(CONSOLE_SCRIPT), "emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={"PATH": os.environ.get("PATH", ""), **CREDENTIALS},
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        check("emulator process starts", line.startswith("Emulator ready at "), line.strip())
        yield line.removeprefix("Emulator ready at ").strip()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def wire_protocols(endpoint: str, directory: Path) -> None:
    # Each protocol terminates a different session, so the second still finds its own IDLE.
    ends = {"json": emulator.SESSION_IDLE_NEAR_TIMEOUT, "rest-json": emulator.SESSION_UNENCRYPTED}
    for protocol in PROTOCOLS:
        client = athena_client(
            protocol,
            directory,
            endpoint_url=endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        state = client.get_session(SessionId=emulator.SESSION_BUSY)["Status"].get("State")
        check(f"{protocol}: GetSession", state == "BUSY", str(state))
        first = client.list_sessions(
            WorkGroup=emulator.DEMO_SPARK_WORKGROUP, StateFilter="TERMINATED", MaxResults=1
        )
        token = first.get("NextToken", "")
        second = client.list_sessions(
            WorkGroup=emulator.DEMO_SPARK_WORKGROUP, StateFilter="TERMINATED", MaxResults=1, NextToken=token
        )
        ids = [s.get("SessionId") for s in [*first["Sessions"], *second["Sessions"]]]
        expected = {emulator.SESSION_TERMINATED_IDLE, emulator.SESSION_TERMINATED_BY_USER}
        check(
            f"{protocol}: ListSessions with StateFilter, MaxResults and NextToken",
            set(ids) == expected,
            str(ids),
        )
        try:
            client.get_session(SessionId="no-such-session")
            code = "no error"
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code"))
        check(
            f"{protocol}: an unknown session is InvalidRequestException",
            code == "InvalidRequestException",
            code,
        )
        state = client.terminate_session(SessionId=ends[protocol])["State"]
        check(f"{protocol}: TerminateSession", state == "TERMINATING", state)


def doctor(endpoint: str) -> None:
    env = {"PATH": os.environ.get("PATH", ""), **CREDENTIALS, "AWS_ENDPOINT_URL": endpoint}
    command = [
        str(CONSOLE_SCRIPT),
        "doctor",
        "--endpoint-url",
        endpoint,
        "--workgroup",
        emulator.DEMO_SPARK_WORKGROUP,
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    failed = [line for line in done.stdout.splitlines() if line.startswith("FAIL")]
    check("doctor against the emulator", done.returncode == 0, "; ".join(failed) or "every check ok")


async def every_tool(endpoint: str) -> None:
    params = StdioServerParameters(
        command=str(CONSOLE_SCRIPT),
        args=["serve", "--allow-write", "--endpoint-url", endpoint],
        env={"PATH": os.environ.get("PATH", ""), **CREDENTIALS, "AWS_ENDPOINT_URL": endpoint},
    )
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        names = sorted(tool.name for tool in (await session.list_tools()).tools)
        check("stdio server lists every tool", names == sorted(TOOL_ARGUMENTS), ", ".join(names))
        for name, arguments in TOOL_ARGUMENTS.items():
            result = await session.call_tool(name, arguments)
            text = " ".join(getattr(block, "text", "") for block in result.content)[:200]
            check(f"stdio tool {name}", not result.is_error and result.structured_content is not None, text)


def main() -> None:
    from importlib.metadata import version

    import boto3
    import botocore

    print(
        f"smoke: Python {sys.version.split()[0]}, boto3 {boto3.__version__}, botocore {botocore.__version__} "
        f"(speaks {installed_protocol()} to Athena), moto {version('moto')}, mcp {version('mcp')}",
        flush=True,
    )
    try:
        with emulator_process() as endpoint, tempfile.TemporaryDirectory() as directory:
            wire_protocols(endpoint, Path(directory))
            doctor(endpoint)
            anyio.run(every_tool, endpoint)
    except* SmokeCheckError:
        raise SystemExit(1) from None
    print("smoke: passed", flush=True)


if __name__ == "__main__":
    main()
