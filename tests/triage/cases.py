"""The tuned triage corpus: realistic Athena Spark failures, each with the source of its message shape.

`expected` is the top-1 cause with --allow-sensitive-data-access; `without_flag` the top-1 cause from
metadata alone (session and calculation reasons, states, executors). Where the calculation's reason is
only a wrapper (Py4JJavaError, PythonException) the decisive text is in stderr or the logs, so without the
flag the honest answer is CALCULATION_FAILED (or UNKNOWN for a failed session) naming the flag.

Calculation reasons are assumed to carry the exception's last line (the service does not document their
text); session reasons other than "Session was terminated per request." are assumed shapes too.
"""

from __future__ import annotations

from tests.triage.model import COMPLETED, Calc, Case

_TRACE = 'Traceback (most recent call last):\n  File "<stdin>", line 2, in <module>\n'


def _py4j(method: str) -> str:
    return f"py4j.protocol.Py4JJavaError: An error occurred while calling {method}."


def _jvm(method: str, error: str) -> Calc:
    """A calculation whose reason is only the Py4J wrapper; the JVM error is in its stderr."""
    return Calc(stderr=f"{_TRACE}{_py4j(method)}\n: {error}\n", reason=_py4j(method))


def _analysis(message: str, *, prefix: str = "pyspark.errors.exceptions.captured.AnalysisException") -> Calc:
    """A calculation failing with an AnalysisException whose message the reason carries too."""
    return Calc(stderr=f"{_TRACE}{prefix}: {message}\n", reason=f"AnalysisException: {message}")


def _python(line: str) -> Calc:
    return Calc(stderr=f"{_TRACE}{line}\n", reason=line)


SPARK = "Spark SQL Error Conditions"
SPARK32 = "Spark 3.2 message (PySpark engine version 3)"
IAM = "IAM User Guide, Troubleshoot access denied error messages"
S3 = "Amazon S3 API Reference, Error responses"
JVM = "Java SE API / Spark scheduler messages"
PY = "Python Built-in Exceptions"
ASSUMED = "assumed session StateChangeReason (not documented)"
ROLE_ARN = "arn:aws:iam::123456789012:role/AthenaSparkRole"
PRINCIPAL = "arn:aws:sts::123456789012:assumed-role/AthenaSparkRole/AthenaSpark-1a2b"

