"""Benchmark the five targets of issue J in one run, each as a ratio against its own baseline:

1. what the model reads for one session vs the compact raw GetSession response (and every tool's answer
   vs the AWS responses behind it);
2. the server's own cost per call: get_athena_session median - a bare MCPServer's trivial tool median
   (both over stdio) - a warm boto3 get_session median on the same loopback endpoint;
3. start-up, spawn -> initialize, vs the bare MCPServer (interleaved cold starts), and what is imported;
4. a 300-session digest on an endpoint taking ~25 ms per call vs the naive boto3 loop, and once more
   with a share of calls throttled;
5. RSS after 1,000 calls vs the bare MCPServer's after 1,000 calls.

    .venv/bin/python benchmarks/run.py [--calls 1000] [--spawns 7] [--sessions 300] [--latency 0.025]

Writes benchmarks/results/latest.json and latest.md. Exit status is 0 even when a target is missed:
the numbers are the deliverable, misses are reported with a breakdown.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: make the tests' helpers importable
    sys.path.insert(0, str(REPO))

import boto3  # noqa: E402
import psutil  # noqa: E402
from botocore.config import Config  # noqa: E402
from tests.reliability import FakeAthena, serve_fake  # noqa: E402
from tests.stdio_harness import StdioServer, is_tool_error, server_env, tool_text  # noqa: E402
from tests.workgroup_fake import FakeSession, WorkgroupFake, fleet  # noqa: E402

from athena_session_mcp.athena.vocabulary import SESSION_STATES  # noqa: E402
from athena_session_mcp.tools.budget import OUTPUT_BUDGET_CHARS  # noqa: E402

RESULTS = REPO / "benchmarks" / "results"
BARE = REPO / "benchmarks" / "bare_server.py"
REGION = "us-east-1"
WORKGROUP = "bench-wg"
SESSION = "s-0000"  # an IDLE session of the loopback workgroup
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "AKIABENCHFAKEKEY0000",
    "AWS_SECRET_ACCESS_KEY": "bench-fake-secret",
    "AWS_REGION": REGION,
}
LAZY = ("boto3", "botocore", "moto", "uvicorn")


@dataclass
class Target:
    name: str
    measured: float
    unit: str
    target: str
    met: bool


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def compact(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str))


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- processes -------------------------------------------------------------------------------------


def ours(endpoint_url: str, extra_env: Mapping[str, str] | None = None) -> StdioServer:
    return StdioServer(
        ["serve", "--endpoint-url", endpoint_url, "--region", REGION], server_env(CREDENTIALS, extra_env)
    )


def bare(extra_env: Mapping[str, str] | None = None) -> StdioServer:
    server = StdioServer([], server_env(CREDENTIALS, extra_env))
    server.args = [sys.executable, str(BARE)]
    return server


def timed_calls(server: StdioServer, name: str, arguments: dict[str, Any], count: int) -> list[float]:
    samples: list[float] = []
    for _ in range(count):
        begin = time.perf_counter()
        response = server.call_tool(name, arguments, timeout=60)
        samples.append(time.perf_counter() - begin)
        if "result" not in response or is_tool_error(response):
            raise RuntimeError(f"{name} failed: {str(response)[:300]}")
    return samples


# --- 1. what the model reads ----------------------------------------------------------------------


def answer_sizes() -> dict[str, Any]:
    """Every tool's typical answer on the seeded emulator, in process, vs the AWS responses behind it."""
    from mcp import Client
    from tests.conftest import server_for
    from tests.fleet import emulated_athena

    from athena_session_mcp.athena.responses import clean_response

    session, calc = "demo-idle-near-timeout", "demo-idle-calc-failed"
    out: dict[str, Any] = {}

    async def measure() -> None:
        with emulated_athena() as client:
            server = server_for(client)
            statuses: dict[str, list[Any]] = {}
            for state in SESSION_STATES:
                statuses[state] = client.list_sessions(WorkGroup="demo-spark", StateFilter=state)["Sessions"]
            digest_raw: list[Any] = [statuses] + [
                clean_response(client.get_session(SessionId=s["SessionId"]))
                for items in statuses.values()
                for s in items
            ]
            cases: list[tuple[str, dict[str, Any], Any]] = [
                ("get_athena_session", {"SessionId": session}, client.get_session(SessionId=session)),
                (
                    "get_athena_session_status",
                    {"SessionId": session},
                    client.get_session_status(SessionId=session),
                ),
                (
                    "list_athena_sessions",
                    {"WorkGroup": "demo-spark"},
                    client.list_sessions(WorkGroup="demo-spark", MaxResults=50),
                ),
                ("list_spark_workgroups", {}, client.list_work_groups(MaxResults=50)),
                (
                    "list_athena_calculations",
                    {"SessionId": "demo-idle"},
                    client.list_calculation_executions(SessionId="demo-idle", MaxResults=20),
                ),
                (
                    "get_athena_calculation",
                    {"CalculationExecutionId": calc},
                    client.get_calculation_execution(CalculationExecutionId=calc),
                ),
                ("summarize_athena_workgroup_sessions", {"WorkGroup": "demo-spark"}, digest_raw),
            ]
            async with Client(server) as mcp_client:
                for name, arguments, raw in cases:
                    result = await mcp_client.call_tool(name, arguments)
                    text = " ".join(getattr(b, "text", "") for b in result.content)
                    structured = compact(result.structured_content)
                    raw_size = compact(clean_response(raw) if isinstance(raw, Mapping) else raw)  # pyright: ignore[reportUnknownArgumentType]
                    out[name] = {
                        "text_chars": len(text),
                        "structured_chars": structured,
                        "raw_chars": raw_size,
                        "ratio": round(max(len(text), structured) / raw_size, 2),
                    }
                    if name == "get_athena_session":
                        out[name]["breakdown"] = session_breakdown(result.structured_content or {})
                # Every demo session, for the spread of the get_athena_session figure.
                ratios: list[float] = []
                for items in statuses.values():
                    for item in items:
                        sid = item["SessionId"]
                        result = await mcp_client.call_tool("get_athena_session", {"SessionId": sid})
                        raw_size = compact(clean_response(client.get_session(SessionId=sid)))
                        ratios.append(round(compact(result.structured_content) / raw_size, 2))
                out["get_athena_session"]["all_demo_sessions"] = sorted(ratios)

    asyncio.run(measure())
    return out


