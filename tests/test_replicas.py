"""Three stateless replicas behind a real haproxy (Debian's), one killed during a bounded load.

One seeded emulator process, three `serve --transport streamable-http --stateless` processes against it,
haproxy round-robin in front, everything on loopback. Each call is an MCP initialize followed by a
tools/call of get_athena_session, two independent POSTs that may land on different replicas: nothing a
request depends on lives in one process. Midway one replica is SIGKILLed. haproxy's health checks take it
out, and `retries` + `option redispatch` + `retry-on` resend a request whose connection was refused or cut
to another replica (safe here: every call of the load is a read).

Slow (about half a minute): in `make test`, not in `make check`.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest

from athena_session_mcp.settings import EMULATOR_ENV
from tests.reliability import emulator_process, free_port
from tests.test_transports import HttpServer, launch, stop

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

REPLICAS = 3
CLIENTS = 8
MAX_CALLS = 3000  # bounds of the load, whatever happens: calls in all, and seconds
LOAD_SECONDS = 120
KILL_AFTER = 60  # answered calls before the kill
GRACE_SECONDS = 2.0  # health checks every 200 ms, down after 2 failures: well within this
AFTER_SECONDS = 5.0  # load after the grace, then the load stops
SESSION = "demo-idle-near-timeout"
HEADERS = {
    "Accept": "application/json, text/event-stream",
    "Content-Type": "application/json",
    "MCP-Protocol-Version": "2025-06-18",
}
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "load", "version": "1"},
    },
}
CALL = {
    "jsonrpc": "2.0",
    "id": 2,
    "method": "tools/call",
    "params": {"name": "get_athena_session", "arguments": {"SessionId": SESSION}},
}


def haproxy_config(port: int, stats_socket: Path, backends: list[int]) -> str:
    servers = "\n".join(
        f"  server r{i} 127.0.0.1:{p} check inter 200ms fall 2 rise 2" for i, p in enumerate(backends)
    )
    return f"""\
global
  maxconn 256
  stats socket {stats_socket} level admin

defaults
  mode http
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  # A refused or cut connection is retried (up to 3 times), the last retries on another server.
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response response-timeout 502 503 504

frontend mcp
  bind 127.0.0.1:{port}
  default_backend replicas

backend replicas
  balance roundrobin
  # Which replica answered, for the test (a TCP check: the server on this branch may have no /health).
  http-response set-header X-Replica %[srv_name]
{servers}
"""


@dataclass
class Answer:
    started: float  # monotonic
    ended: float
    ok: bool
    replicas: tuple[str, ...]
    error: str = ""


def rpc_result(response: httpx2.Response) -> dict[str, Any]:
    """The JSON-RPC result of a streamable HTTP answer (JSON or a one-event SSE stream)."""
    text = response.text
    data = [line[5:] for line in text.splitlines() if line.startswith("data:")]
    message: dict[str, Any] = json.loads(data[-1] if data else text)
    if "result" not in message:
        raise RuntimeError(f"no result: {text[:300]}")
    return message["result"]


async def one_call(http: httpx2.AsyncClient, url: str) -> Answer:
    started = time.monotonic()
    replicas: list[str] = []
    try:
        for body in (INITIALIZE, CALL):
            response = await http.post(url, json=body, headers=HEADERS)
            replicas.append(response.headers.get("x-replica", "?"))
            response.raise_for_status()
            result = rpc_result(response)
        if result.get("isError") or result["structuredContent"]["summary"]["session_id"] != SESSION:
            return Answer(started, time.monotonic(), False, tuple(replicas), str(result)[:300])
    except (httpx2.HTTPError, RuntimeError, ValueError, KeyError) as exc:
        return Answer(started, time.monotonic(), False, tuple(replicas), f"{type(exc).__name__}: {exc}"[:300])
    return Answer(started, time.monotonic(), True, tuple(replicas))


def show_stat(stats_socket: Path) -> dict[str, dict[str, str]]:
    """haproxy's per-server statistics (CSV of `show stat`), keyed by server name."""
    with socket.socket(socket.AF_UNIX) as sock:
        sock.settimeout(5)
        sock.connect(str(stats_socket))
        sock.sendall(b"show stat\n")
        chunks: list[bytes] = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    lines = b"".join(chunks).decode().splitlines()
    header = lines[0].removeprefix("# ").split(",")
    rows = [dict(zip(header, line.split(","), strict=False)) for line in lines[1:] if line]
    return {row["svname"]: row for row in rows if row.get("pxname") == "replicas"}


