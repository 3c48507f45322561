"""The one boto3 Athena client: built lazily on first use, reused for every call, called off the event loop."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar, cast

import anyio.to_thread

from athena_session_mcp import __version__
from athena_session_mcp.athena.accounts import SERVER_SESSION_NAME, ClientCreator, assumed_session
from athena_session_mcp.athena.deadline import DeadlineReachedError, remaining
from athena_session_mcp.athena.engines import EngineBook
from athena_session_mcp.athena.errors import AwsCallError, call_error, foreign_answer
from athena_session_mcp.athena.responses import as_int, as_map
from athena_session_mcp.athena.text import sanitize_tree
from athena_session_mcp.settings import AccountRole, Settings

if TYPE_CHECKING:
    from boto3.session import Session
    from botocore.config import Config
    from types_boto3_athena import AthenaClient
    from types_boto3_logs import CloudWatchLogsClient
    from types_boto3_s3 import S3Client

T = TypeVar("T")

# botocore keeps a connection pool per client; size it for bursts of concurrent tool calls.
MAX_POOL_CONNECTIONS = 64


class AthenaGateway:
    """Owns the Athena client. Importing boto3 and loading the service model cost ~100 ms, so it
    happens on the first call (in a worker thread), not at server start-up."""

    def __init__(
        self,
        settings: Settings,
        client: AthenaClient | None = None,
        *,
        s3: S3Client | None = None,
        logs: CloudWatchLogsClient | None = None,
        sts: ClientCreator | None = None,
    ) -> None:
        self.settings = settings
        # --account: the declared account this gateway calls (None: the caller's own), and its gateways.
        self.account: AccountRole | None = None
        self._accounts: dict[str, AthenaGateway] = {}
        self._sts = sts
        # Whose credentials call sts:AssumeRole into declared accounts (CloudTrail's RoleSessionName there).
        self.role_session_name = SERVER_SESSION_NAME
        self._assume_from: AthenaGateway | None = None
        self._client = client
        self._s3 = s3
        self._logs = logs
        self._session: Session | None = None
        self._lock = threading.Lock()
        self._engines = EngineBook()
        # --regions: a gateway per other region (built on first need) and the account's regions, once read.
        self._regional: dict[str, AthenaGateway] = {}
        self._services: dict[str, Any] = {}
        self._enabled_regions: tuple[str, ...] | None = None

    @property
    def engines(self) -> EngineBook:
        """What this gateway has learnt about engines (facts read with its credentials)."""
        return self._engines

    @property
    def account_name(self) -> str | None:
        """The NAME of the declared account this gateway calls; None for the caller's own."""
        return self.account.name if self.account is not None else None

    @property
    def region(self) -> str | None:
        """The region in use: the resolved one once the client exists, else the configured one."""
        return self._client.meta.region_name if self._client is not None else self.settings.region

    def client(self) -> AthenaClient:
        """The shared client, created once (thread-safe)."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = self._build()
        return self._client

    def _boto_session(self) -> Session:
        # One boto3 session (profile, region, credential chain) for every client: call with the lock held.
        if self._session is None and self._assume_from is not None and self.account is not None:
            source = self._assume_from
            with source._lock:
                caller = source._boto_session()
            self._session = assumed_session(
                caller,
                self.account,
                session_name=source.role_session_name,
                region=self.settings.region,
                sts_client=self._sts,
            )
        if self._session is None:
            import boto3

            self._session = boto3.session.Session(
                profile_name=self.settings.profile, region_name=self.settings.region
            )
        return self._session

    def use_session(self, session: Session) -> None:
        """Build the clients from `session` (its credentials and region) instead of the settings' profile:
        how per-person credentials (athena/web_identity.py) are given. Before the first call only."""
        with self._lock:
            self._session = session

    def resolve_credentials(self) -> None:
        """Resolve (or refresh) the session's credentials now, so that a failure to get them is raised
        here, by the caller, and not inside a client call. Blocking."""
        with self._lock:
            session = self._boto_session()
        credentials = session.get_credentials()
        if credentials is not None:
            credentials.get_frozen_credentials()

    def credentials_problem(self) -> str | None:
        """None when AWS credentials and a region resolve (botocore's chain, no AWS API call), else why
        not. For readiness probes. Blocking."""
        try:
            with self._lock:
                session = self._boto_session()
            credentials = session.get_credentials()
        except Exception as exc:
            return f"the AWS credentials do not resolve ({type(exc).__name__})"
        if credentials is None:
            return "no AWS credentials were found"
        if not session.region_name:
            return "no AWS region is configured"
        return None

    def _config(self) -> Config:
        from botocore.config import Config

        s = self.settings
        return Config(
            retries={"mode": "standard", "total_max_attempts": s.max_attempts},
            connect_timeout=s.connect_timeout,
            read_timeout=s.read_timeout,
            max_pool_connections=MAX_POOL_CONNECTIONS,
            user_agent_extra=f"athena-session-mcp/{__version__}",
        )

    def _build(self) -> AthenaClient:
        # types-boto3 overloads every service name; pyright cannot pick the overload, hence the ignore.
        client: AthenaClient = self._boto_session().client(  # pyright: ignore[reportUnknownMemberType]
            "athena",
            region_name=self.settings.region,
            endpoint_url=self.settings.endpoint_url,
            config=self._config(),
        )
        return client

    # -- other regions (--regions) -------------------------------------------------------------------

    def close(self) -> None:
        """Close the clients built so far (their pooled connections), this region's and the others'."""
        with self._lock:
            clients: list[Any] = [c for c in (self._client, self._s3, self._logs) if c is not None]
            others = [*self._regional.values(), *self._accounts.values()]
            self._client = self._s3 = self._logs = None
            self._regional, self._accounts = {}, {}
        for client in clients:
            client.close()
        for gateway in others:
            gateway.close()

    def for_region(self, region: str) -> AthenaGateway:
        """The gateway for `region`: this one when it is this gateway's region, else a sibling built on
        first need with the same credentials and settings (its own clients and engine book: workgroup
        names repeat across regions)."""
        if region == self.region:
            return self
        with self._lock:
            regional = self._regional.get(region)
            if regional is None:
                regional = self._regional[region] = self._sibling(region)
            return regional

    def _sibling(self, region: str) -> AthenaGateway:
        # Call with the lock held: same boto3 session (credentials, profile), another region.
        sibling = AthenaGateway(replace(self.settings, region=region, regions=()))
        sibling._session = self._boto_session()
        sibling.account = self.account
        return sibling

    # -- other accounts (--account) ------------------------------------------------------------------

    def for_account(self, name: str | None) -> AthenaGateway:
        """The gateway into the declared account `name` (this one for None), built on first need: its
        credentials come from sts:AssumeRole called with this gateway's, on its first AWS call. Raises
        AwsCallError for a name that is not declared."""
        if name is None:
            return self
        account = self.settings.account(name)
        if account is None:
            declared = ", ".join(a.name for a in self.settings.accounts) or "none"
            # The caller's value is not echoed: only the operator's names are.
            raise AwsCallError(
                f"That Account is not one this server declares (declared: {declared}); leave Account out to "
                "use the server's own account.",
                code="UnknownAccount",
            )
        with self._lock:
            gateway = self._accounts.get(name)
            if gateway is None:
                gateway = self._accounts[name] = self._in_account(account)
            return gateway

    def _in_account(self, account: AccountRole) -> AthenaGateway:
        # Call with the lock held. Its boto3 session is made on its first call (_boto_session), off the loop.
        gateway = AthenaGateway(self.settings, sts=self._sts)
        gateway.account = account
        gateway._assume_from = self
        return gateway

    async def regions(self) -> tuple[str, ...]:
        """The regions to search, this gateway's first: --regions as given, every region enabled in the
        account for `all` (read once), or this region alone. Raises AwsCallError when `all` cannot be
        resolved."""
        await self.run(self.client)  # the configured region as botocore resolves it (flag, env, profile)
        home = self.region
        if self.settings.all_regions:
            if self._enabled_regions is None:
                self._enabled_regions = await self._read_enabled_regions()
            listed = self._enabled_regions
        else:
            listed = self.settings.regions
        ordered = ([home] if home else []) + [r for r in listed if r != home]
        return tuple(ordered)

    async def _read_enabled_regions(self) -> tuple[str, ...]:
        """Account Management ListRegions (enabled ones), else EC2 DescribeRegions (which lists the regions
        enabled for the account unless AllRegions is set) when ListRegions is refused or unavailable."""

        def list_regions() -> tuple[str, ...]:
            account = self.service("account")
            names: list[str] = []
            token: str | None = None
            while True:
                kwargs: dict[str, Any] = {"RegionOptStatusContains": ["ENABLED", "ENABLED_BY_DEFAULT"]}
                if token:
                    kwargs["NextToken"] = token
                page = account.list_regions(**kwargs)
                names += [str(r["RegionName"]) for r in page.get("Regions", []) if r.get("RegionName")]
                token = page.get("NextToken")
                if not token:
                    return tuple(sorted(names))

        def describe_regions() -> tuple[str, ...]:
            page = self.service("ec2").describe_regions()
            return tuple(sorted(str(r["RegionName"]) for r in page.get("Regions", []) if r.get("RegionName")))

        try:
            return await self.run(list_regions)
        except Exception as first:
            try:
                return await self.run(describe_regions)
            except Exception:
                raise call_error(
                    first, action="account:ListRegions", what="The account's regions", region=self.region
                ) from first

    def service(self, name: str) -> Any:
        """A client of another AWS service (CloudWatch, CloudTrail, Account Management, EC2) in this
        gateway's region, same credentials and retries, built on first need. Untyped: this project keeps no
        type stubs for them, and reads their answers with athena.responses' tolerant readers."""
        with self._lock:
            client = self._services.get(name)
            if client is None:
                client = self._services[name] = self._other_client(name)
            return client

    async def call_service(self, name: str, fn: Callable[[Any], T], *, action: str, what: str) -> T:
        """`fn(client of service name)` off the event loop; failures become AwsCallError, as in call()."""
        try:
            return await self.run(lambda: fn(self.service(name)))
        except Exception as exc:
            raise call_error(
                exc, action=action, what=what, region=self.region, hosted=self.settings.served_over_http
            ) from exc

    # S3 and CloudWatch Logs serve diagnose_athena_session only: built on its first need, never at start-up.
    # --endpoint-url is Athena's; these two follow botocore's own AWS_ENDPOINT_URL(_S3/_CLOUDWATCH_LOGS).

    def s3(self) -> S3Client:
        """The shared S3 client (same profile, region, credentials and retries as Athena)."""
        with self._lock:  # off the hot path: a plain lock is enough (no double-checked locking)
            self._s3 = self._s3 or self._other_client("s3")
            return self._s3

    def logs(self) -> CloudWatchLogsClient:
        """The shared CloudWatch Logs client (same profile, region, credentials and retries as Athena)."""
        with self._lock:
            self._logs = self._logs or self._other_client("logs")
            return self._logs

    def _other_client(self, service: str) -> Any:
        # Call with the lock held; the callers' annotations give the client its type.
        # types-boto3 types client() per literal service name; this one is chosen at run time.
        make: Any = getattr(self._boto_session(), "client")  # noqa: B009
        return make(service, region_name=self.settings.region, config=self._config())

    async def run(self, fn: Callable[[], T]) -> T:
        """Run a blocking call in a worker thread, letting its exception through (callers that degrade
        instead of failing classify it themselves).

        A cancelled caller (a deadline, a cancelled request) returns at once and leaves the thread to
        finish on its own: waiting for it would let one slow read hold the answer for a whole botocore
        read timeout and its retries. The thread ends by then, and its result is dropped."""
        due = remaining()
        if due is None:
            return await anyio.to_thread.run_sync(fn, abandon_on_cancel=True)
        left, seconds = due
        with anyio.move_on_after(max(0.0, left)):
            return await anyio.to_thread.run_sync(fn, abandon_on_cancel=True)
        raise DeadlineReachedError(seconds)

    async def call(
        self, fn: Callable[[AthenaClient], T], *, action: str, what: str, finder: str | None = None
    ) -> T:
        """Run `fn(client)` in a worker thread so concurrent tool calls do not serialize.

        Any failure (including building the client: no region, unknown profile) becomes a ToolError
        that names the fix. `action` is the IAM action; `what` names the resource for messages and
        `finder` says where valid ids come from (used when Athena says the id is unknown).
        What it returns passes the door (athena/text.py): every string in it sanitized, once, here.
        """

        def run() -> T:
            client = self.client()
            result = fn(client)
            check_answer(client, result, action)
            return sanitize_tree(result)

        try:
            return await self.run(run)
        except AwsCallError:
            raise
        except Exception as exc:
            client = self._client
            raise call_error(
                exc,
                action=action,
                what=what,
                region=self.region,
                finder=finder,
                hosted=self.settings.served_over_http,
                endpoint=client.meta.endpoint_url if client is not None else None,
                protocol=client.meta.service_model.protocol if client is not None else None,
            ) from exc


def check_answer(client: AthenaClient, result: object, action: str) -> None:
    """Raise when a successful status came with a body that is not Athena's (a proxy's login page answers
    200 with HTML, which botocore parses into an empty response)."""
    if not isinstance(result, dict):
        return
    metadata = as_map(cast(dict[str, Any], result).get("ResponseMetadata"))
    content_type = str(as_map(metadata.get("HTTPHeaders")).get("content-type", ""))
    if content_type and "json" not in content_type.lower():
        raise foreign_answer(
            action=action,
            status=as_int(metadata.get("HTTPStatusCode")) or 0,
            content_type=content_type,
            body="",
            endpoint=client.meta.endpoint_url,
            protocol=client.meta.service_model.protocol,
        )
