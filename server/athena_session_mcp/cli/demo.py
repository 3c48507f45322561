"""`athena-session-mcp demo`: the real server over stdio against the seeded emulator, through a real
MCP client, printing each demo session's health summary and then the diagnosis of the failed sessions."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any, TextIO, cast

import anyio

from athena_session_mcp.cli.render import render_summary
from athena_session_mcp.cli.render_diagnosis import render_diagnosis
from athena_session_mcp.settings import EMULATOR_ENV, EMULATOR_REGION

# The sessions the demo diagnoses at the end: the emulator's FAILED ones on both engines (reasons, stderr,
# logs and executors on PySpark engine version 3; the reason and executors on Apache Spark version 3.5).
DIAGNOSED_SESSIONS = ("demo-failed", "demo-spark35-failed")


async def _run(endpoint_url: str, session_ids: list[str], out: TextIO, color: bool) -> int:
    from mcp import Client, StdioServerParameters

    params = StdioServerParameters(
        command=sys.executable,
        args=[
            "-m",
            "athena_session_mcp",
            "serve",
            "--endpoint-url",
            endpoint_url,
            "--region",
            EMULATOR_REGION,
            # The demo's data is the emulator's own: show the job output a diagnosis reads.
            "--allow-sensitive-data-access",
        ],
        # stdio clients pass a minimal environment: the AWS settings must be explicit, as in a client config.
        # S3 and CloudWatch Logs follow botocore's AWS_ENDPOINT_URL (--endpoint-url is Athena's).
        env={**EMULATOR_ENV, "AWS_ENDPOINT_URL": endpoint_url},
    )
    failures = 0
    async with Client(params) as client:
        tools = await client.list_tools()
        out.write(f"Connected over stdio; the server offers {len(tools.tools)} tool(s).\n\n")
        for session_id in session_ids:
            result = await client.call_tool("get_athena_session", {"SessionId": session_id})
            content = cast(Mapping[str, Any], result.structured_content or {})
            if result.is_error or "summary" not in content:
                failures += 1
                text = " ".join(getattr(block, "text", "") for block in result.content)
                out.write(f"✗ {session_id}: {text}\n\n")
                continue
            out.write(render_summary(cast(Mapping[str, Any], content["summary"]), color=color) + "\n\n")
        for diagnosed in DIAGNOSED_SESSIONS:
            result = await client.call_tool("diagnose_athena_session", {"SessionId": diagnosed})
            if result.is_error or result.structured_content is None:
                failures += 1
                out.write(
                    f"✗ diagnosis of {diagnosed}: " + " ".join(getattr(b, "text", "") for b in result.content)
                )
            else:
                out.write(render_diagnosis(result.structured_content) + "\n\n")
    return 1 if failures else 0


def run_demo(out: TextIO) -> int:
    """Start the emulator, then the server as a subprocess, and print every seeded session."""
    from athena_session_mcp.emulator import DEMO_SESSION_IDS, EmulatorServer

    color = out.isatty()
    with EmulatorServer(seed=True) as emulator:
        out.write(f"Athena Spark emulator (offline) at {emulator.endpoint_url}\n")
        return anyio.run(_run, emulator.endpoint_url, list(DEMO_SESSION_IDS), out, color)