CASES: tuple[Case, ...] = (
    # --- memory -----------------------------------------------------------------------------------------
    Case(
        name="executor-heap-oom-on-write",
        category="memory",
        source=f"{JVM}: java.lang.OutOfMemoryError: Java heap space in a task",
        expected="OUT_OF_MEMORY",
        without_flag="CALCULATION_FAILED",
        calculations=(
            _jvm(
                "o412.parquet",
                "org.apache.spark.SparkException: Job aborted due to stage failure: Task 17 in stage 4.0 failed 4 "
                "times, most recent failure: Lost task 17.3 in stage 4.0 (TID 233) (executor 3): "
                "java.lang.OutOfMemoryError: Java heap space",
            ),
        ),
    ),
    Case(
        name="session-failed-executor-oom",
        category="memory",
        source=f"{ASSUMED}; {JVM}",
        expected="OUT_OF_MEMORY",
        without_flag="OUT_OF_MEMORY",
        calculations=(
            Calc(
                stderr=f"{_TRACE}{_py4j('o88.count')}\nCaused by: java.lang.OutOfMemoryError: Java heap space\n",
                cut=True,
            ),
        ),
        session_reason="Session failed: executor 3 ran out of memory (java.lang.OutOfMemoryError: Java heap space).",
        end="failed",
    ),
    Case(
        name="container-killed-exceeding-memory",
        category="memory",
        source="YARN/Spark 'Container killed ... for exceeding memory limits' (Spark scheduler)",
        expected="OUT_OF_MEMORY",
        without_flag="CALCULATION_FAILED",
        calculations=(
            _jvm(
                "o120.save",
                "org.apache.spark.SparkException: Job aborted due to stage failure: ExecutorLostFailure (executor "
                "5 exited caused by one of the running tasks) Reason: Container killed by YARN for exceeding "
                "memory limits. 11.2 GB of 11 GB physical memory used.",
            ),
        ),
    ),
    Case(
        name="python-memoryerror-in-pandas",
        category="memory",
        source=f"{PY} (MemoryError from numpy/pandas)",
        expected="OUT_OF_MEMORY",
        without_flag="OUT_OF_MEMORY",
        calculations=(
            _python(
                "numpy.core._exceptions._ArrayMemoryError: MemoryError: Unable to allocate 7.45 GiB for an array "
                "with shape (1000000000,) and data type float64"
            ),
        ),
    ),
    Case(
        name="spark35-session-failed-driver-oom",
        category="memory",
        source=f"{ASSUMED}; {JVM}",
        expected="OUT_OF_MEMORY",
        without_flag="OUT_OF_MEMORY",
        engine="spark-3.5",
        session_reason="Session failed: the Spark driver ran out of memory (java.lang.OutOfMemoryError: Java heap space).",
        end="failed",
    ),
    # --- driver result size ------------------------------------------------------------------------------
    Case(
        name="max-result-size-on-topandas",
        category="driver-result",
        source="Spark TaskSetManager 'Total size of serialized results ... is bigger than spark.driver.maxResultSize'",
        expected="DRIVER_RESULT_TOO_LARGE",
        without_flag="CALCULATION_FAILED",
        calculations=(
            _jvm(
                "o99.collectToPython",
                "org.apache.spark.SparkException: Job aborted due to stage failure: Total size of serialized "
                "results of 16 tasks (1048.5 MiB) is bigger than spark.driver.maxResultSize (1024.0 MiB)",
            ),
        ),
    ),
    Case(
        name="max-result-size-in-reason",
        category="driver-result",
        source="Spark TaskSetManager maxResultSize message",
        expected="DRIVER_RESULT_TOO_LARGE",
        without_flag="DRIVER_RESULT_TOO_LARGE",
        calculations=(
            _python(
                "SparkException: Job aborted due to stage failure: Total size of serialized results of 64 tasks "
                "(4.1 GiB) is bigger than spark.driver.maxResultSize (4.0 GiB)"
            ),
        ),
    ),
    # --- libraries ----------------------------------------------------------------------------------------
    Case(
        name="module-not-found-xgboost",
        category="library",
        source=f"{PY} (ModuleNotFoundError)",
        expected="MODULE_NOT_FOUND",
        without_flag="MODULE_NOT_FOUND",
        calculations=(_python("ModuleNotFoundError: No module named 'xgboost'"),),
    ),
    Case(
        name="module-not-found-in-udf",
        category="library",
        source=f"{PY}; PySpark PythonException from the Python worker",
        expected="MODULE_NOT_FOUND",
        without_flag="PYTHON_EXCEPTION",
        calculations=(
            Calc(
                stderr=f"{_TRACE}pyspark.errors.exceptions.captured.PythonException: \n  An exception was "
                "thrown from the Python worker. Please see the stack trace below.\nTraceback (most recent call "
                "last):\n  File \"<udf>\", line 1, in <lambda>\nModuleNotFoundError: No module named 'shapely'\n",
                reason="PythonException: An exception was thrown from the Python worker. Please see the stack "
                "trace below.",
            ),
        ),
    ),
    Case(
        name="spark35-module-not-found-in-logs",
        category="library",
        source=f"{PY}; Spark Connect server log",
        expected="MODULE_NOT_FOUND",
        without_flag="NONE",
        engine="spark-3.5",
        logs=(
            "ERROR SparkConnectService: Error while executing a UDF: ModuleNotFoundError: No module named 'holidays'",
        ),
    ),
    # --- columns, syntax, tables ---------------------------------------------------------------------------
    Case(
        name="unresolved-column-with-suggestion",
        category="column",
        source=f"{SPARK} (UNRESOLVED_COLUMN.WITH_SUGGESTION)",
        expected="UNRESOLVED_COLUMN",
        without_flag="UNRESOLVED_COLUMN",
        calculations=(
            _analysis(
                "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name `amount` cannot "
                "be resolved. Did you mean one of the following? [`amt`, `region`, `id`]."
            ),
        ),
    ),
    Case(
        name="newest-unresolved-column-after-recovered-table-error",
        category="column",
        source=f"{SPARK} (TABLE_OR_VIEW_NOT_FOUND, UNRESOLVED_COLUMN)",
        expected="UNRESOLVED_COLUMN",
        without_flag="UNRESOLVED_COLUMN",
        calculations=(
            _analysis("[TABLE_OR_VIEW_NOT_FOUND] The table or view `sales`.`orderz` cannot be found."),
            COMPLETED,
            _analysis(
                "[UNRESOLVED_COLUMN.WITHOUT_SUGGESTION] A column or function parameter with name `ship_date` "
                "cannot be resolved."
            ),
        ),
    ),
    Case(
        name="unresolved-column-despite-warn-access-denied-retry",
        category="column",
        source=f"{SPARK} (UNRESOLVED_COLUMN); Hadoop S3A WARN retry line",
        expected="UNRESOLVED_COLUMN",
        without_flag="UNRESOLVED_COLUMN",
        calculations=(
            _analysis(
                "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name `regoin` cannot "
                "be resolved. Did you mean one of the following? [`region`]."
            ),
        ),
        logs=(
            "WARN S3AFileSystem: s3a://lake/tmp/_temporary: Access Denied (Service: Amazon S3; Status Code: "
            "403; Error Code: AccessDenied); retrying",
        ),
    ),
    Case(
        name="parse-syntax-error",
        category="syntax",
        source=f"{SPARK} (PARSE_SYNTAX_ERROR)",
        expected="SQL_SYNTAX_ERROR",
        without_flag="SQL_SYNTAX_ERROR",
        calculations=(
            Calc(
                stderr=f"{_TRACE}pyspark.errors.exceptions.captured.ParseException: \n[PARSE_SYNTAX_ERROR] Syntax "
                "error at or near 'FROM'.(line 1, pos 18)\n",
                reason="ParseException: [PARSE_SYNTAX_ERROR] Syntax error at or near 'FROM'.(line 1, pos 18)",
            ),
        ),
    ),
    Case(
        name="mismatched-input-spark32",
        category="syntax",
        source=f"{SPARK32} (ParseException: mismatched input)",
        expected="SQL_SYNTAX_ERROR",
        without_flag="SQL_SYNTAX_ERROR",
        calculations=(
            _python("ParseException: mismatched input 'FORM' expecting {<EOF>, ';'}(line 1, pos 9)"),
        ),
    ),
    Case(
        name="table-or-view-not-found",
        category="table",
        source=f"{SPARK} (TABLE_OR_VIEW_NOT_FOUND)",
        expected="TABLE_OR_VIEW_NOT_FOUND",
        without_flag="TABLE_OR_VIEW_NOT_FOUND",
        calculations=(
            _analysis("[TABLE_OR_VIEW_NOT_FOUND] The table or view `sales`.`orders_eu` cannot be found."),
        ),
    ),
    Case(
        name="schema-not-found",
        category="table",
        source=f"{SPARK} (SCHEMA_NOT_FOUND)",
        expected="TABLE_OR_VIEW_NOT_FOUND",
        without_flag="TABLE_OR_VIEW_NOT_FOUND",
        calculations=(_analysis("[SCHEMA_NOT_FOUND] The schema `salse` cannot be found."),),
    ),
    # --- permissions -----------------------------------------------------------------------------------------
    Case(
        name="glue-gettable-implicit-deny",
        category="glue",
        source=IAM,
        expected="GLUE_ACCESS_DENIED",
        without_flag="GLUE_ACCESS_DENIED",
        calculations=(
            _analysis(
                f"User: {PRINCIPAL} is not authorized to perform: glue:GetTable on resource: "
                "arn:aws:glue:us-east-1:123456789012:table/sales/orders because no identity-based policy allows "
                "the glue:GetTable action"
            ),
        ),
    ),
    Case(
        name="glue-getdatabase-in-stderr-only",
        category="glue",
        source=IAM,
        expected="GLUE_ACCESS_DENIED",
        without_flag="CALCULATION_FAILED",
        calculations=(
            _jvm(
                "o44.sql",
                f"com.amazonaws.services.glue.model.AccessDeniedException: User: {PRINCIPAL} is not authorized "
                "to perform: glue:GetDatabase on resource: arn:aws:glue:us-east-1:123456789012:database/finance "
                "(Service: AWSGlue; Status Code: 400; Error Code: AccessDeniedException)",
            ),
        ),
    ),
    Case(
        name="lake-formation-required-select",
        category="lake-formation",
        source="Lake Formation Developer Guide, Troubleshooting",
        expected="LAKE_FORMATION_DENIED",
        without_flag="LAKE_FORMATION_DENIED",
        calculations=(_analysis("Insufficient Lake Formation permission(s): Required Select on orders"),),
    ),
    Case(
        name="lake-formation-getdataaccess-in-stderr",
        category="lake-formation",
        source=f"{IAM}; Lake Formation Developer Guide",
        expected="LAKE_FORMATION_DENIED",
        without_flag="CALCULATION_FAILED",
        calculations=(
            _jvm(
                "o61.showString",
                f"com.amazonaws.services.lakeformation.model.AccessDeniedException: User: {PRINCIPAL} is not "
                "authorized to perform: lakeformation:GetDataAccess on resource: "
                "arn:aws:lakeformation:us-east-1:123456789012:catalog:123456789012",
            ),
        ),
    ),
    Case(
        name="s3-access-denied-on-read",
        category="s3-access",
        source=S3,
        expected="S3_ACCESS_DENIED",
        without_flag="S3_ACCESS_DENIED",
        calculations=(
            _python(
                "AnalysisException: java.nio.file.AccessDeniedException: s3://private-lake/events/part-0.parquet: "
                "getFileStatus on s3://private-lake/events/part-0.parquet: com.amazonaws.services.s3.model."
                "AmazonS3Exception: Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied)"
            ),
        ),
    ),
    Case(
        name="s3-putobject-not-authorized-in-stderr",
        category="s3-access",
        source=IAM,
        expected="S3_ACCESS_DENIED",
        without_flag="CALCULATION_FAILED",
        calculations=(
            _jvm(
                "o77.parquet",
                f"com.amazonaws.services.s3.model.AmazonS3Exception: User: {PRINCIPAL} is not authorized to "
                "perform: s3:PutObject on resource: arn:aws:s3:::curated-zone/daily/part-0.parquet because no "
                "identity-based policy allows the s3:PutObject action",
            ),
        ),
    ),
    Case(
        name="spark35-s3-403-in-driver-log",
        category="s3-access",
        source=S3,
        expected="S3_ACCESS_DENIED",
        without_flag="UNKNOWN",
        engine="spark-3.5",
        session_reason="Session failed: the Spark application exited with an error.",
        logs=(
            "ERROR FileFormatWriter: Aborting job. com.amazonaws.services.s3.model.AmazonS3Exception: Access "
            "Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied) for s3://curated/out/",
        ),
        end="failed",
    ),
    Case(
        name="kms-decrypt-not-authorized",
        category="kms",
        source=f"{IAM}; AWS KMS Developer Guide",
        expected="KMS_ACCESS_DENIED",
        without_flag="KMS_ACCESS_DENIED",
        calculations=(
            _python(
                f"AWSKMSException: User: {PRINCIPAL} is not authorized to perform: kms:Decrypt on resource: "
                "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            ),
        ),
    ),
    Case(
        name="kms-exception-in-stderr-only",
        category="kms",
        source="AWS KMS Developer Guide (AccessDeniedException from AWSKMS)",
        expected="KMS_ACCESS_DENIED",
        without_flag="CALCULATION_FAILED",
        calculations=(
            _jvm(
                "o15.csv",
                "com.amazonaws.services.kms.model.AWSKMSException: The ciphertext refers to a customer master "
                "key that does not exist, does not exist in this region, or you are not allowed to access. "
                "(Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException)",
            ),
        ),
    ),
    Case(
        name="role-cannot-be-assumed-at-start",
        category="role",
        source=f"{IAM}; {ASSUMED}",
        expected="ROLE_CANNOT_BE_ASSUMED",
        without_flag="ROLE_CANNOT_BE_ASSUMED",
        session_reason=(
            "Session failed to start: User: arn:aws:sts::123456789012:assumed-role/AthenaServiceRole/athena is "
            f"not authorized to perform: sts:AssumeRole on resource: {ROLE_ARN}"
        ),
        end="failed",
    ),
    Case(
        name="spark35-unable-to-assume-role",
        category="role",
        source=ASSUMED,
        expected="ROLE_CANNOT_BE_ASSUMED",
        without_flag="ROLE_CANNOT_BE_ASSUMED",
        engine="spark-3.5",
        session_reason=f"Session failed to start: unable to assume the execution role {ROLE_ARN}.",
        end="failed",
    ),
    # --- data location, arithmetic, casts -----------------------------------------------------------------------
    Case(
        name="path-not-found",
        category="path",
        source=f"{SPARK} (PATH_NOT_FOUND)",
        expected="PATH_NOT_FOUND",
        without_flag="PATH_NOT_FOUND",
        calculations=(
            _analysis("[PATH_NOT_FOUND] Path does not exist: s3://raw-zone/events/dt=2026-11-24."),
        ),
    ),
    Case(
        name="file-not-found-in-stderr",
        category="path",
        source="Hadoop FileNotFoundException for an s3:// path",
        expected="PATH_NOT_FOUND",
        without_flag="CALCULATION_FAILED",
        calculations=(
            _jvm(
                "o31.load",
                "java.io.FileNotFoundException: No such file or directory: s3://raw-zone/lookup/countries.csv",
            ),
        ),
    ),
    Case(
        name="divide-by-zero-ansi",
        category="divide",
        source=f"{SPARK} (DIVIDE_BY_ZERO)",
        expected="DIVIDE_BY_ZERO",
        without_flag="DIVIDE_BY_ZERO",
        calculations=(
            _python(
                "SparkArithmeticException: [DIVIDE_BY_ZERO] Division by zero. Use `try_divide` to tolerate "
                'divisor being 0 and return NULL instead. If necessary set "spark.sql.ansi.enabled" to "false" '
                "to bypass this error."
            ),
        ),
    ),
    Case(
        name="python-zero-division",
        category="divide",
        source=f"{PY} (ZeroDivisionError)",
        expected="DIVIDE_BY_ZERO",
        without_flag="DIVIDE_BY_ZERO",
        calculations=(_python("ZeroDivisionError: division by zero"),),
    ),
    Case(
        name="cast-invalid-input",
        category="cast",
        source=f"{SPARK} (CAST_INVALID_INPUT)",
        expected="CAST_INVALID_INPUT",
        without_flag="CAST_INVALID_INPUT",
        calculations=(
            _python(
                "SparkNumberFormatException: [CAST_INVALID_INPUT] The value 'abc' of the type \"STRING\" cannot "
                'be cast to "INT" because it is malformed. Correct the value as per the syntax, or change its '
                "target type. Use `try_cast` to tolerate malformed input and return NULL instead."
            ),
        ),
    ),
    Case(
        name="python-int-cast",
        category="cast",
        source=f"{PY} (ValueError from int())",
        expected="CAST_INVALID_INPUT",
        without_flag="CAST_INVALID_INPUT",
        calculations=(_python("ValueError: invalid literal for int() with base 10: 'n/a'"),),
    ),
    # --- throttling, disk, executors, broadcast --------------------------------------------------------------
    Case(
        name="s3-slowdown-in-stderr",
        category="throttling",
        source=S3,
        expected="S3_THROTTLED",
        without_flag="CALCULATION_FAILED",
        calculations=(
            _jvm(
                "o210.parquet",
                "org.apache.spark.SparkException: Job aborted.\nCaused by: com.amazonaws.services.s3.model."
                "AmazonS3Exception: Slow Down (Service: Amazon S3; Status Code: 503; Error Code: SlowDown)",
            ),
        ),
    ),
    Case(
        name="spark35-slowdown-in-logs",
        category="throttling",
        source=S3,
        expected="S3_THROTTLED",
        without_flag="UNKNOWN",
        engine="spark-3.5",
        session_reason="Session failed: the Spark application exited with an error.",
        logs=(
            "ERROR Executor: Exception in task 12.0 in stage 3.0: com.amazonaws.services.s3.model."
            "AmazonS3Exception: Please reduce your request rate. (Service: Amazon S3; Status Code: 503; Error "
            "Code: SlowDown)",
        ),
        end="failed",
    ),
    Case(
        name="no-space-left-in-stderr",
        category="disk",
        source=JVM,
        expected="DISK_FULL",
        without_flag="CALCULATION_FAILED",
        calculations=(
            _jvm(
                "o66.count",
                "org.apache.spark.SparkException: Job aborted due to stage failure: Task 9 in stage 2.0 failed "
                "4 times: java.io.IOException: No space left on device",
            ),
        ),
    ),
    Case(
        name="session-failed-no-space-left",
        category="disk",
        source=f"{ASSUMED}; {JVM}",
        expected="DISK_FULL",
        without_flag="DISK_FULL",
        session_reason="Session failed: java.io.IOException: No space left on device",
        end="failed",
    ),
    Case(
        name="executor-lost-heartbeat-in-stderr",
        category="executor-lost",
        source=JVM,
        expected="EXECUTOR_LOST",
        without_flag="CALCULATION_FAILED",
        calculations=(
            _jvm(
                "o93.count",
                "org.apache.spark.SparkException: Job aborted due to stage failure: Task 1 in stage 5.0 failed "
                "4 times, most recent failure: Lost task 1.3 in stage 5.0 (TID 77) (executor 6): "
                "ExecutorLostFailure (executor 6 exited unrelated to the running tasks) Reason: Executor "
                "heartbeat timed out after 125000 ms",
            ),
        ),
    ),
    Case(
        name="session-failed-executors-lost",
        category="executor-lost",
        source=f"{ASSUMED}; {JVM}",
        expected="EXECUTOR_LOST",
        without_flag="EXECUTOR_LOST",
        session_reason="Session failed: lost 3 executors (ExecutorLostFailure: Executor heartbeat timed out).",
        end="failed",
    ),
    Case(
        name="broadcast-timeout-in-stderr",
        category="broadcast",
        source="Spark BroadcastExchangeExec",
        expected="BROADCAST_TIMEOUT",
        without_flag="CALCULATION_FAILED",
        calculations=(
            _jvm(
                "o140.showString",
                "org.apache.spark.SparkException: Could not execute broadcast in 300 secs. You can increase the "
                "timeout for broadcasts via spark.sql.broadcastTimeout or disable broadcast join by setting "
                "spark.sql.autoBroadcastJoinThreshold to -1",
            ),
        ),
    ),
    Case(
        name="broadcast-timeout-in-reason",
        category="broadcast",
        source="Spark BroadcastExchangeExec",
        expected="BROADCAST_TIMEOUT",
        without_flag="BROADCAST_TIMEOUT",
        calculations=(_python("SparkException: Could not execute broadcast in 600 secs."),),
    ),
    # --- session-level failures on both engines, ends -----------------------------------------------------------
    Case(
        name="session-restricted-spark-property",
        category="session",
        source="Athena User Guide, Use Spark properties to specify custom configuration; " + ASSUMED,
        expected="SESSION_CONFIGURATION_REJECTED",
        without_flag="SESSION_CONFIGURATION_REJECTED",
        session_reason="Session failed to start: the Spark property spark.athena.engine.memory is restricted.",
        end="failed",
    ),
    Case(
        name="session-config-error-in-logs",
        category="session",
        source="Athena User Guide, Troubleshoot session errors (AthenaSparkSessionErrorLogger)",
        expected="SESSION_CONFIGURATION_REJECTED",
        without_flag="UNKNOWN",
        session_reason="Session failed to start.",
        logs=(
            "ERROR AthenaSparkSessionErrorLogger: Custom configuration could not be applied: spark.jars.packages "
            "com.example:missing-lib:1.0 could not be resolved",
        ),
        end="failed",
    ),
    Case(
        name="spark35-session-failed-nothing-said",
        category="session",
        source=ASSUMED,
        expected="UNKNOWN",
        without_flag="UNKNOWN",
        engine="spark-3.5",
        session_reason="Session failed: an internal error occurred.",
        end="failed",
    ),
    Case(
        name="idle-timeout-after-work",
        category="ended",
        source="Athena User Guide, Troubleshoot session errors (idle timeout; 'Session was terminated per request.')",
        expected="STOPPED_BY_REQUEST_OR_IDLE_TIMEOUT",
        without_flag="STOPPED_BY_REQUEST_OR_IDLE_TIMEOUT",
        calculations=(COMPLETED, COMPLETED),
        end="terminated-idle",
    ),
    Case(
        name="idle-timeout-after-recovered-failure",
        category="ended",
        source="Athena User Guide, Troubleshoot session errors; " + PY,
        expected="STOPPED_BY_REQUEST_OR_IDLE_TIMEOUT",
        without_flag="STOPPED_BY_REQUEST_OR_IDLE_TIMEOUT",
        calculations=(_python("NameError: name 'orders_df' is not defined"), COMPLETED),
        end="terminated-idle",
    ),
    Case(
        name="spark35-terminated-by-request",
        category="ended",
        source="TerminateSession API; Troubleshoot session errors",
        expected="STOPPED_BY_REQUEST_OR_IDLE_TIMEOUT",
        without_flag="STOPPED_BY_REQUEST_OR_IDLE_TIMEOUT",
        engine="spark-3.5",
        end="terminated-request",
    ),
    # --- code errors (the generic fallback) and ranking --------------------------------------------------------
    Case(
        name="name-error",
        category="python",
        source=f"{PY} (NameError)",
        expected="PYTHON_EXCEPTION",
        without_flag="PYTHON_EXCEPTION",
        calculations=(_python("NameError: name 'orders_df' is not defined"),),
    ),
    Case(
        name="key-error",
        category="python",
        source=f"{PY} (KeyError)",
        expected="PYTHON_EXCEPTION",
        without_flag="PYTHON_EXCEPTION",
        calculations=(_python("KeyError: 'region'"),),
    ),
    Case(
        name="newest-failure-outranks-recovered-oom",
        category="library",
        source=f"{PY}; {JVM}",
        expected="MODULE_NOT_FOUND",
        without_flag="MODULE_NOT_FOUND",
        calculations=(
            _python("Py4JJavaError: java.lang.OutOfMemoryError: Java heap space"),
            COMPLETED,
            _python("ModuleNotFoundError: No module named 'prophet'"),
        ),
    ),
    Case(
        name="healthy-with-recovered-division",
        category="divide",
        source=f"{PY} (ZeroDivisionError)",
        expected="DIVIDE_BY_ZERO",
        without_flag="DIVIDE_BY_ZERO",
        calculations=(_python("ZeroDivisionError: integer division or modulo by zero"), COMPLETED),
    ),
)
