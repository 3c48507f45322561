"""Benchmark: diagnose_athena_session of a failed session whose stderr object is 5 MB, on the emulator.

    .venv/bin/python benchmarks/diagnose.py [--calls 5]

The seeded HTTP emulator runs in this process; the real server is spawned over stdio as a client would
(`serve --endpoint-url <emulator> --allow-sensitive-data-access`, AWS_ENDPOINT_URL for S3 and Logs).
The failed calculation's stderr object is replaced by 5 MB of text first, so the figure shows that the
diagnosis reads a tail (a ranged GetObject), not the object. Target: median under 2 s, answer within the
output budget. Prints a small table and writes benchmarks/results/diagnose.json; exits 0 even on a miss.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: make tests.stdio_harness importable
    sys.path.insert(0, str(REPO))

import boto3  # noqa: E402
from tests.stdio_harness import StdioServer, is_tool_error, server_env, tool_text  # noqa: E402

from athena_session_mcp.emulator import SESSION_FAILED, EmulatorServer  # noqa: E402
from athena_session_mcp.tools.budget import OUTPUT_BUDGET_CHARS  # noqa: E402

RESULTS = REPO / "benchmarks" / "results"
REGION = "us-east-1"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "AKIABENCHFAKEKEY0000",
    "AWS_SECRET_ACCESS_KEY": "bench-fake-secret",
    "AWS_REGION": REGION,
}
STDERR_BYTES = 5 * 1024 * 1024
TARGET_SECONDS = 2.0


def big_stderr() -> bytes:
    line = b"INFO DAGScheduler: ResultStage 4 (parquet at NativeMethodAccessorImpl.java:0) running task\n"
    body = line * (STDERR_BYTES // len(line))
    tail = b"Caused by: java.lang.OutOfMemoryError: Java heap space\n"
    return body[: STDERR_BYTES - len(tail)] + tail


def replace_failed_stderr(endpoint_url: str) -> str:
    """Overwrite the stderr object of the failed session's failed calculations with 5 MB; returns one URI."""
    session = boto3.session.Session(
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        region_name=REGION,
    )
    athena = session.client("athena", endpoint_url=endpoint_url)  # pyright: ignore[reportUnknownMemberType]
    s3 = session.client("s3", endpoint_url=endpoint_url)  # pyright: ignore[reportUnknownMemberType]
    body = big_stderr()
    uri = ""
    for calc in athena.list_calculation_executions(SessionId=SESSION_FAILED)["Calculations"]:
        detail = athena.get_calculation_execution(
            CalculationExecutionId=calc.get("CalculationExecutionId", "")
        )
        uri = detail.get("Result", {}).get("StdErrorS3Uri", "")
        if uri:
            bucket, _, key = uri.removeprefix("s3://").partition("/")
            s3.put_object(Bucket=bucket, Key=key, Body=body)
    return uri


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="diagnose_athena_session with a 5 MB stderr object")
    parser.add_argument("--calls", type=int, default=5, help="diagnoses to time (default 5)")
    args = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the emulator's access log
    with EmulatorServer(seed=True) as emulator:
        endpoint = emulator.endpoint_url
        uri = replace_failed_stderr(endpoint)
        env = server_env(CREDENTIALS, {"AWS_ENDPOINT_URL": endpoint})
        command = ["serve", "--endpoint-url", endpoint, "--region", REGION, "--allow-sensitive-data-access"]
        with StdioServer(command, env) as server:
            server.initialize()
            times: list[float] = []
            text = ""
            for _ in range(args.calls + 1):  # the first call builds the clients: reported apart
                started = time.perf_counter()
                response = server.call_tool(
                    "diagnose_athena_session", {"SessionId": SESSION_FAILED}, timeout=60
                )
                times.append(time.perf_counter() - started)
                if is_tool_error(response):
                    print(f"diagnosis failed: {tool_text(response)[:300]}", file=sys.stderr)
                    return 1
                text = tool_text(response)
    result = json.loads(text)
    tails = [c["stderr_tail"] for c in result["calculations"]["calculations"] if c.get("stderr_tail")]
    first, warm = times[0], times[1:]
    median = statistics.median(warm)
    report = {
        "stderr_object_bytes": STDERR_BYTES,
        "stderr_uri": uri,
        "bytes_read_per_tail": [t["read_bytes"] for t in tails],
        "first_call_s": round(first, 3),
        "median_s": round(median, 3),
        "max_s": round(max(warm), 3),
        "answer_chars": len(text),
        "budget_chars": OUTPUT_BUDGET_CHARS,
        "top_cause": result["causes"][0]["code"] if result["causes"] else None,
        "met": median < TARGET_SECONDS and len(text) <= OUTPUT_BUDGET_CHARS,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "diagnose.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print("| Measure | Value | Target |\n|---|---|---|")
    print(
        f"| diagnosis, 5 MB stderr (median of {len(warm)}) | {median:.3f} s (max {max(warm):.3f} s) | < {TARGET_SECONDS} s |"
    )
    print(f"| first diagnosis (builds S3/Logs clients) | {first:.3f} s | (reported) |")
    print(
        f"| bytes read per stderr tail | {', '.join(str(t['read_bytes']) for t in tails)} of {STDERR_BYTES} | a tail only |"
    )
    print(f"| answer size | {len(text)} chars | ≤ {OUTPUT_BUDGET_CHARS} |")
    print(f"| top cause | {report['top_cause']} | OUT_OF_MEMORY |")
    print("PASS" if report["met"] else "MISS")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
