"""Translate botocore failures into tool errors whose message names the fix.

Every message is bounded and built from the error's code and the service's message only:
credentials, tokens and request parameters beyond the resource id never appear.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from athena_session_mcp.athena.responses import clip
from athena_session_mcp.athena.text import sanitize

if TYPE_CHECKING:
    from botocore.exceptions import ClientError

_MAX_SERVICE_MESSAGE = 300

# Where a setting must go depends on who starts the server: an MCP client starts a local (stdio) server
# with a minimal environment of its own, so its config's env block is the place; a hosted (HTTP) server
# never sees the client's config, only the environment and flags of whoever runs it.
_WHERE_LOCAL = "MCP clients start the server with a minimal environment, so put {names} in the client config's env block."
_WHERE_HOSTED = (
    "This server is served over HTTP: the MCP client's config does not reach it, so whoever runs the server "
    "must set {names} in the server's environment (or pass {flag}) and restart it."
)


def _where(names: str, flag: str, hosted: bool) -> str:
    return (_WHERE_HOSTED if hosted else _WHERE_LOCAL).format(names=names, flag=flag)


def _credential_help(hosted: bool) -> str:
    return (
        "Provide AWS credentials: set AWS_PROFILE (and run `aws sso login --profile NAME` for SSO profiles), "
        "or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or pass --profile. "
        + _where("AWS_PROFILE and AWS_REGION", "--profile", hosted)
    )


def _region_help(hosted: bool) -> str:
    return (
        "Set the region: --region us-east-1, or AWS_REGION / AWS_DEFAULT_REGION, or a region in the AWS "
        "profile. " + _where("AWS_REGION", "--region", hosted)
    )


# Error codes, across Athena, S3 and CloudWatch Logs, that mean the caller lacks a permission (S3 answers
# a denied HeadObject with a bare 403) or that the service throttled the call (S3 says SlowDown; botocore's
# standard retry mode treats all of these as throttling).
ACCESS_DENIED_CODES = frozenset(
    {"AccessDeniedException", "AccessDenied", "UnauthorizedOperation", "Forbidden", "403"}
)
THROTTLING_CODES = frozenset(
    {"ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded", "SlowDown"}
)

# The service an IAM action belongs to, by its prefix (athena:GetSession), as the messages name it,
# and where a custom endpoint for it is set (--endpoint-url is Athena's only; see athena/client.py).
_SERVICES = {
    "athena": ("Athena", "--endpoint-url/AWS_ENDPOINT_URL_ATHENA/AWS_ENDPOINT_URL"),
    "s3": ("Amazon S3", "AWS_ENDPOINT_URL_S3/AWS_ENDPOINT_URL"),
    "logs": ("CloudWatch Logs", "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS/AWS_ENDPOINT_URL"),
    "sts": ("AWS STS", "AWS_ENDPOINT_URL_STS/AWS_ENDPOINT_URL"),
}


# Actions whose IAM resource is "*" (Service Authorization Reference, Amazon Athena: ListWorkGroups has no
# resource type), so a grant on a workgroup ARN would not help.
_NO_RESOURCE_ACTIONS = frozenset({"athena:ListWorkGroups"})


def _service(action: str) -> tuple[str, str]:
    return _SERVICES.get(action.partition(":")[0], _SERVICES["athena"])


class AwsCallError(Exception):
    """A failed AWS call, with a message the model reads (tools answer it as a tool error) and the facts
    callers branch on.

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

    def with_hint(self, hint: str) -> AwsCallError:
        """The same error with a tool-specific next step appended to the message."""
        return self.with_message(f"{self} {hint}")

    def with_message(self, message: str) -> AwsCallError:
        """The same error (code, action, resource, service text) told by `message` instead."""
        return AwsCallError(
            message,
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
    return isinstance(exc, AwsCallError) and exc.not_found


def athena_error(exc: BaseException) -> tuple[str, str]:
    """(AWS error code, bounded service message) of a tool error; ('', '') for any other failure."""
    if isinstance(exc, AwsCallError):
        return exc.code, exc.service_message
    return "", ""


def _service_error(exc: ClientError) -> tuple[str, str]:
    # The service's message can echo what the caller sent: it passes the door like any response text.
    details = exc.response.get("Error", {})
    return sanitize(str(details.get("Code") or ""), 64), sanitize(str(details.get("Message") or ""), 4096)


def _client_error(
    exc: ClientError, action: str, what: str, region: str | None, finder: str | None, hosted: bool
) -> str:
    code, message = _service_error(exc)
    message = clip(message, _MAX_SERVICE_MESSAGE)
    service, _ = _service(action)
    where = f" in region {region}" if region else ""
    if _is_not_found(code, message):
        return (
            f"{what} was not found{where}. Check the id for typos, and that --region/AWS_REGION is the region "
            f"where it was created{'; ' + finder if finder else ''}. ({service} said: {code}: {message})"
        )
    if code in ACCESS_DENIED_CODES:
        if action in _NO_RESOURCE_ACTIONS:
            grant = (
                f'Grant {action} with Resource "*" (it names no workgroup) to the caller\'s IAM identity; '
                "docs/iam.md in the athena-session-mcp repository has a minimal policy."
            )
        elif service == "Athena":
            grant = (
                f"Grant {action} on the workgroup (arn:aws:athena:REGION:ACCOUNT:workgroup/NAME) to the caller's "
                "IAM identity; docs/iam.md in the athena-session-mcp repository has a minimal policy."
            )
        else:
            grant = f"Grant {action} on {what} to the caller's IAM identity."
        return f"Access denied calling {action}{where}. {grant} ({service} said: {message})"
    if code in THROTTLING_CODES:
        return (
            f"{service} throttled {action} and the retries were exhausted. Wait a few seconds and try again, or "
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
            f"{service} returned a server error ({code}) for {action} after retries. This is on the AWS side: "
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
        return f"AWS rejected the credentials ({code}). {_credential_help(hosted)}"
    return f"{service} rejected {action}: {code or 'error'}: {message or 'no message'}"


# What each wire protocol looks like on the wire, for a user checking an emulator or a proxy.
_PROTOCOL_SHAPES = {
    "rest-json": "REST-JSON (e.g. GET /sessions/{SessionId})",
    "json": "JSON 1.1 (POST / with X-Amz-Target: AmazonAthena.<Operation>)",
}
_JSON_SERVICES = ("Athena", "CloudWatch Logs")  # AWS JSON protocols: every error names its type


def _words(body: str) -> str:
    """A few cleaned words of a foreign answer: its HTML <title>, else its first words; never markup."""
    title = re.search(r"<title[^>]*>(.*?)</title>", body, re.IGNORECASE | re.DOTALL)
    text = title.group(1) if title else re.sub(r"<[^>]*>", " ", body)
    text = re.sub(r"[^A-Za-z0-9 .,:;()'/-]+", " ", text)
    return clip(" ".join(text.split()), 60)


def foreign_answer(
    *,
    action: str,
    status: int,
    content_type: str,
    body: str,
    endpoint: str | None = None,
    protocol: str | None = None,
) -> AwsCallError:
    """An answer that is not the service's: an HTML page, a status without an AWS error code, a proxy's
    login page. Says who answered what, that the service did not see the call, and what to check."""
    service, endpoint_setting = _service(action)
    who = f"The endpoint {endpoint}" if endpoint else f"The {service} endpoint"
    kind = content_type.split(";")[0].strip() or "no content type"
    words = _words(body)
    said = f'{kind}: "{words}"' if words else kind
    answered = f"with HTTP {status} ({said})" if status else "with a body botocore could not parse"
    text = (
        f"{who} answered {action} {answered}, which is not an {service} answer: {service} "
        f"did not see the call. Check {endpoint_setting} and any proxy (HTTPS_PROXY)"
    )
    if service == "Athena" and protocol in _PROTOCOL_SHAPES:
        import botocore  # loaded already: the call that failed went through it

        version = f" {botocore.__version__}"
        text += (
            f"; an emulator must answer the protocol this botocore{version} speaks to Athena: "
            f"{_PROTOCOL_SHAPES[protocol]}"
        )
    return AwsCallError(text + ".", action=action)


def is_foreign(exc: BaseException, action: str) -> bool:
    """Whether a ClientError is not the service's own answer: botocore puts the bare HTTP status where the
    error code goes when the body names none (or no code at all). Athena and CloudWatch Logs always name one (their JSON
    protocols carry an error type); S3 answers HEAD without a body, so there only an HTML page counts.
    A 5xx stays a server error: AWS's own front ends answer those without a code too."""
    from botocore.exceptions import ClientError

    if not isinstance(exc, ClientError):
        return False
    code, _ = _service_error(exc)
    metadata = exc.response.get("ResponseMetadata", {})
    status = int(metadata.get("HTTPStatusCode", 0) or 0)
    # No code at all: an XML parser (S3, STS) found no error element in an HTML page.
    if (code and not code.isdigit()) or status >= 500:
        return False
    if _service(action)[0] in _JSON_SERVICES:
        return True
    return "html" in str(metadata.get("HTTPHeaders", {}).get("content-type", "")).lower()


def call_error(
    exc: Exception,
    *,
    action: str,
    what: str,
    region: str | None = None,
    finder: str | None = None,
    hosted: bool = False,
    endpoint: str | None = None,
    protocol: str | None = None,
) -> AwsCallError:
    """A ToolError for any failure of an AWS call. `action` is the IAM action, e.g. athena:GetSession
    (its prefix names the service in the message); `what` names the resource, e.g. "Session 'abc'";
    `finder` says how to find valid ids; `hosted` whether the server is served over HTTP (so settings
    belong in its own environment, not in the MCP client's config); `endpoint` and `protocol` (the client's
    endpoint URL and wire protocol) name who answered when the answer was not the service's."""
    if isinstance(exc, AwsCallError):  # already says what failed (a declared account's AssumeRole)
        return exc
    from botocore import exceptions as bx  # botocore is imported already by the time a call fails
    from botocore.parsers import ResponseParserError

    service, endpoint_setting = _service(action)
    if isinstance(exc, bx.ClientError) and is_foreign(exc, action):
        metadata = exc.response.get("ResponseMetadata", {})
        return foreign_answer(
            action=action,
            status=int(metadata.get("HTTPStatusCode", 0) or 0),
            content_type=str(metadata.get("HTTPHeaders", {}).get("content-type", "")),
            body=str(exc.response.get("Error", {}).get("Message") or ""),
            endpoint=endpoint,
            protocol=protocol,
        )
    if isinstance(exc, ResponseParserError):
        return foreign_answer(
            action=action,
            status=0,
            content_type="",
            body="",
            endpoint=endpoint,
            protocol=protocol,
        )
    if isinstance(exc, bx.ClientError):
        code, message = _service_error(exc)
        return AwsCallError(
            _client_error(exc, action, what, region, finder, hosted),
            code=code,
            action=action,
            resource=what,
            not_found=_is_not_found(code, message),
            service_message=clip(message, _MAX_SERVICE_MESSAGE),
        )
    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError):
        text = f"No usable AWS credentials were found. {_credential_help(hosted)}"
    elif isinstance(exc, bx.ProfileNotFound):
        text = f"The AWS profile was not found ({clip(str(exc), 120)}). Check AWS_PROFILE/--profile against ~/.aws/config."
    elif isinstance(exc, bx.SSOError | bx.UnauthorizedSSOTokenError | bx.TokenRetrievalError):
        text = "The AWS SSO session is missing or expired. Run `aws sso login --profile NAME` and call again."
    elif isinstance(exc, bx.NoRegionError):
        text = f"No AWS region is configured. {_region_help(hosted)}"
    elif isinstance(exc, bx.ConnectTimeoutError | bx.ReadTimeoutError):
        text = (
            f"The {service} endpoint did not answer {action} in time ({type(exc).__name__}) after retries. "
            f"Check network access/VPN/proxy to the endpoint, or {endpoint_setting} if one is set, then try again."
        )
    elif isinstance(exc, bx.EndpointConnectionError | bx.ConnectionClosedError):
        text = (
            f"Could not connect to the {service} endpoint for {action}. Check the region, network access, proxy "
            f"settings and {endpoint_setting} if set."
        )
    elif isinstance(exc, bx.ParamValidationError):
        text = f"Invalid parameters for {action}: {clip(str(exc), _MAX_SERVICE_MESSAGE)}"
    else:
        text = f"{action} failed unexpectedly ({type(exc).__name__}). Try again; if it persists, run with --log-level DEBUG."
    return AwsCallError(text, action=action, resource=what)
