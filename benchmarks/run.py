"""Benchmark: the real server over stdio against the loopback emulator, next to a warm direct boto3 call.

    .venv/bin/python benchmarks/run.py [--calls 200] [--spawns 5] [--bursts 3]

Writes benchmarks/results/latest.json and latest.md (and latency.png when matplotlib is installed).
Exit status is 0 even when a target is missed: the numbers are the deliverable, misses are reported.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import importlib
import importlib.metadata
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: make tests.stdio_harness importable
    sys.path.insert(0, str(REPO))

import boto3  # noqa: E402
import psutil  # noqa: E402
from botocore.config import Config  # noqa: E402
from tests.reliability import FakeAthena, serve_fake  # noqa: E402
from tests.stdio_harness import StdioServer, is_tool_error, server_env, tool_text  # noqa: E402

RESULTS = REPO / "benchmarks" / "results"
SESSION_ID = "demo-idle-near-timeout"
REGION = "us-east-1"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "AKIABENCHFAKEKEY0000",
    "AWS_SECRET_ACCESS_KEY": "bench-fake-secret",
    "AWS_REGION": REGION,
}


@dataclass
class Target:
    name: str
    measured: float
    unit: str
    target: str
    met: bool


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


class Emulator:
    """`athena-session-mcp emulator --port 0` in its own process, so its work does not share our GIL."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("athena-session-mcp")), "emulator", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=server_env(CREDENTIALS),
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("Emulator ready at "):
            self.close()
            raise RuntimeError(f"emulator did not start: {line!r}")
        self.endpoint_url = line.removeprefix("Emulator ready at ").strip()

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def start_server(endpoint_url: str) -> StdioServer:
    return StdioServer(
        ["serve", "--endpoint-url", endpoint_url, "--region", REGION], server_env(CREDENTIALS)
    ).start()


def time_calls(call: Callable[[], None], count: int) -> list[float]:
    samples: list[float] = []
    for _ in range(count):
        begin = time.perf_counter()
        call()
        samples.append(time.perf_counter() - begin)
    return samples


def bench_spawn(endpoint_url: str, runs: int) -> list[float]:
    """Process start to the initialize response, `runs` times."""
    samples: list[float] = []
    for _ in range(runs):
        server = start_server(endpoint_url)
        try:
            response = server.initialize(timeout=60)
            samples.append(time.perf_counter() - server.started_at)
            assert "result" in response, response
        finally:
            server.close()
    return samples


def bench_import_floor(runs: int) -> list[float]:
    """How long importing the MCP SDK alone takes here: the floor under any start-up time."""
    samples: list[float] = []
    for _ in range(runs):
        begin = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import mcp.server.mcpserver"], check=True)
        samples.append(time.perf_counter() - begin)
    return samples


def bench_boto3(endpoint_url: str, calls: int, burst: int) -> tuple[list[float], float]:
    client: Any = boto3.session.Session(  # pyright: ignore[reportUnknownMemberType]
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        region_name=REGION,
    ).client("athena", endpoint_url=endpoint_url, config=Config(max_pool_connections=64))

    def one() -> None:
        client.get_session(SessionId=SESSION_ID)

    time_calls(one, 20)  # warm: connection pool, service model, endpoint rules
    samples = time_calls(one, calls)
    with concurrent.futures.ThreadPoolExecutor(burst) as pool:
        for future in [pool.submit(one) for _ in range(burst)]:  # warm: threads and pooled connections
            future.result()
        begin = time.perf_counter()
        for future in [pool.submit(one) for _ in range(burst)]:
            future.result()
        elapsed = time.perf_counter() - begin
    return samples, burst / elapsed


@dataclass
class ServerRun:
    latencies: list[float]
    burst_rates: list[float]
    rss: int
    result_chars: int
    errors: int
    cpu_ms_per_call: float


