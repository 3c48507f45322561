"""The Athena reads several tools share: GetSession and its health summary, ListExecutors pages and
rows, ListSessions pages. Tools import these, never each other."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from athena_session_mcp.athena.errors import AwsCallError
from athena_session_mcp.athena.responses import (
    as_datetime,
    as_int,
    as_map,
    as_str,
    clean_response,
    clip,
    iso_or_none,
)
from athena_session_mcp.athena.vocabulary import EXECUTOR_STATES, EXECUTOR_TYPES, is_spark_engine
from athena_session_mcp.health.session import summarize_session
from athena_session_mcp.tools import Deps
from athena_session_mcp.tools.common import (
    FIND_SESSIONS,
    FIND_WORKGROUPS,
    engine_version,
    learn_session_engine,
    remember_session_engine,
    remember_workgroup_engine,
    request_params,
)
from athena_session_mcp.tools.models import (
    ExecutorCounts,
    ExecutorRow,
    GetSessionResult,
)

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient
    from types_boto3_athena.type_defs import (
        GetSessionResponseTypeDef,
        ListExecutorsResponseTypeDef,
        ListSessionsResponseTypeDef,
        ListWorkGroupsOutputTypeDef,
    )

T = TypeVar("T")

# ListExecutors page size when the caller gives none.
EXECUTORS_PAGE_SIZE = 50


async def read_session(deps: Deps, session_id: str) -> GetSessionResponseTypeDef:
    """GetSession through the gateway (errors become ToolErrors that name the fix)."""
    return await deps.gateway.call(
        lambda client: client.get_session(SessionId=session_id),
        action="athena:GetSession",
        what=f"Session {session_id!r}",
        finder=FIND_SESSIONS,
    )


async def in_some_region(
    deps: Deps, session_id: str, read: Callable[[Deps], Awaitable[T]], *, account_hint: bool = True
) -> tuple[T, Deps]:
    """`read(deps)` in the configured region, and when Athena says the session is not there, in each other
    region of --regions in turn: the answer and the deps of the region that had it. A session found
    nowhere is an AwsCallError that names every region searched (and those that could not be), and, read
    with the server's own credentials while accounts are declared, how to look in one (`account_hint`)."""
    try:
        return await _in_some_region(deps, session_id, read)
    except AwsCallError as exc:
        if not (exc.not_found and account_hint and deps.gateway.account is None and deps.settings.accounts):
            raise
        names = ", ".join(a.name for a in deps.settings.accounts)
        raise exc.with_hint(
            f"That was the server's own account: for a session in a declared account, pass Account ({names})."
        ) from exc


async def in_some_account(
    deps: Deps, session_id: str, read: Callable[[Deps], Awaitable[T]]
) -> tuple[T, Deps]:
    """in_some_region with the server's own credentials, and when the session is in none of its regions, in
    each declared account (--account) in turn: for get_athena_session, whose request (GetSession's) names
    no account. A session found nowhere names the accounts searched, and those that could not be."""
    try:
        return await in_some_region(deps, session_id, read, account_hint=False)
    except AwsCallError as exc:
        if not exc.not_found or not deps.settings.accounts:
            raise
        first = exc
    searched: list[str] = []
    unsearched: list[str] = []
    for account in deps.settings.accounts:
        try:
            return await in_some_region(deps.in_account(account.name), session_id, read, account_hint=False)
        except AwsCallError as exc:
            if exc.not_found:
                searched.append(account.name)
            else:
                unsearched.append(f"{account.name} ({exc.action or 'a call'} failed: {exc.code or 'error'})")
    text = f"{first} Not in the declared accounts either" + (
        f" (searched: {', '.join(searched)})." if searched else "."
    )
    if unsearched:
        text += f" Could not search {'; '.join(unsearched)}: pass that Account to another tool for the full error."
    raise first.with_message(text)  # first is a not-found error


