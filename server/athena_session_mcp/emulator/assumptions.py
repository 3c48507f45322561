"""Every behaviour the emulator ASSUMES, in one place.

The AWS documentation (Athena User Guide, API Reference, botocore's service model) outranks the
emulator. Where no page says how the service behaves, the emulator still has to pick something; each
such pick is a constant here with a short reason, and FIDELITY.md lists them. When someone measures the
real service (``tests/contract`` with ATHENA_CONTRACT_LIVE=1) and finds a difference, correct it here.

The two assumptions the server itself relies on (the Apache Spark version 3.5 engine string and the
session ARN format) live in the server's vocabulary (athena/vocabulary.py) and are imported here.
"""

from __future__ import annotations

from datetime import timedelta

from athena_session_mcp.athena.vocabulary import SESSION_ARN_TEMPLATE, SPARK_35_ENGINE

__all__ = [
    "AUTH_TOKEN_LIFETIME",
    "BUSY_ACCEPTS_CALCULATIONS",
    "CALCULATIONS_UNSUPPORTED_ERROR",
    "CALCULATIONS_UNSUPPORTED_MESSAGE",
    "CALCULATION_CANCELING_SECONDS",
    "CALCULATION_CREATING_SECONDS",
    "CALCULATION_MIN_QUEUED_SECONDS",
    "CALCULATION_REASON_CANCELED",
    "CALCULATION_REASON_SESSION_FAILED",
    "CALCULATION_REASON_SESSION_TERMINATED",
    "CALCULATION_STATE_SESSION_TERMINATED",
    "CLOUDTRAIL_DEMO_USERNAME",
    "CLOUDTRAIL_RETENTION_DAYS",
    "DASHBOARD_ENGINES",
    "DASHBOARD_HISTORY_STATES",
    "DASHBOARD_LIVE_STATES",
    "DASHBOARD_UNAVAILABLE_ERROR",
    "DEFAULT_MAX_CONCURRENT_DPUS",
    "DEFAULT_PAGE_SIZE",
    "DEGRADED_WORKERS_KEPT",
    "DPU_COUNT_PERIOD_SECONDS",
    "EMULATOR_ENABLED_REGIONS",
    "ENDPOINT_ENGINES",
    "ENDPOINT_STATES",
    "ENDPOINT_UNAVAILABLE_ERROR",
    "EXECUTOR_GATEWAY_ENGINES",
    "EXECUTOR_TIMES_IN_MILLIS",
    "EXECUTOR_WORKERS",
    "FAILED_SESSION_FAILED_WORKERS",
    "IDLE_SINCE_KEPT_AFTER_END",
    "IDLE_TIMEOUT_SKIPS_TERMINATING",
    "LISTED_WITHOUT_STATE_FILTER",
    "LOG_STREAM_PREFIX_FIRST",
    "NOTEBOOK_VERSION_ON_SPARK_35_ERROR",
    "REASON_WHILE_TERMINATING",
    "SESSION_ARN_TEMPLATE",
    "SESSION_CREATED_SECONDS",
    "SESSION_CREATING_SECONDS",
    "SESSION_TERMINATING_SECONDS",
    "SPARK_35_ENGINE_VERSION",
    "UNKNOWN_RESOURCE_ERROR",
]

# --- Engines ----------------------------------------------------------------------------------------

# The server needs this assumption too, so it lives in the server's vocabulary (athena/vocabulary.py,
# SPARK_35_ENGINE, with its reason); the emulator takes it from there, never the reverse.
SPARK_35_ENGINE_VERSION = SPARK_35_ENGINE

# --- ListSessions -----------------------------------------------------------------------------------

# API Reference: without StateFilter, ListSessions "Lists the sessions in a workgroup that are in an active
# state like CREATING, CREATED, IDLE, or BUSY". TerminateSession's reference calls TERMINATING "inactive",
# so it is not listed. DEGRADED ("The session has no healthy coordinators") is named by neither page;
# assumed active because its resources still run (and accrue cost) until it ends or is terminated.
LISTED_WITHOUT_STATE_FILTER = frozenset({"CREATING", "CREATED", "IDLE", "BUSY", "DEGRADED"})

# No page gives ListSessions'/ListCalculationExecutions' page size when MaxResults is omitted; the model's
# maximum (100) is assumed.
DEFAULT_PAGE_SIZE = 100

