"""`athena-session-mcp doctor`: what is wrong with this set-up, in the order a user would fix it.

One line per check, `ok`, `FAIL` (with the fix) or `skip` (with how to enable it): versions and the Athena
wire protocol this botocore speaks; where the credentials come from and whose they are; the region; the
Athena endpoint (does Athena answer, or something else?); one harmless read per permission the tools
need; S3 and CloudWatch Logs for diagnoses; each declared account (AssumeRole); the HTTP serving settings. Every AWS call is tried once with
short timeouts, so a wrong endpoint answers within seconds. Exit status 1 when any check fails.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any, TextIO, cast

from athena_session_mcp import __version__
from athena_session_mcp.athena.errors import ACCESS_DENIED_CODES, AwsCallError, call_error, is_foreign

if TYPE_CHECKING:
    from boto3.session import Session
    from botocore.config import Config

    from athena_session_mcp.settings import Settings

PROTOCOL_NAMES = {"rest-json": "REST-JSON", "json": "JSON 1.1"}
CONNECT_TIMEOUT = 3
READ_TIMEOUT = 5


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the report. `ok` None: skipped (`fix` says how to run it)."""

    check: str
    ok: bool | None
    detail: str
    fix: str = ""


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def _quick() -> Config:
    from botocore.config import Config

    return Config(
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        retries={"mode": "standard", "total_max_attempts": 1},
    )


def check_versions() -> Check:
    import botocore.session

    protocol = botocore.session.get_session().get_service_model("athena").protocol
    detail = (
        f"athena-session-mcp {__version__} · Python {platform.python_version()} · boto3 {_version('boto3')} · "
        f"botocore {_version('botocore')} (speaks {PROTOCOL_NAMES.get(protocol, protocol)} to Athena) · "
        f"mcp {_version('mcp')}"
    )
    return Check("versions", True, detail)


def _failure(exc: Exception, action: str, what: str, *, client: Any = None) -> str:
    endpoint = getattr(getattr(client, "meta", None), "endpoint_url", None)
    protocol = getattr(getattr(getattr(client, "meta", None), "service_model", None), "protocol", None)
    if isinstance(exc, AwsCallError):
        return str(exc)
    return str(call_error(exc, action=action, what=what, endpoint=endpoint, protocol=protocol))


def _code(exc: Exception) -> str:
    from botocore.exceptions import ClientError

    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code") or "")
    return exc.code if isinstance(exc, AwsCallError) else ""


