"""The command line's grammar: subcommands, options, their environment variables and help; main.py
runs what it parses."""

from __future__ import annotations

import argparse

from athena_session_mcp import __version__
from athena_session_mcp.cli.logging_setup import LEVELS

PROG = "athena-session-mcp"

EPILOG = f"""\
examples:
  {PROG}                                    serve MCP over stdio (what desktop clients launch)
  {PROG} serve --emulator                   the same, against the built-in offline emulator
  {PROG} serve --transport streamable-http  serve http://127.0.0.1:8000/mcp
  {PROG} tools                              list the tools and their arguments
  {PROG} call get_athena_session --SessionId ID
  {PROG} demo                               offline demo, no AWS account needed
  {PROG} doctor                             check credentials, region, endpoint and permissions
"""


def _switch_default(suppress: bool) -> str | bool:
    # Off, or in a subparser SUPPRESS: a switch given before the subcommand stays on.
    return argparse.SUPPRESS if suppress else False


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
        "--regions",
        default=default,
        metavar="LIST",
        help="Also look in these regions: comma-separated names, or 'all' enabled in the account "
        "(default: ATHENA_SESSION_MCP_REGIONS, else the region above alone).",
    )
    aws.add_argument(
        "--account",
        action="append",
        default=default,
        metavar="NAME=ROLE_ARN",
        help="Let tools read another account: its Account argument NAME calls AWS through sts:AssumeRole on "
        "ROLE_ARN. Repeatable (default: ATHENA_SESSION_MCP_ACCOUNTS, entries separated by spaces).",
    )
    aws.add_argument(
        "--account-external-id",
        action="append",
        default=default,
        metavar="NAME=ID",
        help="The ExternalId sent when assuming account NAME's role, if its trust policy requires one. "
        "Repeatable (default: ATHENA_SESSION_MCP_ACCOUNT_EXTERNAL_IDS).",
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
    for switch, text in (
        ("--emulator", "Use the built-in seeded Athena emulator on loopback: no AWS account needed."),
        (
            "--allow-write",
            "Also offer terminate_athena_session (destructive). Off by default: the server is read-only.",
        ),
        (
            "--allow-sensitive-data-access",
            "Show job content: calculation stdout/stderr tails, driver/executor log lines and Spark UI links "
            "(default: ATHENA_SESSION_MCP_ALLOW_SENSITIVE_DATA_ACCESS or off: locations, counts and states only).",
        ),
    ):
        srv.add_argument(switch, action="store_true", default=_switch_default(suppress), help=text)
    srv.add_argument(
        "--log-level",
        choices=LEVELS,
        default=default,
        help="Log level on stderr (default: ATHENA_SESSION_MCP_LOG_LEVEL or WARNING).",
    )


def _add_transport_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    from athena_session_mcp.settings import DEFAULT_HOST, DEFAULT_PORT, MCP_PATH, TRANSPORTS
    from athena_session_mcp.transport.auth import ENV_AUTH_TOKEN

    default = argparse.SUPPRESS if suppress else None
    http = parser.add_argument_group(
        "transport",
        "stdio (default) is what desktop clients launch. streamable-http serves "
        f"http://HOST:PORT{MCP_PATH}: loopback only unless a bearer token is set; foreign Host/Origin "
        "headers are refused (DNS-rebinding protection).",
    )
    http.add_argument("--transport", choices=TRANSPORTS, default=default, help="Transport (default: stdio).")
    http.add_argument("--host", default=default, help=f"Address to bind for HTTP (default: {DEFAULT_HOST}).")
    http.add_argument(
        "--port",
        type=int,
        default=default,
        help=f"Port for HTTP; 0 picks a free one (default: {DEFAULT_PORT}).",
    )
    http.add_argument(
        "--stateless",
        action="store_true",
        default=_switch_default(suppress),
        help="HTTP without sessions: every request stands alone (for load-balanced deployments).",
    )
    http.add_argument(
        "--auth-token-file",
        metavar="PATH",
        default=default,
        help=f"Require 'Authorization: Bearer <token>' with the token in PATH (default: {ENV_AUTH_TOKEN} "
        "if set). Required to bind a non-loopback address.",
    )
    http.add_argument(
        "--allow-host",
        metavar="NAME",
        action="append",
        default=default,
        help="Also accept requests addressed to this host name (e.g. behind a proxy). Repeatable.",
    )
    http.add_argument(
        "--allow-origin",
        metavar="ORIGIN",
        action="append",
        default=default,
        help="Also accept browser requests from this origin, e.g. https://app.example.com. Repeatable.",
    )


def _add_oauth_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    from athena_session_mcp.transport.oauth import (
        DEFAULT_WRITE_SCOPE,
        ENV_AUDIENCE,
        ENV_OAUTH_ISSUER,
        ENV_PUBLIC_URL,
        ENV_REQUIRED_SCOPE,
        ENV_WEB_IDENTITY_ROLE_ARN,
        ENV_WRITE_SCOPE,
    )

    default = argparse.SUPPRESS if suppress else None
    oauth = parser.add_argument_group(
        "OAuth (streamable HTTP)",
        "Be an OAuth 2.1 resource server for chat assistants (Claude.ai, ChatGPT) and teams: every request "
        "needs a JWT access token from the issuer whose audience is --public-url. See docs/remote.md.",
    )
    oauth.add_argument(
        "--oauth-issuer",
        metavar="URL",
        default=default,
        help=f"Identity provider (issuer) whose access tokens are accepted (default: {ENV_OAUTH_ISSUER}). "
        "Not combinable with --auth-token-file.",
    )
    oauth.add_argument(
        "--public-url",
        metavar="URL",
        default=default,
        help="The URL clients use to reach this server, e.g. https://mcp.example.com/mcp: the tokens' "
        f"audience and the base of its protected-resource metadata; its host is allowed (default: {ENV_PUBLIC_URL}).",
    )
    oauth.add_argument(
        "--oauth-audience",
        metavar="AUD",
        default=default,
        help="Accept tokens whose aud contains AUD instead of the public URL, for identity providers that "
        f"cannot use it as audience, e.g. Entra ID's api://... (default: {ENV_AUDIENCE} or the public URL).",
    )
    oauth.add_argument(
        "--oauth-required-scope",
        metavar="SCOPE",
        default=default,
        help=f"A scope every request's token must carry, e.g. athena-session:read (default: {ENV_REQUIRED_SCOPE} or none).",
    )
    oauth.add_argument(
        "--oauth-write-scope",
        metavar="SCOPE",
        default=default,
        help="The scope terminate_athena_session needs on top of --allow-write "
        f"(default: {ENV_WRITE_SCOPE} or {DEFAULT_WRITE_SCOPE}).",
    )
    oauth.add_argument(
        "--aws-web-identity-role-arn",
        metavar="ARN",
        default=default,
        help="Call AWS as each person: their token is exchanged for temporary credentials of this role "
        "(sts:AssumeRoleWithWebIdentity; an IAM OIDC provider for the issuer must exist). Default: "
        f"{ENV_WEB_IDENTITY_ROLE_ARN}, else the server's own credentials for everyone.",
    )


def _add_version(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="MCP server for Amazon Athena Spark sessions. With no subcommand it serves MCP over stdio.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    _add_version(parser)
    _add_server_options(parser, suppress=False)
    _add_transport_options(parser, suppress=False)
    _add_oauth_options(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = sub.add_parser(
        "serve",
        help="Serve MCP (stdio by default, or streamable HTTP).",
        description="Serve MCP over stdio (default) or streamable HTTP.",
        allow_abbrev=False,
    )
    _add_version(serve)
    _add_server_options(serve, suppress=True)
    _add_transport_options(serve, suppress=True)
    _add_oauth_options(serve, suppress=True)
    serve.set_defaults(subparser=serve)

    tools = sub.add_parser(
        "tools",
        help="List the tools with their descriptions and arguments.",
        description="List the tools the server offers (with these options) and their arguments.",
        allow_abbrev=False,
    )
    _add_version(tools)
    tools.add_argument("--json", action="store_true", help="Print the tool definitions as JSON.")
    _add_server_options(tools, suppress=True)
    tools.set_defaults(subparser=tools)

    call = sub.add_parser(
        "call",
        help="Call one tool and print its result.",
        description="Call one tool in-process, through the same validation an assistant gets, and print the "
        "result. Tool arguments follow the tool name as --Name value (see 'call TOOL --help'). "
        "Exit status: 0 success, 1 tool error (message on stderr), 2 usage error.",
        epilog=f"example:\n  {PROG} call get_athena_session --SessionId demo-idle --emulator",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        add_help=False,
        allow_abbrev=False,
    )
    call.add_argument("-h", "--help", action="store_true", help="Show this help, or the tool's with TOOL.")
    _add_version(call)
    call.add_argument("--json", action="store_true", help="Print the structured result as JSON.")
    call.add_argument("tool", metavar="TOOL", nargs="?", help="Tool name, e.g. get_athena_session.")
    call.set_defaults(subparser=call)
    _add_server_options(call, suppress=True)

    emulator = sub.add_parser(
        "emulator",
        help="Run the Athena Spark emulator as a loopback HTTP endpoint.",
        description="Run the seeded Athena Spark emulator; point --endpoint-url (or AWS_ENDPOINT_URL) at it.",
        allow_abbrev=False,
    )
    emulator.add_argument("--host", default="127.0.0.1", help="Address to bind (default: 127.0.0.1).")
    emulator.add_argument(
        "--port", type=int, default=5000, help="Port to bind; 0 picks a free one (default: 5000)."
    )
    emulator.add_argument(
        "--no-seed", action="store_true", help="Start empty instead of with the demo sessions."
    )

    doctor = sub.add_parser(
        "doctor",
        help="Check this set-up: versions, credentials, region, endpoint, permissions, HTTP settings.",
        description="Check, in order, what the server needs: versions (and the Athena protocol this botocore "
        "speaks), whose credentials, the region, the Athena endpoint, one harmless read per permission, S3 "
        "and CloudWatch Logs for diagnoses, and the HTTP serving settings. Takes serve's options. "
        "Exit status: 0 all passed, 1 a check failed.",
        allow_abbrev=False,
    )
    doctor.add_argument(
        "--workgroup", help="Also check GetWorkGroup, ListSessions and S3 for this workgroup."
    )
    doctor.add_argument("--json", action="store_true", help="Print the checks as JSON.")
    _add_server_options(doctor, suppress=True)
    _add_transport_options(doctor, suppress=True)
    _add_oauth_options(doctor, suppress=True)
    doctor.set_defaults(subparser=doctor)

    sub.add_parser(
        "demo",
        help="Offline demo: the real server over stdio against the seeded emulator.",
        description="Start the emulator, start the server over stdio, and print each demo session's health.",
    )
    return parser