# --- Session life cycle -----------------------------------------------------------------------------

# The durations of the transitional states are not documented; short, fixed values keep tests exact.
SESSION_CREATING_SECONDS = 10.0
SESSION_CREATED_SECONDS = 2.0
SESSION_TERMINATING_SECONDS = 3.0

# "Troubleshoot session errors" documents the reason after a stop ("Session was terminated per request.")
# but not what TERMINATING shows meanwhile; assumed: the same sentence, set when the stop is requested.
REASON_WHILE_TERMINATING = "Session was terminated per request."

# The idle timeout ends a session "per request" too (same page), but when the service notices the deadline
# is not documented. Assumed: the session is TERMINATED exactly at the deadline, without a TERMINATING phase.
IDLE_TIMEOUT_SKIPS_TERMINATING = True

# SessionStatus.IdleSinceDateTime "Can be empty if the session is not currently idle". Assumed: a session
# that was IDLE when it ended keeps the start of that idle period; one that ended BUSY has none.
IDLE_SINCE_KEPT_AFTER_END = True

# StartSession's EngineConfiguration.MaxConcurrentDpus has no documented default for the emulator to use.
DEFAULT_MAX_CONCURRENT_DPUS = 20

# --- Calculations -----------------------------------------------------------------------------------

CALCULATION_CREATING_SECONDS = 1.0
CALCULATION_MIN_QUEUED_SECONDS = 1.0
CALCULATION_CANCELING_SECONDS = 1.0

# CONFLICT, kept for now: SessionState documents BUSY as "processing another task and is unable to accept a
# calculation", yet CalculationExecutionState has QUEUED ("queued for processing") and console notebooks queue
# cells. The emulator accepts a calculation on a BUSY session and queues it behind the running one (the seed's
# queued demo calculation relies on it). Set False to refuse with InvalidRequestException instead.
BUSY_ACCEPTS_CALCULATIONS = True

# TerminateSession: running calculations "are forcefully stopped, but may display as FAILED instead of
# STOPPED". The emulator picks one deterministic outcome: FAILED (queued calculations too).
CALCULATION_STATE_SESSION_TERMINATED = "FAILED"
# No page gives the StateChangeReason of a calculation ended by its session's termination or failure, or
# by StopCalculationExecution: the emulator omits it rather than invent a sentence.
CALCULATION_REASON_SESSION_TERMINATED: str | None = None
CALCULATION_REASON_SESSION_FAILED: str | None = None
CALCULATION_REASON_CANCELED: str | None = None

# "Considerations and limitations": StartCalculationExecution, ListCalculationExecutions and
# GetCalculationExecution "are not supported" on Apache Spark version 3.5. The error is not documented;
# InvalidRequestException ("something is wrong with the input to the request") is the modelled error the
# service most plausibly returns. Calculation ids never exist on such sessions, so the id-based calls
# (Get*, Stop) answer with the not-found InvalidRequestException below.
CALCULATIONS_UNSUPPORTED_ERROR = "InvalidRequestException"
CALCULATIONS_UNSUPPORTED_MESSAGE = (
    "Calculations are not supported for sessions on engine version {engine}. "
    "Use Spark Connect (GetSessionEndpoint) instead."
)

# NotebookVersion is "supplied automatically for notebook sessions in the Athena console" and Apache Spark
# version 3.5 "does not support Athena in-console notebooks or notebook APIs". Assumed: StartSession with a
# NotebookVersion in a 3.5 workgroup is refused with InvalidRequestException.
NOTEBOOK_VERSION_ON_SPARK_35_ERROR = "InvalidRequestException"

# --- Unknown ids ------------------------------------------------------------------------------------

# An unknown SessionId / CalculationExecutionId / WorkGroup: the model lists both InvalidRequestException and
# ResourceNotFoundException. Assumed: InvalidRequestException ("Session <id> not found"), as the project has
# always modelled it.
UNKNOWN_RESOURCE_ERROR = "InvalidRequestException"

# --- Spark Connect and Spark UI (Apache Spark version 3.5) ---------------------------------------------

