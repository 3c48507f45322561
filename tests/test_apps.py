"""MCP Apps wiring: the ui:// views are listed and served as text/html;profile=mcp-app with a declared
CSP and no external loads, the tools link to them, and nothing else a client lists changes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from mcp import Client
from mcp.client.extension import advertise
from mcp.server.apps import APP_MIME_TYPE, EXTENSION_ID
from mcp.server.mcpserver import MCPServer

from athena_session_mcp.app import build_tools
from athena_session_mcp.athena.client import AthenaGateway
from athena_session_mcp.athena.vocabulary import SESSION_PHASES, SESSION_STATES
from athena_session_mcp.settings import Settings
from athena_session_mcp.tools import Deps
from athena_session_mcp.views import (
    ACCOUNT_BOARD_URI,
    SESSION_CARD_URI,
    TOOL_VIEWS,
    WORKGROUP_BOARD_URI,
    view_html,
)
from tests.conftest import NOW, server_for

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient

VIEW_URIS = {SESSION_CARD_URI, WORKGROUP_BOARD_URI, ACCOUNT_BOARD_URI}
SESSION_ID = "4ac6b5d6-2a6b-11ee-be56-0242ac120002"


async def test_every_view_is_listed_as_an_mcp_app_resource(stubbed_server: MCPServer) -> None:
    async with Client(stubbed_server) as client:
        resources = {str(r.uri): r for r in (await client.list_resources()).resources}
    assert resources.keys() >= VIEW_URIS
    for uri in VIEW_URIS:
        assert resources[uri].mime_type == APP_MIME_TYPE
        assert resources[uri].description


@pytest.mark.parametrize("uri", sorted(VIEW_URIS))
async def test_view_is_one_self_contained_document_with_a_csp_that_allows_no_external_domain(
    stubbed_server: MCPServer, uri: str
) -> None:
    async with Client(stubbed_server) as client:
        contents = (await client.read_resource(uri)).contents
    assert len(contents) == 1
    content: dict[str, Any] = contents[0].model_dump(by_alias=True)
    assert content["mimeType"] == APP_MIME_TYPE
    csp = content["_meta"]["ui"]["csp"]
    assert set(csp) == {"connectDomains", "resourceDomains", "frameDomains", "baseUriDomains"}
    assert all(domains == [] for domains in csp.values())
    html: str = content["text"]
    assert html.startswith("<!DOCTYPE html>")
    assert "default-src 'none'" in html and "connect-src 'none'" in html
    # Nothing is loaded from anywhere: no external URL, no src/href attribute, no leftover include.
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", html)
    assert not re.search(r"\s(src|href)\s*=", html)
    assert "@include" not in html and "@vocabulary" not in html


def test_views_take_the_state_vocabulary_from_states_py() -> None:
    html = view_html("workgroup_board.html")
    for state in SESSION_STATES:
        assert f'"{state}": "{SESSION_PHASES[state]}"' in html


async def test_linked_tools_carry_ui_resource_uri_of_a_listed_view(stubbed_server: MCPServer) -> None:
    async with Client(stubbed_server) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        listed = {str(r.uri) for r in (await client.list_resources()).resources}
    assert tools["get_athena_session"].meta == {"ui": {"resourceUri": SESSION_CARD_URI}}
    assert tools["summarize_athena_workgroup_sessions"].meta == {"ui": {"resourceUri": WORKGROUP_BOARD_URI}}
    assert tools["diagnose_athena_session"].meta == {"ui": {"resourceUri": SESSION_CARD_URI}}
    for name, tool in tools.items():
        uri = (tool.meta or {}).get("ui", {}).get("resourceUri")
        assert uri == TOOL_VIEWS.get(name)
        assert uri is None or uri in listed


async def test_server_advertises_the_apps_extension(stubbed_server: MCPServer) -> None:
    async with Client(stubbed_server) as client:
        extensions = client.server_capabilities.extensions or {}
    assert EXTENSION_ID in extensions


async def test_apps_adds_view_links_and_view_resources_and_changes_nothing_else_a_client_lists(
    athena_client: AthenaClient,
) -> None:
    # What the Apps extension does: `_meta.ui.resourceUri` on the linked tools in tools/list, and the ui://
    # views in resources/list. Compared with the same tools on a server without it (no extension, no links).
    settings = Settings(region="us-east-1")
    deps = Deps(gateway=AthenaGateway(settings, client=athena_client), settings=settings, clock=lambda: NOW)
    plain = MCPServer("plain", tools=build_tools(deps))
    with_apps = server_for(athena_client)
    apps_client = Client(with_apps, extensions=[advertise(EXTENSION_ID, {"mimeTypes": [APP_MIME_TYPE]})])
    async with Client(plain) as client:
        plain_tools = {t.name: t for t in (await client.list_tools()).tools}
        plain_resources = {str(r.uri) for r in (await client.list_resources()).resources}
    async with apps_client as client:
        apps_tools = {t.name: t for t in (await client.list_tools()).tools}
        apps_resources = {str(r.uri) for r in (await client.list_resources()).resources}
        views = {uri: (await client.read_resource(uri)).contents for uri in set(TOOL_VIEWS.values())}
    assert apps_tools.keys() == plain_tools.keys()
    linked = {name: (tool.meta or {}).get("ui") for name, tool in apps_tools.items() if tool.meta}
    assert linked == {name: {"resourceUri": uri} for name, uri in TOOL_VIEWS.items()}
    assert all(tool.meta is None for tool in plain_tools.values())
    for name, tool in apps_tools.items():
        unlinked = tool.model_dump(exclude={"meta"})
        assert unlinked == plain_tools[name].model_dump(exclude={"meta"}), name
    assert apps_resources - plain_resources == VIEW_URIS
    for uri, contents in views.items():
        (content,) = contents
        dumped: dict[str, Any] = content.model_dump(by_alias=True)
        assert dumped["mimeType"] == APP_MIME_TYPE and dumped["text"].startswith("<!DOCTYPE html>"), uri


@pytest.mark.slow  # starts a process
def test_browser_tests_are_reported_skipped_with_the_install_command_when_chromium_is_missing(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "ATHENA_MCP_CHROMIUM": str(tmp_path / "no-chromium")}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/browser", "-q", "-rs", "-p", "no:cacheprovider", "--no-cov"],
        cwd=Path(__file__).parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=100,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"\b[1-9]\d* skipped", run.stdout) and "passed" not in run.stdout
    assert "apt-get install -y chromium" in run.stdout
