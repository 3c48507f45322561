"""Other accounts (--account NAME=ROLE_ARN): their credentials come from sts:AssumeRole.

The caller's own credentials (the server's, or with per-person identity the person's web-identity ones)
call AssumeRole on the declared role; botocore does the rest, as it does for a profile's role_arn:
AssumeRoleCredentialFetcher makes the call and DeferredRefreshableCredentials keeps the answer until
shortly before it expires (botocore's refresh windows: 15 min advisory, 10 min mandatory), then asks
again with the caller's current credentials. A refusal becomes an AccountAccessError that names the
account, the role, STS's error code and the fix, wherever the first call into the account is made.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from athena_session_mcp.athena.errors import AwsCallError, call_error
from athena_session_mcp.athena.responses import clip
from athena_session_mcp.athena.text import sanitize
from athena_session_mcp.settings import AccountRole

if TYPE_CHECKING:
    from boto3.session import Session

# The RoleSessionName of the server's own credentials (in the target account's CloudTrail).
SERVER_SESSION_NAME = "athena-session-mcp"
# AssumeRole DurationSeconds: one hour, the default maximum session of a role.
ASSUME_ROLE_SECONDS = 3600
ASSUME_ROLE_METHOD = "assume-role"
# An STS client for the caller's credentials: ("sts", aws_access_key_id=..., ...) -> client.
ClientCreator = Callable[..., Any]


class AccountAccessError(AwsCallError):
    """A declared account could not be reached: sts:AssumeRole on its role failed."""


def account_access_error(account: AccountRole, exc: Exception) -> AccountAccessError:
    """What the model reads when AssumeRole into `account` fails: the account's NAME, the role ARN (both
    the operator's own, validated at start-up), STS's error code, and what the operator should check."""
    from botocore.exceptions import ClientError

    fix = (
        f"The server administrator should check that the role's trust policy lets the caller's identity call "
        f"sts:AssumeRole{' with this ExternalId (sts:ExternalId condition)' if account.external_id else ''}, "
        "and that the caller's own IAM policy allows sts:AssumeRole on that role (docs/iam.md, "
        '"Other accounts"). Calls without Account use the server\'s own account meanwhile.'
    )
    if isinstance(exc, ClientError):
        details = exc.response.get("Error", {})
        code = sanitize(str(details.get("Code") or ""), 64) or "error"
        said = clip(sanitize(str(details.get("Message") or ""), 600), 200)
        text = (
            f"Could not reach account {account.name!r}: sts:AssumeRole on {account.role_arn} was refused "
            f"({code}). {fix}" + (f" (AWS STS said: {said})" if said else "")
        )
        return AccountAccessError(
            text, code=code, action="sts:AssumeRole", resource=account.role_arn, service_message=said
        )
    cause = call_error(exc, action="sts:AssumeRole", what=f"Role {account.role_arn}")
    return AccountAccessError(
        f"Could not reach account {account.name!r}: sts:AssumeRole on {account.role_arn} failed. {cause}",
        code=cause.code,
        action="sts:AssumeRole",
        resource=account.role_arn,
    )


def assumed_session(
    source: Session,
    account: AccountRole,
    *,
    session_name: str,
    region: str | None,
    sts_client: ClientCreator | None = None,
) -> Session:
    """A boto3 session in `account`: credentials from sts:AssumeRole on its role, called with `source`'s
    credentials (read again at every refresh), cached and refreshed before they expire. Nothing is
    called until a client of the session makes its first request. `sts_client` replaces how the STS
    client is made (tests stub it)."""
    import boto3
    import botocore.session
    from botocore.credentials import (
        AssumeRoleCredentialFetcher,
        CredentialProvider,
        CredentialResolver,
        DeferredRefreshableCredentials,
    )

    def sts(service: str, **kwargs: Any) -> Any:
        # types-boto3 overloads every service name; this one is chosen by botocore's fetcher.
        make: Any = getattr(source, "client")  # noqa: B009
        return make(service, region_name=region, **kwargs)

    extra_args: dict[str, Any] = {"RoleSessionName": session_name, "DurationSeconds": ASSUME_ROLE_SECONDS}
    if account.external_id:
        extra_args["ExternalId"] = account.external_id

    class _Caller:
        # The caller's credentials as they are at each AssumeRole call (they may have been refreshed).
        def get_frozen_credentials(self) -> Any:
            from botocore.exceptions import NoCredentialsError

            own = source.get_credentials()
            if own is None:
                raise NoCredentialsError()
            return own.get_frozen_credentials()

    fetcher = AssumeRoleCredentialFetcher(
        client_creator=sts_client or sts,
        source_credentials=_Caller(),
        role_arn=account.role_arn,
        extra_args=extra_args,
    )

    def fetch() -> dict[str, Any]:
        try:
            return fetcher.fetch_credentials()
        except Exception as exc:
            raise account_access_error(account, exc) from exc

    credentials = DeferredRefreshableCredentials(refresh_using=fetch, method=ASSUME_ROLE_METHOD)

    class _Assumed(CredentialProvider):
        METHOD = ASSUME_ROLE_METHOD

        def load(self) -> DeferredRefreshableCredentials:
            return credentials

    core = botocore.session.Session()
    # The service models are loaded once per process, not once per account.
    core.register_component("data_loader", source._session.get_component("data_loader"))  # pyright: ignore[reportPrivateUsage]
    core.register_component("credential_provider", CredentialResolver(providers=[_Assumed()]))
    return boto3.session.Session(botocore_session=core, region_name=region)
