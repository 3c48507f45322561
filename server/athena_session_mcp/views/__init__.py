"""MCP Apps (`io.modelcontextprotocol/ui`): interactive views linked to the session tools.

Three `ui://` views, each one self-contained HTML document (inline CSS and JavaScript, no network
loads) served as `text/html;profile=mcp-app`:

- the session card renders get_athena_session's structured content (state, countdown, cost, findings),
  and diagnose_athena_session's (the same card, then likely causes with evidence and what was not read);
- the workgroup board renders summarize_athena_workgroup_sessions' digest, and opens a session's
  card by calling get_athena_session through the host (`tools/call`);
- the account board renders summarize_athena_account (regions × workgroups, cost by day); it calls nothing.

Tools carry `_meta.ui.resourceUri`; hosts without Apps ignore `_meta`, so their results are unchanged.
The views render only what the tools already return (structured content is the single source).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources

from mcp.server.apps import Apps, ResourceCsp
from mcp.server.mcpserver.tools import Tool

from athena_session_mcp.athena.vocabulary import ENDED_SESSION_STATES, SESSION_PHASES, SESSION_STATES

SESSION_CARD_URI = "ui://athena-session-mcp/session-card.html"
WORKGROUP_BOARD_URI = "ui://athena-session-mcp/workgroup-board.html"
ACCOUNT_BOARD_URI = "ui://athena-session-mcp/account-board.html"

# tool name -> the view that renders its result. A tool that is not offered is simply not linked.
TOOL_VIEWS: Mapping[str, str] = {
    "get_athena_session": SESSION_CARD_URI,
    # The card renders the diagnosis' `session` summary, then its causes and gaps (never the Spark UI link).
    "diagnose_athena_session": SESSION_CARD_URI,
    "summarize_athena_workgroup_sessions": WORKGROUP_BOARD_URI,
    "summarize_athena_account": ACCOUNT_BOARD_URI,
}

# Declared, and empty: the views load nothing from anywhere (no fetch, no scripts, fonts or images).
NO_EXTERNAL_DOMAINS = ResourceCsp(
    connect_domains=[], resource_domains=[], frame_domains=[], base_uri_domains=[]
)

_VIEWS = {
    SESSION_CARD_URI: (
        "session_card.html",
        "athena_session_card",
        "Athena Spark session card",
        "One Athena Spark session: state, idle-timeout countdown, DPU-hours and estimated cost, findings.",
    ),
    WORKGROUP_BOARD_URI: (
        "workgroup_board.html",
        "athena_workgroup_board",
        "Athena Spark workgroup board",
        "A workgroup's Spark sessions: counts by state, timeline, DPU-hours, sessions near timeout or failed.",
    ),
    ACCOUNT_BOARD_URI: (
        "account_board.html",
        "athena_account_board",
        "Athena Spark account board",
        "Every Spark workgroup of the configured regions: cost, idle share, failures, and cost by day.",
    ),
}
_INCLUDE = re.compile(r"/\*@include ([a-z_]+\.(?:js|css|html))\*/")
_VOCABULARY = "/*@vocabulary*/"


def vocabulary() -> str:
    """The session states and phases the views style by, from athena/vocabulary.py (never redefined in JS)."""
    return json.dumps(
        {"states": list(SESSION_STATES), "phases": SESSION_PHASES, "ended": sorted(ENDED_SESSION_STATES)},
        sort_keys=True,
    )


@cache
def view_html(filename: str) -> str:
    """The view document `filename`, with its shared parts (`/*@include name*/`) inlined."""
    folder = resources.files(__name__).joinpath("assets")

    def inline(match: re.Match[str]) -> str:
        return folder.joinpath(match.group(1)).read_text(encoding="utf-8")

    document = _INCLUDE.sub(inline, folder.joinpath(filename).read_text(encoding="utf-8"))
    return document.replace(_VOCABULARY, vocabulary())


def build_apps() -> Apps:
    """The Apps extension carrying the views (pass it to MCPServer(extensions=...))."""
    apps = Apps()
    for uri, (filename, name, title, description) in _VIEWS.items():
        apps.add_html_resource(
            uri,
            view_html(filename),
            name=name,
            title=title,
            description=description,
            csp=NO_EXTERNAL_DOMAINS,
            prefers_border=True,
        )
    return apps


def link_tools(tools: Iterable[Tool]) -> None:
    """Stamp `_meta.ui.resourceUri` on the tools that have a view."""
    for tool in tools:
        uri = TOOL_VIEWS.get(tool.name)
        if uri is not None:
            tool.meta = {**(tool.meta or {}), "ui": {"resourceUri": uri}}
