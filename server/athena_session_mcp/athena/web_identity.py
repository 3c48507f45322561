"""Per-person AWS identity: each signed-in person's calls use their own temporary credentials.

With `--aws-web-identity-role-arn`, the server has no AWS identity of its own for tool calls. For each
person (issuer + `sub` of their OAuth access token) it asks STS for credentials with
AssumeRoleWithWebIdentity, presenting that person's token, and builds that person's Athena, S3 and
CloudWatch Logs clients with them. botocore does the work: AssumeRoleWithWebIdentityCredentialFetcher
makes the (unsigned) STS call and DeferredRefreshableCredentials caches the answer until shortly before
it expires (botocore's refresh windows: 15 min advisory, 10 min mandatory), then asks again with the
person's latest token. People are never mixed: the gateway of a call is chosen by the caller's
identity, and the cache holds at most MAX_PEOPLE people (least recently used dropped first).

The caller's identity comes from a function given by the transport (this layer imports no MCP code).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar, cast

import anyio.to_thread

from athena_session_mcp.athena.client import AthenaGateway
from athena_session_mcp.athena.engines import EngineBook
from athena_session_mcp.athena.errors import AwsCallError
from athena_session_mcp.settings import AccountRole, Settings

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient
    from types_boto3_logs import CloudWatchLogsClient
    from types_boto3_s3 import S3Client

T = TypeVar("T")

# Measured: each client of a person costs ~0.4 MB with the shared data loader (~8 MB without it): a full
# cache is ~0.4 GB, ~1.1 GB if every person also ran a diagnosis (S3 and Logs clients too).
MAX_PEOPLE = 1000
# AssumeRoleWithWebIdentity DurationSeconds: one hour, the default maximum session of a role.
ROLE_SESSION_SECONDS = 3600
# RoleSessionName: 2-64 characters of [\w+=,.@-] (STS API reference).
_SESSION_NAME_BAD = re.compile(r"[^\w+=,.@-]", re.ASCII)
SESSION_NAME_MAX = 64
STS_METHOD = "assume-role-with-web-identity"


# A subject used as it is never holds '=': a name that had to change ends in '=' and a digest of the
# subject, so `auth0|x` and `auth0_x` stay two people in CloudTrail.
_SESSION_NAME_AS_IS = re.compile(r"[\w+,.@-]{2,64}", re.ASCII)


def role_session_name(subject: str) -> str:
    """STS RoleSessionName for a person (shows in CloudTrail): their `sub` when it is 2-64 characters
    STS allows (no '='); otherwise it with other characters replaced by '_', cut, and '=' plus 8 hex
    digits of its SHA-256, so that different subjects never share a name."""
    if _SESSION_NAME_AS_IS.fullmatch(subject):
        return subject
    digest = hashlib.sha256(subject.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{_SESSION_NAME_BAD.sub('_', subject)[: SESSION_NAME_MAX - 9]}={digest}"


@dataclass(frozen=True, slots=True)
class WebIdentity:
    """Who is calling: the issuer and subject of their verified access token, and the token itself."""

    issuer: str
    subject: str
    token: str = field(repr=False)


class NoIdentityError(Exception):
    """A tool call arrived without a verified person behind it (only possible without OAuth)."""


@dataclass
class _Person:
    gateway: AthenaGateway
    token: str = field(repr=False)


class WebIdentityGateway(AthenaGateway):
    """An AthenaGateway whose clients belong to the person making the current call."""

    def __init__(
        self,
        settings: Settings,
        role_arn: str,
        identity: Callable[[], WebIdentity | None],
        *,
        max_people: int = MAX_PEOPLE,
    ) -> None:
        super().__init__(settings)
        self.role_arn = role_arn
        self._identity = identity
        self._max_people = max_people
        # Set in a declared account's gateway: the gateway whose people (web-identity credentials) it uses.
        self._home: WebIdentityGateway | None = None
        self._people: OrderedDict[tuple[str, str], _Person] = OrderedDict()
        self._people_lock = threading.Lock()
        self._shared: dict[str, Any] = {}
        # Engines learnt with one person's credentials are theirs: another person, who may not be allowed
        # to read that session, must not be told its engine. Bounded like the people.
        self._books: OrderedDict[tuple[str, str], EngineBook] = OrderedDict()
        # Its own lock: the engine books are read on the event loop, and must never wait for _people_lock,
        # which a worker thread holds while it imports boto3 and builds a person's session.
        self._books_lock = threading.Lock()

    # -- per person ---------------------------------------------------------------------------------

    def _core(self) -> Any:
        """One botocore session whose data loader (service models) every person's session shares, and
        which creates the unsigned STS clients. Call with self._people_lock held."""
        if "core" not in self._shared:
            import botocore.session

            self._shared["core"] = botocore.session.Session()
        return self._shared["core"]

    def _new_person(self, who: WebIdentity) -> _Person:
        # Call with self._people_lock held.
        import boto3
        import botocore.session
        from botocore.credentials import (
            AssumeRoleWithWebIdentityCredentialFetcher,
            CredentialProvider,
            CredentialResolver,
            DeferredRefreshableCredentials,
        )

        core = self._core()
        person = _Person(gateway=AthenaGateway(self.settings), token=who.token)
        # Declared accounts (--account) are assumed with the person's credentials, under their name.
        person.gateway.role_session_name = role_session_name(who.subject)
        region = self.settings.region

        def sts_client(service: str, **kwargs: Any) -> Any:
            return core.create_client(service, region_name=region, **kwargs)

        fetcher = AssumeRoleWithWebIdentityCredentialFetcher(
            client_creator=sts_client,
            web_identity_token_loader=lambda: person.token,  # the person's latest token at refresh time
            role_arn=self.role_arn,
            extra_args={
                "RoleSessionName": role_session_name(who.subject),
                "DurationSeconds": ROLE_SESSION_SECONDS,
            },
        )
        credentials = DeferredRefreshableCredentials(
            refresh_using=fetcher.fetch_credentials, method=STS_METHOD
        )

        class _Theirs(CredentialProvider):
            METHOD = STS_METHOD

            def load(self) -> DeferredRefreshableCredentials:
                return credentials

        theirs = botocore.session.Session()
        theirs.register_component("data_loader", core.get_component("data_loader"))
        theirs.register_component("credential_provider", CredentialResolver(providers=[_Theirs()]))
        person.gateway.use_session(boto3.session.Session(botocore_session=theirs, region_name=region))
        return person

    def person(self) -> AthenaGateway:
        """The current caller's gateway (created on their first call), with credentials resolved (the STS
        call happens here when they are missing or about to expire). Blocking: call off the event loop."""
        if self._home is not None:
            # In a declared account: the person's own gateway (one cache of people, in the home gateway of
            # this region) assumes the account's role with their credentials, on its first call.
            return self._home.person().for_account(self.account.name if self.account else None)
        who = self._identity()
        if who is None or not who.subject:
            raise NoIdentityError("no signed-in person is making this call")
        key = (who.issuer, who.subject)
        with self._people_lock:
            person = self._people.get(key)
            if person is None:
                person = self._people[key] = self._new_person(who)
                while len(self._people) > self._max_people:
                    # Evicted: their clients' pooled connections (up to 64 per service) are released.
                    self._people.popitem(last=False)[1].gateway.close()
            else:
                self._people.move_to_end(key)
                person.token = who.token
        person.gateway.resolve_credentials()
        return person.gateway

    @property
    def engines(self) -> EngineBook:
        """The current caller's engine book; a throwaway one when nobody is signed in."""
        who = self._identity()
        if who is None or not who.subject:
            return EngineBook()
        key = (who.issuer, who.subject)
        with self._books_lock:
            book = self._books.get(key)
            if book is None:
                book = self._books[key] = EngineBook()
                while len(self._books) > self._max_people:
                    self._books.popitem(last=False)
            else:
                self._books.move_to_end(key)
            return book

    @property
    def people(self) -> int:
        """How many people have cached credentials now."""
        with self._people_lock:
            return len(self._people)

    # -- the AthenaGateway surface the tools use ------------------------------------------------------

    @property
    def region(self) -> str | None:
        return self.settings.region

    def client(self) -> AthenaClient:
        return self.person().client()

    def s3(self) -> S3Client:
        return self.person().s3()

    def logs(self) -> CloudWatchLogsClient:
        return self.person().logs()

    def service(self, name: str) -> Any:
        return self.person().service(name)

    def _sibling(self, region: str) -> AthenaGateway:
        # Each person's credentials in another region: the same role, the same people, other clients.
        sibling = WebIdentityGateway(
            replace(self.settings, region=region, regions=()),
            self.role_arn,
            self._identity,
            max_people=self._max_people,
        )
        if self._home is not None:
            # A declared account in another region: its people are the home gateway's of that region
            # (a home gateway's siblings are web-identity gateways too).
            sibling.account = self.account
            sibling._home = cast(WebIdentityGateway, self._home.for_region(region))
        return sibling

    def _in_account(self, account: AccountRole) -> AthenaGateway:
        # Each person reaches the account with their own credentials (person()), never the server's.
        gateway = WebIdentityGateway(
            self.settings, self.role_arn, self._identity, max_people=self._max_people
        )
        gateway.account = account
        gateway._home = self
        return gateway

    def credentials_problem(self) -> str | None:
        # The server needs no credentials of its own: AssumeRoleWithWebIdentity is not signed.
        return None if self.settings.region or self._boto_region() else "no AWS region is configured"

    def _boto_region(self) -> str | None:
        import botocore.session

        return botocore.session.Session().get_config_variable("region")

    async def call(
        self, fn: Callable[[AthenaClient], T], *, action: str, what: str, finder: str | None = None
    ) -> T:
        """AthenaGateway.call with the caller's own gateway; a refused AssumeRoleWithWebIdentity becomes a
        tool error that names the role and what to check."""
        try:
            mine = await anyio.to_thread.run_sync(self.person)
        except Exception as exc:
            raise self._identity_error(exc) from exc
        return await mine.call(fn, action=action, what=what, finder=finder)

    def _identity_error(self, exc: Exception) -> AwsCallError:
        from botocore.exceptions import ClientError

        if isinstance(exc, NoIdentityError):
            return AwsCallError(
                "This call carries no verified person, and this server calls AWS only as the person asking "
                "(--aws-web-identity-role-arn). Sign in to the server again (reconnect it) and retry.",
                action="sts:AssumeRoleWithWebIdentity",
                resource=self.role_arn,
            )
        code = ""
        if isinstance(exc, ClientError):
            code = str(exc.response.get("Error", {}).get("Code") or "")
        reason = code or type(exc).__name__
        return AwsCallError(
            f"Could not get AWS credentials for you: sts:AssumeRoleWithWebIdentity on {self.role_arn} was "
            f"refused ({reason}). The server administrator should check the IAM OIDC identity provider for "
            "this issuer (its audience must be the token audience the server accepts: --oauth-audience when set, else the public URL) and the role's trust policy; "
            "reconnecting the server gets you a fresh token.",
            code=code,
            action="sts:AssumeRoleWithWebIdentity",
            resource=self.role_arn,
        )
