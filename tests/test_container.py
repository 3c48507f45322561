"""The Containerfile, built with podman from a locally made Debian base (tests/container.py) and run.

Slow (a cold build takes minutes): in `make test`, not in `make check`. Every container runs either with
no network at all (`--network none`, the probe runs inside it) or on the host's network bound to
loopback; nothing leaves the machine.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections.abc import Iterator, Sequence
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from athena_session_mcp.settings import EMULATOR_ENV
from tests import container
from tests.reliability import emulator_process

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

TOKEN = "container-test-token-0123456789abcdef"
READY = re.compile(r"serving MCP over streamable HTTP at (http://\S+)")
# What the issue asks of the image (issue 19, item 6).
ALL_INTERFACES = "0.0.0.0"  # noqa: S104 - inside the container's own network namespace
DEFAULT_CMD = [
    "serve",
    "--transport",
    "streamable-http",
    "--host",
    ALL_INTERFACES,
    "--port",
    "8000",
    "--stateless",
]
# A JSON-RPC exchange run by the image's own Python, inside a container that has no network but its own
# loopback: initialize, then tools/list with AgentCore's session headers, over the default command's port.
# Prints one JSON line.
PROBE = """
import json, sys, urllib.request
def post(body, **extra):
    headers = {"Authorization": "Bearer " + sys.argv[1], "Content-Type": "application/json",
               "Accept": "application/json, text/event-stream", "MCP-Protocol-Version": "2025-06-18", **extra}
    request = urllib.request.Request("http://127.0.0.1:8000/mcp", data=json.dumps(body).encode(), headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
        session = response.headers.get("mcp-session-id")
    data = [line[5:] for line in text.splitlines() if line.startswith("data:")]
    return json.loads(data[-1] if data else text), session
init, session = post({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "probe", "version": "1"}}})
# The session headers Bedrock AgentCore Runtime forwards (ids the server never issued) must not be refused.
tools, _ = post({"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}}, **{
    "Mcp-Session-Id": "agentcore-0123456789abcdef0123456789abcdef",
    "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id": "agentcore-runtime-0123456789abcdef0123456789"})
print(json.dumps({"server": init["result"]["serverInfo"]["name"], "session": session,
                  "tools": [t["name"] for t in tools["result"]["tools"]]}))
"""


@pytest.fixture(scope="module")
def podman_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    if missing := container.missing_tools():
        if os.environ.get("CI"):
            pytest.fail(f"CI must install {', '.join(missing)} (.ci/run)")
        pytest.skip(f"needs {', '.join(missing)} (Debian: podman buildah mmdebstrap runc uidmap)")
    return container.podman_env(tmp_path_factory.mktemp("podman"))


@pytest.fixture(scope="module")
def image(podman_env: dict[str, str]) -> str:
    base = container.ensure_base_image(podman_env)
    built = container.build_image(podman_env, base)
    print(f"\nimage {built.image}: {built.size_bytes / 1e6:.0f} MB, built in {built.seconds:.1f} s")
    return built.image


class Containers:
    """Containers started by one test; each is removed at the end, whatever happened."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.ids: list[str] = []

    def start(self, image: str, options: Sequence[str], args: Sequence[str] = ()) -> str:
        started = container.run(["podman", "run", "--detach", *options, image, *args], self.env, timeout=120)
        self.ids.append(started.stdout.strip())
        return self.ids[-1]

    def podman(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["podman", *args], env=self.env, capture_output=True, text=True, timeout=timeout, check=False
        )

    def logs(self, cid: str) -> str:
        done = self.podman("logs", cid)
        return done.stdout + done.stderr

    def wait_for_log(self, cid: str, pattern: re.Pattern[str], seconds: float = 60) -> re.Match[str]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if match := pattern.search(self.logs(cid)):
                return match
            if self.podman("inspect", "--format", "{{.State.Running}}", cid).stdout.strip() != "true":
                break
            time.sleep(0.5)
        pytest.fail(f"container never logged {pattern.pattern!r}:\n{self.logs(cid)}")

    def remove_all(self) -> None:
        for cid in self.ids:
            self.podman("rm", "--force", "--time", "5", cid, timeout=120)