async def _in_some_region(
    deps: Deps, session_id: str, read: Callable[[Deps], Awaitable[T]]
) -> tuple[T, Deps]:
    try:
        return await read(deps), deps
    except AwsCallError as exc:
        if not exc.not_found or not deps.settings.regions:
            raise
        first = exc
    home = deps.gateway.region or "the configured region"
    try:
        regions = await deps.gateway.regions()
    except AwsCallError as exc:
        raise first.with_hint(
            f"The other regions of --regions could not be read: {clip(str(exc), 200)}"
        ) from exc
    unsearched: list[str] = []
    for region in regions[1:]:
        regional = deps.in_region(region)
        try:
            return await read(regional), regional
        except AwsCallError as exc:
            if not exc.not_found:
                unsearched.append(
                    f"{region} ({exc.code or 'error'}: {clip(exc.service_message or str(exc), 120)})"
                )
    searched = [home, *(r for r in regions[1:] if not any(u.startswith(r + " ") for u in unsearched))]
    message = (
        f"Session {session_id!r} was not found in any region searched: {', '.join(searched)}."
        + (f" Could not search {'; '.join(unsearched)}." if unsearched else "")
        + f" Check the id for typos; {FIND_SESSIONS}, and --regions/ATHENA_SESSION_MCP_REGIONS sets the regions."
    )
    raise first.with_message(message)  # first is a not-found error


async def locate_session(deps: Deps, session_id: str) -> tuple[GetSessionResponseTypeDef, Deps]:
    """GetSession in whichever configured region has the session, and that region's deps."""
    return await in_some_region(deps, session_id, lambda here: read_session(here, session_id))


async def session_health(deps: Deps, session_id: str) -> GetSessionResult:
    """What get_athena_session (and the athena://sessions resource) return for one session: looked for in
    the server's own account, then in the declared accounts (its input is GetSession's, without Account)."""
    response, deps = await in_some_account(deps, session_id, lambda here: read_session(here, session_id))
    # GetSession names the engine (EngineVersion); only when it does not is the workgroup asked, once.
    engine = await learn_session_engine(deps, session_id, response)
    summary = summarize_session(
        response, now=deps.clock(), price_per_dpu_hour=deps.settings.dpu_hour_price, engine_version=engine
    )
    return GetSessionResult(
        summary=summary,
        region=deps.gateway.region,
        account=deps.gateway.account_name,
        raw=clean_response(response),
    )


def executor_row(item: Mapping[str, Any]) -> ExecutorRow:
    """One ExecutorsSummary item, condensed (StartDateTime/TerminationDateTime are epoch milliseconds)."""
    return ExecutorRow(
        executor_id=clip(as_str(item.get("ExecutorId")), 128) or "",  # the model allows 100,000 characters
        type=as_str(item.get("ExecutorType")),
        state=as_str(item.get("ExecutorState")),
        size_dpu=as_int(item.get("ExecutorSize")),
        started_at=_epoch(item.get("StartDateTime")),
        terminated_at=_epoch(item.get("TerminationDateTime")),
    )


def _epoch(value: Any) -> str | None:
    # The service model types these as long, not timestamp, and does not give the unit: values past
    # 10^11 are read as epoch milliseconds, smaller ones as epoch seconds (assumed; see FIDELITY.md).
    number = as_int(value)
    if number is None:
        return iso_or_none(as_datetime(value))
    seconds = number / 1000 if number > 10**11 else number
    return iso_or_none(datetime.fromtimestamp(seconds, UTC))


def executor_counts(rows: Iterable[ExecutorRow]) -> ExecutorCounts:
    """Counts by state and type, in the service's order; unknown values are counted too."""
    rows = list(rows)
    states = Counter(row.state or "UNKNOWN" for row in rows)
    types = Counter(row.type or "UNKNOWN" for row in rows)

    def ordered(counts: Counter[str], known: tuple[str, ...]) -> dict[str, int]:
        order = [*known, *sorted(set(counts) - set(known))]
        return {key: counts[key] for key in order if counts[key]}

    return ExecutorCounts(
        total=len(rows), by_state=ordered(states, EXECUTOR_STATES), by_type=ordered(types, EXECUTOR_TYPES)
    )


