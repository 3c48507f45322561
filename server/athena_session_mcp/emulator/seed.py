"""Demo data: workgroups and sessions in every interesting state, with fixed readable ids.

Everything is back-dated relative to the clock's now, so in real-time mode the near-timeout
session really is about three minutes from its idle timeout right after seeding.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .canned import CannedResult
from .clock import get_clock
from .constants import (
    DEFAULT_ACCOUNT_ID,
    DEFAULT_REGION,
    DEMO_BUCKET,
    DEMO_CALC_COMPLETED,
    DEMO_CALC_FAILED,
    DEMO_CALC_QUEUED,
    DEMO_CALC_RUNNING,
    DEMO_SESSION_IDS,
    DEMO_SPARK35_WORKGROUP,
    DEMO_SPARK_WORKGROUP,
    DEMO_SQL_WORKGROUP,
    DEMO_UNENCRYPTED_WORKGROUP,
    DEMO_WORKGROUP_TAGS,
    SECOND_ACCOUNT_ID,
    SECOND_REGION,
    SESSION_ACCOUNT2_IDLE,
    SESSION_ACCOUNT2_NOTEBOOK,
    SESSION_ACCOUNT2_SPARK35_FAILED,
    SESSION_BUSY,
    SESSION_CREATING,
    SESSION_DEGRADED,
    SESSION_EU_IDLE,
    SESSION_EU_SPARK35_FAILED,
    SESSION_FAILED,
    SESSION_IDLE,
    SESSION_IDLE_NEAR_TIMEOUT,
    SESSION_SPARK35_FAILED,
    SESSION_SPARK35_IDLE,
    SESSION_SPARK35_TERMINATED,
    SESSION_TERMINATED_BY_USER,
    SESSION_TERMINATED_IDLE,
    SESSION_UNENCRYPTED,
    SPARK35_ENGINE_VERSION,
    SPARK_ENGINE_VERSION,
)
from .history import seed_history
from .job_output import ANALYSIS_EXCEPTION_CODE, ANALYSIS_EXCEPTION_RESULT, out_of_memory_result
from .service import NOTEBOOK_VERSION, SparkService

__all__ = [
    "DEGRADED_REASON",
    "DEMO_SESSIONS",
    "FAILED_REASON",
    "SECOND_ACCOUNT_SESSIONS",
    "SECOND_REGION_SESSIONS",
    "SPARK35_FAILED_REASON",
    "DemoCalculation",
    "DemoSession",
    "Incident",
    "seed_demo",
]

# Seeded failure and degradation reasons are illustrative: the service's own texts for these vary and are
# not documented. Ended-by-request sessions carry the documented "Session was terminated per request.".

FAILED_REASON = (
    "Session failed: executor 3 ran out of memory (java.lang.OutOfMemoryError: Java heap space). "
    "Reduce the data per partition or raise DefaultExecutorDpuSize."
)
SPARK35_FAILED_REASON = (
    "Session failed: the Spark driver ran out of memory (java.lang.OutOfMemoryError: Java heap space)."
)
# DEGRADED means "The session has no healthy coordinators" (SessionState): the reason says that.
DEGRADED_REASON = (
    "The session's coordinator stopped responding to health checks; the session has no healthy coordinator."
)
_ENGINE = {"CoordinatorDpuSize": 1, "MaxConcurrentDpus": 20, "DefaultExecutorDpuSize": 1}
_COUNT_CODE = "df = spark.read.parquet('s3://athena-session-mcp-demo/data/orders/')\ndf.count()"
_COUNT = CannedResult(stdout="1048576\n", result="1048576", result_type="application/json", run_seconds=42)
_FAILED_CODE = "orders_df.groupBy('region').count().show()"
_FAILED = CannedResult(
    stderr=(
        "Traceback (most recent call last):\n"
        '  File "<stdin>", line 1, in <module>\n'
        "NameError: name 'orders_df' is not defined\n"
    ),
    failure_reason="NameError: name 'orders_df' is not defined",
    run_seconds=3,
)
_SHOW_CODE = "df.groupBy('region').count().show()"
_SHOW = CannedResult(
    stdout="+-------+------+\n| region| count|\n+-------+------+\n|   emea|524288|\n|   amer|524288|\n+-------+------+\n",
    result='[{"region": "emea", "count": 524288}, {"region": "amer", "count": 524288}]',
    run_seconds=20,
)
_QUICK = CannedResult(stdout="ok\n", result='"ok"', run_seconds=10)
_LONG_CODE = "df.write.mode('overwrite').parquet('s3://athena-session-mcp-demo/data/orders_by_day/')"
_LONG = CannedResult(stdout="", result=None, run_seconds=3600)


def _create_workgroups(account_id: str, region: str) -> None:
    from ._moto import athena_backend, spark_state  # lazy: plain imports of the package must not load moto
    from .workgroups import engine_version_block

    backend = athena_backend(account_id, region)
    role = f"arn:aws:iam::{account_id}:role/AthenaSparkDemoRole"
    # S3 bucket names are global: each account's results go to a bucket of its own.
    bucket = DEMO_BUCKET if account_id != SECOND_ACCOUNT_ID else f"{DEMO_BUCKET}-{SECOND_ACCOUNT_ID}"
    kms_key = f"arn:aws:kms:{region}:{account_id}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    definitions: dict[str, tuple[str, dict[str, object]]] = {
        DEMO_SPARK_WORKGROUP: (
            "Demo Apache Spark workgroup (KMS-encrypted results)",
            {
                "EngineVersion": {"SelectedEngineVersion": SPARK_ENGINE_VERSION},
                "ExecutionRole": role,
                "ResultConfiguration": {
                    "OutputLocation": f"s3://{bucket}/spark/",
                    "EncryptionConfiguration": {"EncryptionOption": "SSE_KMS", "KmsKey": kms_key},
                },
            },
        ),
        DEMO_UNENCRYPTED_WORKGROUP: (
            "Demo Apache Spark workgroup without result encryption",
            {
                "EngineVersion": {"SelectedEngineVersion": SPARK_ENGINE_VERSION},
                "ExecutionRole": role,
                "ResultConfiguration": {"OutputLocation": f"s3://{bucket}/spark-unencrypted/"},
            },
        ),
        DEMO_SPARK35_WORKGROUP: (
            "Demo Apache Spark version 3.5 workgroup (Spark Connect, Spark UI; no Calculation APIs)",
            {
                "EngineVersion": {"SelectedEngineVersion": SPARK35_ENGINE_VERSION},
                "ExecutionRole": role,
                "ResultConfiguration": {"OutputLocation": f"s3://{bucket}/spark35/"},
            },
        ),
        DEMO_SQL_WORKGROUP: (
            "Demo SQL workgroup (no Spark sessions)",
            {
                "EngineVersion": {"SelectedEngineVersion": "Athena engine version 3"},
                "ResultConfiguration": {"OutputLocation": f"s3://{bucket}/sql/"},
            },
        ),
    }
    created = spark_state(backend).workgroup_created
    now = get_clock().now()
    for name, (description, configuration) in definitions.items():
        tags = [{"Key": k, "Value": v} for k, v in DEMO_WORKGROUP_TAGS.get(name, {}).items()]
        workgroup = backend.create_work_group(name, configuration, description, tags)
        if workgroup is not None:
            workgroup.configuration["EngineVersion"] = engine_version_block(workgroup.configuration)
            created[name] = now - timedelta(days=30)


@dataclass(frozen=True, kw_only=True)
class DemoCalculation:
    """A calculation the seed submits, ``submitted_ago`` before now."""

    code: str
    submitted_ago: timedelta
    outcome: CannedResult
    calculation_id: str | None = None
    description: str | None = None


@dataclass(frozen=True, kw_only=True)
class Incident:
    """A degradation or failure ``ago`` before now, with its StateChangeReason."""

    ago: timedelta
    reason: str


@dataclass(frozen=True, kw_only=True)
class DemoSession:
    """One demo session: started ``started_ago`` before now, then its calculations in order, then at most one
    of degraded, failed or terminated per request."""

    session_id: str
    workgroup: str
    started_ago: timedelta
    description: str
    idle_timeout_minutes: int | None = None
    # PySpark engine version 3 demo sessions stand for console notebook sessions, which carry a NotebookVersion;
    # Apache Spark version 3.5 has no notebooks (None).
    notebook_version: str | None = NOTEBOOK_VERSION
    cloudwatch_logging: bool = False
    log_group: str | None = None  # None with logging on: the default /aws-athena/<workgroup>
    calculations: tuple[DemoCalculation, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()  # StartSession Tags (Apache Spark version 3.5 sessions)
    degraded: Incident | None = None
    failed: Incident | None = None
    terminated_ago: timedelta | None = None

    def __post_init__(self) -> None:
        endings = [e for e in (self.degraded, self.failed, self.terminated_ago) if e is not None]
        if len(endings) > 1:
            raise ValueError(f"demo session {self.session_id}: at most one of degraded, failed, terminated")


# In DEMO_SESSION_IDS order: seeding order fixes the derived calculation ids and the listing tie-breaks.
DEMO_SESSIONS: tuple[DemoSession, ...] = (
    # IDLE, about 3 minutes left: last calculation ended 17 minutes ago, 20 minute timeout.
    DemoSession(
        session_id=SESSION_IDLE_NEAR_TIMEOUT,
        workgroup=DEMO_SPARK_WORKGROUP,
        started_ago=timedelta(minutes=30),
        description="Demo: idle, about 3 minutes before the idle timeout",
        calculations=(
            DemoCalculation(code=_COUNT_CODE, submitted_ago=timedelta(minutes=25), outcome=_QUICK),
            DemoCalculation(
                code="spark.catalog.listTables()",
                submitted_ago=timedelta(minutes=17, seconds=7),
                outcome=CannedResult(stdout="done\n", result='"done"', run_seconds=5),
            ),
        ),
    ),
    # IDLE, recently used, KMS results, a completed and a failed calculation, CloudWatch logging.
    DemoSession(
        session_id=SESSION_IDLE,
        workgroup=DEMO_SPARK_WORKGROUP,
        started_ago=timedelta(minutes=50),
        idle_timeout_minutes=60,
        description="Demo: idle and healthy, recently used",
        cloudwatch_logging=True,
        log_group="/aws-athena/demo-spark",
        calculations=(
            DemoCalculation(
                code=_COUNT_CODE,
                calculation_id=DEMO_CALC_COMPLETED,
                submitted_ago=timedelta(minutes=45),
                description="Count the orders",
                outcome=_COUNT,
            ),
            DemoCalculation(
                code=_FAILED_CODE,
                calculation_id=DEMO_CALC_FAILED,
                submitted_ago=timedelta(minutes=20),
                description="Orders per region (typo)",
                outcome=_FAILED,
            ),
            DemoCalculation(code=_SHOW_CODE, submitted_ago=timedelta(minutes=2), outcome=_SHOW),
        ),
    ),
    # BUSY: one long calculation running, one queued behind it.
    DemoSession(
        session_id=SESSION_BUSY,
        workgroup=DEMO_SPARK_WORKGROUP,
        started_ago=timedelta(minutes=15),
        description="Demo: busy with a long write",
        calculations=(
            DemoCalculation(code=_COUNT_CODE, submitted_ago=timedelta(minutes=12), outcome=_QUICK),
            DemoCalculation(
                code=_LONG_CODE,
                calculation_id=DEMO_CALC_RUNNING,
                submitted_ago=timedelta(minutes=3),
                description="Rewrite orders by day",
                outcome=_LONG,
            ),
            DemoCalculation(
                code=_COUNT_CODE,
                calculation_id=DEMO_CALC_QUEUED,
                submitted_ago=timedelta(minutes=1),
                outcome=_QUICK,
            ),
        ),
    ),
    # DEGRADED (no healthy coordinator) with a reason; long idle timeout so it stays degraded rather than
    # timing out.
    DemoSession(
        session_id=SESSION_DEGRADED,
        workgroup=DEMO_SPARK_WORKGROUP,
        started_ago=timedelta(minutes=45),
        idle_timeout_minutes=120,
        description="Demo: degraded, no healthy coordinator",
        calculations=(
            DemoCalculation(code=_COUNT_CODE, submitted_ago=timedelta(minutes=30), outcome=_QUICK),
        ),
        degraded=Incident(ago=timedelta(minutes=20), reason=DEGRADED_REASON),
    ),
    # FAILED: executor out of memory while a calculation ran (that calculation failed too), after a query
    # of a table that does not exist; CloudWatch logging on (default log group /aws-athena/<workgroup>).
    DemoSession(
        session_id=SESSION_FAILED,
        workgroup=DEMO_SPARK_WORKGROUP,
        started_ago=timedelta(hours=3),
        description="Demo: failed, executor OOM",
        cloudwatch_logging=True,
        calculations=(
            DemoCalculation(
                code=ANALYSIS_EXCEPTION_CODE,
                submitted_ago=timedelta(hours=2, minutes=59),
                outcome=ANALYSIS_EXCEPTION_RESULT,
            ),
            DemoCalculation(
                code=_LONG_CODE,
                submitted_ago=timedelta(hours=2, minutes=58),
                outcome=out_of_memory_result(3600),
            ),
        ),
        failed=Incident(ago=timedelta(hours=2, minutes=50), reason=FAILED_REASON),
    ),
    # TERMINATED by the idle timeout (the default 20 minutes after its calculation ended).
    DemoSession(
        session_id=SESSION_TERMINATED_IDLE,
        workgroup=DEMO_SPARK_WORKGROUP,
        started_ago=timedelta(hours=2),
        description="Demo: timed out while idle",
        calculations=(
            DemoCalculation(code=_COUNT_CODE, submitted_ago=timedelta(hours=1, minutes=55), outcome=_QUICK),
        ),
    ),
    # TERMINATED by the user.
    DemoSession(
        session_id=SESSION_TERMINATED_BY_USER,
        workgroup=DEMO_SPARK_WORKGROUP,
        started_ago=timedelta(minutes=70),
        description="Demo: terminated by user",
        terminated_ago=timedelta(minutes=60),
    ),
    # CREATING: started 3 seconds ago (IDLE about 9 seconds later in real-time mode).
    DemoSession(
        session_id=SESSION_CREATING,
        workgroup=DEMO_SPARK_WORKGROUP,
        started_ago=timedelta(seconds=3),
        description="Demo: still starting",
    ),
    DemoSession(
        session_id=SESSION_UNENCRYPTED,
        workgroup=DEMO_UNENCRYPTED_WORKGROUP,
        started_ago=timedelta(minutes=10),
        description="Demo: idle, no result encryption",
    ),
    # Apache Spark version 3.5: Spark Connect sessions, no notebooks and no calculations.
    DemoSession(
        session_id=SESSION_SPARK35_IDLE,
        workgroup=DEMO_SPARK35_WORKGROUP,
        started_ago=timedelta(minutes=25),
        idle_timeout_minutes=60,
        description="Demo: Spark 3.5, idle (Spark Connect)",
        notebook_version=None,
        tags=(("team", "ml"), ("project", "forecast")),
    ),
    # A 2-hour idle timeout, so the request (an hour in) ends it rather than the default 20-minute timeout.
    DemoSession(
        session_id=SESSION_SPARK35_TERMINATED,
        workgroup=DEMO_SPARK35_WORKGROUP,
        started_ago=timedelta(hours=3),
        idle_timeout_minutes=120,
        description="Demo: Spark 3.5, terminated per request",
        notebook_version=None,
        terminated_ago=timedelta(hours=2),
    ),
    DemoSession(
        session_id=SESSION_SPARK35_FAILED,
        workgroup=DEMO_SPARK35_WORKGROUP,
        started_ago=timedelta(hours=5),
        description="Demo: Spark 3.5, failed (driver out of memory)",
        notebook_version=None,
        failed=Incident(ago=timedelta(hours=4, minutes=50), reason=SPARK35_FAILED_REASON),
    ),
)


# The second region's sessions (seed_demo seeds them beside the default region's).
SECOND_REGION_SESSIONS: tuple[DemoSession, ...] = (
    DemoSession(
        session_id=SESSION_EU_IDLE,
        workgroup=DEMO_SPARK_WORKGROUP,
        started_ago=timedelta(minutes=40),
        idle_timeout_minutes=60,
        description="Demo: idle, in the second region",
        calculations=(
            DemoCalculation(code=_COUNT_CODE, submitted_ago=timedelta(minutes=35), outcome=_QUICK),
        ),
    ),
    DemoSession(
        session_id=SESSION_EU_SPARK35_FAILED,
        workgroup=DEMO_SPARK35_WORKGROUP,
        started_ago=timedelta(hours=6),
        description="Demo: Spark 3.5, failed, in the second region",
        notebook_version=None,
        failed=Incident(ago=timedelta(hours=5, minutes=45), reason=SPARK35_FAILED_REASON),
    ),
)


# The second account's sessions (seed_demo seeds them in DEFAULT_REGION of SECOND_ACCOUNT_ID).
SECOND_ACCOUNT_SESSIONS: tuple[DemoSession, ...] = (
    DemoSession(
        session_id=SESSION_ACCOUNT2_IDLE,
        workgroup=DEMO_SPARK_WORKGROUP,
        started_ago=timedelta(minutes=35),
        idle_timeout_minutes=60,
        description="Demo: idle, in the second account",
        calculations=(
            DemoCalculation(code=_COUNT_CODE, submitted_ago=timedelta(minutes=30), outcome=_QUICK),
        ),
    ),
    DemoSession(
        session_id=SESSION_ACCOUNT2_NOTEBOOK,
        workgroup=DEMO_SPARK_WORKGROUP,
        started_ago=timedelta(minutes=5),
        description="Demo: idle notebook, in the second account",
    ),
    DemoSession(
        session_id=SESSION_ACCOUNT2_SPARK35_FAILED,
        workgroup=DEMO_SPARK35_WORKGROUP,
        started_ago=timedelta(hours=4),
        description="Demo: Spark 3.5, failed, in the second account",
        notebook_version=None,
        failed=Incident(ago=timedelta(hours=3, minutes=40), reason=SPARK35_FAILED_REASON),
    ),
)


def _monitoring(demo: DemoSession) -> dict[str, object] | None:
    if not demo.cloudwatch_logging:
        return None
    logging: dict[str, object] = {"Enabled": True}
    if demo.log_group is not None:
        logging["LogGroup"] = demo.log_group
    return {"CloudWatchLoggingConfiguration": logging}


def _seed_session(service: SparkService, demo: DemoSession, now: datetime) -> None:
    """Start ``demo``, submit its calculations, then degrade, fail or terminate it, back-dated from ``now``."""
    service.create_session(
        demo.workgroup,
        _ENGINE,
        session_id=demo.session_id,
        at=now - demo.started_ago,
        description=demo.description,
        monitoring_configuration=_monitoring(demo),
        notebook_version=demo.notebook_version,
        idle_timeout_minutes=demo.idle_timeout_minutes,
        tags=dict(demo.tags),
    )
    for calculation in demo.calculations:
        service.submit_calculation(
            demo.session_id,
            calculation.code,
            calculation_id=calculation.calculation_id,
            at=now - calculation.submitted_ago,
            description=calculation.description,
            outcome=calculation.outcome,
        )
    if demo.degraded is not None:
        service.degrade_session(demo.session_id, demo.degraded.reason, at=now - demo.degraded.ago)
    if demo.failed is not None:
        service.fail_session(demo.session_id, demo.failed.reason, at=now - demo.failed.ago)
    if demo.terminated_ago is not None:
        service.request_termination(demo.session_id, at=now - demo.terminated_ago)


def _seed_logs(service: SparkService, now: datetime) -> None:
    from .logs import seed_session_logs

    for session in list(service.state.sessions.values()):
        seed_session_logs(service, session, now)


def seed_demo(*, account_id: str = DEFAULT_ACCOUNT_ID, region: str = DEFAULT_REGION) -> dict[str, str]:
    """Create the demo workgroups and sessions in moto (installs the emulator first).

    Workgroups: ``demo-spark`` (PySpark engine version 3, SSE_KMS results), ``demo-spark-unencrypted``
    (PySpark engine version 3, no encryption), ``demo-spark35`` (Apache Spark version 3.5), ``demo-sql``
    (SQL engine) and moto's own ``primary`` (SQL); and in SECOND_REGION (eu-west-1) the same workgroups with
    SECOND_REGION_SESSIONS; and in SECOND_ACCOUNT_ID (DEFAULT_REGION) the same workgroups with
    SECOND_ACCOUNT_SESSIONS. Returns ``{session_id: state}`` as of now; seeding again is a no-op that reports the current states.
    """
    from .control import service_for  # lazy: plain imports of the package must not load moto
    from .patch import install

    install()
    service = service_for(account_id, region)
    with service.state.lock:
        if SESSION_IDLE not in service.state.sessions:
            _create_workgroups(account_id, region)
            now = get_clock().now()
            for demo in DEMO_SESSIONS:
                _seed_session(service, demo, now)
            _seed_logs(service, now)
            seed_history(account_id, region, now)
    if region != SECOND_REGION:
        _seed_second_region(account_id)
    if account_id != SECOND_ACCOUNT_ID and region == DEFAULT_REGION:
        _seed_second_account()
    with service.state.lock:
        return {sid: service.view(service.state.sessions[sid]).state for sid in DEMO_SESSION_IDS}


def _seed_second_region(account_id: str) -> None:
    """The demo workgroups and SECOND_REGION_SESSIONS in SECOND_REGION (once)."""
    from .control import service_for

    service = service_for(account_id, SECOND_REGION)
    with service.state.lock:
        if SESSION_EU_IDLE in service.state.sessions:
            return
        _create_workgroups(account_id, SECOND_REGION)
        now = get_clock().now()
        for demo in SECOND_REGION_SESSIONS:
            _seed_session(service, demo, now)
        seed_history(account_id, SECOND_REGION, now)


def _seed_second_account() -> None:
    """The demo workgroups and SECOND_ACCOUNT_SESSIONS in DEFAULT_REGION of SECOND_ACCOUNT_ID (once)."""
    from .control import service_for

    service = service_for(SECOND_ACCOUNT_ID, DEFAULT_REGION)
    with service.state.lock:
        if SESSION_ACCOUNT2_IDLE in service.state.sessions:
            return
        _create_workgroups(SECOND_ACCOUNT_ID, DEFAULT_REGION)
        now = get_clock().now()
        for demo in SECOND_ACCOUNT_SESSIONS:
            _seed_session(service, demo, now)
