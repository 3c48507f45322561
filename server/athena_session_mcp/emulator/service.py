"""The Spark session and calculation operations, independent of moto's plumbing.

Each public ``op_*`` method takes the validated request parameters and returns the response body
as JSON-ready data (timestamps as epoch seconds, the awsJson1.1 convention).
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Protocol, cast

from athena_session_mcp.athena.vocabulary import INACTIVE_SESSION_STATES

from . import assumptions
from .calculations import Calculation, CalculationView
from .canned import CannedResult, default_result, lookup_canned_result
from .clock import Clock
from .errors import InvalidRequestError, service_error
from .pagination import decode_token, encode_token
from .sessions import DEFAULT_IDLE_TIMEOUT_MINUTES, Session, SessionView, view_session
from .state import SparkState
from .workgroups import (
    effective_engine_version,
    is_spark_engine,
    result_encryption,
    results_location,
)

__all__ = ["Platform", "SparkService"]

logger = logging.getLogger(__name__)

Json = dict[str, object]
DEFAULT_MAX_CONCURRENT_DPUS = assumptions.DEFAULT_MAX_CONCURRENT_DPUS
DEFAULT_PAGE_SIZE = assumptions.DEFAULT_PAGE_SIZE
# StartSession: "The only valid notebook version is Athena notebook version 1. If you specify a value for
# NotebookVersion, you must also specify a value for NotebookId" (API Reference).
NOTEBOOK_VERSION = "Athena notebook version 1"
CALCULATION_READY_STATES = frozenset({"IDLE", "BUSY"} if assumptions.BUSY_ACCEPTS_CALCULATIONS else {"IDLE"})
MAX_EXECUTOR_DPUS = 4


class Platform(Protocol):
    """What the service needs from the surrounding AWS emulation (moto)."""

    @property
    def account_id(self) -> str: ...

    @property
    def region(self) -> str: ...

    def workgroup_configuration(self, name: str) -> Mapping[str, object] | None:
        """The workgroup's Configuration, or None if it does not exist."""
        ...

    def put_object(self, uri: str, body: bytes) -> None:
        """Store an object in S3 at an s3:// URI, creating the bucket if needed."""
        ...

    def workgroup_tags(self, name: str) -> Mapping[str, str]:
        """The workgroup's tags (none when it has none or does not exist)."""
        ...


def _ts(value: datetime) -> float:
    return round(value.timestamp(), 3)


def _str(params: Mapping[str, object], key: str) -> str | None:
    value = params.get(key)
    return value if isinstance(value, str) else None


def _int(params: Mapping[str, object], key: str, default: int) -> int:
    value = params.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _dict(params: Mapping[str, object], key: str) -> Json | None:
    value = params.get(key)
    return dict(cast(Mapping[str, object], value)) if isinstance(value, Mapping) else None


def _session_status(session: Session, view: SessionView) -> Json:
    status: Json = {
        "StartDateTime": _ts(session.started_at),
        "LastModifiedDateTime": _ts(view.last_modified),
        "State": view.state,
    }
    if view.ended_at is not None:
        status["EndDateTime"] = _ts(view.ended_at)
    if view.idle_since is not None:
        status["IdleSinceDateTime"] = _ts(view.idle_since)
    if view.reason:
        status["StateChangeReason"] = view.reason
    return status


def _calculation_status(calc: Calculation, view: CalculationView) -> Json:
    status: Json = {"SubmissionDateTime": _ts(calc.submitted_at), "State": view.state}
    if view.completed_at is not None:
        status["CompletionDateTime"] = _ts(view.completed_at)
    if view.reason:
        status["StateChangeReason"] = view.reason
    return status


def _calculation_statistics(view: CalculationView) -> Json:
    statistics: Json = {"DpuExecutionInMillis": view.dpu_millis}
    if view.progress:
        statistics["Progress"] = view.progress
    return statistics


def _result_name(outcome: CannedResult) -> str:
    return "result.json" if outcome.result_type.endswith("json") else "result.txt"


def _partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def _fake_host(kind: str, region: str) -> str:
    # Random, never meaningful, and under .invalid (RFC 2606) so nothing can ever resolve it.
    return f"{kind}-{secrets.token_hex(8)}.{region}.athena-emulator.invalid"


