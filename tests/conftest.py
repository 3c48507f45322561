"""Shared fixtures. Every test runs with fake AWS credentials and no AWS config files, so nothing
can reach real AWS: AWS answers come from botocore's Stubber or the project's emulator."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.stub import Stubber
from mcp.server.mcpserver import MCPServer

from athena_session_mcp.app import build_server
from athena_session_mcp.athena.client import AthenaGateway
from athena_session_mcp.settings import Settings

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient

    from tests.reliability import FakeAthena

NOW = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "AKIATESTFAKEKEY00000",
    "AWS_SECRET_ACCESS_KEY": "fake-secret-key-never-printed",
    "AWS_SESSION_TOKEN": "fake-session-token-never-printed",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}


# `make check` runs `pytest -m "not slow"`: the in-process tests, within a minute. Slow ones start
# processes (the console script, uvicorn, the emulator process, Chromium, a build, containers), drive
# agent frameworks, or fuzz and load the server; `make test` runs everything. Whole modules are slow by
# path (below), single tests by `@pytest.mark.slow` or by a fixture that starts a process.
TESTS_DIR = Path(__file__).parent
SLOW_PATHS = (
    "browser/",
    "emulator/test_http.py",
    "test_agent_examples.py",
    "test_client_configs.py",
    "test_container",
    "test_faults.py",  # real retries and timeouts against a loopback fake
    "test_fuzz.py",
    "test_haproxy",
    "test_load.py",
    "test_release.py",
    "test_stdio.py",
    "test_triage_corpus.py",  # the whole corpus end to end (its accuracy: make triage)
    "test_hostile_corpus.py",  # 34 payloads through every tool (the sanitiser's own tests stay fast)
    "test_session_history.py",  # three sources over two weeks of emulated history
)
SLOW_FIXTURES = frozenset({"emulator_url", "token_server", "start_server"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = item.path.relative_to(TESTS_DIR).as_posix() if item.path.is_relative_to(TESTS_DIR) else ""
        fixtures: list[str] = getattr(item, "fixturenames", [])
        if path.startswith(SLOW_PATHS) or SLOW_FIXTURES.intersection(fixtures):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def fake_aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    for name, value in FAKE_ENV.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def athena_client() -> AthenaClient:
    client: AthenaClient = boto3.client("athena", region_name="us-east-1")  # pyright: ignore[reportUnknownMemberType]
    return client


@pytest.fixture
def stubber(athena_client: AthenaClient) -> Iterator[Stubber]:
    with Stubber(athena_client) as stub:
        yield stub


def server_for(client: AthenaClient, *, settings: Settings | None = None, now: datetime = NOW) -> MCPServer:
    """The real server wired to `client` (stubbed or pointed at the emulator) with a fixed clock."""
    settings = settings or Settings(region="us-east-1")
    return build_server(settings, gateway=AthenaGateway(settings, client=client), clock=lambda: now)


@pytest.fixture
def stubbed_server(athena_client: AthenaClient, stubber: Stubber) -> MCPServer:
    return server_for(athena_client)


@pytest.fixture
def emulated() -> Iterator[AthenaClient]:
    """A boto3 client on the in-process emulator, seeded with the demo data at NOW (frozen)."""
    from tests.fleet import emulated_athena  # tests.fleet imports this module

    with emulated_athena() as client:
        yield client


@pytest.fixture(scope="module")
def emulator_url() -> Iterator[str]:
    """The seeded emulator in its own process (`athena-session-mcp emulator`), for one test module."""
    from tests.reliability import emulator_process  # tests.reliability imports this module

    with emulator_process(FAKE_ENV) as url:
        yield url


@pytest.fixture(scope="module")
def fake_athena() -> FakeAthena:
    """A loopback Athena that counts the attempts it receives, one per test module (reset it per test)."""
    from tests.reliability import FakeAthena  # lazy: tests.reliability imports this module

    return FakeAthena()


@pytest.fixture(scope="module")
def fake_athena_url(fake_athena: FakeAthena) -> Iterator[str]:
    from tests.reliability import serve_fake

    with serve_fake(fake_athena) as endpoint:
        yield endpoint


def text_of(result: Any) -> str:
    """The text blocks of a tool result, joined."""
    return " ".join(block.text for block in result.content)


@pytest.fixture
def clients_built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The service name of every boto3 client built from now on (e.g. ['s3', 'logs']), in order."""
    built: list[str] = []
    # types-boto3 overloads client() per service; the recorder passes every call through untouched.
    original: Any = getattr(boto3.session.Session, "client")  # noqa: B009

    def recording(self: boto3.session.Session, service_name: str, *args: Any, **kwargs: Any) -> Any:
        built.append(service_name)
        return original(self, service_name, *args, **kwargs)

    monkeypatch.setattr(boto3.session.Session, "client", recording)
    return built
