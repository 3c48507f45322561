"""What the tools share: hints for ids, and which engine a session or workgroup runs.

Engines are learnt once and kept by the gateway (athena/engines.py): a tool never asks twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from athena_session_mcp.athena.errors import AwsCallError
from athena_session_mcp.athena.responses import as_map, as_str
from athena_session_mcp.athena.vocabulary import SPARK_35_ENGINE

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient

    from athena_session_mcp.tools import Deps

__all__ = [
    "FIND_CALCULATIONS",
    "FIND_SESSIONS",
    "FIND_WORKGROUPS",
    "engine_version",
    "known_session_engine",
    "learn_session_engine",
    "no_calculation_api",
    "no_rows_hint",
    "remember_session_engine",
    "remember_workgroup_engine",
    "request_params",
    "session_engine",
    "workgroup_engine",
]

FIND_SESSIONS = "list_athena_sessions lists a workgroup's sessions"
FIND_CALCULATIONS = "list_athena_calculations lists a session's calculations"
FIND_WORKGROUPS = "list_spark_workgroups lists the Spark workgroups"

T = TypeVar("T")


def remember_session_engine(deps: Deps, session_id: str, engine_version: str) -> None:
    deps.gateway.engines.learn_session(session_id, engine_version)


def remember_workgroup_engine(deps: Deps, workgroup: str, engine_version: str) -> None:
    deps.gateway.engines.learn_workgroup(workgroup, engine_version)


def engine_version(holder: Mapping[str, Any]) -> str | None:
    """EngineVersion.EffectiveEngineVersion (else SelectedEngineVersion) of a session or workgroup item."""
    engine = as_map(holder.get("EngineVersion"))
    return as_str(engine.get("EffectiveEngineVersion")) or as_str(engine.get("SelectedEngineVersion"))


async def _or_none(deps: Deps, fn: Callable[[AthenaClient], T], *, action: str, what: str) -> T | None:
    """The call's answer, or None when it fails: engine look-ups degrade, they never fail a tool."""
    try:
        return await deps.gateway.call(fn, action=action, what=what)
    except AwsCallError:
        return None


async def workgroup_engine(deps: Deps, workgroup: str) -> str | None:
    """The workgroup's effective engine version: GetWorkGroup at most once per workgroup per server.
    None when it cannot be read (the caller then answers for both engines); failures are not cached."""
    book = deps.gateway.engines
    known = book.workgroup(workgroup)
    if known is not None:
        return known
    under_way = book.asking(workgroup)
    if under_way is not None:  # concurrent summaries of one workgroup share the one GetWorkGroup call
        await under_way.wait()
        return book.workgroup(workgroup)
    book.start_asking(workgroup)
    try:
        response = await _or_none(
            deps,
            lambda client: client.get_work_group(WorkGroup=workgroup),
            action="athena:GetWorkGroup",
            what=f"Workgroup {workgroup!r}",
        )
    finally:
        book.done_asking(workgroup)
    if response is None:
        return None
    version = engine_version(as_map(as_map(response.get("WorkGroup")).get("Configuration")))
    if version:
        book.learn_workgroup(workgroup, version)
    return version


async def learn_session_engine(deps: Deps, session_id: str, response: Mapping[str, Any]) -> str | None:
    """The engine of a GetSession response: its EngineVersion, else its workgroup's (asked once), and
    remembered for the session. None when neither can be read."""
    version = as_str(response.get("EngineVersion"))
    workgroup = as_str(response.get("WorkGroup"))
    if version is None and workgroup is not None:
        version = await workgroup_engine(deps, workgroup)
    if version is not None:
        remember_session_engine(deps, session_id, version)
    return version


async def session_engine(deps: Deps, session_id: str) -> str | None:
    """The session's engine version: remembered, else GetSession's EngineVersion, else its workgroup's.
    None when neither can be read."""
    known = deps.gateway.engines.session(session_id)
    if known is not None:
        return known
    response = await _or_none(
        deps,
        lambda client: client.get_session(SessionId=session_id),
        action="athena:GetSession",
        what=f"Session {session_id!r}",
    )
    return None if response is None else await learn_session_engine(deps, session_id, response)


def known_session_engine(deps: Deps, session_id: str) -> str | None:
    """The session's engine if this server has already learnt it (no AWS call)."""
    return deps.gateway.engines.session(session_id)


def no_calculation_api(what: str, action: str) -> AwsCallError:
    """The answer for a Calculation API call on an Apache Spark version 3.5 session."""
    return AwsCallError(
        f"{what} runs {SPARK_35_ENGINE}, which has no Calculation API (StartCalculationExecution, "
        "ListCalculationExecutions and GetCalculationExecution are not supported on it). Its code runs "
        "through Spark Connect (GetSessionEndpoint); see its jobs and stages in the Spark UI or Spark History "
        "Server (GetResourceDashboard with the session's ARN), and its health with get_athena_session.",
        code="UnsupportedEngine",
        action=action,
        resource=what,
    )


def no_rows_hint(items: str, where: str, filter_name: str, state: str | None, unfiltered: str = "") -> str:
    """The hint of an empty listing page, e.g. "No calculations in state FAILED in this session. Try
    another StateFilter, or none.". `unfiltered` is what a listing without a filter leaves out."""
    if state:
        return f"No {items} in state {state} {where}. Try another {filter_name}, or none."
    return f"No {items} {where}.{unfiltered}"


def request_params(**params: object) -> dict[str, Any]:
    """The parameters of an Athena request that are set: None and "" are left out (botocore refuses None,
    and an empty NextToken means the first page)."""
    return {name: value for name, value in params.items() if value is not None and value != ""}