def session_breakdown(content: Mapping[str, Any]) -> dict[str, int]:
    """Where the characters of one get_athena_session answer go."""
    summary: dict[str, Any] = dict(content.get("summary", {}))
    raw = content.get("raw", {})
    copies = ("session_id", "workgroup", "description", "engine_version", "state", "state_change_reason")
    timing = dict(summary.get("timing", {}))
    copied_timing = {
        k: timing.pop(k) for k in ("started_at", "last_modified_at", "idle_since", "ended_at") if k in timing
    }
    config = dict(summary.get("config", {}))
    copied_config = {
        k: config.pop(k)
        for k in ("execution_role_arn", "encryption_option", "working_directory")
        if k in config
    }
    return {
        "raw": compact(raw),
        "summary": compact(summary),
        "summary_findings": compact(summary.get("findings", [])),
        "summary_headline": compact(summary.get("headline", "")),
        "summary_copies_of_raw": compact({k: summary[k] for k in copies if k in summary})
        + compact(copied_timing)
        + compact(copied_config)
        + compact(summary.get("capacity", {})),
        "summary_derived_rest": compact(
            {k: v for k, v in summary.items() if k not in (*copies, "findings", "headline", "capacity")}
            | {"timing": timing, "config": config}
        ),
    }


# --- 2 and 5. per-call cost and memory ---------------------------------------------------------------


@dataclass
class CallRun:
    median: float
    p95: float
    rss_after_init: int
    rss_after_calls: int
    cpu_ms_per_call: float