def bench_server(endpoint_url: str, calls: int, burst: int, bursts: int) -> ServerRun:
    """Sequential latency, burst throughputs, RSS after the load, result size, errors, CPU per call."""
    errors = 0
    server = start_server(endpoint_url)
    try:
        server.initialize(timeout=60)
        size = 0

        def one() -> None:
            nonlocal errors, size
            response = server.call_tool("get_athena_session", {"SessionId": SESSION_ID})
            if is_tool_error(response) or "result" not in response:
                errors += 1
            size = len(tool_text(response))

        time_calls(one, 20)  # warm: first call builds the boto3 client in the server
        process = psutil.Process(server.pid)
        cpu_before = sum(process.cpu_times()[:2])
        samples = time_calls(one, calls)
        cpu_ms = (sum(process.cpu_times()[:2]) - cpu_before) / calls * 1000
        rates: list[float] = []
        for _ in range(bursts):
            begin = time.perf_counter()
            ids = [
                server.send(
                    "tools/call", {"name": "get_athena_session", "arguments": {"SessionId": SESSION_ID}}
                )
                for _ in range(burst)
            ]
            for request_id in ids:
                response = server.wait_for(request_id, timeout=60)
                errors += int(is_tool_error(response) or "result" not in response)
            rates.append(burst / (time.perf_counter() - begin))
        rss = process.memory_info().rss
        return ServerRun(samples, rates, rss, size, errors, round(cpu_ms, 2))
    finally:
        server.close()


def versions() -> dict[str, str]:
    out: dict[str, str] = {"python": platform.python_version()}
    for dist in ("athena-session-mcp", "mcp", "boto3", "botocore", "pydantic", "moto"):
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            out[dist] = "absent"
    return out


def markdown(report: dict[str, Any]) -> str:
    targets: list[dict[str, Any]] = report["targets"]
    lines = [
        "# Benchmark results",
        "",
        f"{report['when']} · {report['machine']['cpus']} CPUs · Python {report['versions']['python']} · "
        f"mcp {report['versions']['mcp']} · boto3 {report['versions']['boto3']}",
        "",
        "| Measure | Measured | Target | Result |",
        "|---|---|---|---|",
    ]
    for t in targets:
        lines.append(
            f"| {t['name']} | {t['measured']:g} {t['unit']} | {t['target']} | {'pass' if t['met'] else 'MISS'} |"
        )
    d = report["details"]
    f = d["fast_endpoint"]
    lines += [
        "",
        "| Context | Value |",
        "|---|---|",
        f"| tool call p95 / max | {d['server_p95_ms']:g} / {d['server_max_ms']:g} ms |",
        f"| boto3 get_session median / p95 | {d['boto3_median_ms']:g} / {d['boto3_p95_ms']:g} ms |",
        f"| boto3 burst of {d['burst']} in {d['burst']} threads | {d['boto3_burst_calls_per_s']:g} calls/s |",
        f"| server bursts (each) | {', '.join(f'{r:g}' for r in d['server_burst_calls_per_s'])} calls/s |",
        f"| spawn→initialize runs | {', '.join(f'{s:g}' for s in d['spawn_s'])} s |",
        f"| `import mcp.server.mcpserver` alone (SDK floor) | {d['sdk_import_median_s']:g} s |",
        f"| server CPU per tool call (emulator run) | {d['server_cpu_ms_per_call']:g} ms |",
        f"| fast loopback endpoint: boto3 median / server median, p95 | {f['boto3_median_ms']:g} / "
        f"{f['server_median_ms']:g}, {f['server_p95_ms']:g} ms |",
        f"| fast loopback endpoint: burst boto3 / server | {f['boto3_burst_calls_per_s']:g} / "
        f"{f['server_burst_calls_per_s']:g} calls/s |",
        f"| fast loopback endpoint: server CPU per call | {f['server_cpu_ms_per_call']:g} ms |",
        f"| result size ({SESSION_ID}) | {d['result_chars']} characters |",
        f"| errors during the run | {d['errors']} |",
        "",
    ]
    return "\n".join(lines)