class Doctor:
    """Runs the checks in order; later checks are skipped when what they need has failed."""

    def __init__(self, settings: Settings, *, workgroup: str | None, http: Callable[[], Check]) -> None:
        self.settings = settings
        self.workgroup = workgroup
        self.http = http
        self.checks: list[Check] = []
        # The workgroup's result location, as the athena:GetWorkGroup check read it (the S3 check's object).
        self._location: str | None = None

    def _session(self) -> Session:
        import boto3

        return boto3.session.Session(profile_name=self.settings.profile, region_name=self.settings.region)

    def run(self) -> list[Check]:
        self.checks.append(check_versions())
        try:
            session = self._session()
        except Exception as exc:
            self.checks.append(
                Check("credentials", False, "the AWS profile does not load", _failure(exc, "", ""))
            )
            self.checks.append(self.http())
            return self.checks
        credentials = self._credentials(session)
        region = session.region_name
        if region:
            self.checks.append(Check("region", True, region))
        else:
            self.checks.append(
                Check(
                    "region",
                    False,
                    "no AWS region is configured",
                    "pass --region us-east-1, or set AWS_REGION, or a region in the AWS profile",
                )
            )
        if not (region and credentials):
            self.checks.append(
                Check("athena endpoint", None, "needs credentials and a region", "fix the lines above first")
            )
        elif self._athena(session):
            self._s3_and_logs(session)
        if region and credentials:
            self._accounts(session)
        self.checks.append(self.http())
        return self.checks

    def _accounts(self, session: Session) -> None:
        """Each declared account (--account): sts:AssumeRole on its role, then whose credentials they are."""
        from athena_session_mcp.athena.accounts import SERVER_SESSION_NAME, assumed_session

        for account in self.settings.accounts:
            name = f"account {account.name}"
            try:
                theirs = assumed_session(
                    session, account, session_name=SERVER_SESSION_NAME, region=session.region_name
                )
                sts = cast(Any, theirs).client("sts", region_name=session.region_name, config=_quick())
                identity = cast(Mapping[str, Any], sts.get_caller_identity())
            except Exception as exc:
                fix = _failure(exc, "sts:AssumeRole", f"Role {account.role_arn}")
                self.checks.append(Check(name, False, f"sts:AssumeRole on {account.role_arn} failed", fix))
                continue
            arn, number = identity.get("Arn", "?"), identity.get("Account", "?")
            self.checks.append(Check(name, True, f"sts:AssumeRole allowed: {arn} (account {number})"))

    def _credentials(self, session: Session) -> bool:
        """Whether credentials were found (their identity may still be unknown)."""
        credentials = session.get_credentials()
        if credentials is None:
            self.checks.append(
                Check(
                    "credentials",
                    False,
                    "no AWS credentials were found",
                    "set AWS_PROFILE (run `aws sso login --profile NAME` for SSO profiles) or "
                    "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or pass --profile",
                )
            )
            return False
        source = str(getattr(credentials, "method", "") or "unknown source")
        try:
            # No stubs for STS are installed: its client is untyped here.
            sts = cast(Any, session).client(
                "sts", region_name=session.region_name or "us-east-1", config=_quick()
            )
            identity = cast(Mapping[str, Any], sts.get_caller_identity())
        except Exception as exc:
            fix = _failure(exc, "sts:GetCallerIdentity", "the caller's identity")
            self.checks.append(
                Check("credentials", False, f"from {source}; sts:GetCallerIdentity failed", fix)
            )
            return True
        arn, account = identity.get("Arn", "?"), identity.get("Account", "?")
        self.checks.append(Check("credentials", True, f"from {source}: {arn} (account {account})"))
        return True

    def _athena(self, session: Session) -> bool:
        """The endpoint and the Athena reads; False when the endpoint is not Athena's (later checks skip)."""
        client: Any = session.client("athena", endpoint_url=self.settings.endpoint_url, config=_quick())  # pyright: ignore[reportUnknownMemberType]
        endpoint = str(client.meta.endpoint_url)
        protocol = PROTOCOL_NAMES.get(client.meta.service_model.protocol, client.meta.service_model.protocol)
        try:
            page = client.list_work_groups(MaxResults=1)
            from athena_session_mcp.athena.client import check_answer

            check_answer(client, page, "athena:ListWorkGroups")
        except Exception as exc:
            from botocore.exceptions import ClientError

            if not isinstance(exc, ClientError) or is_foreign(exc, "athena:ListWorkGroups"):
                fix = _failure(exc, "athena:ListWorkGroups", "Workgroups", client=client)
                self.checks.append(
                    Check("athena endpoint", False, f"{endpoint} does not answer as Athena", fix)
                )
                return False
            # Athena answered, with an AWS error: the endpoint is fine, the permission is not.
            self.checks.append(Check("athena endpoint", True, f"{endpoint} answers ({protocol})"))
            self._permission("athena:ListWorkGroups", exc, client, "Workgroups")
        else:
            self.checks.append(Check("athena endpoint", True, f"{endpoint} answers ({protocol})"))
            self.checks.append(Check("athena:ListWorkGroups", True, "allowed"))
        self._workgroup_reads(client)
        return True

    def _permission(self, action: str, exc: Exception, client: Any, what: str) -> None:
        fix = _failure(exc, action, what, client=client)
        detail = "denied" if _code(exc) in ACCESS_DENIED_CODES else "failed"
        self.checks.append(Check(action, False, detail, fix))

    def _workgroup_reads(self, client: Any) -> None:
        if self.workgroup is None:
            for action in ("athena:GetWorkGroup", "athena:ListSessions"):
                self.checks.append(Check(action, None, "needs a workgroup", "run with --workgroup NAME"))
            return
        name = self.workgroup
        reads: list[tuple[str, Callable[[], Any]]] = [
            ("athena:GetWorkGroup", lambda: client.get_work_group(WorkGroup=name)),
            ("athena:ListSessions", lambda: client.list_sessions(WorkGroup=name, MaxResults=1)),
        ]
        for action, read in reads:
            try:
                answer = read()
            except Exception as exc:
                self._permission(action, exc, client, f"Workgroup '{name}'")
                continue
            self.checks.append(Check(action, True, f"allowed on workgroup {name}"))
            if action == "athena:GetWorkGroup":
                configuration = answer.get("WorkGroup", {}).get("Configuration", {})
                location = configuration.get("ResultConfiguration", {}).get("OutputLocation")
                self._location = str(location) if location else None

    def _s3_and_logs(self, session: Session) -> None:
        # The permissions diagnoses use: s3:GetObject on job output, logs:DescribeLogStreams and
        # logs:FilterLogEvents on the workgroup's log group (docs/iam.md); nothing they do not need.
        if self.workgroup is None:
            for check in ("s3 (diagnoses)", "cloudwatch logs (diagnoses)"):
                self.checks.append(Check(check, None, "needs a workgroup", "run with --workgroup NAME"))
            return
        self._s3(session, self._location)
        self._logs(session, self.workgroup)

    def _s3(self, session: Session, location: str | None) -> None:
        check = "s3 (diagnoses)"
        if location is None or not location.startswith("s3://"):
            self.checks.append(Check(check, None, "the workgroup names no S3 result location"))
            return
        bucket, _, prefix = location.removeprefix("s3://").partition("/")
        s3: Any = session.client("s3", config=_quick())  # pyright: ignore[reportUnknownMemberType]
        try:
            listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=1)
        except Exception as exc:
            if _code(exc) in ACCESS_DENIED_CODES:
                # The tools read objects they are told about and never list: s3:ListBucket is not theirs.
                why = f"listing {location} needs s3:ListBucket, which the tools do not use"
                self.checks.append(
                    Check(check, None, why, "s3:GetObject is checked once an object is listed")
                )
                return
            fix = _failure(exc, "s3:ListBucket", f"bucket {bucket}", client=s3)
            self.checks.append(Check(check, False, f"{location} could not be read", fix))
            return
        keys = [str(item.get("Key")) for item in listed.get("Contents", [])]
        if not keys:
            self.checks.append(Check(check, True, f"{location} answers; nothing is written there yet"))
            return
        try:
            # One byte of one object: proves s3:GetObject without reading anyone's output.
            s3.get_object(Bucket=bucket, Key=keys[0], Range="bytes=0-0")["Body"].close()
        except Exception as exc:
            fix = _failure(exc, "s3:GetObject", f"objects under {location}", client=s3)
            self.checks.append(Check(check, False, f"s3:GetObject under {location} failed", fix))
            return
        self.checks.append(Check(check, True, f"s3:GetObject allowed under {location}"))

    def _logs(self, session: Session, workgroup: str) -> None:
        check = "cloudwatch logs (diagnoses)"
        # Sessions log to /aws-athena/<workgroup> unless their MonitoringConfiguration names another group.
        group = f"/aws-athena/{workgroup}"
        logs: Any = session.client("logs", config=_quick())  # pyright: ignore[reportUnknownMemberType]
        try:
            logs.describe_log_streams(logGroupName=group, limit=1)
        except Exception as exc:
            if _code(exc) == "ResourceNotFoundException":
                self.checks.append(
                    Check(check, True, f"logs:DescribeLogStreams allowed; no log group {group} yet")
                )
                return
            fix = _failure(exc, "logs:DescribeLogStreams", f"log group {group}", client=logs)
            self.checks.append(Check(check, False, f"logs:DescribeLogStreams on {group} failed", fix))
            return
        self.checks.append(Check(check, True, f"logs:DescribeLogStreams allowed on {group}"))


