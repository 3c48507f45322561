"""Browser fixtures: Debian's system Chromium driven by Playwright (nothing downloads a browser),
the seeded emulator, and the real MCP server in memory behind a small MCP Apps test host page."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from mcp import Client

from athena_session_mcp.app import build_server
from athena_session_mcp.emulator import EmulatorServer, get_clock
from athena_session_mcp.settings import Settings
from athena_session_mcp.views import view_html

if TYPE_CHECKING:
    from playwright.async_api import ConsoleMessage, Error, FrameLocator, Page, Request

CHROMIUM = Path(os.environ.get("ATHENA_MCP_CHROMIUM", "/usr/bin/chromium"))
INSTALL_HINT = "apt-get update && apt-get install -y chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOST_PAGE = Path(__file__).with_name("host.html")
# Screenshots for the README: `ATHENA_MCP_SCREENSHOTS=docs/images pytest tests/browser`.
SCREENSHOTS_ENV = "ATHENA_MCP_SCREENSHOTS"


@pytest.fixture(scope="module")
def emulator_url() -> Iterator[str]:
    # Frozen emulator time: sessions keep their seeded states (no CREATING -> IDLE mid-test); the
    # countdown still ticks in the browser, from the result's idle_timeout_at against the page's clock.
    get_clock().freeze()
    try:
        with EmulatorServer(seed=True) as server:
            yield server.endpoint_url
    finally:
        get_clock().reset()


@dataclass
class Host:
    """The test host page in Chromium, wired to the real server."""

    page: Page
    client: Client
    requests: list[str]
    errors: list[str]  # console errors and uncaught exceptions, of the host page and the view
    shown: dict[str, Any] | None = None  # the CallToolResult the view was last fed

    async def call(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """A tools/call against the real server, as the CallToolResult JSON a host would forward."""
        result = await self.client.call_tool(name, arguments)
        return result.model_dump(mode="json", by_alias=True, exclude_none=True)

    async def show(
        self, view: str, tool: str, arguments: dict[str, Any], *, theme: str = "light"
    ) -> FrameLocator:
        """Call `tool`, load `view` in the host's iframe with its result; returns the frame locator."""
        result = self.shown = await self.call(tool, arguments)
        await self.page.evaluate(
            "([html, tool, args, result, theme]) => loadView(html, tool, args, result, theme)",
            [view_html(view), tool, arguments, result, theme],
        )
        await self.page.wait_for_function("() => window.host.initialized")
        return self.page.frame_locator("#view")

    async def screenshot(self, name: str, directory: Path) -> Path:
        path = directory / name
        frame = self.page.locator("#view")
        box = await frame.bounding_box()
        # A viewport that holds the whole view, so every part of it is painted.
        await self.page.set_viewport_size({"width": 900, "height": int(box["height"] + 40) if box else 900})
        await self.page.wait_for_timeout(200)
        await frame.screenshot(path=str(path))
        return path


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    wanted = os.environ.get(SCREENSHOTS_ENV)
    directory = Path(wanted) if wanted else tmp_path / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture
def chromium() -> Path:
    """The system browser; without it the browser tests are skipped (reported), never passed."""
    if not CHROMIUM.exists():
        pytest.skip(f"no system Chromium at {CHROMIUM}: install Debian's with `{INSTALL_HINT}`")
    return CHROMIUM


@pytest.fixture
async def host(
    chromium: Path, emulator_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Host]:
    # Every AWS client of the server (Athena, and S3/Logs for diagnoses) talks to the emulator only.
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator_url)
    playwright_api = pytest.importorskip(
        "playwright.async_api", reason="Playwright is a dev dependency: pip install -e '.[dev]'"
    )
    server = build_server(Settings(region="us-east-1", endpoint_url=emulator_url))
    async with Client(server) as client, playwright_api.async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),  # a fresh profile per test
            executable_path=str(chromium),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 900, "height": 900},
        )
        try:
            page = context.pages[0] if context.pages else await context.new_page()
            requests: list[str] = []

            def record(request: Request) -> None:
                requests.append(request.url)

            def console(message: ConsoleMessage) -> None:
                if message.type == "error":
                    errors.append(message.text)

            def crash(error: Error) -> None:
                errors.append(f"{error.name}: {error.message}")

            page.on("request", record)
            page.on("console", console)
            page.on("pageerror", crash)
            errors: list[str] = []
            live = Host(page=page, client=client, requests=requests, errors=errors)

            async def mcp_call_tool(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
                return await live.call(name, arguments)

            await page.expose_function("mcpCallTool", mcp_call_tool)
            await page.set_content(HOST_PAGE.read_text(encoding="utf-8"))
            yield live
        finally:
            await context.close()