@pytest.fixture
def containers(podman_env: dict[str, str]) -> Iterator[Containers]:
    started = Containers(podman_env)
    try:
        yield started
    finally:
        started.remove_all()


def inspect(image: str, env: dict[str, str]) -> dict[str, Any]:
    done = container.run(["podman", "image", "inspect", image], env, timeout=60)
    return json.loads(done.stdout)[0]


def test_image_runs_the_console_script_as_non_root_and_serves_stateless_http_on_8000_by_default(
    image: str, podman_env: dict[str, str]
) -> None:
    found = inspect(image, podman_env)
    settings = found["Config"]
    assert settings["Entrypoint"] == ["athena-session-mcp"]
    assert settings["Cmd"] == DEFAULT_CMD
    assert settings["User"] == "10001:10001"
    assert "8000/tcp" in settings["ExposedPorts"]
    assert "http://127.0.0.1:8000/health" in " ".join(found["Healthcheck"]["Test"])


def test_default_command_without_authentication_refuses_to_start_and_says_how_to_set_a_token(
    image: str, podman_env: dict[str, str]
) -> None:
    done = subprocess.run(
        ["podman", "run", "--rm", "--network", "none", image],
        env=podman_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "ATHENA_SESSION_MCP_AUTH_TOKEN" in done.stderr


def test_default_command_on_a_locked_down_root_answers_initialize_and_tools_list_with_agentcore_headers(
    image: str, containers: Containers
) -> None:
    # As locked down as examples/kubernetes/deployment.yaml asks: read-only root, no capabilities.
    locked = ["--read-only", "--cap-drop", "all", "--security-opt", "no-new-privileges"]
    token = ["--env", f"ATHENA_SESSION_MCP_AUTH_TOKEN={TOKEN}"]
    cid = containers.start(image, ["--network", "none", *locked, *token])
    url = containers.wait_for_log(cid, READY).group(1)
    # Bound to every interface, the server prints a URL that works (loopback), never http://0.0.0.0:…
    assert url == "http://127.0.0.1:8000/mcp"
    probe = containers.podman("exec", cid, "python3", "-c", PROBE, TOKEN)
    assert probe.returncode == 0, probe.stderr + containers.logs(cid)
    answer = json.loads(probe.stdout)
    assert answer["server"] == "athena-session-mcp"
    assert answer["session"] is None  # stateless: any replica can take the next request
    assert "get_athena_session" in answer["tools"]
    assert TOKEN not in containers.logs(cid)


def test_health_check_of_the_image_passes_once_the_server_is_up(image: str, containers: Containers) -> None:
    cid = containers.start(image, ["--network", "none", "--env", f"ATHENA_SESSION_MCP_AUTH_TOKEN={TOKEN}"])
    containers.wait_for_log(cid, READY)
    check = containers.podman("healthcheck", "run", cid)
    assert check.returncode == 0, check.stdout + check.stderr + containers.logs(cid)


async def test_appended_flags_serve_on_loopback_and_answer_a_tool_call_against_the_emulator(
    image: str, containers: Containers
) -> None:
    with emulator_process(EMULATOR_ENV) as endpoint:
        # The host's network, bound to loopback: the container reaches the emulator on 127.0.0.1.
        env_options = [opt for name, value in EMULATOR_ENV.items() for opt in ("--env", f"{name}={value}")]
        cid = containers.start(
            image,
            ["--network", "host", *env_options],
            ["serve", "--transport", "streamable-http", "--host", "127.0.0.1", "--port", "0", "--stateless",
             "--endpoint-url", endpoint],
        )  # fmt: skip
        url = containers.wait_for_log(cid, READY).group(1)
        async with (
            httpx2.AsyncClient(timeout=30) as http,
            Client(streamable_http_client(url, http_client=http), mode="legacy") as client,
        ):
            assert client.server_info is not None and client.server_info.name == "athena-session-mcp"
            result = await client.call_tool("get_athena_session", {"SessionId": "demo-idle-near-timeout"})
    assert not result.is_error, result.content
    assert result.structured_content is not None
    assert result.structured_content["summary"]["state"] == "IDLE"