def report(checks: list[Check], out: TextIO, *, as_json: bool) -> int:
    """Print the checks; 1 when any failed, else 0."""
    if as_json:
        out.write(json.dumps([asdict(c) for c in checks], indent=2) + "\n")
    else:
        for c in checks:
            status = "ok  " if c.ok else ("skip" if c.ok is None else "FAIL")
            out.write(f"{status}  {c.check:<28} {c.detail}\n")
            if c.fix and c.ok is not True:
                out.write(f"      → {c.fix}\n")
    return 1 if any(c.ok is False for c in checks) else 0


def http_check(problem: str | None, *, token: bool, oauth: Mapping[str, str] | None) -> Check:
    """The HTTP serving settings as `serve --transport streamable-http` would read them."""
    if problem is not None:
        return Check("http serving", False, "the HTTP settings do not resolve", problem)
    if oauth is not None:
        detail = (
            f"OAuth: tokens from {oauth['issuer']} for {oauth['public_url']}; a non-loopback bind is allowed"
        )
        return Check("http serving", True, detail)
    if token:
        return Check(
            "http serving", True, "a bearer token is set (not shown); a non-loopback bind is allowed"
        )
    return Check(
        "http serving",
        True,
        "stdio needs nothing; HTTP serves loopback only until ATHENA_SESSION_MCP_AUTH_TOKEN, "
        "--auth-token-file or --oauth-issuer is set",
    )