class SparkService:
    """Spark operations over one account/region's state; every call holds the state lock."""

    def __init__(self, state: SparkState, platform: Platform, clock: Clock) -> None:
        self.state = state
        self.platform = platform
        self.clock = clock

    # -- lookups and lazy evaluation -------------------------------------------------------

    def _session(self, session_id: str) -> Session:
        session = self.state.sessions.get(session_id)
        if session is None:
            raise service_error(assumptions.UNKNOWN_RESOURCE_ERROR, f"Session {session_id} not found")
        return session

    def _calculation(self, calculation_id: str) -> Calculation:
        calc = self.state.calculations.get(calculation_id)
        if calc is None:
            raise service_error(assumptions.UNKNOWN_RESOURCE_ERROR, f"Calculation {calculation_id} not found")
        return calc

    @staticmethod
    def _require_calculations(session: Session) -> None:
        """Apache Spark version 3.5 has no Calculation APIs ("Considerations and limitations")."""
        if session.engine_version == assumptions.SPARK_35_ENGINE_VERSION:
            raise service_error(
                assumptions.CALCULATIONS_UNSUPPORTED_ERROR,
                assumptions.CALCULATIONS_UNSUPPORTED_MESSAGE.format(engine=session.engine_version),
            )

    def session_arn(self, session: Session) -> str:
        """The session's ARN (format assumed: ``assumptions.SESSION_ARN_TEMPLATE``)."""
        region = self.platform.region
        return assumptions.SESSION_ARN_TEMPLATE.format(
            partition=_partition(region),
            region=region,
            account=self.platform.account_id,
            workgroup=session.workgroup,
            session_id=session.session_id,
        )

    def view(self, session: Session, at: datetime | None = None) -> SessionView:
        """Evaluate the session now (or at ``at``) and write results of newly finished calculations."""
        when = at if at is not None else self.clock.now()
        view = view_session(session, when)
        for calc, calc_view in view.calculations:
            if not calc.results_written and calc_view.state in ("COMPLETED", "FAILED"):
                self._write_results(calc, calc_view)
        return view

    def _calculation_view(self, calc: Calculation) -> CalculationView:
        view = self.view(self._session(calc.session_id))
        for candidate, calc_view in view.calculations:
            if candidate is calc:
                return calc_view
        raise InvalidRequestError(f"Calculation {calc.calculation_id} not found")

    def _write_results(self, calc: Calculation, view: CalculationView) -> None:
        outcome = calc.outcome
        stderr = outcome.stderr
        if view.state == "FAILED" and not stderr:
            stderr = f"{view.reason or 'Calculation failed.'}\n"
        self.platform.put_object(calc.uri("stdout.txt"), outcome.stdout.encode())
        self.platform.put_object(calc.uri("stderr.txt"), stderr.encode())
        if view.state == "COMPLETED" and outcome.result is not None:
            self.platform.put_object(calc.uri(_result_name(outcome)), outcome.result.encode())
        calc.results_written = True

    def _spark_workgroup(self, name: str) -> Mapping[str, object]:
        configuration = self.platform.workgroup_configuration(name)
        if configuration is None:
            raise service_error(assumptions.UNKNOWN_RESOURCE_ERROR, f"WorkGroup {name} is not found.")
        engine = effective_engine_version(configuration)
        if not is_spark_engine(engine):
            raise InvalidRequestError(
                f"WorkGroup {name} uses {engine}; sessions and calculations need a workgroup "
                "with an Apache Spark engine version (for example PySpark engine version 3)."
            )
        return configuration

    # -- building blocks shared by the API and the seed -------------------------------------

    def create_session(
        self,
        workgroup: str,
        engine_configuration: Mapping[str, object],
        *,
        session_id: str | None = None,
        at: datetime | None = None,
        description: str | None = None,
        execution_role: str | None = None,
        monitoring_configuration: Mapping[str, object] | None = None,
        notebook_version: str | None = None,
        idle_timeout_minutes: int | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> Session:
        """Start a session in a Spark workgroup, optionally back-dated to ``at``."""
        with self.state.lock:
            configuration = self._spark_workgroup(workgroup)
            engine_version = effective_engine_version(configuration)
            if notebook_version is not None and engine_version == assumptions.SPARK_35_ENGINE_VERSION:
                raise service_error(
                    assumptions.NOTEBOOK_VERSION_ON_SPARK_35_ERROR,
                    f"NotebookVersion is not supported for engine version {engine_version}.",
                )
            sid = session_id or str(uuid.uuid4())
            if sid in self.state.sessions:
                raise InvalidRequestError(f"Session {sid} already exists")
            minutes = idle_timeout_minutes or DEFAULT_IDLE_TIMEOUT_MINUTES
            session_configuration: Json = {}
            role = execution_role or configuration.get("ExecutionRole")
            if isinstance(role, str):
                session_configuration["ExecutionRole"] = role
            location = results_location(configuration, self.platform.account_id, self.platform.region)
            session_configuration["WorkingDirectory"] = f"{location}{sid}/"
            session_configuration["IdleTimeoutSeconds"] = minutes * 60
            session_configuration["SessionIdleTimeoutInMinutes"] = minutes
            encryption = result_encryption(configuration)
            if encryption is not None:
                session_configuration["EncryptionConfiguration"] = encryption
            engine: Json = {
                "CoordinatorDpuSize": _int(engine_configuration, "CoordinatorDpuSize", 1),
                "MaxConcurrentDpus": _int(
                    engine_configuration, "MaxConcurrentDpus", DEFAULT_MAX_CONCURRENT_DPUS
                ),
                "DefaultExecutorDpuSize": _int(engine_configuration, "DefaultExecutorDpuSize", 1),
            }
            for key in ("AdditionalConfigs", "SparkProperties", "Classifications"):
                if engine_configuration.get(key) is not None:
                    engine[key] = engine_configuration[key]
            monitoring = monitoring_configuration
            if monitoring is None and isinstance(configuration.get("MonitoringConfiguration"), Mapping):
                monitoring = cast(Mapping[str, object], configuration["MonitoringConfiguration"])
            session = Session(
                session_id=sid,
                workgroup=workgroup,
                engine_version=engine_version,
                engine_configuration=engine,
                session_configuration=session_configuration,
                idle_timeout_minutes=minutes,
                started_at=at if at is not None else self.clock.now(),
                coordinator_dpus=cast(int, engine["CoordinatorDpuSize"]),
                description=description,
                notebook_version=notebook_version,
                monitoring_configuration=dict(monitoring) if monitoring is not None else None,
                tags=dict(tags or {}),
            )
            self.state.add_session(session)
            logger.debug("Started Spark session %s in workgroup %s", sid, workgroup)
            return session

    def submit_calculation(
        self,
        session_id: str,
        code: str,
        *,
        calculation_id: str | None = None,
        at: datetime | None = None,
        description: str | None = None,
        outcome: CannedResult | None = None,
    ) -> Calculation:
        """Queue a calculation on an IDLE or BUSY session (never executes ``code``)."""
        with self.state.lock:
            session = self._session(session_id)
            self._require_calculations(session)
            when = at if at is not None else self.clock.now()
            state = self.view(session, when).state
            if state not in CALCULATION_READY_STATES:
                raise InvalidRequestError(
                    f"Session {session_id} is in the {state} state. "
                    "Calculations can be started only when the session is IDLE or BUSY."
                )
            # Derived, not random: the seeded demo (and the docs generated from it) is the same on every run.
            cid = calculation_id or str(
                uuid.uuid5(uuid.NAMESPACE_URL, f"{session_id}/calculation/{len(self.state.calculations)}")
            )
            if cid in self.state.calculations:
                raise InvalidRequestError(f"Calculation {cid} already exists")
            outcome = outcome or lookup_canned_result(code) or default_result(code)
            max_dpus = _int(session.engine_configuration, "MaxConcurrentDpus", DEFAULT_MAX_CONCURRENT_DPUS)
            executor_size = _int(session.engine_configuration, "DefaultExecutorDpuSize", 1)
            executors = max(1, min(max_dpus - session.coordinator_dpus, MAX_EXECUTOR_DPUS))
            working_directory = session.session_configuration.get("WorkingDirectory")
            calc = Calculation(
                calculation_id=cid,
                session_id=session_id,
                code=code,
                submitted_at=when,
                working_directory=working_directory if isinstance(working_directory, str) else "",
                outcome=outcome,
                executor_dpus=executors * executor_size,
                description=description,
            )
            session.calculations.append(calc)
            self.state.calculations[cid] = calc
            logger.debug("Queued calculation %s on session %s", cid, session_id)
            return calc

    def fail_session(self, session_id: str, reason: str, at: datetime | None = None) -> None:
        """Make the session FAILED with ``reason`` (active calculations fail with it)."""
        with self.state.lock:
            session = self._session(session_id)
            when = at if at is not None else self.clock.now()
            view = self.view(session, when)
            if view.terminal:
                raise InvalidRequestError(f"Session {session_id} is already {view.state}")
            session.failed_at, session.failure_reason = when, reason
            self.view(session, when)

    def degrade_session(self, session_id: str, reason: str, at: datetime | None = None) -> None:
        """Make the session DEGRADED with ``reason`` until ``recover_session``."""
        with self.state.lock:
            session = self._session(session_id)
            when = at if at is not None else self.clock.now()
            view = self.view(session, when)
            if view.terminal or view.state == "TERMINATING":
                raise InvalidRequestError(f"Session {session_id} is already {view.state}")
            session.degraded_at, session.degraded_reason, session.recovered_at = when, reason, None

    def recover_session(self, session_id: str, at: datetime | None = None) -> None:
        """End a degradation: the session goes back to IDLE or BUSY."""
        with self.state.lock:
            session = self._session(session_id)
            session.recovered_at = at if at is not None else self.clock.now()

    # -- API operations ---------------------------------------------------------------------

    def op_start_session(self, params: Mapping[str, object]) -> Json:
        with self.state.lock:
            token = _str(params, "ClientRequestToken")
            if token is not None and token in self.state.session_tokens:
                existing = self._session(self.state.session_tokens[token])
                return {"SessionId": existing.session_id, "State": self.view(existing).state}
            minutes = params.get("SessionIdleTimeoutInMinutes")
            notebook_version = _str(params, "NotebookVersion")
            engine_configuration = _dict(params, "EngineConfiguration") or {}
            if notebook_version is not None:
                if notebook_version != NOTEBOOK_VERSION:
                    raise InvalidRequestError(
                        f"NotebookVersion {notebook_version} is not valid; the only valid notebook version "
                        f"is {NOTEBOOK_VERSION}."
                    )
                additional = _dict(engine_configuration, "AdditionalConfigs") or {}
                if not isinstance(additional.get("NotebookId"), str):
                    raise InvalidRequestError(
                        "NotebookVersion requires a NotebookId in EngineConfiguration.AdditionalConfigs."
                    )
            session = self.create_session(
                cast(str, params["WorkGroup"]),
                engine_configuration,
                description=_str(params, "Description"),
                execution_role=_str(params, "ExecutionRole"),
                monitoring_configuration=_dict(params, "MonitoringConfiguration"),
                notebook_version=notebook_version,
                idle_timeout_minutes=minutes if isinstance(minutes, int) else None,
                tags=self._start_tags(params),
            )
            if token is not None:
                self.state.session_tokens[token] = session.session_id
            return {"SessionId": session.session_id, "State": self.view(session).state}

    def _start_tags(self, params: Mapping[str, object]) -> dict[str, str]:
        """StartSession's Tags, after the workgroup's when CopyWorkGroupTags is true (its own win)."""
        tags: dict[str, str] = {}
        if params.get("CopyWorkGroupTags") is True:
            tags.update(self.platform.workgroup_tags(cast(str, params["WorkGroup"])))
        for tag in cast(list[Mapping[str, object]], params.get("Tags") or []):
            tags[str(tag.get("Key"))] = str(tag.get("Value", ""))
        return tags

    def op_get_session(self, params: Mapping[str, object]) -> Json:
        with self.state.lock:
            session = self._session(cast(str, params["SessionId"]))
            view = self.view(session)
            body: Json = {
                "SessionId": session.session_id,
                "WorkGroup": session.workgroup,
                "EngineVersion": session.engine_version,
                "EngineConfiguration": session.engine_configuration,
                "SessionConfiguration": session.session_configuration,
                "Status": _session_status(session, view),
                "Statistics": {"DpuExecutionInMillis": view.dpu_millis},
            }
            if session.description:
                body["Description"] = session.description
            if session.notebook_version:
                body["NotebookVersion"] = session.notebook_version
            if session.monitoring_configuration is not None:
                body["MonitoringConfiguration"] = session.monitoring_configuration
            return body

    def op_get_session_status(self, params: Mapping[str, object]) -> Json:
        with self.state.lock:
            session = self._session(cast(str, params["SessionId"]))
            return {"SessionId": session.session_id, "Status": _session_status(session, self.view(session))}

    def op_list_sessions(self, params: Mapping[str, object]) -> Json:
        with self.state.lock:
            workgroup = cast(str, params["WorkGroup"])
            self._spark_workgroup(workgroup)
            state_filter = _str(params, "StateFilter")
            size = _int(params, "MaxResults", DEFAULT_PAGE_SIZE)
            token = _str(params, "NextToken")
            offset = decode_token(token, "sessions", workgroup, state_filter) if token else 0
            candidates = sorted(
                (s for s in self.state.sessions.values() if s.workgroup == workgroup),
                key=lambda s: (s.started_at, self.state.order[s.session_id]),
                reverse=True,
            )
            rows: list[Json] = []
            for session in candidates:
                view = self.view(session)
                if state_filter is None:
                    # Without a filter only active sessions are listed (API Reference, ListSessions).
                    if view.state not in assumptions.LISTED_WITHOUT_STATE_FILTER:
                        continue
                elif view.state != state_filter:
                    continue
                row: Json = {
                    "SessionId": session.session_id,
                    "EngineVersion": {
                        "SelectedEngineVersion": session.engine_version,
                        "EffectiveEngineVersion": session.engine_version,
                    },
                    "Status": _session_status(session, view),
                }
                if session.description:
                    row["Description"] = session.description
                if session.notebook_version:
                    row["NotebookVersion"] = session.notebook_version
                rows.append(row)
            if offset > len(rows):
                raise InvalidRequestError("The NextToken provided is not valid.")
            body: Json = {"Sessions": rows[offset : offset + size]}
            if offset + size < len(rows):
                body["NextToken"] = encode_token("sessions", workgroup, state_filter, offset + size)
            return body

    def request_termination(self, session_id: str, at: datetime | None = None) -> str:
        """Ask the session to terminate (TERMINATING, then TERMINATED); returns the resulting state.

        On an inactive session (FAILED, TERMINATED, TERMINATING) it "succeeds but has no effect".
        """
        with self.state.lock:
            session = self._session(session_id)
            when = at if at is not None else self.clock.now()
            view = self.view(session, when)
            if view.state in INACTIVE_SESSION_STATES:
                return view.state
            session.terminate_requested_at = when
            session.idle_since_at_request = view.idle_since if view.state == "IDLE" else None
            logger.debug("Terminating session %s", session_id)
            return self.view(session, when).state

    def op_terminate_session(self, params: Mapping[str, object]) -> Json:
        return {"State": self.request_termination(cast(str, params["SessionId"]))}

    def op_get_session_endpoint(self, params: Mapping[str, object]) -> Json:
        with self.state.lock:
            session = self._session(cast(str, params["SessionId"]))
            if session.engine_version not in assumptions.ENDPOINT_ENGINES:
                raise service_error(
                    assumptions.ENDPOINT_UNAVAILABLE_ERROR,
                    f"Session endpoints (Spark Connect) are not supported for engine version "
                    f"{session.engine_version}.",
                )
            view = self.view(session)
            if view.state not in assumptions.ENDPOINT_STATES:
                raise service_error(
                    assumptions.ENDPOINT_UNAVAILABLE_ERROR,
                    f"Session {session.session_id} is in the {view.state} state and has no endpoint.",
                )
            expires = self.clock.now() + assumptions.AUTH_TOKEN_LIFETIME
            # The token is a secret: log the fact, never the value.
            logger.debug("Issued a session endpoint token for %s (expires %s)", session.session_id, expires)
            return {
                "EndpointUrl": f"https://{_fake_host('spark-connect', self.platform.region)}/",
                "AuthToken": secrets.token_urlsafe(48),
                "AuthTokenExpirationTime": _ts(expires),
            }

    def _session_for_arn(self, arn: str) -> Session:
        # Format assumed (assumptions.SESSION_ARN_TEMPLATE); any ARN ending in "session/<id>" is accepted.
        prefix, marker, session_id = arn.rpartition("session/")
        if not marker or not prefix.startswith("arn:") or ":athena:" not in prefix or not session_id:
            raise InvalidRequestError(f"ResourceARN {arn[:200]} is not a valid session ARN.")
        return self._session(session_id)

    def op_get_resource_dashboard(self, params: Mapping[str, object]) -> Json:
        with self.state.lock:
            session = self._session_for_arn(cast(str, params["ResourceARN"]))
            if session.engine_version not in assumptions.DASHBOARD_ENGINES:
                raise service_error(
                    assumptions.DASHBOARD_UNAVAILABLE_ERROR,
                    f"The Spark UI is not supported for engine version {session.engine_version}.",
                )
            state = self.view(session).state
            if state in assumptions.DASHBOARD_LIVE_STATES:
                kind = "spark-ui"
            elif state in assumptions.DASHBOARD_HISTORY_STATES:
                kind = "spark-history"
            else:
                raise service_error(
                    assumptions.DASHBOARD_UNAVAILABLE_ERROR,
                    f"Session {session.session_id} is in the {state} state and has no Spark UI yet.",
                )
            # Like a presigned URL: a random one-off token, never logged.
            token = secrets.token_urlsafe(32)
            logger.debug("Issued a %s URL for session %s", kind, session.session_id)
            return {"Url": f"https://{_fake_host(kind, self.platform.region)}/?authToken={token}"}

    def op_start_calculation_execution(self, params: Mapping[str, object]) -> Json:
        with self.state.lock:
            session_id = cast(str, params["SessionId"])
            token = _str(params, "ClientRequestToken")
            if token is not None and token in self.state.calculation_tokens:
                calc = self._calculation(self.state.calculation_tokens[token])
                return {
                    "CalculationExecutionId": calc.calculation_id,
                    "State": self._calculation_view(calc).state,
                }
            self._require_calculations(self._session(session_id))
            code = _str(params, "CodeBlock")
            if code is None:
                code = _str(_dict(params, "CalculationConfiguration") or {}, "CodeBlock")
            if code is None:
                raise InvalidRequestError("A CodeBlock is required to start a calculation.")
            calc = self.submit_calculation(session_id, code, description=_str(params, "Description"))
            if token is not None:
                self.state.calculation_tokens[token] = calc.calculation_id
            return {
                "CalculationExecutionId": calc.calculation_id,
                "State": self._calculation_view(calc).state,
            }

    def op_get_calculation_execution(self, params: Mapping[str, object]) -> Json:
        with self.state.lock:
            calc = self._calculation(cast(str, params["CalculationExecutionId"]))
            view = self._calculation_view(calc)
            body: Json = {
                "CalculationExecutionId": calc.calculation_id,
                "SessionId": calc.session_id,
                "WorkingDirectory": calc.working_directory,
                "Status": _calculation_status(calc, view),
                "Statistics": _calculation_statistics(view),
            }
            if calc.description:
                body["Description"] = calc.description
            if view.state in ("COMPLETED", "FAILED"):
                result: Json = {
                    "StdOutS3Uri": calc.uri("stdout.txt"),
                    "StdErrorS3Uri": calc.uri("stderr.txt"),
                }
                if view.state == "COMPLETED" and calc.outcome.result is not None:
                    result["ResultS3Uri"] = calc.uri(_result_name(calc.outcome))
                    result["ResultType"] = calc.outcome.result_type
                body["Result"] = result
            return body

    def op_get_calculation_execution_status(self, params: Mapping[str, object]) -> Json:
        with self.state.lock:
            calc = self._calculation(cast(str, params["CalculationExecutionId"]))
            view = self._calculation_view(calc)
            return {"Status": _calculation_status(calc, view), "Statistics": _calculation_statistics(view)}

    def op_get_calculation_execution_code(self, params: Mapping[str, object]) -> Json:
        with self.state.lock:
            calc = self._calculation(cast(str, params["CalculationExecutionId"]))
            return {"CodeBlock": calc.code}

    def op_list_calculation_executions(self, params: Mapping[str, object]) -> Json:
        with self.state.lock:
            session = self._session(cast(str, params["SessionId"]))
            self._require_calculations(session)
            state_filter = _str(params, "StateFilter")
            size = _int(params, "MaxResults", DEFAULT_PAGE_SIZE)
            token = _str(params, "NextToken")
            offset = decode_token(token, "calculations", session.session_id, state_filter) if token else 0
            view = self.view(session)
            rows: list[Json] = []
            # Newest first; submission order breaks ties.
            for calc, calc_view in reversed(view.calculations):
                if state_filter is not None and calc_view.state != state_filter:
                    continue
                row: Json = {
                    "CalculationExecutionId": calc.calculation_id,
                    "Status": _calculation_status(calc, calc_view),
                }
                if calc.description:
                    row["Description"] = calc.description
                rows.append(row)
            if offset > len(rows):
                raise InvalidRequestError("The NextToken provided is not valid.")
            body: Json = {"Calculations": rows[offset : offset + size]}
            if offset + size < len(rows):
                body["NextToken"] = encode_token(
                    "calculations", session.session_id, state_filter, offset + size
                )
            return body

    def op_stop_calculation_execution(self, params: Mapping[str, object]) -> Json:
        with self.state.lock:
            calc = self._calculation(cast(str, params["CalculationExecutionId"]))
            now = self.clock.now()
            view = self._calculation_view(calc)
            if view.state in ("COMPLETED", "FAILED", "CANCELED", "CANCELING"):
                return {"State": view.state}
            calc.stop_requested_at = now
            logger.debug("Stopping calculation %s", calc.calculation_id)
            return {"State": self._calculation_view(calc).state}
