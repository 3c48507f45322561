"""--regions: a session is looked up in the configured region first, then in the other configured regions,
and the answer names where it was found (or every region searched). Against the in-process emulator, which
seeds a second region (eu-west-1) beside us-east-1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mcp.server.mcpserver import MCPServer

from athena_session_mcp.emulator import (
    SECOND_REGION,
    SESSION_EU_IDLE,
    SESSION_EU_SPARK35_FAILED,
    SESSION_FAILED,
    SESSION_IDLE,
)
from athena_session_mcp.settings import Settings, SettingsError, parse_regions
from tests.conftest import server_for
from tests.fleet import call_error, call_ok, emulated_athena

pytestmark = pytest.mark.anyio
TWO_REGIONS = Settings(region="us-east-1", regions=("us-east-1", SECOND_REGION))


@pytest.fixture
def two_regions() -> Iterator[MCPServer]:
    with emulated_athena() as client:
        yield server_for(client, settings=TWO_REGIONS)


@pytest.fixture
def one_region() -> Iterator[MCPServer]:
    with emulated_athena() as client:
        yield server_for(client)


def test_regions_setting_parses_lists_and_all() -> None:
    assert parse_regions("us-east-1, EU-west-1,us-east-1") == ("us-east-1", "eu-west-1")
    assert parse_regions("all") == ("all",)
    assert parse_regions(" ") is None
    assert Settings.resolve({"ATHENA_SESSION_MCP_REGIONS": "eu-west-1"}).regions == ("eu-west-1",)
    assert Settings.resolve({}, regions="all").all_regions
    assert Settings.resolve({}).regions == ()


@pytest.mark.parametrize("text", ["us-east", "all,us-east-1", "eu-west-1;us-east-1", "arn:aws:x"])
def test_regions_setting_refuses_what_is_not_a_region(text: str) -> None:
    with pytest.raises(SettingsError, match="region"):
        parse_regions(text)


async def test_session_in_the_configured_region_is_found_there(two_regions: MCPServer) -> None:
    answer = await call_ok(two_regions, "get_athena_session", {"SessionId": SESSION_IDLE})
    assert answer["region"] == "us-east-1"
    assert answer["summary"]["state"] == "IDLE"


async def test_session_in_another_configured_region_is_found_and_named(two_regions: MCPServer) -> None:
    answer = await call_ok(two_regions, "get_athena_session", {"SessionId": SESSION_EU_IDLE})
    assert answer["region"] == "eu-west-1"
    assert answer["summary"]["state"] == "IDLE"
    assert answer["raw"]["SessionId"] == SESSION_EU_IDLE


async def test_status_poll_follows_the_session_to_its_region(two_regions: MCPServer) -> None:
    answer = await call_ok(two_regions, "get_athena_session_status", {"SessionId": SESSION_EU_SPARK35_FAILED})
    assert answer["region"] == "eu-west-1"
    assert answer["summary"]["state"] == "FAILED"


async def test_diagnosis_reads_everything_in_the_session_region(two_regions: MCPServer) -> None:
    answer = await call_ok(two_regions, "diagnose_athena_session", {"SessionId": SESSION_EU_SPARK35_FAILED})
    assert answer["region"] == "eu-west-1"
    assert answer["engine"] == "spark-3.5"  # learnt from eu-west-1's demo-spark35 workgroup
    assert answer["session"]["state"] == "FAILED"
    home = await call_ok(two_regions, "diagnose_athena_session", {"SessionId": SESSION_FAILED})
    assert home["region"] == "us-east-1"


async def test_unknown_session_names_every_region_searched(two_regions: MCPServer) -> None:
    text = await call_error(two_regions, "get_athena_session", {"SessionId": "no-such-session"})
    assert "'no-such-session' was not found in any region searched: us-east-1, eu-west-1." in text
    assert "ATHENA_SESSION_MCP_REGIONS" in text


async def test_without_regions_nothing_else_is_searched(one_region: MCPServer) -> None:
    text = await call_error(one_region, "get_athena_session", {"SessionId": SESSION_EU_IDLE})
    assert "was not found in region us-east-1" in text
    assert "eu-west-1" not in text
    answer = await call_ok(one_region, "get_athena_session", {"SessionId": SESSION_IDLE})
    assert answer["region"] == "us-east-1"


async def test_all_regions_come_from_list_regions() -> None:
    # The emulator's ListRegions answers us-east-1 and eu-west-1 (emulator/assumptions.py).
    with emulated_athena() as client:
        server = server_for(client, settings=Settings(region="us-east-1", regions=("all",)))
        answer = await call_ok(server, "get_athena_session", {"SessionId": SESSION_EU_IDLE})
        text = await call_error(server, "get_athena_session_status", {"SessionId": "nowhere"})
    assert answer["region"] == "eu-west-1"
    assert "any region searched: us-east-1, eu-west-1." in text