def wait_for_port(port: int, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    pytest.fail(f"nothing listens on 127.0.0.1:{port} after {seconds}s")


@dataclass
class Cluster:
    url: str
    replicas: list[HttpServer]
    stats_socket: Path
    haproxy: subprocess.Popen[str]


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    if shutil.which("haproxy") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install haproxy (.ci/run)")
        pytest.skip("needs haproxy (Debian package haproxy)")
    env = {**EMULATOR_ENV, "PATH": os.environ.get("PATH", ""), "AWS_CONFIG_FILE": os.devnull}
    env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    with emulator_process(EMULATOR_ENV) as endpoint:
        replicas: list[HttpServer] = []
        proxy: subprocess.Popen[str] | None = None
        try:
            for _ in range(REPLICAS):
                replicas.append(launch(["--stateless", "--endpoint-url", endpoint], env))
            ports = [int(r.url.split(":")[-1].split("/")[0]) for r in replicas]
            port, stats = free_port(), tmp_path / "haproxy.sock"
            config = tmp_path / "haproxy.cfg"
            config.write_text(haproxy_config(port, stats, ports))
            proxy = subprocess.Popen(
                ["haproxy", "-db", "-f", str(config)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            wait_for_port(port)
            yield Cluster(f"http://127.0.0.1:{port}/mcp", replicas, stats, proxy)
        finally:
            if proxy is not None:
                proxy.terminate()
                try:
                    proxy.communicate(timeout=10)
                except subprocess.TimeoutExpired:
                    proxy.kill()
                    proxy.communicate(timeout=5)
            for replica in replicas:
                stop(replica)


async def run_load(url: str, calls: int, done: Callable[[int], bool]) -> list[Answer]:
    """Up to `calls` calls from CLIENTS concurrent clients (each its own connection pool) until
    `done(answers so far)` says so; bounded in time."""
    answers: list[Answer] = []
    remaining = iter(range(calls))

    async def client() -> None:
        async with httpx2.AsyncClient(timeout=10) as http:
            for _ in remaining:
                answers.append(await one_call(http, url))
                if done(len(answers)):
                    break

    with anyio.fail_after(LOAD_SECONDS):
        async with anyio.create_task_group() as tg:
            for _ in range(CLIENTS):
                tg.start_soon(client)
    return answers


async def test_killing_one_of_three_replicas_under_load_loses_no_call_after_a_short_grace(
    cluster: Cluster,
) -> None:
    victim = cluster.replicas[0]
    killed_at: list[float] = []

    def kill_then_stop(answered: int) -> bool:
        if answered >= KILL_AFTER and not killed_at:
            victim.proc.kill()  # SIGKILL: no graceful shutdown, open connections are cut
            killed_at.append(time.monotonic())
        return bool(killed_at) and time.monotonic() > killed_at[0] + GRACE_SECONDS + AFTER_SECONDS

    answers = await run_load(cluster.url, MAX_CALLS, kill_then_stop)
    assert killed_at, "the load ended before the kill"
    kill = killed_at[0]
    # A call whose answer was on its way when the process died can be cut (haproxy cannot resend a
    # response it has started to forward); those and the calls of the grace period are only counted.
    before = [a for a in answers if a.ended < kill]
    during = [a for a in answers if a.ended >= kill and a.started < kill + GRACE_SECONDS]
    after = [a for a in answers if a.started >= kill + GRACE_SECONDS]
    print(
        f"\n{len(answers)} calls: {len(before)} done before the kill, {len(during)} in flight at the kill or "
        f"started within {GRACE_SECONDS}s of it ({sum(not a.ok for a in during)} failed), {len(after)} after",
        file=sys.stderr,
    )
    assert [a.error for a in before if not a.ok] == []
    assert {r for a in before for r in a.replicas} == {"r0", "r1", "r2"}  # round robin reached all three
    assert len(after) >= 50, "too few calls after the grace to mean anything"
    assert [a.error for a in after if not a.ok] == []
    assert {r for a in after for r in a.replicas} == {"r1", "r2"}

    # haproxy saw the replica go down and sends it nothing more: its session count stays put under a
    # second round of load, while the survivors' counts grow.
    stats = show_stat(cluster.stats_socket)
    assert stats["r0"]["status"].startswith("DOWN"), stats["r0"]
    totals = {name: int(row["stot"]) for name, row in stats.items() if name.startswith("r")}
    again = await run_load(cluster.url, 40, lambda _: False)
    assert [a.error for a in again if not a.ok] == []
    later = {
        name: int(row["stot"])
        for name, row in show_stat(cluster.stats_socket).items()
        if name.startswith("r")
    }
    assert later["r0"] == totals["r0"]
    assert later["r1"] > totals["r1"] and later["r2"] > totals["r2"]
    assert cluster.haproxy.poll() is None