# "Spark Connect support": "From Apache Spark version 3.5 release version onward, Athena supports Spark
# Connect ... using the GetSessionEndpoint API." Assumed: GetSessionEndpoint on a PySpark engine version 3
# session is refused with InvalidRequestException.
ENDPOINT_ENGINES = frozenset({SPARK_35_ENGINE_VERSION})
ENDPOINT_UNAVAILABLE_ERROR = "InvalidRequestException"
# Assumed: an endpoint exists once the session is started and until it stops.
ENDPOINT_STATES = frozenset({"CREATED", "IDLE", "BUSY", "DEGRADED"})
# AuthTokenExpirationTime is documented, the lifetime is not. Assumed: one hour. Tokens are random, fake
# and never meaningful.
AUTH_TOKEN_LIFETIME = timedelta(hours=1)

# "Accessing the Spark UI": the live Spark UI of a running session, and the Spark History Server for
# completed sessions, through GetResourceDashboard — a feature of Apache Spark version 3.5 ("Release
# versions"). Assumed: refused (InvalidRequestException) for PySpark engine version 3 sessions and for a
# session still CREATING; live UI while the driver runs, history server once TERMINATED or FAILED.
DASHBOARD_ENGINES = frozenset({SPARK_35_ENGINE_VERSION})
DASHBOARD_LIVE_STATES = frozenset({"CREATED", "IDLE", "BUSY", "DEGRADED", "TERMINATING"})
DASHBOARD_HISTORY_STATES = frozenset({"TERMINATED", "FAILED"})
DASHBOARD_UNAVAILABLE_ERROR = "InvalidRequestException"

# SESSION_ARN_TEMPLATE (assumed; imported above from athena/vocabulary.py, where its reason is). The
# emulator also accepts any ARN ending in "session/<id>".

# --- Executors, logs and job output ----------------------------------------------------------------------

# ListExecutors (model): types COORDINATOR, GATEWAY, WORKER and states CREATING ... FAILED are documented;
# which executors a session has, and when, is not. Assumed: one COORDINATOR from the session's start; a
# GATEWAY (the Spark Connect side) only on Apache Spark version 3.5; up to EXECUTOR_WORKERS WORKERs, from the
# first calculation on PySpark engine version 3 (from readiness on 3.5, where work arrives over Spark
# Connect). All follow the session: REGISTERED while it is usable, TERMINATING/TERMINATED with it.
EXECUTOR_GATEWAY_ENGINES = frozenset({SPARK_35_ENGINE_VERSION})
EXECUTOR_WORKERS = 4
# Assumed: a DEGRADED session ("no healthy coordinators": its coordinator is FAILED, as documented) has also
# lost all but one worker; a FAILED session's coordinator and first worker are FAILED, the other workers
# TERMINATED.
DEGRADED_WORKERS_KEPT = 1
FAILED_SESSION_FAILED_WORKERS = 1
# ExecutorsSummary.StartDateTime and TerminationDateTime are typed `long` in the model, not timestamps, and
# no page gives the unit. Assumed: epoch milliseconds (the server also reads epoch seconds).
EXECUTOR_TIMES_IN_MILLIS = True

# "Log Spark application events" (UG): log group /aws-athena/<workgroup>, one stream per executor named
# <session id>/<executor id>/<uuid>, messages "AthenaForApacheSpark: <time> <LEVEL> <logger>: <text>".
# Assumed: a configured LogStreamNamePrefix comes before that name (the API says only "Prefix for the
# CloudWatch log stream name").
LOG_STREAM_PREFIX_FIRST = True


# --- History beyond ListSessions (emulator/history.py) -----------------------------------------------------

# ASSUMED: how often Athena reports DPUCount (the User Guide names the metric, its namespace and dimensions,
# not its period); one datapoint a minute, the value being the session's DPUs in use.
DPU_COUNT_PERIOD_SECONDS = 60
# Documented (CloudTrail User Guide, "Viewing events with CloudTrail Event history"): 90 days.
CLOUDTRAIL_RETENTION_DAYS = 90
# ASSUMED: the Username of the seeded StartSession events (an IAM user or role session name in real events).
CLOUDTRAIL_DEMO_USERNAME = "demo-user"
# ASSUMED: the regions the emulated account has enabled (what ListRegions answers); the seed fills both.
EMULATOR_ENABLED_REGIONS = ("eu-west-1", "us-east-1")