def chart(server: list[float], direct: list[float], path: Path) -> bool:
    try:
        matplotlib: Any = importlib.import_module("matplotlib")
    except ImportError:
        return False
    matplotlib.use("Agg")
    plt: Any = importlib.import_module("matplotlib.pyplot")
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.hist([ms(s) for s in direct], bins=40, alpha=0.6, label="boto3 get_session")
    ax.hist([ms(s) for s in server], bins=40, alpha=0.6, label="MCP tools/call over stdio")
    ax.set_xlabel("latency (ms)")
    ax.set_ylabel("calls")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=200, help="sequential calls after warm-up")
    parser.add_argument("--spawns", type=int, default=5, help="spawn→initialize runs")
    parser.add_argument("--burst", type=int, default=50, help="concurrent calls per burst")
    parser.add_argument("--bursts", type=int, default=3, help="bursts (median reported)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    os.environ.update(CREDENTIALS)  # the direct boto3 client; never real AWS

    emulator = Emulator()
    try:
        print(f"emulator at {emulator.endpoint_url}", file=sys.stderr)
        spawn = bench_spawn(emulator.endpoint_url, args.spawns)
        floor = bench_import_floor(3)
        direct, direct_rate = bench_boto3(emulator.endpoint_url, args.calls, args.burst)
        run = bench_server(emulator.endpoint_url, args.calls, args.burst, args.bursts)
    finally:
        emulator.close()
    # The same against a trivial keep-alive loopback endpoint: what the server costs when AWS is ~free.
    with serve_fake(FakeAthena()) as fast_url:
        fast_direct, fast_direct_rate = bench_boto3(fast_url, args.calls, args.burst)
        fast = bench_server(fast_url, args.calls, args.burst, args.bursts)
    served, rates, rss, size, errors = run.latencies, run.burst_rates, run.rss, run.result_chars, run.errors
    errors += fast.errors

    spawn_median = statistics.median(spawn)
    served_median, direct_median = statistics.median(served), statistics.median(direct)
    rate = statistics.median(rates)
    rss_mb = rss / 2**20
    targets = [
        Target("spawn → initialize (median)", round(spawn_median, 3), "s", "≤ 0.5 s", spawn_median <= 0.5),
        Target(
            "tool call median",
            ms(served_median),
            "ms",
            f"≤ boto3 median + 2 ms ({ms(direct_median) + 2:g} ms)",
            served_median <= direct_median + 0.002,
        ),
        Target("burst of 50 concurrent calls", round(rate, 1), "calls/s", "≥ 170 calls/s", rate >= 170),
        Target("server RSS after the load", round(rss_mb, 1), "MB", "≤ 70 MB", rss_mb <= 70),
    ]
    report: dict[str, Any] = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "versions": versions(),
        "targets": [asdict(t) for t in targets],
        "details": {
            "calls": args.calls,
            "burst": args.burst,
            "server_median_ms": ms(served_median),
            "server_p95_ms": ms(percentile(served, 95)),
            "server_max_ms": ms(max(served)),
            "boto3_median_ms": ms(direct_median),
            "boto3_p95_ms": ms(percentile(direct, 95)),
            "boto3_burst_calls_per_s": round(direct_rate, 1),
            "server_burst_calls_per_s": [round(r, 1) for r in rates],
            "spawn_s": [round(s, 3) for s in spawn],
            "sdk_import_median_s": round(statistics.median(floor), 3),
            "server_cpu_ms_per_call": run.cpu_ms_per_call,
            "fast_endpoint": {
                "boto3_median_ms": ms(statistics.median(fast_direct)),
                "boto3_burst_calls_per_s": round(fast_direct_rate, 1),
                "server_median_ms": ms(statistics.median(fast.latencies)),
                "server_p95_ms": ms(percentile(fast.latencies, 95)),
                "server_burst_calls_per_s": round(statistics.median(fast.burst_rates), 1),
                "server_cpu_ms_per_call": fast.cpu_ms_per_call,
            },
            "rss_bytes": rss,
            "result_chars": size,
            "errors": errors,
        },
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out / "latest.md").write_text(markdown(report))
    if chart(served, direct, args.out / "latency.png"):
        print(f"chart: {args.out / 'latency.png'}", file=sys.stderr)
    print(markdown(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