def _boto3_client(endpoint_url: str) -> Any:
    return boto3.session.Session(  # pyright: ignore[reportUnknownMemberType]
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        region_name=REGION,
    ).client("athena", endpoint_url=endpoint_url, config=Config(retries={"mode": "standard"}))


def interleaved_calls(endpoint_url: str, calls: int, blocks: int = 10) -> tuple[CallRun, CallRun, float]:
    """`calls` sequential calls each to the bare server's trivial tool, to our get_athena_session and to a
    warm boto3 get_session, in alternating blocks so that a busy machine slows all three alike."""
    client = _boto3_client(endpoint_url)

    def direct(count: int) -> list[float]:
        samples: list[float] = []
        for _ in range(count):
            begin = time.perf_counter()
            client.get_session(SessionId=SESSION)
            samples.append(time.perf_counter() - begin)
        return samples

    with bare() as theirs, ours(endpoint_url) as mine:
        theirs.initialize(timeout=60)
        mine.initialize(timeout=60)
        procs = {"bare": psutil.Process(theirs.pid), "ours": psutil.Process(mine.pid)}
        rss_init = {k: p.memory_info().rss for k, p in procs.items()}
        direct(50)  # warm: every side's connections, clients and threads
        timed_calls(theirs, "ping", {"text": "x"}, 50)
        timed_calls(mine, "get_athena_session", {"SessionId": SESSION}, 50)
        cpu_before = {k: sum(p.cpu_times()[:2]) for k, p in procs.items()}
        samples: dict[str, list[float]] = {"bare": [], "ours": [], "boto3": []}
        per = max(1, calls // blocks)
        for _ in range(blocks):
            samples["bare"] += timed_calls(theirs, "ping", {"text": "x"}, per)
            samples["ours"] += timed_calls(mine, "get_athena_session", {"SessionId": SESSION}, per)
            samples["boto3"] += direct(per)
        cpu = {k: (sum(p.cpu_times()[:2]) - cpu_before[k]) / (per * blocks) * 1000 for k, p in procs.items()}
        rss = {k: p.memory_info().rss for k, p in procs.items()}

    def run(key: str) -> CallRun:
        ordered = sorted(samples[key])
        return CallRun(
            statistics.median(ordered),
            ordered[int(0.95 * (len(ordered) - 1))],
            rss_init[key],
            rss[key],
            round(cpu[key], 3),
        )

    return run("bare"), run("ours"), statistics.median(samples["boto3"])


def code_path_breakdown(rounds: int = 2000) -> dict[str, float]:
    """Microseconds per call of the server's own steps for one get_athena_session answer, in process:
    the summary, the lean document and its text, and the SDK's validation of the structured content."""
    from datetime import UTC
    from datetime import datetime as dt

    import anyio
    from botocore.parsers import JSONParser
    from botocore.session import get_session

    from athena_session_mcp.app import build_server
    from athena_session_mcp.athena.responses import clean_response
    from athena_session_mcp.health.session import summarize_session
    from athena_session_mcp.settings import Settings
    from athena_session_mcp.tools.answers import answer
    from athena_session_mcp.tools.models import (
        GetSessionResult,
    )

    model = get_session().get_service_model("athena").operation_model("GetSession").output_shape
    assert model is not None

    idle = FakeSession("s-1", "IDLE", started=time.time() - 3600, idle_since=time.time() - 60)
    body = json.dumps(idle.get_session(WORKGROUP)).encode()
    response = JSONParser().parse({"body": body, "headers": {}, "status_code": 200}, model)
    now = dt.now(UTC)
    server = build_server(Settings(region=REGION, endpoint_url="http://127.0.0.1:9"))
    tool = next(t for t in server._tool_manager.list_tools() if t.name == "get_athena_session")  # pyright: ignore[reportPrivateUsage]

    def per_call(fn: Callable[[], Any]) -> float:
        begin = time.perf_counter()
        for _ in range(rounds):
            fn()
        return round((time.perf_counter() - begin) / rounds * 1e6, 1)

    result = GetSessionResult(summary=summarize_session(response, now=now), raw=clean_response(response))
    done = answer(result)

    async def hop() -> None:
        await anyio.to_thread.run_sync(lambda: None)

    async def hops() -> float:
        begin = time.perf_counter()
        for _ in range(rounds):
            await hop()
        return round((time.perf_counter() - begin) / rounds * 1e6, 1)

    return {
        "summary_us": per_call(lambda: summarize_session(response, now=now)),
        "raw_us": per_call(lambda: clean_response(response)),
        "lean_document_and_text_us": per_call(lambda: answer(result)),
        "sdk_validates_structured_content_us": per_call(lambda: tool.fn_metadata.convert_result(done)),
        "worker_thread_hop_us": anyio.run(hops),
    }


# --- 3. start-up --------------------------------------------------------------------------------------


def spawn_once(make: Callable[[], StdioServer]) -> float:
    server = make()
    with server:
        response = server.initialize(timeout=60)
        elapsed = time.perf_counter() - server.started_at
        assert "result" in response, response
    return elapsed


def _import_times(server: StdioServer) -> dict[str, int]:
    """Self import time (µs) per module of `server` up to its initialize answer (`-X importtime`)."""
    with server:
        server.initialize(timeout=60)
        time.sleep(0.2)
        stderr = server.stderr()
    times: dict[str, int] = {}
    for line in stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if match:
            times[match.group(4)] = int(match.group(1))
    return times


def imports_at_start(endpoint_url: str) -> dict[str, Any]:
    """What our server imports up to the initialize answer that the bare MCPServer does not, and how long
    our own package and building its tools take."""
    env = {"PYTHONPROFILEIMPORTTIME": "1"}
    mine, theirs = _import_times(ours(endpoint_url, env)), _import_times(bare(env))
    extra = {name: us for name, us in mine.items() if name not in theirs}
    roots = {name.split(".")[0] for name in extra}
    # Building the tools (their input and output JSON schemas) in a fresh interpreter, after the imports.
    probe = (
        "import time; import mcp.server.mcpserver; from athena_session_mcp.app import build_server; "
        "from athena_session_mcp.settings import Settings; t = time.perf_counter(); "
        "build_server(Settings(region='us-east-1')); print(time.perf_counter() - t)"
    )
    builds = [
        float(
            subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
        )
        for _ in range(3)
    ]
    return {
        "build_server_ms": round(statistics.median(builds) * 1000, 1),
        "lazy_modules_imported_at_start": [m for m in LAZY if m in roots],
        "lazy_modules_the_sdk_itself_imports": [m for m in LAZY if m in {n.split(".")[0] for n in theirs}],
        "extra_modules": sorted(roots),
        "extra_imports_self_ms": round(sum(extra.values()) / 1000, 1),
    }


# --- 4. fleet digest ---------------------------------------------------------------------------------


def naive_loop(endpoint_url: str) -> tuple[float, int]:
    """List every state's sessions, then GetSession one by one, with a warm boto3 client."""
    client: Any = boto3.session.Session(  # pyright: ignore[reportUnknownMemberType]
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        region_name=REGION,
    ).client("athena", endpoint_url=endpoint_url)
    client.list_work_groups()  # warm: service model, endpoint rules, connection
    begin = time.perf_counter()
    ids: list[str] = []
    for state in SESSION_STATES:
        request: dict[str, Any] = {"WorkGroup": WORKGROUP, "StateFilter": state, "MaxResults": 100}
        while True:  # ListSessions has no botocore paginator
            page = client.list_sessions(**request)
            ids.extend(s["SessionId"] for s in page["Sessions"])
            if not page.get("NextToken"):
                break
            request["NextToken"] = page["NextToken"]
    for session_id in ids:
        client.get_session(SessionId=session_id)
    return time.perf_counter() - begin, len(ids)


@dataclass
class DigestRun:
    seconds: float
    examined: int
    listed: int
    detail_errors: int
    states_not_listed: int
    progress_notifications: int
    answer_chars: int
    attempts: dict[str, int]
    throttled: dict[str, int]


def digest_run(sessions: int, latency: float, throttle_share: float = 0.0) -> tuple[DigestRun, float, int]:
    fake = WorkgroupFake(WORKGROUP, fleet(sessions), latency=latency, throttle_share=throttle_share)
    endpoint = FakeAthena(fake.behaviour)
    with serve_fake(endpoint) as url:
        naive_seconds, naive_count = (0.0, 0) if throttle_share else naive_loop(url)
        endpoint.reset(fake.behaviour)
        fake.throttled.clear()
        server = ours(url)
        with server:
            server.initialize(timeout=60)
            server.call_tool("get_athena_session", {"SessionId": "s-0000"})  # warm: the boto3 client
            endpoint.reset(fake.behaviour)
            fake.throttled.clear()
            begin = time.perf_counter()
            request_id = server.send(
                "tools/call",
                {
                    "name": "summarize_athena_workgroup_sessions",
                    "arguments": {"WorkGroup": WORKGROUP, "MaxSessions": sessions},
                    "_meta": {"progressToken": "bench"},
                },
            )
            response = server.wait_for(request_id, timeout=120)
            seconds = time.perf_counter() - begin
            progress = sum(1 for m in server.unsolicited() if m.get("method") == "notifications/progress")
    if is_tool_error(response) or "result" not in response:
        raise RuntimeError(f"digest failed: {str(response)[:500]}")
    content: dict[str, Any] = response["result"]["structuredContent"]
    run = DigestRun(
        round(seconds, 3),
        content["sessions_examined"],
        content["sessions_listed"],
        len(content.get("detail_errors", [])),
        len(content.get("states_not_listed", [])),
        progress,
        len(tool_text(response)),
        dict(endpoint.attempts),
        dict(fake.throttled),
    )
    return run, naive_seconds, naive_count


# --- report ------------------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    out: dict[str, str] = {"python": platform.python_version()}
    for dist in ("athena-session-mcp", "mcp", "boto3", "botocore", "pydantic"):
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            out[dist] = "absent"
    return out


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def markdown(report: dict[str, Any]) -> str:
    m, v, d = report["machine"], report["versions"], report["details"]
    lines = [
        "# Benchmark results",
        "",
        f"{report['when']} · {m['cpus']} CPUs ({m['processor']}, load {m['load_average_1m']} at start) · "
        f"{m['platform']} · Python {v['python']} · mcp {v['mcp']} · boto3 {v['boto3']}",
        "",
        "| # | Measure | Measured | Target | Result |",
        "|---|---|---|---|---|",
    ]
    for i, t in enumerate(report["targets"], 1):
        lines.append(
            f"| {i} | {t['name']} | {t['measured']:g} {t['unit']} | {t['target']} | "
            f"{'pass' if t['met'] else 'MISS'} |"
        )
    sizes = d["answers"]
    lines += ["", "## 1. What the model reads, per tool (max of text block and structured content)", ""]
    lines += ["| Tool | Answer chars | AWS response chars | Ratio |", "|---|---|---|---|"]
    for name, s in sizes.items():
        lines.append(
            f"| {name} | {max(s['text_chars'], s['structured_chars'])} | {s['raw_chars']} | {s['ratio']:g}× |"
        )
    b = sizes["get_athena_session"]["breakdown"]
    lines += [
        "",
        f"get_athena_session over every demo session: {', '.join(f'{r:g}' for r in sizes['get_athena_session']['all_demo_sessions'])}.",
        f"Breakdown of one answer: raw {b['raw']} · summary {b['summary']} = findings {b['summary_findings']} + "
        f"headline {b['summary_headline']} + copies of raw fields {b['summary_copies_of_raw']} + derived "
        f"fields {b['summary_derived_rest']} (+ keys and braces).",
        "",
        "## Details",
        "",
        "| Context | Value |",
        "|---|---|",
    ]
    c = d["calls"]
    lines += [
        f"| get_athena_session median / p95 (stdio, loopback endpoint) | {c['ours_median_ms']:g} / {c['ours_p95_ms']:g} ms |",
        f"| bare MCPServer trivial tool median / p95 (stdio) | {c['bare_median_ms']:g} / {c['bare_p95_ms']:g} ms |",
        f"| warm boto3 get_session median (same endpoint) | {c['boto3_median_ms']:g} ms |",
        f"| server CPU per call: ours / bare | {c['ours_cpu_ms']:g} / {c['bare_cpu_ms']:g} ms |",
        "| our code per get_athena_session call, in process: "
        + ", ".join(f"{k.removesuffix('_us').replace('_', ' ')} {v:g}" for k, v in d["code_path_us"].items())
        + " | µs |",
        f"| RSS after initialize: ours / bare | {c['ours_rss_init_mb']:g} / {c['bare_rss_init_mb']:g} MB |",
        f"| RSS after {c['calls']} calls: ours / bare | {c['ours_rss_mb']:g} / {c['bare_rss_mb']:g} MB |",
        f"| spawn→initialize, ours (each) | {', '.join(f'{s:g}' for s in d['spawn']['ours_s'])} s |",
        f"| spawn→initialize, bare (each) | {', '.join(f'{s:g}' for s in d['spawn']['bare_s'])} s |",
        f"| imported at start by us, not by the bare MCPServer, of {', '.join(LAZY)} | "
        f"{', '.join(d['imports']['lazy_modules_imported_at_start']) or 'none'} (the SDK itself imports "
        f"{', '.join(d['imports']['lazy_modules_the_sdk_itself_imports']) or 'none'}) |",
        f"| what we import beyond the bare MCPServer (-X importtime, self) | "
        f"{', '.join(d['imports']['extra_modules'])}: {d['imports']['extra_imports_self_ms']:g} ms |",
        f"| building the server's tools and schemas at start (fresh interpreter, median of 3) | "
        f"{d['imports']['build_server_ms']:g} ms |",
    ]
    g, t = d["digest"], d["digest_throttled"]
    lines += [
        f"| naive loop over {g['listed']} sessions ({d['latency_ms']:g} ms per call) | {d['naive_s']:g} s |",
        f"| digest: time, examined/listed, progress notifications, answer chars | {g['seconds']:g} s, "
        f"{g['examined']}/{g['listed']}, {g['progress_notifications']}, {g['answer_chars']} (budget {OUTPUT_BUDGET_CHARS}) |",
        f"| digest, {d['throttle_share']:.0%} of calls throttled: time, examined/listed, unread, states not listed | "
        f"{t['seconds']:g} s, {t['examined']}/{t['listed']}, {t['detail_errors']}, {t['states_not_listed']} |",
        f"| … throttled answers (each retried by botocore or reported) / attempts at the endpoint | "
        f"{sum(t['throttled'].values())} / {sum(t['attempts'].values())} ({t['throttled']}) |",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--calls", type=int, default=1000, help="sequential calls per server (targets 2 and 5)"
    )
    parser.add_argument("--spawns", type=int, default=7, help="cold starts per server (target 3)")
    parser.add_argument("--sessions", type=int, default=300, help="workgroup size (target 4)")
    parser.add_argument("--latency", type=float, default=0.025, help="seconds per call at the fleet endpoint")
    parser.add_argument("--throttle-share", type=float, default=0.2, help="share of calls throttled")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    os.environ.update(CREDENTIALS)  # the direct boto3 clients; never real AWS
    started = machine()

    log("1/5 answer sizes")
    sizes = answer_sizes()
    breakdown = code_path_breakdown()

    log("3/5 start-up (interleaved cold starts)")
    spawn_ours: list[float] = []
    spawn_bare: list[float] = []
    with serve_fake(FakeAthena()) as url:
        for _ in range(args.spawns):
            spawn_bare.append(spawn_once(bare))
            spawn_ours.append(spawn_once(lambda: ours(url)))
        imports = imports_at_start(url)

    # GetSession in the service's own shape (EngineVersion a string), so no call needs a second request.
    with serve_fake(FakeAthena(WorkgroupFake(WORKGROUP, fleet(50)).behaviour)) as url:
        log("2,5/5 per-call cost and memory")
        bare_run, ours_run, direct = interleaved_calls(url, args.calls)

    log("4/5 fleet digest")
    digest, naive_s, naive_count = digest_run(args.sessions, args.latency)
    throttled, _, _ = digest_run(args.sessions, args.latency, args.throttle_share)
    if naive_count != args.sessions:
        raise RuntimeError(f"the naive loop saw {naive_count} sessions, not {args.sessions}")

    answer_ratio = sizes["get_athena_session"]["ratio"]
    own_cost = ours_run.median - bare_run.median - direct
    spawn_ratio = statistics.median(spawn_ours) / statistics.median(spawn_bare)
    digest_ratio = digest.seconds / naive_s
    rss_extra = (ours_run.rss_after_calls - bare_run.rss_after_calls) / 2**20
    digest_ok = (
        digest_ratio <= 0.2
        and digest.examined == args.sessions
        and digest.progress_notifications > 0
        and digest.answer_chars <= OUTPUT_BUDGET_CHARS
    )
    targets = [
        Target(
            "get_athena_session answer / compact raw GetSession",
            answer_ratio,
            "×",
            "≤ 1.4×",
            answer_ratio <= 1.4,
        ),
        Target(
            "server's own cost per call (ours − bare trivial − boto3)",
            ms(own_cost),
            "ms",
            "≤ 1 ms",
            own_cost <= 0.001,
        ),
        Target(
            "spawn→initialize, ours / bare MCPServer (medians)",
            round(spawn_ratio, 3),
            "×",
            "≤ 1×",
            spawn_ratio <= 1,
        ),
        Target(
            f"digest of {args.sessions} sessions / naive loop ({args.latency * 1000:g} ms per call)",
            round(digest_ratio, 3),
            "×",
            "≤ 0.2×, all examined, progress, in budget",
            digest_ok,
        ),
        Target(
            f"RSS after {args.calls} calls, ours − bare",
            round(rss_extra, 1),
            "MB",
            "≤ 25 MB",
            rss_extra <= 25,
        ),
    ]
    report: dict[str, Any] = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": started,
        "versions": versions(),
        "targets": [asdict(t) for t in targets],
        "details": {
            "answers": sizes,
            "code_path_us": breakdown,
            "calls": {
                "calls": args.calls,
                "ours_median_ms": ms(ours_run.median),
                "ours_p95_ms": ms(ours_run.p95),
                "bare_median_ms": ms(bare_run.median),
                "bare_p95_ms": ms(bare_run.p95),
                "boto3_median_ms": ms(direct),
                "ours_cpu_ms": ours_run.cpu_ms_per_call,
                "bare_cpu_ms": bare_run.cpu_ms_per_call,
                "ours_rss_init_mb": round(ours_run.rss_after_init / 2**20, 1),
                "bare_rss_init_mb": round(bare_run.rss_after_init / 2**20, 1),
                "ours_rss_mb": round(ours_run.rss_after_calls / 2**20, 1),
                "bare_rss_mb": round(bare_run.rss_after_calls / 2**20, 1),
            },
            "spawn": {
                "ours_s": [round(s, 3) for s in spawn_ours],
                "bare_s": [round(s, 3) for s in spawn_bare],
            },
            "imports": imports,
            "latency_ms": args.latency * 1000,
            "throttle_share": args.throttle_share,
            "naive_s": round(naive_s, 3),
            "digest": asdict(digest),
            "digest_throttled": asdict(throttled),
        },
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out / "latest.md").write_text(markdown(report))
    print(markdown(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
