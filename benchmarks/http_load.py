"""HTTP figures (issue 19, item 9): calls/s and p50/p99 latency with 50 concurrent clients over stateless
streamable HTTP, for this server and for a bare MCPServer on the same machine, all against one seeded
emulator process on loopback.

    .venv/bin/python benchmarks/http_load.py [--clients 50] [--calls 1500] [--seconds 30] [--rounds 2]

Servers (each its own process, one uvicorn worker, 127.0.0.1):
* ours: `athena-session-mcp serve --transport streamable-http --stateless`, tools/call get_athena_session;
* bare, boto3: benchmarks/bare_http_server.py, a tool making the same warm boto3 GetSession call;
* bare, trivial: the same bare server's `ping`, the SDK's HTTP path with no AWS call at all.

A call is one POST of tools/call (a stateless server needs no initialize first), timed from send to the
whole answer. The load runs in this process: CLIENTS asyncio tasks on one keep-alive httpx2 client, after a
warm-up, for `--calls` calls or `--seconds`, whichever comes first; the rounds alternate the servers so
that a busy machine slows all alike. Client, servers and emulator share the machine's cores: the figures
compare servers with each other, they are no capacity planning for a real host.

* ours, OAuth: the same with `--oauth-issuer` (a local OpenID provider process, tests/oidc_provider.py)
  and `--public-url`; every request carries a JWT access token, whose signature, issuer, audience and
  expiry the server checks on each call (the JWKS is fetched once and cached).

Writes benchmarks/results/http.json and http.md; exits 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import queue
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Generator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: make the tests' helpers importable
    sys.path.insert(0, str(REPO))

import httpx2  # noqa: E402
import psutil  # noqa: E402
from tests.reliability import emulator_process, free_port, stop_process  # noqa: E402
from tests.stdio_harness import CONSOLE_SCRIPT, server_env  # noqa: E402

from athena_session_mcp.settings import EMULATOR_ENV  # noqa: E402

RESULTS = REPO / "benchmarks" / "results"
BARE_HTTP = REPO / "benchmarks" / "bare_http_server.py"
SESSION = "demo-idle-near-timeout"
READY = re.compile(r"serving MCP over streamable HTTP at (http://\S+)")
HEADERS = {
    "Accept": "application/json, text/event-stream",
    "Content-Type": "application/json",
    "MCP-Protocol-Version": "2025-06-18",
}
WARM_UP_CALLS = 100


@dataclass(frozen=True)
class Target:
    """One server to measure: how to start it, which tool to call, what each request carries."""

    name: str
    command: list[str]
    tool: str
    arguments: dict[str, Any]
    headers: Mapping[str, str] = field(default_factory=dict[str, str])


@dataclass(frozen=True)
class Issuer:
    """A running OpenID provider and how to mint its access tokens."""

    url: str
    mint: Callable[[str], str]  # audience -> a signed JWT access token


@contextmanager
def oidc_provider() -> Generator[Issuer]:
    """tests/oidc_provider.py as its own process on loopback; tokens for the benchmark's one person."""
    from tests.oidc_provider import provider_process

    with provider_process() as provider:
        yield Issuer(
            provider.issuer,
            lambda audience: provider.access_token("bench", "bench-client", "athena-session:read", audience),
        )


def targets(endpoint: str, *, oauth: Issuer | None = None) -> list[Target]:
    """The servers of one run; with `oauth`, also ours as an OAuth resource server."""
    ours = [str(CONSOLE_SCRIPT), "serve", "--transport", "streamable-http", "--stateless"]
    bare = [sys.executable, str(BARE_HTTP), "--port", "0", "--endpoint-url", endpoint]
    run = [
        Target(
            "ours",
            [*ours, "--port", "0", "--endpoint-url", endpoint],
            "get_athena_session",
            {"SessionId": SESSION},
        ),
        Target("bare MCPServer, boto3 GetSession", bare, "get_session", {"SessionId": SESSION}),
        Target("bare MCPServer, trivial tool", bare, "ping", {"text": "x"}),
    ]
    if oauth is not None:
        # The public URL is the tokens' audience, so the port is chosen before the server starts.
        public_url = f"http://127.0.0.1:{free_port()}/mcp"
        port = public_url.rsplit(":", 1)[1].removesuffix("/mcp")
        command = [*ours, "--port", port, "--endpoint-url", endpoint]
        command += ["--oauth-issuer", oauth.url, "--public-url", public_url]
        bearer = {"Authorization": f"Bearer {oauth.mint(public_url)}"}
        run.insert(
            1,
            Target(
                "ours, OAuth (JWT checked per call)",
                command,
                "get_athena_session",
                {"SessionId": SESSION},
                bearer,
            ),
        )
    return run


