"""Command line: `athena-session-mcp [serve|emulator|demo] ...`; no subcommand serves MCP over stdio."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from athena_session_mcp import __version__
from athena_session_mcp.config import EMULATOR_ENV, EMULATOR_REGION, ENV_LOG_LEVEL, Settings, SettingsError
from athena_session_mcp.logs import LEVELS, configure_logging


def _add_server_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    # Subparsers share the same options; SUPPRESS keeps a subparser from overwriting a value that
    # was given before the subcommand.
    default = argparse.SUPPRESS if suppress else None
    aws = parser.add_argument_group("AWS")
    aws.add_argument("--profile", default=default, help="AWS profile (default: AWS_PROFILE, then 'default').")
    aws.add_argument(
        "--region", default=default, help="AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, profile)."
    )
    aws.add_argument(
        "--endpoint-url",
        default=default,
        help="Athena endpoint URL (default: AWS_ENDPOINT_URL_ATHENA / AWS_ENDPOINT_URL, else AWS's).",
    )
    srv = parser.add_argument_group("server")
    srv.add_argument(
        "--dpu-hour-price",
        type=float,
        default=default,
        help="USD per DPU-hour for cost estimates (default: ATHENA_SESSION_MCP_DPU_HOUR_PRICE or 0.35).",
    )
    srv.add_argument(
        "--emulator",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="Serve against the built-in seeded Athena emulator on loopback: no AWS account needed.",
    )
    srv.add_argument(
        "--allow-write",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="Also offer terminate_athena_session (destructive). Off by default: the server is read-only.",
    )
    srv.add_argument(
        "--log-level",
        choices=LEVELS,
        default=default,
        help="Log level on stderr (default: ATHENA_SESSION_MCP_LOG_LEVEL or WARNING).",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="athena-session-mcp",
        description="MCP server for Amazon Athena Spark sessions. With no subcommand it serves MCP over stdio.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_server_options(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = sub.add_parser("serve", help="Serve MCP (stdio by default).", description="Serve MCP over stdio.")
    _add_server_options(serve, suppress=True)

    emulator = sub.add_parser(
        "emulator",
        help="Run the Athena Spark emulator as a loopback HTTP endpoint.",
        description="Run the seeded Athena Spark emulator; point --endpoint-url (or AWS_ENDPOINT_URL) at it.",
    )
    emulator.add_argument("--host", default="127.0.0.1", help="Address to bind (default: 127.0.0.1).")
    emulator.add_argument(
        "--port", type=int, default=5000, help="Port to bind; 0 picks a free one (default: 5000)."
    )
    emulator.add_argument(
        "--no-seed", action="store_true", help="Start empty instead of with the demo sessions."
    )

    sub.add_parser(
        "demo",
        help="Offline demo: the real server over stdio against the seeded emulator.",
        description="Start the emulator, start the server over stdio, and print each demo session's health.",
    )
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.resolve(
        profile=args.profile,
        region=args.region,
        endpoint_url=args.endpoint_url,
        dpu_hour_price=args.dpu_hour_price,
        allow_write=args.allow_write,
    )


def _serve(args: argparse.Namespace) -> int:
    from athena_session_mcp.server import build_server

    settings = _settings(args)
    if args.emulator:
        from dataclasses import replace

        from athena_session_mcp.emulator import EmulatorServer

        emulator = EmulatorServer(seed=True)
        emulator.start()
        # Our own process only: the emulator accepts any credentials, and a user's real profile must
        # never be used (or needed) here.
        os.environ.pop("AWS_PROFILE", None)
        os.environ.update(EMULATOR_ENV)
        settings = replace(
            settings,
            profile=None,
            endpoint_url=emulator.endpoint_url,
            region=settings.region or EMULATOR_REGION,
        )
    build_server(settings).run("stdio")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.log_level or os.environ.get(ENV_LOG_LEVEL, "WARNING"))
    command = args.command or "serve"
    try:
        if command == "serve":
            return _serve(args)
        if command == "emulator":
            from athena_session_mcp.emulator import run_emulator

            return run_emulator(host=args.host, port=args.port, seed=not args.no_seed)
        from athena_session_mcp.demo import run_demo

        return run_demo(sys.stdout)
    except SettingsError as exc:
        parser.error(str(exc))
    except KeyboardInterrupt:
        return 130
