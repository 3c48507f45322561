"""The HTTP baseline: a bare MCPServer over stateless streamable HTTP (uvicorn, one worker, loopback) with
two tools: `ping`, trivial, and `get_session`, the same warm boto3 GetSession call that get_athena_session
makes, run in a worker thread as ours does. Prints the same ready line as `athena-session-mcp serve`.

    python benchmarks/bare_http_server.py --port 0 --endpoint-url http://127.0.0.1:5000
"""

from __future__ import annotations

import argparse
import socket
import sys
from typing import Any

import anyio
import boto3
import uvicorn
from mcp.server.mcpserver import MCPServer


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--endpoint-url", required=True)
    args = parser.parse_args()
    client: Any = boto3.session.Session().client("athena", endpoint_url=args.endpoint_url)  # pyright: ignore[reportUnknownMemberType]
    server = MCPServer("bare-http")

    @server.tool()
    def ping(text: str) -> str:
        """Echo `text`."""
        return text

    @server.tool()
    async def get_session(SessionId: str) -> dict[str, Any]:
        """GetSession, as AWS answers it (metadata left out)."""
        response = await anyio.to_thread.run_sync(lambda: client.get_session(SessionId=SessionId))
        response.pop("ResponseMetadata", None)
        return response

    app = server.streamable_http_app(stateless_http=True)
    sock = socket.socket()
    sock.bind(("127.0.0.1", args.port))
    port = sock.getsockname()[1]

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            print(
                f"bare: serving MCP over streamable HTTP at http://127.0.0.1:{port}/mcp",
                file=sys.stderr,
                flush=True,
            )

    Server(uvicorn.Config(app, log_level="warning", lifespan="on")).run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
