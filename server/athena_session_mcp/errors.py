"""Translate botocore failures into tool errors whose message names the fix.

Every message is bounded and built from the error's code and the service's message only:
credentials, tokens and request parameters beyond the resource id never appear.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mcp.server.mcpserver.exceptions import ToolError

if TYPE_CHECKING:
    from botocore.exceptions import ClientError

_MAX_SERVICE_MESSAGE = 300

_CREDENTIAL_HELP = (
    "Provide AWS credentials: set AWS_PROFILE (and run `aws sso login --profile NAME` for SSO profiles), "
    "or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or pass --profile. MCP clients start the server with a "
    "minimal environment, so put AWS_PROFILE and AWS_REGION in the client config's env block."
)
_REGION_HELP = (
    "Set the region: --region us-east-1, or AWS_REGION / AWS_DEFAULT_REGION in the MCP client config's env "
    "block, or a region in the AWS profile."
)


def bounded(text: str, limit: int = _MAX_SERVICE_MESSAGE) -> str:
    """One line, at most `limit` characters: service text is echoed, never unbounded."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _is_not_found(code: str, message: str) -> bool:
    # Athena answers InvalidRequestException "... not found" for unknown ids, not ResourceNotFound.
    return code == "ResourceNotFoundException" or (
        code == "InvalidRequestException" and "not found" in message.lower()
    )


def athena_error(exc: BaseException) -> tuple[str, str]:
    """The Athena error code and message behind a gateway ToolError ('' when it was not a ClientError)."""
    from botocore.exceptions import ClientError

    cause = exc if isinstance(exc, ClientError) else exc.__cause__
    if not isinstance(cause, ClientError):
        return "", ""
    details = cause.response.get("Error", {})
    return str(details.get("Code") or ""), str(details.get("Message") or "")


def is_not_found(exc: BaseException) -> bool:
    """Whether a failure (or the gateway ToolError wrapping it) reports an unknown id."""
    return _is_not_found(*athena_error(exc))


def _client_error(exc: ClientError, action: str, what: str, region: str | None, finder: str | None) -> str:
    code, message = athena_error(exc)
    message = bounded(message)
    where = f" in region {region}" if region else ""
    if _is_not_found(code, message):
        return (
            f"{what} was not found{where}. Check the id for typos, and that --region/AWS_REGION is the region "
            f"where it was created{'; ' + finder if finder else ''}. (Athena said: {code}: {message})"
        )
    if code in ("AccessDeniedException", "AccessDenied", "UnauthorizedOperation"):
        return (
            f"Access denied calling {action}{where}. Grant {action} on the workgroup "
            "(arn:aws:athena:REGION:ACCOUNT:workgroup/NAME) to the caller's IAM identity; the README has a "
            f"minimal policy. (Athena said: {message})"
        )
    if code in ("ThrottlingException", "TooManyRequestsException", "Throttling", "RequestLimitExceeded"):
        return (
            f"Athena throttled {action} and the retries were exhausted. Wait a few seconds and try again, or "
            "make fewer concurrent calls."
        )
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    # A proxy or load balancer answering 502/503 carries no AWS error code, only its HTTP status.
    if status >= 500 or code in (
        "InternalServerException",
        "InternalFailure",
        "ServiceUnavailable",
        "ServiceUnavailableException",
    ):
        return (
            f"Athena returned a server error ({code}) for {action} after retries. This is on the AWS side: "
            "retry in a minute; if it persists, check the AWS Health Dashboard."
        )
    if code in ("ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"):
        return (
            "The AWS credentials have expired. Refresh them (e.g. `aws sso login --profile NAME`, or new "
            "temporary keys) and call again; the server picks up refreshed profile credentials."
        )
    if code in (
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
    ):
        return f"AWS rejected the credentials ({code}). {_CREDENTIAL_HELP}"
    return f"Athena rejected {action}: {code or 'error'}: {message or 'no message'}"


def tool_error(
    exc: Exception, *, action: str, what: str, region: str | None = None, finder: str | None = None
) -> ToolError:
    """A ToolError for any failure of an AWS call. `action` is the IAM action, e.g. athena:GetSession;
    `what` names the resource, e.g. "Session 'abc'"; `finder` says how to find valid ids."""
    from botocore import exceptions as bx  # botocore is imported already by the time a call fails

    if isinstance(exc, bx.ClientError):
        text = _client_error(exc, action, what, region, finder)
    elif isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError):
        text = f"No usable AWS credentials were found. {_CREDENTIAL_HELP}"
    elif isinstance(exc, bx.ProfileNotFound):
        text = f"The AWS profile was not found ({bounded(str(exc), 120)}). Check AWS_PROFILE/--profile against ~/.aws/config."
    elif isinstance(exc, bx.SSOError | bx.UnauthorizedSSOTokenError | bx.TokenRetrievalError):
        text = "The AWS SSO session is missing or expired. Run `aws sso login --profile NAME` and call again."
    elif isinstance(exc, bx.NoRegionError):
        text = f"No AWS region is configured. {_REGION_HELP}"
    elif isinstance(exc, bx.ConnectTimeoutError | bx.ReadTimeoutError):
        text = (
            f"The Athena endpoint did not answer {action} in time ({type(exc).__name__}) after retries. Check "
            "network access/VPN/proxy to the endpoint, or --endpoint-url if one is set, then try again."
        )
    elif isinstance(exc, bx.EndpointConnectionError | bx.ConnectionClosedError):
        text = (
            f"Could not connect to the Athena endpoint for {action}. Check the region, network access, proxy "
            "settings and --endpoint-url/AWS_ENDPOINT_URL if set."
        )
    elif isinstance(exc, bx.ParamValidationError):
        text = f"Invalid parameters for {action}: {bounded(str(exc))}"
    else:
        text = f"{action} failed unexpectedly ({type(exc).__name__}). Try again; if it persists, run with --log-level DEBUG."
    return ToolError(text)
