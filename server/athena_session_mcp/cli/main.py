"""Command line: `athena-session-mcp [serve|tools|call|emulator|demo] ...`; no subcommand serves MCP over stdio."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Generator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

import anyio

from athena_session_mcp.cli.logging_setup import configure_logging
from athena_session_mcp.cli.options import PROG, build_parser
from athena_session_mcp.settings import EMULATOR_ENV, EMULATOR_REGION, ENV_LOG_LEVEL, Settings, SettingsError

if TYPE_CHECKING:
    from athena_session_mcp.transport.http import HttpOptions


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.resolve(
        profile=args.profile,
        region=args.region,
        regions=args.regions,
        accounts=args.account,
        account_external_ids=args.account_external_id,
        endpoint_url=args.endpoint_url,
        dpu_hour_price=args.dpu_hour_price,
        allow_write=args.allow_write,
        allow_sensitive_data_access=args.allow_sensitive_data_access,
    )


@contextmanager
def _maybe_emulator(settings: Settings, enabled: bool, *, restore_env: bool) -> Generator[Settings]:
    """`settings` pointed at a freshly started seeded emulator when `enabled`, else unchanged.

    Our own process only: the emulator accepts any credentials, and a user's real profile must never be
    used (or needed) here. `restore_env` puts the environment back afterwards (one-shot commands)."""
    if not enabled:
        yield settings
        return
    from athena_session_mcp.emulator import EmulatorServer

    saved = {name: os.environ.get(name) for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", *EMULATOR_ENV)}
    emulator = EmulatorServer(seed=True)
    try:
        emulator.start()
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith(("moto", "werkzeug", "flask")):
            raise
        raise SettingsError(
            f"--emulator needs the 'emulator' extra ({exc.name} is not installed): "
            "pip install 'athena-session-mcp[emulator]', or "
            "uvx --from 'athena-session-mcp[emulator]' athena-session-mcp ..."
        ) from None
    os.environ.pop("AWS_PROFILE", None)
    os.environ.update(EMULATOR_ENV)
    # S3 and CloudWatch Logs (diagnose_athena_session) follow botocore's standard endpoint variable.
    os.environ["AWS_ENDPOINT_URL"] = emulator.endpoint_url
    try:
        yield replace(
            settings,
            profile=None,
            endpoint_url=emulator.endpoint_url,
            region=settings.region or EMULATOR_REGION,
        )
    finally:
        emulator.stop()
        if restore_env:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _http_options(args: argparse.Namespace) -> HttpOptions:
    """The HTTP transport's options as the flags and environment give them, checked (raises the
    transport's config errors)."""
    from athena_session_mcp.settings import DEFAULT_HOST, DEFAULT_PORT
    from athena_session_mcp.transport.auth import load_token
    from athena_session_mcp.transport.http import HttpOptions
    from athena_session_mcp.transport.oauth import OAuthOptions

    options = HttpOptions(
        host=DEFAULT_HOST if args.host is None else args.host,
        port=DEFAULT_PORT if args.port is None else args.port,
        stateless=bool(args.stateless),
        token=load_token(args.auth_token_file),
        allowed_hosts=tuple(args.allow_host or ()),
        allowed_origins=tuple(args.allow_origin or ()),
        oauth=OAuthOptions.resolve(
            issuer=args.oauth_issuer,
            public_url=args.public_url,
            required_scope=args.oauth_required_scope,
            write_scope=args.oauth_write_scope,
            web_identity_role_arn=args.aws_web_identity_role_arn,
            audience=args.oauth_audience,
        ),
    )
    options.check()
    return options


def _doctor(args: argparse.Namespace) -> int:
    from athena_session_mcp.cli.doctor import Check, Doctor, http_check, report
    from athena_session_mcp.transport.auth import AuthConfigError
    from athena_session_mcp.transport.http import TransportConfigError
    from athena_session_mcp.transport.oauth import OAuthConfigError

    def http() -> Check:
        try:
            options = _http_options(args)
        except (AuthConfigError, TransportConfigError, OAuthConfigError) as exc:
            return http_check(str(exc), token=False, oauth=None)
        oauth = options.oauth
        described = {"issuer": oauth.issuer, "public_url": oauth.public_url} if oauth is not None else None
        return http_check(None, token=options.token is not None, oauth=described)

    settings = _settings(args)
    with _maybe_emulator(settings, args.emulator, restore_env=True) as settings:
        checks = Doctor(settings, workgroup=args.workgroup, http=http).run()
    return report(checks, sys.stdout, as_json=args.json)