@contextmanager
def running(target: Target) -> Generator[tuple[str, psutil.Process]]:
    """Start the target's server, wait (bounded) for its ready line; yields its URL and process."""
    env = server_env(EMULATOR_ENV)
    proc = subprocess.Popen(
        target.command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    urls: queue.Queue[str] = queue.Queue()

    def drain() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:  # read to the end: a full pipe would block the server
            if match := READY.search(line):
                urls.put(match.group(1))
        urls.put("")

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        url = urls.get(timeout=60)
        if not url:
            raise RuntimeError(f"{target.name} exited with {proc.wait()}")
        yield url, psutil.Process(proc.pid)
    finally:
        stop_process(proc)
        reader.join(timeout=5)


def answer_ok(response: httpx2.Response) -> bool:
    """A JSON-RPC result that is not a tool error (JSON or a one-event SSE stream)."""
    if response.status_code != 200:
        return False
    data = [line[5:] for line in response.text.splitlines() if line.startswith("data:")]
    message = json.loads(data[-1] if data else response.text)
    return "result" in message and not message["result"].get("isError")


async def load(
    target: Target, url: str, clients: int, calls: int, seconds: float
) -> tuple[list[float], int, float]:
    """(latencies of the answered calls, errors, wall seconds) of up to `calls` calls from `clients` tasks."""
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {"name": target.tool, "arguments": target.arguments},
    }
    headers = {**HEADERS, **target.headers}
    latencies: list[float] = []
    errors = 0
    remaining = iter(range(calls))
    deadline = time.monotonic() + seconds
    limits = httpx2.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx2.AsyncClient(timeout=60, limits=limits) as http:

        async def client() -> None:
            nonlocal errors
            for _ in remaining:
                if time.monotonic() > deadline:
                    return
                begin = time.perf_counter()
                try:
                    ok = answer_ok(await http.post(url, json=body, headers=headers))
                except (httpx2.HTTPError, ValueError):
                    ok = False
                if ok:
                    latencies.append(time.perf_counter() - begin)
                else:
                    errors += 1

        begin = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        wall = time.perf_counter() - begin
    return latencies, errors, wall


@dataclass
class Figures:
    server: str
    tool: str
    calls: int
    errors: int
    calls_per_s: float
    p50_ms: float
    p99_ms: float
    server_cpu_ms_per_call: float
    client_cpu_ms_per_call: float


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(
    all_targets: list[Target], clients: int, calls: int, seconds: float, rounds: int
) -> list[Figures]:
    samples: dict[str, list[float]] = {t.name: [] for t in all_targets}
    errors = dict.fromkeys(samples, 0)
    walls = dict.fromkeys(samples, 0.0)
    cpu = dict.fromkeys(samples, 0.0)
    client_cpu = dict.fromkeys(samples, 0.0)
    for round_ in range(rounds):
        for target in all_targets:
            with running(target) as (url, proc):
                asyncio.run(load(target, url, clients, WARM_UP_CALLS, seconds))
                before, client_before = sum(proc.cpu_times()[:2]), time.process_time()
                latencies, failed, wall = asyncio.run(load(target, url, clients, calls, seconds))
                cpu[target.name] += sum(proc.cpu_times()[:2]) - before
                client_cpu[target.name] += time.process_time() - client_before
            samples[target.name] += latencies
            errors[target.name] += failed
            walls[target.name] += wall
            print(
                f"round {round_ + 1}/{rounds} {target.name}: {len(latencies) / wall:.0f} calls/s, {failed} errors",
                file=sys.stderr,
                flush=True,
            )
    figures: list[Figures] = []
    for target in all_targets:
        ordered = sorted(samples[target.name])
        done = len(ordered)
        figures.append(
            Figures(
                target.name,
                target.tool,
                done,
                errors[target.name],
                round(done / walls[target.name], 1),
                round(statistics.median(ordered) * 1000, 1),
                round(percentile(ordered, 0.99) * 1000, 1),
                round(cpu[target.name] / max(1, done + errors[target.name]) * 1000, 2),
                round(client_cpu[target.name] / max(1, done + errors[target.name]) * 1000, 2),
            )
        )
    return figures


def markdown(figures: list[Figures], header: str, clients: int) -> str:
    lines = [
        "# HTTP benchmark",
        "",
        header,
        "",
        f"{clients} concurrent clients, stateless streamable HTTP on loopback, one seeded emulator process.",
        "",
        "| Server | Tool | Calls | Errors | Calls/s | p50 ms | p99 ms | Server CPU ms/call | Client CPU ms/call |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {f.server} | {f.tool} | {f.calls} | {f.errors} | {f.calls_per_s} | {f.p50_ms} | {f.p99_ms} | "
        f"{f.server_cpu_ms_per_call} | {f.client_cpu_ms_per_call} |"
        for f in figures
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="HTTP calls/s and latency, ours vs a bare MCPServer")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--calls", type=int, default=1500, help="calls per server per round (default 1500)")
    parser.add_argument("--seconds", type=float, default=30, help="time bound per server per round")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    load_at_start = os.getloadavg()[0]
    with emulator_process(EMULATOR_ENV) as endpoint, oidc_provider() as issuer:
        figures = measure(
            targets(endpoint, oauth=issuer), args.clients, args.calls, args.seconds, args.rounds
        )
    import importlib.metadata as md

    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    header = (
        f"{now} · {os.cpu_count()} CPUs ({platform.machine()}, load {load_at_start:.2f} at start) · "
        f"Python {platform.python_version()} · mcp {md.version('mcp')} · uvicorn {md.version('uvicorn')}"
    )
    report = {
        "when": now,
        "machine": {
            "cpus": os.cpu_count(),
            "processor": platform.machine(),
            "load_average_1m": load_at_start,
        },
        "settings": vars(args),
        "figures": [asdict(f) for f in figures],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "http.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    text = markdown(figures, header, args.clients)
    (RESULTS / "http.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
