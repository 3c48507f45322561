"""Demo data: workgroups and sessions in every interesting state, with fixed readable ids.

Everything is back-dated relative to the clock's now, so in real-time mode the near-timeout
session really is about three minutes from its idle timeout right after seeding.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

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
    SESSION_BUSY,
    SESSION_CREATING,
    SESSION_DEGRADED,
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
from .job_output import ANALYSIS_EXCEPTION_CODE, ANALYSIS_EXCEPTION_RESULT, out_of_memory_result
from .service import NOTEBOOK_VERSION, SparkService

__all__ = ["DEGRADED_REASON", "FAILED_REASON", "SPARK35_FAILED_REASON", "seed_demo"]

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
    kms_key = f"arn:aws:kms:{region}:{account_id}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    definitions: dict[str, tuple[str, dict[str, object]]] = {
        DEMO_SPARK_WORKGROUP: (
            "Demo Apache Spark workgroup (KMS-encrypted results)",
            {
                "EngineVersion": {"SelectedEngineVersion": SPARK_ENGINE_VERSION},
                "ExecutionRole": role,
                "ResultConfiguration": {
                    "OutputLocation": f"s3://{DEMO_BUCKET}/spark/",
                    "EncryptionConfiguration": {"EncryptionOption": "SSE_KMS", "KmsKey": kms_key},
                },
            },
        ),
        DEMO_UNENCRYPTED_WORKGROUP: (
            "Demo Apache Spark workgroup without result encryption",
            {
                "EngineVersion": {"SelectedEngineVersion": SPARK_ENGINE_VERSION},
                "ExecutionRole": role,
                "ResultConfiguration": {"OutputLocation": f"s3://{DEMO_BUCKET}/spark-unencrypted/"},
            },
        ),
        DEMO_SPARK35_WORKGROUP: (
            "Demo Apache Spark version 3.5 workgroup (Spark Connect, Spark UI; no Calculation APIs)",
            {
                "EngineVersion": {"SelectedEngineVersion": SPARK35_ENGINE_VERSION},
                "ExecutionRole": role,
                "ResultConfiguration": {"OutputLocation": f"s3://{DEMO_BUCKET}/spark35/"},
            },
        ),
        DEMO_SQL_WORKGROUP: (
            "Demo SQL workgroup (no Spark sessions)",
            {
                "EngineVersion": {"SelectedEngineVersion": "Athena engine version 3"},
                "ResultConfiguration": {"OutputLocation": f"s3://{DEMO_BUCKET}/sql/"},
            },
        ),
    }
    created = spark_state(backend).workgroup_created
    now = get_clock().now()
    for name, (description, configuration) in definitions.items():
        workgroup = backend.create_work_group(name, configuration, description, [])
        if workgroup is not None:
            workgroup.configuration["EngineVersion"] = engine_version_block(workgroup.configuration)
            created[name] = now - timedelta(days=30)


def _seed_sessions(service: SparkService, now: datetime) -> None:
    def ago(**delta: float) -> datetime:
        return now - timedelta(**delta)

    wg = DEMO_SPARK_WORKGROUP
    # PySpark engine version 3 demo sessions stand for console notebook sessions, which carry a NotebookVersion.
    start = partial(service.create_session, notebook_version=NOTEBOOK_VERSION)
    # IDLE, about 3 minutes left: last calculation ended 17 minutes ago, 20 minute timeout.
    start(
        wg, _ENGINE, session_id=SESSION_IDLE_NEAR_TIMEOUT, at=ago(minutes=30),
        description="Demo: idle, about 3 minutes before the idle timeout",
    )  # fmt: skip
    service.submit_calculation(SESSION_IDLE_NEAR_TIMEOUT, _COUNT_CODE, at=ago(minutes=25), outcome=_QUICK)
    near_done = CannedResult(stdout="done\n", result='"done"', run_seconds=5)
    service.submit_calculation(
        SESSION_IDLE_NEAR_TIMEOUT,
        "spark.catalog.listTables()",
        at=ago(minutes=17, seconds=7),
        outcome=near_done,
    )

    # IDLE, recently used, KMS results, a completed and a failed calculation, CloudWatch logging.
    start(
        wg, _ENGINE, session_id=SESSION_IDLE, at=ago(minutes=50), idle_timeout_minutes=60,
        description="Demo: idle and healthy, recently used",
        monitoring_configuration={
            "CloudWatchLoggingConfiguration": {"Enabled": True, "LogGroup": "/aws-athena/demo-spark"}
        },
    )  # fmt: skip
    service.submit_calculation(
        SESSION_IDLE, _COUNT_CODE, calculation_id=DEMO_CALC_COMPLETED, at=ago(minutes=45),
        description="Count the orders", outcome=_COUNT,
    )  # fmt: skip
    service.submit_calculation(
        SESSION_IDLE, _FAILED_CODE, calculation_id=DEMO_CALC_FAILED, at=ago(minutes=20),
        description="Orders per region (typo)", outcome=_FAILED,
    )  # fmt: skip
    service.submit_calculation(SESSION_IDLE, _SHOW_CODE, at=ago(minutes=2), outcome=_SHOW)

    # BUSY: one long calculation running, one queued behind it.
    start(
        wg, _ENGINE, session_id=SESSION_BUSY, at=ago(minutes=15), description="Demo: busy with a long write"
    )
    service.submit_calculation(SESSION_BUSY, _COUNT_CODE, at=ago(minutes=12), outcome=_QUICK)
    service.submit_calculation(
        SESSION_BUSY, _LONG_CODE, calculation_id=DEMO_CALC_RUNNING, at=ago(minutes=3),
        description="Rewrite orders by day", outcome=_LONG,
    )  # fmt: skip
    service.submit_calculation(
        SESSION_BUSY, _COUNT_CODE, calculation_id=DEMO_CALC_QUEUED, at=ago(minutes=1), outcome=_QUICK
    )

    # DEGRADED (no healthy coordinator) with a reason; long idle timeout so it stays degraded rather than
    # timing out.
    start(
        wg, _ENGINE, session_id=SESSION_DEGRADED, at=ago(minutes=45), idle_timeout_minutes=120,
        description="Demo: degraded, no healthy coordinator",
    )  # fmt: skip
    service.submit_calculation(SESSION_DEGRADED, _COUNT_CODE, at=ago(minutes=30), outcome=_QUICK)
    service.degrade_session(SESSION_DEGRADED, DEGRADED_REASON, at=ago(minutes=20))

    # FAILED: executor out of memory while a calculation ran (that calculation failed too), after a query
    # of a table that does not exist; CloudWatch logging on (default log group /aws-athena/<workgroup>).
    start(
        wg, _ENGINE, session_id=SESSION_FAILED, at=ago(hours=3), description="Demo: failed, executor OOM",
        monitoring_configuration={"CloudWatchLoggingConfiguration": {"Enabled": True}},
    )  # fmt: skip
    service.submit_calculation(
        SESSION_FAILED,
        ANALYSIS_EXCEPTION_CODE,
        at=ago(hours=2, minutes=59),
        outcome=ANALYSIS_EXCEPTION_RESULT,
    )
    service.submit_calculation(
        SESSION_FAILED, _LONG_CODE, at=ago(hours=2, minutes=58), outcome=out_of_memory_result(3600)
    )
    service.fail_session(SESSION_FAILED, FAILED_REASON, at=ago(hours=2, minutes=50))

    # TERMINATED by the idle timeout, and TERMINATED by the user.
    start(
        wg,
        _ENGINE,
        session_id=SESSION_TERMINATED_IDLE,
        at=ago(hours=2),
        description="Demo: timed out while idle",
    )
    service.submit_calculation(
        SESSION_TERMINATED_IDLE, _COUNT_CODE, at=ago(hours=1, minutes=55), outcome=_QUICK
    )
    start(
        wg,
        _ENGINE,
        session_id=SESSION_TERMINATED_BY_USER,
        at=ago(minutes=70),
        description="Demo: terminated by user",
    )
    service.request_termination(SESSION_TERMINATED_BY_USER, at=ago(minutes=60))

    # CREATING: started 3 seconds ago (IDLE about 9 seconds later in real-time mode).
    start(wg, _ENGINE, session_id=SESSION_CREATING, at=ago(seconds=3), description="Demo: still starting")


def _seed_spark35_sessions(service: SparkService, now: datetime) -> None:
    """Apache Spark version 3.5: Spark Connect sessions, no notebooks and no calculations."""
    wg = DEMO_SPARK35_WORKGROUP
    service.create_session(
        wg, _ENGINE, session_id=SESSION_SPARK35_IDLE, at=now - timedelta(minutes=25), idle_timeout_minutes=60,
        description="Demo: Spark 3.5, idle (Spark Connect)",
    )  # fmt: skip
    # A 2-hour idle timeout, so the request (an hour in) ends it rather than the default 20-minute timeout.
    service.create_session(
        wg, _ENGINE, session_id=SESSION_SPARK35_TERMINATED, at=now - timedelta(hours=3), idle_timeout_minutes=120,
        description="Demo: Spark 3.5, terminated per request",
    )  # fmt: skip
    service.request_termination(SESSION_SPARK35_TERMINATED, at=now - timedelta(hours=2))
    service.create_session(
        wg, _ENGINE, session_id=SESSION_SPARK35_FAILED, at=now - timedelta(hours=5),
        description="Demo: Spark 3.5, failed (driver out of memory)",
    )  # fmt: skip
    service.fail_session(
        SESSION_SPARK35_FAILED, SPARK35_FAILED_REASON, at=now - timedelta(hours=4, minutes=50)
    )


def _seed_logs(service: SparkService, now: datetime) -> None:
    from .logs import seed_session_logs

    for session in list(service.state.sessions.values()):
        seed_session_logs(service, session, now)


def seed_demo(*, account_id: str = DEFAULT_ACCOUNT_ID, region: str = DEFAULT_REGION) -> dict[str, str]:
    """Create the demo workgroups and sessions in moto (installs the emulator first).

    Workgroups: ``demo-spark`` (PySpark engine version 3, SSE_KMS results), ``demo-spark-unencrypted``
    (PySpark engine version 3, no encryption), ``demo-spark35`` (Apache Spark version 3.5), ``demo-sql``
    (SQL engine) and moto's own ``primary`` (SQL). Returns
    ``{session_id: state}`` as of now; seeding again is a no-op that reports the current states.
    """
    from .control import service_for  # lazy: plain imports of the package must not load moto
    from .patch import install

    install()
    service = service_for(account_id, region)
    with service.state.lock:
        if SESSION_IDLE not in service.state.sessions:
            _create_workgroups(account_id, region)
            now = get_clock().now()
            _seed_sessions(service, now)
            service.create_session(
                DEMO_UNENCRYPTED_WORKGROUP, _ENGINE, session_id=SESSION_UNENCRYPTED,
                at=now - timedelta(minutes=10), description="Demo: idle, no result encryption",
                notebook_version=NOTEBOOK_VERSION,
            )  # fmt: skip
            _seed_spark35_sessions(service, now)
            _seed_logs(service, now)
        return {sid: service.view(service.state.sessions[sid]).state for sid in DEMO_SESSION_IDS}