def _serve(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from athena_session_mcp.app import build_server
    from athena_session_mcp.athena.client import AthenaGateway
    from athena_session_mcp.transport.auth import AuthConfigError
    from athena_session_mcp.transport.http import (
        TransportConfigError,
        serve_http,
        serve_stdio,
    )
    from athena_session_mcp.transport.oauth import OAuthConfigError

    transport = args.transport or "stdio"
    http_only = {
        "--host": args.host,
        "--port": args.port,
        "--stateless": args.stateless or None,
        "--auth-token-file": args.auth_token_file,
        "--allow-host": args.allow_host,
        "--allow-origin": args.allow_origin,
        "--oauth-issuer": args.oauth_issuer,
        "--public-url": args.public_url,
        "--oauth-audience": args.oauth_audience,
        "--oauth-required-scope": args.oauth_required_scope,
        "--oauth-write-scope": args.oauth_write_scope,
        "--aws-web-identity-role-arn": args.aws_web_identity_role_arn,
    }
    if transport == "stdio":
        given = [flag for flag, value in http_only.items() if value is not None]
        if given:
            parser.error(f"{', '.join(given)}: only with --transport streamable-http")
        settings = _settings(args)
        with _maybe_emulator(settings, args.emulator, restore_env=False) as settings:
            return serve_stdio(build_server(settings))
    try:
        options = _http_options(args)
    except (AuthConfigError, TransportConfigError, OAuthConfigError) as exc:
        parser.error(str(exc))
    oauth = options.oauth
    settings = replace(_settings(args), served_over_http=True)
    with _maybe_emulator(settings, args.emulator, restore_env=False) as settings:
        gateway = AthenaGateway(settings)
        if oauth is not None and oauth.web_identity_role_arn is not None:
            from athena_session_mcp.athena.web_identity import WebIdentityGateway
            from athena_session_mcp.transport.audit import current_web_identity

            gateway = WebIdentityGateway(settings, oauth.web_identity_role_arn, current_web_identity)
        options = replace(options, readiness=gateway.credentials_problem, allow_write=settings.allow_write)
        server = build_server(settings, gateway=gateway, auth=oauth.server_auth() if oauth else None)
        try:
            return serve_http(server, options)
        except OSError as exc:
            sys.stderr.write(f"{PROG}: error: {exc}\n")
            return 1


def _oneshot(args: argparse.Namespace, extras: list[str], parser: argparse.ArgumentParser) -> int:
    from athena_session_mcp.cli.call import UsageError, run_call, run_tools

    settings = _settings(args)
    try:
        if args.command == "tools":
            with _maybe_emulator(settings, args.emulator, restore_env=True) as settings:
                return anyio.run(lambda: run_tools(settings, sys.stdout, as_json=args.json))
        if not args.tool:
            if args.help:
                sys.stdout.write(parser.format_help())
                return 0
            parser.error("call needs a TOOL name; run 'athena-session-mcp tools' to list them")
        with _maybe_emulator(settings, args.emulator, restore_env=True) as settings:
            return anyio.run(
                lambda: run_call(
                    settings,
                    args.tool,
                    extras,
                    out=sys.stdout,
                    err=sys.stderr,
                    as_json=args.json,
                    show_help=args.help,
                )
            )
    except UsageError as exc:
        sys.stderr.write(exc.usage + f"{PROG} call: error: {exc}\n")
        return 2


def main(argv: Sequence[str] | None = None) -> int:
    top = build_parser()
    args, extras = top.parse_known_args(argv)
    # Usage errors show the usage of the subcommand at hand.
    parser: argparse.ArgumentParser = getattr(args, "subparser", top)
    if extras and args.command != "call":
        parser.error(f"unrecognized arguments: {' '.join(extras)}")
    configure_logging(args.log_level or os.environ.get(ENV_LOG_LEVEL, "WARNING"))
    command = args.command or "serve"
    try:
        if command == "serve":
            return _serve(args, parser)
        if command in ("tools", "call"):
            return _oneshot(args, extras, parser)
        if command == "doctor":
            return _doctor(args)
        if command == "emulator":
            from athena_session_mcp.emulator import run_emulator

            return run_emulator(host=args.host, port=args.port, seed=not args.no_seed)
        from athena_session_mcp.cli.demo import run_demo

        return run_demo(sys.stdout)
    except SettingsError as exc:
        parser.error(str(exc))
    except KeyboardInterrupt:
        return 130
