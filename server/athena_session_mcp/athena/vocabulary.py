"""The service's vocabulary, defined once: session, calculation and executor states, phases, engines.

Everything here comes from botocore's Athena service model or the Athena documentation; the server's
summaries, the fleet models and the emulator all import it, so a state means the same everywhere.
"""

from __future__ import annotations

from typing import Literal, get_args

# --- Sessions (SessionState in the service model) ---------------------------------------------------

SessionState = Literal[
    "CREATING", "CREATED", "IDLE", "BUSY", "TERMINATING", "TERMINATED", "DEGRADED", "FAILED"
]
SESSION_STATES: tuple[SessionState, ...] = get_args(SessionState)
Phase = Literal["starting", "ready", "running", "stopping", "ended", "unhealthy", "unknown"]
SESSION_PHASES: dict[str, Phase] = {
    "CREATING": "starting",
    "CREATED": "starting",
    "IDLE": "ready",
    "BUSY": "running",
    "TERMINATING": "stopping",
    "TERMINATED": "ended",
    "DEGRADED": "unhealthy",
    "FAILED": "unhealthy",
}
# Something went wrong: FAILED is a failure, DEGRADED has no healthy coordinator.
UNHEALTHY_SESSION_STATES = frozenset({"DEGRADED", "FAILED"})
# Resources still allocated (and possibly accruing cost).
ALIVE_SESSION_STATES = frozenset({"CREATING", "CREATED", "IDLE", "BUSY", "DEGRADED", "TERMINATING"})
# Nothing runs any more.
ENDED_SESSION_STATES = frozenset({"TERMINATED", "FAILED"})
# TerminateSession "succeeds but has no effect" on these (API reference).
INACTIVE_SESSION_STATES = frozenset({"FAILED", "TERMINATED", "TERMINATING"})
# Alive and well: starting, ready or running (not DEGRADED, not on the way out).
WORKING_SESSION_STATES = ALIVE_SESSION_STATES - UNHEALTHY_SESSION_STATES - INACTIVE_SESSION_STATES


def session_phase(state: str | None) -> Phase:
    """Coarse phase for a session state; unknown or missing states map to 'unknown', never an error."""
    return SESSION_PHASES.get(state or "", "unknown")


# --- Calculations (CalculationExecutionState) --------------------------------------------------------

CalculationState = Literal[
    "CREATING", "CREATED", "QUEUED", "RUNNING", "CANCELING", "CANCELED", "COMPLETED", "FAILED"
]
CALCULATION_STATES: tuple[CalculationState, ...] = get_args(CalculationState)
CalculationPhase = Literal["pending", "running", "stopping", "succeeded", "failed", "canceled", "unknown"]
CALCULATION_PHASES: dict[str, CalculationPhase] = {
    "CREATING": "pending",
    "CREATED": "pending",
    "QUEUED": "pending",
    "RUNNING": "running",
    "CANCELING": "stopping",
    "COMPLETED": "succeeded",
    "FAILED": "failed",
    "CANCELED": "canceled",
}
FINISHED_CALCULATION_STATES = frozenset({"COMPLETED", "FAILED", "CANCELED"})


def calculation_phase(state: str | None) -> CalculationPhase:
    """Coarse phase for a calculation state; unknown or missing states map to 'unknown'."""
    return CALCULATION_PHASES.get(state or "", "unknown")


# --- Executors (ExecutorState, ExecutorType) ------------------------------------------------------------

ExecutorState = Literal["CREATING", "CREATED", "REGISTERED", "TERMINATING", "TERMINATED", "FAILED"]
EXECUTOR_STATES: tuple[ExecutorState, ...] = get_args(ExecutorState)
ExecutorType = Literal["COORDINATOR", "GATEWAY", "WORKER"]
EXECUTOR_TYPES: tuple[ExecutorType, ...] = get_args(ExecutorType)

# --- Engines -------------------------------------------------------------------------------------------

# "PySpark engine version 3": notebooks and the Calculation APIs.
PYSPARK_V3_ENGINE = "PySpark engine version 3"
# "Apache Spark version 3.5": Spark Connect (GetSessionEndpoint), no Calculation APIs, Spark UI through
# GetResourceDashboard (Athena User Guide, "Release versions" / "Considerations and limitations").
# The exact string the API returns is ASSUMED: the User Guide names the release "Apache Spark version 3.5"
# ("Release versions"), but no page shows the EngineVersion string for it (GetSession documents only the
# example "PySpark engine version 3"). The emulator imports this constant; correct it here only.
SPARK_35_ENGINE = "Apache Spark version 3.5"
# The SQL engine, for telling Spark workgroups apart.
SQL_ENGINE = "Athena engine version 3"

Engine = Literal["pyspark-v3", "spark-3.5", "unknown-spark", "sql"]


def is_spark_engine(engine_version: str | None) -> bool:
    """True for Apache Spark engines ("PySpark engine version 3", "Apache Spark version 3.5", ...)."""
    return engine_version is not None and "spark" in engine_version.lower()


def engine_kind(engine_version: str | None) -> Engine | None:
    """Which engine family a version string names; None when there is no version at all."""
    if not engine_version:
        return None
    if engine_version == PYSPARK_V3_ENGINE:
        return "pyspark-v3"
    if engine_version == SPARK_35_ENGINE:
        return "spark-3.5"
    return "unknown-spark" if is_spark_engine(engine_version) else "sql"


def supports_calculations(engine_version: str | None) -> bool:
    """Whether the Calculation APIs exist for this engine (only PySpark engine version 3 has them).

    Unknown or missing versions are given the benefit of the doubt: the service answers for itself.
    """
    return engine_kind(engine_version) != "spark-3.5"


# --- ARNs ------------------------------------------------------------------------------------------------

# Documented (Service Authorization Reference, Amazon Athena resource types).
WORKGROUP_ARN_TEMPLATE = "arn:{partition}:athena:{region}:{account}:workgroup/{workgroup}"
# GetResourceDashboard takes "The Amazon Resource Name (ARN) for a session"; no page shows a session ARN.
# ASSUMED: nested under its workgroup's documented ARN. The emulator imports this template; correct it here.
SESSION_ARN_TEMPLATE = WORKGROUP_ARN_TEMPLATE + "/session/{session_id}"


def _arn_fields(
    region: str | None, execution_role: str | None, workgroup: str | None
) -> dict[str, str] | None:
    """Partition, region, account and workgroup of an Athena ARN. ASSUMED: the workgroup (and its sessions)
    are in the execution role's account, the only account number a session's answer carries."""
    parts = (execution_role or "").split(":")
    if not (region and workgroup) or len(parts) < 6 or parts[0] != "arn" or not parts[4]:
        return None
    return {"partition": parts[1], "region": region, "account": parts[4], "workgroup": workgroup}


def workgroup_arn(region: str | None, execution_role: str | None, workgroup: str | None) -> str | None:
    """The workgroup's ARN; None when the region, the workgroup or a well-formed role ARN is missing."""
    fields = _arn_fields(region, execution_role, workgroup)
    return None if fields is None else WORKGROUP_ARN_TEMPLATE.format(**fields)


def session_arn(
    region: str | None, execution_role: str | None, workgroup: str | None, session_id: str
) -> str | None:
    """The session's ARN in the assumed format; None when, as for the workgroup's, something is missing."""
    fields = _arn_fields(region, execution_role, workgroup)
    return None if fields is None else SESSION_ARN_TEMPLATE.format(**fields, session_id=session_id)
