"""Translate botocore failures into tool errors whose message names the fix.

Every message is bounded and built from the error's code and the service's message only:
credentials, tokens and request parameters beyond the resource id never appear.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mcp.server.mcpserver.exceptions import ToolError

from athena_session_mcp.athena.responses import clip

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


class AthenaToolError(ToolError):
    """A failed AWS call, as a tool error the model reads, with the facts callers branch on.

    `code` is the AWS error code ('' when the failure was not a service answer, e.g. no credentials),
    `action` the IAM action (athena:GetSession), `resource` what was asked for ("Session 'abc'") and
    `not_found` whether the service said the resource does not exist. Callers branch on these, never
    on the message text. The server's own refusals use codes no AWS service uses: UnsupportedEngine
    (a Calculation API asked of an Apache Spark version 3.5 session).
    """

    def __init__(
        self,
        message: str,
        *,
        code: str = "",
        action: str = "",
        resource: str = "",
        not_found: bool = False,
        service_message: str = "",
    ) -> None:
        super().__init__(message)
        self.code = code
        self.action = action
        self.resource = resource
        self.not_found = not_found
        self.service_message = service_message

    def with_hint(self, hint: str) -> AthenaToolError:
        """The same error with a tool-specific next step appended to the message."""
        return AthenaToolError(
            f"{self} {hint}",
            code=self.code,
            action=self.action,
            resource=self.resource,
            not_found=self.not_found,
            service_message=self.service_message,
        )


def _is_not_found(code: str, message: str) -> bool:
    # The model lists ResourceNotFoundException, but Athena answers unknown session and calculation ids
    # with InvalidRequestException and a "... not found" message, the only place where the code alone
    # does not tell; this is the one decision taken from service text, kept here.
    return code == "ResourceNotFoundException" or (
        code == "InvalidRequestException" and "not found" in message.lower()
    )


def is_not_found(exc: BaseException) -> bool:
    """Whether a failure reports an unknown id."""
    return isinstance(exc, AthenaToolError) and exc.not_found


def athena_error(exc: BaseException) -> tuple[str, str]:
    """(AWS error code, bounded service message) of a tool error; ('', '') for any other failure."""
    if isinstance(exc, AthenaToolError):
        return exc.code, exc.service_message
    return "", ""


def _service_error(exc: ClientError) -> tuple[str, str]:
    details = exc.response.get("Error", {})
    return str(details.get("Code") or ""), str(details.get("Message") or "")


def _client_error(exc: ClientError, action: str, what: str, region: str | None, finder: str | None) -> str:
    code, message = _service_error(exc)
    message = clip(message, _MAX_SERVICE_MESSAGE)
    where = f" in region {region}" if region else ""
    if _is_not_found(code, message):
        return (
            f"{what} was not found{where}. Check the id for typos, and that --region/AWS_REGION is the region "
            f"where it was created{'; ' + finder if finder else ''}. (Athena said: {code}: {message})"
        )
    if code in ("AccessDeniedException", "AccessDenied", "UnauthorizedOperation"):
        return (
            f"Access denied calling {action}{where}. Grant {action} on the workgroup "
            "(arn:aws:athena:REGION:ACCOUNT:workgroup/NAME) to the caller's IAM identity; docs/iam.md in the "
            f"athena-session-mcp repository has a minimal policy. (Athena said: {message})"
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
) -> AthenaToolError:
    """A ToolError for any failure of an AWS call. `action` is the IAM action, e.g. athena:GetSession;
    `what` names the resource, e.g. "Session 'abc'"; `finder` says how to find valid ids."""
    from botocore import exceptions as bx  # botocore is imported already by the time a call fails

    if isinstance(exc, bx.ClientError):
        code, message = _service_error(exc)
        return AthenaToolError(
            _client_error(exc, action, what, region, finder),
            code=code,
            action=action,
            resource=what,
            not_found=_is_not_found(code, message),
            service_message=clip(message, _MAX_SERVICE_MESSAGE),
        )
    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError):
        text = f"No usable AWS credentials were found. {_CREDENTIAL_HELP}"
    elif isinstance(exc, bx.ProfileNotFound):
        text = f"The AWS profile was not found ({clip(str(exc), 120)}). Check AWS_PROFILE/--profile against ~/.aws/config."
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
        text = f"Invalid parameters for {action}: {clip(str(exc), _MAX_SERVICE_MESSAGE)}"
    else:
        text = f"{action} failed unexpectedly ({type(exc).__name__}). Try again; if it persists, run with --log-level DEBUG."
    return AthenaToolError(text, action=action, resource=what)
