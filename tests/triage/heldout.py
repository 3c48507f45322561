"""Held-out triage cases: written before the catalogue was tuned against the corpus, and never tuned against.

Their message shapes vary on purpose from the tuned cases (older Spark wordings, other AWS error layouts)
so the accuracy on them estimates how the catalogue does on failures it was not written for. Do not edit
a case here to make it pass: a miss is a finding (record it in docs/diagnosis.md).
"""

from __future__ import annotations

from tests.triage.model import COMPLETED, NO_CAUSE, Calc, Case

_PY4J = "py4j.protocol.Py4JJavaError: An error occurred while calling o233.collectToPython."
_TRACE = 'Traceback (most recent call last):\n  File "<stdin>", line 3, in <module>\n'

HELDOUT: tuple[Case, ...] = (
    Case(
        name="heldout-gc-overhead-on-collect",
        category="memory",
        source="JVM OutOfMemoryError 'GC overhead limit exceeded' wrapped by Py4J (Java SE API; Py4J)",
        expected="OUT_OF_MEMORY",
        without_flag="CALCULATION_FAILED",
        calculations=(
            Calc(
                stderr=_TRACE
                + _PY4J
                + "\n: org.apache.spark.SparkException: Job aborted due to stage failure: "
                "Task 0 in stage 3.0 failed 4 times, most recent failure: Lost task 0.3 in stage 3.0 (TID 41) "
                "(executor 2): java.lang.OutOfMemoryError: GC overhead limit exceeded\n",
                reason=_PY4J,
            ),
        ),
    ),
    Case(
        name="heldout-import-error-old-style",
        category="library",
        source="Python ImportError 'No module named' (Python Built-in Exceptions)",
        expected="MODULE_NOT_FOUND",
        without_flag="MODULE_NOT_FOUND",
        calculations=(
            Calc(
                stderr=_TRACE + "ImportError: No module named 'great_expectations'\n",
                reason="ImportError: No module named 'great_expectations'",
            ),
        ),
    ),
    Case(
        name="heldout-cannot-resolve-spark32",
        category="column",
        source="Spark 3.2 analyzer: \"cannot resolve '<col>' given input columns: [...]\"",
        expected="UNRESOLVED_COLUMN",
        without_flag="UNRESOLVED_COLUMN",
        calculations=(
            COMPLETED,
            Calc(
                stderr=_TRACE
                + "pyspark.sql.utils.AnalysisException: cannot resolve 'order_total' given input "
                "columns: [orders.id, orders.amount, orders.region]; line 1 pos 7;\n",
                reason="AnalysisException: cannot resolve 'order_total' given input columns: "
                "[orders.id, orders.amount, orders.region]; line 1 pos 7;",
            ),
        ),
    ),
    Case(
        name="heldout-glue-explicit-deny-scp",
        category="glue",
        source="IAM access denied message with 'explicit deny in a service control policy' (IAM User Guide)",
        expected="GLUE_ACCESS_DENIED",
        without_flag="GLUE_ACCESS_DENIED",
        calculations=(
            Calc(
                stderr=_TRACE
                + "pyspark.sql.utils.AnalysisException: User: arn:aws:sts::111122223333:assumed-"
                "role/AthenaSparkRole/AthenaSpark-abc is not authorized to perform: glue:GetPartitions on "
                "resource: arn:aws:glue:eu-west-1:111122223333:table/sales/orders with an explicit deny in a "
                "service control policy\n",
                reason="AnalysisException: User: arn:aws:sts::111122223333:assumed-role/AthenaSparkRole/"
                "AthenaSpark-abc is not authorized to perform: glue:GetPartitions on resource: "
                "arn:aws:glue:eu-west-1:111122223333:table/sales/orders with an explicit deny",
            ),
        ),
    ),
    Case(
        name="heldout-s3a-access-denied-on-write",
        category="s3-access",
        source="Hadoop S3A java.nio.file.AccessDeniedException wrapping AmazonS3Exception 403 (S3 Error responses)",
        expected="S3_ACCESS_DENIED",
        without_flag="CALCULATION_FAILED",
        calculations=(
            Calc(
                stderr=_TRACE + "py4j.protocol.Py4JJavaError: An error occurred while calling o95.parquet.\n"
                ": java.nio.file.AccessDeniedException: s3a://reports-bucket/daily/part-0000.parquet: PutObject "
                "on daily/part-0000.parquet: com.amazonaws.services.s3.model.AmazonS3Exception: Access Denied "
                "(Service: Amazon S3; Status Code: 403; Error Code: AccessDenied)\n",
                reason="py4j.protocol.Py4JJavaError: An error occurred while calling o95.parquet.",
            ),
        ),
    ),
    Case(
        name="heldout-path-not-found-spark32",
        category="path",
        source="Spark 3.2 'Path does not exist: <path>' (AnalysisException)",
        expected="PATH_NOT_FOUND",
        without_flag="PATH_NOT_FOUND",
        calculations=(
            Calc(
                stderr=_TRACE
                + "pyspark.sql.utils.AnalysisException: Path does not exist: s3://raw-events/2024/13/01\n",
                reason="AnalysisException: Path does not exist: s3://raw-events/2024/13/01",
            ),
        ),
    ),
    Case(
        name="heldout-zero-division-in-udf",
        category="divide",
        source="PythonException from a UDF wrapping ZeroDivisionError (PySpark; Python Built-in Exceptions)",
        expected="DIVIDE_BY_ZERO",
        without_flag="PYTHON_EXCEPTION",
        calculations=(
            Calc(
                stderr=_TRACE
                + "pyspark.sql.utils.PythonException: \n  An exception was thrown from the Python "
                "worker. Please see the stack trace below.\nTraceback (most recent call last):\n"
                '  File "<stdin>", line 2, in ratio\nZeroDivisionError: float division by zero\n',
                reason="PythonException: An exception was thrown from the Python worker. Please see the stack "
                "trace below.",
            ),
        ),
    ),
    Case(
        name="heldout-s3-slowdown-on-write",
        category="throttling",
        source="S3 503 SlowDown 'Please reduce your request rate.' (S3 Error responses)",
        expected="S3_THROTTLED",
        without_flag="CALCULATION_FAILED",
        calculations=(
            Calc(
                stderr=_TRACE + "py4j.protocol.Py4JJavaError: An error occurred while calling o310.save.\n: "
                "org.apache.spark.SparkException: Job aborted.\nCaused by: com.amazonaws.services.s3.model."
                "AmazonS3Exception: Please reduce your request rate. (Service: Amazon S3; Status Code: 503; "
                "Error Code: SlowDown; Request ID: 7Q2X)\n",
                reason="py4j.protocol.Py4JJavaError: An error occurred while calling o310.save.",
            ),
        ),
    ),
    Case(
        name="heldout-spark35-broadcast-timeout-in-logs",
        category="broadcast",
        source="Spark BroadcastExchangeExec 'Could not execute broadcast in 300 secs.'",
        expected="BROADCAST_TIMEOUT",
        without_flag=NO_CAUSE,
        engine="spark-3.5",
        logs=(
            "ERROR SparkConnectService: org.apache.spark.SparkException: Could not execute broadcast in 300 "
            "secs. You can increase the timeout for broadcasts via spark.sql.broadcastTimeout or disable "
            "broadcast join by setting spark.sql.autoBroadcastJoinThreshold to -1",
        ),
    ),
    Case(
        name="heldout-spark35-assume-role-access-denied-first",
        category="role",
        source="assumed session reason: 'AccessDenied when calling sts:AssumeRole' (order of words varies)",
        expected="ROLE_CANNOT_BE_ASSUMED",
        without_flag="ROLE_CANNOT_BE_ASSUMED",
        engine="spark-3.5",
        session_reason="Session startup failed: AccessDenied when calling sts:AssumeRole for the execution role.",
        end="failed",
    ),
    Case(
        name="heldout-spark35-disk-full-in-logs",
        category="disk",
        source="java.io.IOException 'No space left on device' from DiskBlockObjectWriter (JVM; Spark)",
        expected="DISK_FULL",
        without_flag="UNKNOWN",
        engine="spark-3.5",
        session_reason="Session failed: the Spark application exited unexpectedly.",
        logs=(
            "ERROR DiskBlockObjectWriter: Uncaught exception while reverting partial writes to file "
            "/tmp/blockmgr-1/0c/shuffle_3_17_0.data java.io.IOException: No space left on device",
        ),
        end="failed",
    ),
    Case(
        name="heldout-lake-formation-on-table",
        category="lake-formation",
        source="'Insufficient Lake Formation permission(s) on <table>' (Lake Formation troubleshooting)",
        expected="LAKE_FORMATION_DENIED",
        without_flag="LAKE_FORMATION_DENIED",
        calculations=(
            Calc(
                stderr=_TRACE
                + "pyspark.sql.utils.AnalysisException: Insufficient Lake Formation permission(s) "
                "on customers (Service: AWSGlue; Status Code: 400; Error Code: AccessDeniedException)\n",
                reason="AnalysisException: Insufficient Lake Formation permission(s) on customers",
            ),
        ),
    ),
    Case(
        name="heldout-ansi-numeric-cast",
        category="cast",
        source="Spark 3.2 ANSI mode 'invalid input syntax for type numeric: <value>'",
        expected="CAST_INVALID_INPUT",
        without_flag="CAST_INVALID_INPUT",
        calculations=(
            Calc(
                stderr=_TRACE
                + "py4j.protocol.Py4JJavaError: An error occurred while calling o71.showString.\n"
                ": java.lang.NumberFormatException: invalid input syntax for type numeric: N/A. To return NULL "
                "instead, use 'try_cast'.\n",
                reason="NumberFormatException: invalid input syntax for type numeric: N/A. To return NULL "
                "instead, use 'try_cast'.",
            ),
        ),
    ),
    Case(
        name="heldout-executor-lost-rpc",
        category="executor-lost",
        source="Spark TaskEndReason 'ExecutorLostFailure ... Remote RPC client disassociated'",
        expected="EXECUTOR_LOST",
        without_flag="CALCULATION_FAILED",
        calculations=(
            Calc(
                stderr=_TRACE + "py4j.protocol.Py4JJavaError: An error occurred while calling o52.count.\n: "
                "org.apache.spark.SparkException: Job aborted due to stage failure: Task 3 in stage 7.0 failed "
                "4 times, most recent failure: Lost task 3.3 in stage 7.0 (TID 90) (10.0.1.5 executor 4): "
                "ExecutorLostFailure (executor 4 exited caused by one of the running tasks) Reason: Remote RPC "
                "client disassociated. Likely due to containers exceeding thresholds, or network issues.\n",
                reason="py4j.protocol.Py4JJavaError: An error occurred while calling o52.count.",
            ),
        ),
    ),
)