async def read_executors(
    deps: Deps,
    session_id: str,
    *,
    state_filter: str | None = None,
    max_results: int = EXECUTORS_PAGE_SIZE,
    next_token: str | None = None,
) -> ListExecutorsResponseTypeDef:
    """One ListExecutors page through the gateway (errors become ToolErrors that name the fix)."""
    request = request_params(
        SessionId=session_id, MaxResults=max_results, ExecutorStateFilter=state_filter, NextToken=next_token
    )

    def list_page(client: AthenaClient) -> ListExecutorsResponseTypeDef:
        return client.list_executors(**request)

    return await deps.gateway.call(
        list_page, action="athena:ListExecutors", what=f"Session {session_id!r}", finder=FIND_SESSIONS
    )


# ListSessions calls a digest makes per state at most.
MAX_LISTING_PAGES = 20


def workgroup_error(exc: AwsCallError) -> AwsCallError:
    """Point a refused ListSessions at list_spark_workgroups: Athena answers InvalidRequestException for a
    workgroup whose engine is not Spark, among other bad requests, so the hint is worded as a condition."""
    if exc.code == "InvalidRequestException" and not exc.not_found:
        return exc.with_hint(
            "If the workgroup is not an Apache Spark workgroup: sessions live only in those, and "
            "list_spark_workgroups lists them."
        )
    return exc


async def read_pages(
    deps: Deps,
    request: dict[str, Any],
    *,
    page_size: int,
    max_items: int,
    max_pages: int,
) -> tuple[list[Mapping[str, Any]], int, str | None]:
    """ListSessions pages from request['NextToken'] until `max_items`, `max_pages` or the end: the
    sessions, the pages read, and Athena's NextToken after the last one."""
    items: list[Mapping[str, Any]] = []
    pages = 0
    token: str | None = request.get("NextToken")
    workgroup = str(request["WorkGroup"])
    while True:
        # Ask for no more than the cap still allows, so a stop always falls on a page boundary.
        kwargs = {**request, "MaxResults": min(page_size, max_items - len(items))}
        kwargs.pop("NextToken", None)
        if token:
            kwargs["NextToken"] = token

        def list_page(client: AthenaClient, kwargs: dict[str, Any] = kwargs) -> ListSessionsResponseTypeDef:
            return client.list_sessions(**kwargs)

        try:
            response = await deps.gateway.call(
                list_page,
                action="athena:ListSessions",
                what=f"Workgroup {workgroup!r}",
                finder=FIND_WORKGROUPS,
            )
        except AwsCallError as exc:
            raise workgroup_error(exc) from exc.__cause__
        pages += 1
        sessions = response.get("Sessions", [])
        for item in sessions:
            session_id, version = as_str(item.get("SessionId")), engine_version(item)
            if session_id and version:
                # A session's engine cannot change: later calls on it need not ask again.
                remember_session_engine(deps, session_id, version)
        items.extend(sessions)
        token = response.get("NextToken") or None
        if token is None or len(items) >= max_items or pages >= max_pages:
            return items, pages, token


async def spark_workgroup_page(
    deps: Deps, token: str | None, page_size: int
) -> tuple[list[Mapping[str, Any]], int, str | None]:
    """One ListWorkGroups page: its Apache Spark workgroups (each one's engine remembered: a workgroup's
    engine cannot change, so session summaries need not ask again), how many workgroups of any engine it
    held, and Athena's NextToken (None on the last page)."""

    def list_page(client: AthenaClient) -> ListWorkGroupsOutputTypeDef:
        if token:
            return client.list_work_groups(MaxResults=page_size, NextToken=token)
        return client.list_work_groups(MaxResults=page_size)

    response = await deps.gateway.call(list_page, action="athena:ListWorkGroups", what="Workgroups")
    items = [as_map(item) for item in response.get("WorkGroups", [])]
    spark: list[Mapping[str, Any]] = []
    for item in items:
        version = engine_version(item)
        if is_spark_engine(version):
            spark.append(item)
            name = as_str(item.get("Name"))
            if name and version:
                remember_workgroup_engine(deps, name, version)
    return spark, len(items), response.get("NextToken") or None
