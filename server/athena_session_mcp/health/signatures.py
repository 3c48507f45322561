"""The error-signature catalogue: known failure messages of Athena Spark jobs, as data.

Each entry names a cause code, the message shapes it matches (regular expressions whose named groups
extract the column, table, path, module, IAM action, resource ARN, principal or configuration key), how
decisive it is (`priority`: when one text matches several entries the highest wins), and a next step
written from what was extracted. The source of each message shape is cited next to its entry.

Message texts come from job output, which is untrusted: a group's pattern takes only the characters
its kind is made of, and render() puts an extracted value into the next step only when it matches the
strict grammar of its kind in full (health/grammar.py); otherwise the step says a neutral phrase and the
value stays in the evidence. A data value (`value`) never enters the step.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from athena_session_mcp.health.grammar import trusted

__all__ = ["CATALOGUE", "Hit", "Signature", "match_line", "render"]

# Sources, cited by the entries below.
SPARK_ERROR_CONDITIONS = "Spark SQL Error Conditions (spark.apache.org/docs/3.5.5/sql-error-conditions.html)"
SPARK_32_MESSAGES = "Spark 3.2 analyzer/parser messages (PySpark engine version 3 runs Spark 3.2)"
SPARK_CONFIGURATION = "Spark Configuration (spark.apache.org/docs/latest/configuration.html)"
SPARK_SCHEDULER = "Spark scheduler messages (TaskSetManager, TaskEndReason, BroadcastExchangeExec)"
JVM = "Java SE API: java.lang.OutOfMemoryError; java.io.IOException 'No space left on device'"
PYTHON = "Python Built-in Exceptions (docs.python.org/3/library/exceptions.html)"
IAM_ERRORS = (
    "IAM User Guide, Troubleshoot access denied error messages ('User: <principal> is not authorized to "
    "perform: <action> on resource: <resource>')"
)
S3_ERRORS = "Amazon S3 API Reference, Error responses (AccessDenied 403; SlowDown 503 'Please reduce your request rate')"
KMS_ERRORS = "AWS KMS Developer Guide, Troubleshooting key access (AccessDeniedException for kms:Decrypt)"
LAKE_FORMATION = (
    "Lake Formation Developer Guide, Troubleshooting ('Insufficient Lake Formation permission(s)')"
)
ATHENA_SESSIONS = (
    "Athena User Guide, Troubleshoot session errors (StateChangeReason; AthenaSparkSessionErrorLogger)"
)
ATHENA_LIBRARIES = (
    "Athena User Guide, Import files and Python libraries to Athena for Spark; Use Spark properties to "
    "specify custom configuration"
)
ATHENA_EXECUTION_ROLE = (
    "Athena User Guide, Athena for Spark execution role (trust policy for athena.amazonaws.com)"
)
CLUSTER_MANAGERS = (
    "Cluster managers' container messages: YARN 'Container killed by YARN for exceeding memory limits', "
    "'Container killed on request. Exit code is 137/143'; Spark ExecutorExitCode and SPARK-40781 ('exit code "
    "137 (SIGKILL, possible container OOM)'); EMR Serverless 'Worker has been killed as memory usage exceeded'"
)
AWS_CREDENTIALS = (
    "AWS SDK for Java default credential provider chain ('Unable to load AWS credentials from any provider in "
    "the chain'); Hadoop S3A credential providers (NoAuthWithAWSException 'No AWS Credentials provided by'); "
    "botocore NoCredentialsError ('Unable to locate credentials')"
)
BOTO3_ERRORS = (
    "botocore ClientError ('An error occurred (AccessDenied) when calling the GetObject operation')"
)
ASSUMED = "assumed: the service does not document this reason text; shape chosen to match its wording"

_ARN = r"arn:[\w-]+:[\w-]*:[\w-]*:\d*:[\w+=,.@/:*-]+"
_ROLE_ARN = r"arn:[\w-]+:iam::\d*:role/[\w+=,.@/-]+"
_S3_PATH = re.compile(r"(?P<path>s3[an]?://[\w.-]+(?:/[\w.=/*+-]*)?)")
_EXECUTOR = re.compile(r"\bexecutor (?P<executor>\d+)\b", re.IGNORECASE)
_MAX_VALUE = 160


def _c(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


@dataclass(frozen=True, slots=True)
class Signature:
    """One catalogue entry."""

    name: str  # unique id of the entry
    code: str  # the cause code it points to (several entries may share one)
    category: str  # the failure family, for accuracy per category
    title: str
    patterns: tuple[re.Pattern[str], ...]
    priority: int
    next_step: str  # a template: {name} of any extracted group or context value
    source: str
    extract: tuple[re.Pattern[str], ...] = field(default=())  # extra values searched on the matched line


@dataclass(frozen=True, slots=True)
class Hit:
    """A line that matched an entry, and the values extracted from it."""

    signature: Signature
    line: str
    values: Mapping[str, str]
    at: int = 0  # where the matched text starts in the line


CATALOGUE: tuple[Signature, ...] = (
    # --- IAM, STS, KMS, Lake Formation, S3 --------------------------------------------------------------
    Signature(
        name="sts-assume-role-denied",
        code="ROLE_CANNOT_BE_ASSUMED",
        category="role",
        title="The execution role cannot be assumed",
        patterns=_c(
            rf"not authorized to perform:? sts:AssumeRole\w*(?: on resource:? (?P<resource>{_ROLE_ARN}))?",
            rf"(?:unable|failed|cannot|could not) (?:to )?assume (?:the )?(?:execution )?role:? ?(?P<resource>{_ROLE_ARN})?",
            r"Not authorized to assume|AssumeRole.{0,80}(?:AccessDenied|not authorized)",
        ),
        priority=98,
        next_step=(
            "Make {resource_or_role} assumable by Athena: its trust policy must allow the service principal "
            "athena.amazonaws.com to call sts:AssumeRole (optionally conditioned on aws:SourceAccount/"
            "aws:SourceArn), and whoever starts the session needs iam:PassRole on it. Then start a new session."
        ),
        source=f"{IAM_ERRORS}; {ATHENA_EXECUTION_ROLE}",
    ),
    Signature(
        name="lake-formation-denied",
        code="LAKE_FORMATION_DENIED",
        category="lake-formation",
        title="Lake Formation does not grant the execution role access to the table",
        patterns=_c(
            r"Insufficient Lake Formation permission\(s\)(?::? (?:on|Required \w+ on) (?P<table>[\w.`-]+))?",
            rf"is not authorized to perform: (?P<action>lakeformation:\w+)(?: on resource: (?P<resource>{_ARN}))?",
            r"lakeformation\.model\.AccessDeniedException|\(Service: (?:AWS)?LakeFormation[;,]",
        ),
        priority=96,
        next_step=(
            "Grant {principal_or_role} Lake Formation permissions on {table_or_it}: SELECT (and DESCRIBE) on "
            "the table and DESCRIBE on its database (Lake Formation console, or lakeformation:GrantPermissions); "
            "IAM policies alone do not open a table Lake Formation governs. The role also needs "
            "lakeformation:GetDataAccess. Then rerun."
        ),
        source=LAKE_FORMATION,
    ),
    Signature(
        name="kms-denied",
        code="KMS_ACCESS_DENIED",
        category="kms",
        title="The execution role may not use the KMS key",
        patterns=_c(
            rf"(?:User: (?P<principal>{_ARN}) )?is not authorized to perform: (?P<action>kms:\w+)"
            rf"(?: on (?:resource|the resource): (?P<resource>{_ARN}))?",
            r"AWSKMSException|KMS\.AccessDeniedException|KmsException.{0,120}AccessDenied",
        ),
        priority=95,
        next_step=(
            "Let {principal_or_role} use the KMS key {resource_or_key}: allow {action_or_kms} (kms:Decrypt to "
            "read SSE-KMS data, kms:GenerateDataKey to write it) in the role's IAM policy and in the key "
            "policy (the key policy must allow the role, or delegate to IAM). Then rerun."
        ),
        source=f"{KMS_ERRORS}; {IAM_ERRORS}",
    ),
    Signature(
        name="glue-denied",
        code="GLUE_ACCESS_DENIED",
        category="glue",
        title="The execution role may not read the AWS Glue Data Catalog",
        patterns=_c(
            rf"(?:User: (?P<principal>{_ARN}) )?is not authorized to perform: (?P<action>glue:\w+)"
            rf"(?: on resource: (?P<resource>{_ARN}))?",
        ),
        priority=94,
        next_step=(
            "Grant {action} on {resource_or_it} to {principal_or_role} in its IAM policy (Glue actions need "
            "the catalog, database and table ARNs); if the message says 'explicit deny', the deny statement "
            "(identity policy, SCP or catalog resource policy) must change instead. Then rerun."
        ),
        source=IAM_ERRORS,
    ),
    Signature(
        name="s3-denied",
        code="S3_ACCESS_DENIED",
        category="s3-access",
        title="S3 access denied to the execution role",
        patterns=_c(
            rf"(?:User: (?P<principal>{_ARN}) )?is not authorized to perform: (?P<action>s3:\w+)"
            rf"(?: on resource: (?P<resource>{_ARN}))?",
            r"(?:AmazonS3Exception|S3Exception|\bS3\b|s3[an]?://).{0,200}(?:Access Denied|AccessDenied|403 Forbidden|Status Code: 403)",
            r"(?:Access Denied|AccessDenied|403 Forbidden).{0,200}(?:\bS3\b|s3[an]?://|Amazon S3)",
            r"\(AccessDenied\) when calling the (?:Get|Put|Head|List|Delete|Copy)Objects?\w* operation",
        ),
        priority=90,
        next_step=(
            "Grant {principal_or_role} the S3 access the job needs on {path_or_bucket}: s3:GetObject and "
            "s3:ListBucket to read, s3:PutObject to write; with SSE-KMS objects also kms:Decrypt/"
            "kms:GenerateDataKey on the key. Check that the bucket policy and any SCP do not deny it. Then rerun."
        ),
        source=f"{S3_ERRORS}; {IAM_ERRORS}; {BOTO3_ERRORS}",
        extract=(_S3_PATH,),
    ),
    Signature(
        name="no-aws-credentials",
        code="NO_AWS_CREDENTIALS",
        category="credentials",
        title="The job found no AWS credentials (a credential provider failed)",
        patterns=_c(
            r"Unable to load (?:AWS )?credentials from",
            r"No AWS Credentials provided by|NoAwsCredentialsException|No AWS credentials in the Hadoop configuration",
            r"NoCredentialsError|Unable to locate credentials",
        ),
        priority=86,
        next_step=(
            "The code asked for AWS credentials outside the session's own: on Athena for Spark, Spark's S3 access "
            "and boto3 both use {role} through the default credential chain. Remove Spark properties or "
            "hadoopConfiguration settings that choose another provider or keys (fs.s3a.aws.credentials.provider, "
            "fs.s3a.access.key, fs.s3a.secret.key) and explicit profiles or keys passed to boto3, then rerun."
        ),
        source=AWS_CREDENTIALS,
    ),
    Signature(
        name="iam-denied",
        code="ACCESS_DENIED",
        category="permissions",
        title="An AWS call was denied to the execution role",
        patterns=_c(
            rf"(?:User: (?P<principal>{_ARN}) )?is not authorized to perform: (?P<action>[\w-]+:\w+)"
            rf"(?: on resource: (?P<resource>{_ARN}))?",
        ),
        priority=85,
        next_step=(
            "Grant {action} on {resource_or_it} to {principal_or_role} in its IAM policy; if the message says "
            "'explicit deny', the deny statement (identity policy, SCP or resource policy) must change instead."
        ),
        source=IAM_ERRORS,
    ),
    Signature(
        name="s3-slowdown",
        code="S3_THROTTLED",
        category="throttling",
        title="S3 throttled the job's requests (SlowDown)",
        patterns=_c(
            r"\bSlowDown\b|Please reduce your request rate|Status Code: 503|503 Slow Down",
            r"(?:\bS3\b|s3[an]?://).{0,160}(?:Throttl|rate exceeded)",
        ),
        priority=88,
        next_step=(
            "S3 is throttling requests to {path_or_prefix}: spread the objects over more prefixes, write fewer "
            "and larger files (coalesce or repartition before writing), run fewer tasks against the same prefix "
            "at once (fewer partitions, or a lower MaxConcurrentDpus), and retry with backoff."
        ),
        source=S3_ERRORS,
        extract=(_S3_PATH,),
    ),
    # --- memory, disk, executors, driver results, broadcast --------------------------------------------
    Signature(
        name="driver-result-size",
        code="DRIVER_RESULT_TOO_LARGE",
        category="driver-result",
        title="The results sent to the driver exceed spark.driver.maxResultSize",
        patterns=_c(
            r"Total size of serialized results of (?P<tasks>\d+) tasks \((?P<size>[\d.]+ ?\w+)\) is bigger than "
            r"(?P<key>spark\.driver\.maxResultSize) \((?P<limit>[\d.]+ ?\w+)\)",
            r"bigger than (?P<key>spark\.driver\.maxResultSize)",
        ),
        priority=93,
        next_step=(
            "Stop collecting large data to the driver: write it to S3 with df.write, or aggregate or limit() "
            "before collect()/toPandas(). If the driver really needs it, raise {key} (now {limit_or_default}) in "
            "the session's Spark properties (EngineConfiguration.SparkProperties at StartSession) together with "
            "a larger CoordinatorDpuSize{coordinator_now}."
        ),
        source=f"{SPARK_SCHEDULER}; {SPARK_CONFIGURATION} (spark.driver.maxResultSize, default 1g)",
    ),
    Signature(
        name="driver-oom",
        code="OUT_OF_MEMORY",
        category="memory",
        title="Out of memory (the driver)",
        patterns=_c(
            r"\bdriver\b.{0,60}(?:ran|run|running) out of memory",
            r"\bdriver\b.{0,80}OutOfMemoryError|OutOfMemoryError.{0,80}\bdriver\b",
        ),
        priority=92,
        next_step=(
            "The driver ran out of memory: stop pulling large data into it (collect(), toPandas(), a broadcast "
            "of a big table) — write results to S3, or take()/limit() — or start a new session with a larger "
            "CoordinatorDpuSize{coordinator_now} (EngineConfiguration at StartSession). Then rerun."
        ),
        source=f"{JVM}; {ASSUMED} (session reasons naming the driver)",
    ),
    Signature(
        name="oom",
        code="OUT_OF_MEMORY",
        category="memory",
        title="Out of memory",
        patterns=_c(
            r"OutOfMemoryError|Java heap space|GC overhead limit exceeded|exceeding memory limits"
            r"|Container killed.{0,80}memory|Cannot allocate memory|OOMKilled|\bMemoryError\b"
            r"|ran out of memory|\bout of memory\b|memory usage exceeded",
        ),
        priority=91,
        next_step=(
            "Give each task more memory or less data: start a new session with a larger "
            "DefaultExecutorDpuSize{executor_now} (EngineConfiguration at StartSession; CoordinatorDpuSize if "
            "the driver ran out, as with collect()/toPandas() of large data), and put less data in each "
            "partition (repartition, more spark.sql.shuffle.partitions, filter and select columns early, avoid "
            "skewed keys). Then rerun."
        ),
        source=f"{JVM}; {PYTHON} (MemoryError); {CLUSTER_MANAGERS}",
        extract=(_EXECUTOR,),
    ),
    Signature(
        name="container-killed",
        code="OUT_OF_MEMORY",
        category="memory",
        title="An executor's container was killed (exit code 137 or 143: most often its memory limit)",
        patterns=_c(
            r"(?:exit (?:code|status)(?: is)?:?|ExitCode:) ?(?P<exit_code>137|143)\b",
        ),
        priority=72,
        next_step=(
            "The cluster manager killed an executor's container (SIGKILL 137, SIGTERM 143), most often because "
            "the container used more memory than its limit: start a new session with a larger "
            "DefaultExecutorDpuSize{executor_now} and put less data in each partition (repartition, filter and "
            "select columns early, avoid skewed keys). Then rerun."
        ),
        source=CLUSTER_MANAGERS,
        extract=(_EXECUTOR,),
    ),
    Signature(
        name="disk-full",
        code="DISK_FULL",
        category="disk",
        title="An executor's local disk is full",
        patterns=_c(r"No space left on device"),
        priority=91,
        next_step=(
            "Shuffle or spill files filled an executor's local disk: shuffle less data (filter and select "
            "columns early, avoid exploding joins and skewed keys), use more partitions so each spill is "
            "smaller, or spread the work over more executors (start a new session with a higher "
            "MaxConcurrentDpus or DefaultExecutorDpuSize{executor_now}). Then rerun."
        ),
        source=JVM,
    ),
    Signature(
        name="broadcast-timeout",
        code="BROADCAST_TIMEOUT",
        category="broadcast",
        title="A broadcast join timed out",
        patterns=_c(
            r"Could not execute broadcast in (?P<seconds>\d+) secs",
            r"BroadcastExchangeExec.{0,120}(?:timeout|timed out)",
            r"TimeoutException: Futures timed out after \[(?P<seconds>300) seconds\]",
        ),
        priority=89,
        next_step=(
            "Turn off the automatic broadcast of this join (spark.sql.autoBroadcastJoinThreshold=-1) or raise "
            "spark.sql.broadcastTimeout (now {seconds_or_default} s): spark.conf.set() in the code, or the "
            "session's Spark properties. Also check that the broadcast side really is small. Then rerun."
        ),
        source=(
            f"{SPARK_SCHEDULER}; {SPARK_CONFIGURATION} (spark.sql.broadcastTimeout 300 s; Spark 2.x reports it as "
            "'Futures timed out after [300 seconds]', SPARK-24757)"
        ),
    ),
    Signature(
        name="executor-lost",
        code="EXECUTOR_LOST",
        category="executor-lost",
        title="Executors were lost while the job ran",
        patterns=_c(
            r"ExecutorLostFailure(?: \(executor (?P<executor>\d+))?",
            r"Lost executor (?P<executor>\d+)",
            r"Executor heartbeat timed out|Remote RPC client disassociated|Container from a bad node",
        ),
        priority=70,
        next_step=(
            "Executors died mid-job, most often from memory pressure (look for OutOfMemoryError or 'exceeding "
            "memory limits' near it): start a new session with a larger DefaultExecutorDpuSize{executor_now} "
            "and put less data in each partition, then rerun; Spark retries lost tasks up to "
            "spark.task.maxFailures times."
        ),
        source=SPARK_SCHEDULER,
    ),
    # --- data location, catalog, code ---------------------------------------------------------------------
    Signature(
        name="module-not-found",
        code="MODULE_NOT_FOUND",
        category="library",
        title="A Python library is missing from the session",
        patterns=_c(
            r"ModuleNotFoundError: No module named '(?P<module>[\w.]+)'",
            r"ImportError: No module named '?(?P<module>[\w.]+)'?",
            r"No module named '(?P<module>[\w.]+)'",
        ),
        priority=87,
        next_step=(
            "The library {module} is not in the session's Python runtime. Put it (pure-Python .py files, or "
            "a .zip of the package) in S3 and add it to the session: set spark.submit.pyFiles to its s3:// URI "
            "in the session's Spark properties (the notebook's Edit session details, or EngineConfiguration."
            "SparkProperties at StartSession), or on PySpark engine version 3 call "
            "sc.addPyFile('s3://…/{module_top}.zip') before the import. Then rerun."
        ),
        source=f"{PYTHON} (ModuleNotFoundError); {ATHENA_LIBRARIES}",
    ),
    Signature(
        name="table-not-found",
        code="TABLE_OR_VIEW_NOT_FOUND",
        category="table",
        title="A table or view does not exist (or is not visible)",
        patterns=_c(
            r"\[TABLE_OR_VIEW_NOT_FOUND\] The table or view (?P<table>[\w.`-]+) cannot be found",
            r"Table or view not found: (?P<table>[\w.`-]+)",
            r"\[SCHEMA_NOT_FOUND\] The schema (?P<table>[\w.`-]+) cannot be found",
            r"Database '(?P<table>[\w-]+)' not found",
            r"TABLE_OR_VIEW_NOT_FOUND|table or view .{0,120}cannot be found|NoSuchTableException"
            r"|NoSuchDatabaseException|SCHEMA_NOT_FOUND|EntityNotFoundException",
        ),
        priority=86,
        next_step=(
            "Check that {table_or_it} exists in the AWS Glue Data Catalog of this account and region (qualify "
            "it as database.table; SHOW TABLES IN <database> lists them), and that {role} may read it "
            "(glue:GetDatabase, glue:GetTable, glue:GetPartitions; Lake Formation grants if it governs the "
            "table). Then rerun."
        ),
        source=f"{SPARK_ERROR_CONDITIONS} (TABLE_OR_VIEW_NOT_FOUND, SCHEMA_NOT_FOUND); {SPARK_32_MESSAGES}",
    ),
    Signature(
        name="unresolved-column",
        code="UNRESOLVED_COLUMN",
        category="column",
        title="A column does not exist in the data",
        patterns=_c(
            r"\[UNRESOLVED_COLUMN(?:\.\w+)?\] A column(?:, variable,)? or function parameter with name "
            r"(?P<column>[\w.`]+) cannot be resolved(?:\. Did you mean one of the following\? \[(?P<suggestions>[\w$.`, ]{0,400})\])?",
            r"cannot resolve '(?P<column>[\w.`$]{1,128})' given input columns: \[(?:(?P<suggestions>[\w$.`, ]{0,400})\])?",
            r"Column '(?P<column>[\w.`$]{1,128})' does not exist",
            r"Column '?(?P<column>[\w.`$]{1,128})'? does not exist",
            r"cannot resolve '(?P<column>[\w.`$]{1,128})' given input columns",
            r"UNRESOLVED_COLUMN",
        ),
        priority=86,
        next_step=(
            "{column_or_a} is not a column of the data the query reads{did_you_mean}: fix the name in the code "
            "(df.printSchema() or DESCRIBE <table> lists the columns), then rerun."
        ),
        source=f"{SPARK_ERROR_CONDITIONS} (UNRESOLVED_COLUMN); {SPARK_32_MESSAGES}",
    ),
    Signature(
        name="path-not-found",
        code="PATH_NOT_FOUND",
        category="path",
        title="An S3 path the job reads does not exist",
        patterns=_c(
            r"Path does not exist: (?P<path>s3[an]?://[^\s;,'\"\[\]]{1,300})",
            r"Path does not exist: ",
            r"\[PATH_NOT_FOUND\]",
            r"FileNotFoundException:.{0,40}(?P<path>s3[an]?://[^\s;,'\"\[\]]{1,300})",
        ),
        priority=86,
        next_step=(
            "Nothing exists at {path_or_it}: check the bucket, the prefix and the partition or date in the path "
            "(aws s3 ls), and the job that should have written it. Without s3:ListBucket S3 cannot tell a "
            "missing object from a forbidden one, so check that {role} may list the bucket too."
        ),
        source=f"{SPARK_ERROR_CONDITIONS} (PATH_NOT_FOUND); {SPARK_32_MESSAGES}",
    ),
    Signature(
        name="sql-syntax",
        code="SQL_SYNTAX_ERROR",
        category="syntax",
        title="The SQL statement does not parse",
        patterns=_c(
            r"\[PARSE_SYNTAX_ERROR\] Syntax error at or near (?P<token>\S{1,40})",
            r"(?:mismatched|extraneous) input (?P<token>'[^'\s]{0,40}') expecting",
            r"no viable alternative at input (?P<token>'[^'\s]{0,40}')",
            r"ParseException",
        ),
        priority=86,
        next_step=(
            "The SQL text does not parse near {token_or_it}: fix the statement (a missing comma or parenthesis, "
            "an unclosed quote, or a reserved word used as a name: quote it with backticks) and resubmit it."
        ),
        source=f"{SPARK_ERROR_CONDITIONS} (PARSE_SYNTAX_ERROR); {SPARK_32_MESSAGES} (ParseException)",
    ),
    Signature(
        name="divide-by-zero",
        code="DIVIDE_BY_ZERO",
        category="divide",
        title="Division by zero",
        patterns=_c(
            r"\[DIVIDE_BY_ZERO\]",
            r"ZeroDivisionError",
            r"ArithmeticException: (?:/ by zero|divide by zero|Division by zero)",
        ),
        priority=84,
        next_step=(
            "A divisor was zero: in SQL use try_divide(a, b) or a / NULLIF(b, 0) to get NULL instead (Spark's "
            "ANSI mode raises this error), in Python check the divisor before dividing, or filter out the rows "
            "whose divisor is 0. Then rerun."
        ),
        source=f"{SPARK_ERROR_CONDITIONS} (DIVIDE_BY_ZERO); {PYTHON} (ZeroDivisionError)",
    ),
    Signature(
        name="cast-invalid-input",
        code="CAST_INVALID_INPUT",
        category="cast",
        title="A value cannot be cast to the target type",
        patterns=_c(
            r"\[CAST_INVALID_INPUT\] The value (?P<value>'[^']{0,60}'|\S+) of the type \"?(?P<source_type>\w+)\"? "
            r"cannot be cast to \"?(?P<target_type>\w+)\"?",
            r"invalid input syntax for type (?P<target_type>\w+): (?P<value>\S{1,60})",
            r"NumberFormatException: For input string: (?P<value>\"[^\"]{0,60}\")",
            r"ValueError: invalid literal for (?P<target_type>int)\(\) with base \d+: (?P<value>'[^']{0,60}')",
            r"ValueError: could not convert string to (?P<target_type>float): (?P<value>'[^']{0,60}')",
            r"CAST_INVALID_INPUT",
        ),
        priority=84,
        next_step=(
            "The value {value_or_a} does not convert to {target_type_or_the_type}: clean or filter the malformed "
            "values, or use try_cast(<expr> AS <type>) to turn them into NULL (Spark's ANSI mode raises on "
            "malformed input); in Python, validate strings before int()/float(). Then rerun."
        ),
        source=f"{SPARK_ERROR_CONDITIONS} (CAST_INVALID_INPUT); {SPARK_32_MESSAGES}; {PYTHON} (ValueError)",
    ),
    Signature(
        name="session-config-rejected",
        code="SESSION_CONFIGURATION_REJECTED",
        category="session",
        title="The session's custom configuration was rejected at start",
        patterns=_c(
            r"AthenaSparkSessionErrorLogger",
            r"(?:restricted|reserved|not allowed|not supported|invalid|unsupported) (?:Spark )?(?:property|properties|configuration)"
            r"(?:[: ]+(?P<key>spark\.[\w.-]+))?",
            r"(?P<key>spark\.athena\.[\w.-]+)",
        ),
        priority=80,
        next_step=(
            "Remove or fix the Spark property {key_or_named} in the session's configuration (properties must "
            "start with spark., the spark.athena. prefix is reserved and some properties are restricted), then "
            "start a new session."
        ),
        source=f"{ATHENA_SESSIONS}; {ATHENA_LIBRARIES}",
    ),
)


class _Defaults(dict[str, str]):
    """Template values: a missing {name} renders as a neutral phrase, never as a KeyError."""

    def __missing__(self, key: str) -> str:
        return "it"


def _clip(value: str) -> str:
    value = value.strip().rstrip(".;,")
    return value if len(value) <= _MAX_VALUE else value[: _MAX_VALUE - 1] + "…"


def _principal_role(principal: str) -> str | None:
    """arn:aws:sts::1:assumed-role/Name/session -> the role arn:aws:iam::1:role/Name."""
    found = re.fullmatch(r"arn:([\w-]+):sts::(\d*):assumed-role/([\w+=,.@-]+)/.*", principal)
    if found is None:
        return None
    partition, account, name = found.groups()
    return f"arn:{partition}:iam::{account}:role/{name}"


def match_line(line: str) -> Hit | None:
    """The best catalogue entry the line matches (highest priority), with its extracted values."""
    best: Hit | None = None
    for signature in CATALOGUE:
        if best is not None and signature.priority <= best.signature.priority:
            continue
        for pattern in signature.patterns:
            found = pattern.search(line)
            if found is None:
                continue
            values = {k: _clip(v) for k, v in found.groupdict().items() if v}
            for extra in signature.extract:
                more = extra.search(line)
                if more is not None:
                    values.update({k: _clip(v) for k, v in more.groupdict().items() if v and k not in values})
            best = Hit(signature, line, values, found.start())
            break
    return best


# The grammar (health/grammar.py) each group's value must match to enter a next step; a group not named
# here must be a short dotted name. `value` is a data value: never in a sentence, only in the evidence.
_GROUP_KIND = {
    "path": "s3",
    "resource": "arn",
    "principal": "arn",
    "action": "action",
    "table": "dotted",
    "column": "dotted",
    "module": "dotted",
    "suggestions": "names",
    "token": "token",
    "source_type": "identifier",
    "target_type": "identifier",
    "key": "spark_key",
    "size": "number",
    "limit": "number",
    "seconds": "number",
    "executor": "number",
}
_NEVER_IN_A_SENTENCE = frozenset({"value"})


def trusted_values(values: Mapping[str, str]) -> dict[str, str]:
    """The extracted values that may enter the server's sentences: each matches its kind's grammar."""
    return {
        k: v
        for k, v in values.items()
        if k not in _NEVER_IN_A_SENTENCE and trusted(_GROUP_KIND.get(k, "dotted"), v) is not None
    }


def render(template: str, values: Mapping[str, str], context: Mapping[str, str]) -> str:
    """The template with the trusted extracted values, neutral phrases where nothing trusted was extracted."""
    v = trusted_values(values)
    role = trusted("arn", context.get("role")) or "the session's execution role"
    principal = v.get("principal")
    principal_role = _principal_role(principal) if principal else None
    module = v.get("module", "")
    suggestions = v.get("suggestions")
    table = v.get("table")
    filled = _Defaults(
        {
            **context,
            **v,
            "role": role,
            "principal_or_role": principal_role or principal or role,
            "resource_or_role": v.get("resource") or role,
            "resource_or_it": v.get("resource") or "the resource named in the error",
            "resource_or_key": v.get("resource") or "that encrypts the data",
            "action_or_kms": v.get("action") or "kms:Decrypt",
            "table_or_it": table or "the table named in the error",
            "column_or_a": v.get("column") or "A column the query names",
            "did_you_mean": f" (did you mean one of: {suggestions}?)" if suggestions else "",
            "path_or_it": v.get("path") or "the path named in the error",
            "path_or_bucket": v.get("path") or v.get("resource") or "the bucket and prefix in the error",
            "path_or_prefix": v.get("path") or "the prefix in the error",
            "module": module or "named in the error",
            "module_top": module.split(".")[0] or "library",
            "token_or_it": v.get("token") or "the position in the error",
            "value_or_a": v.get("value") or "in the error",
            "target_type_or_the_type": v.get("target_type") or "the target type",
            "key_or_named": v.get("key") or "named in the reason",
            "limit_or_default": v.get("limit") or "1g by default",
            "seconds_or_default": v.get("seconds") or "300",
        }
    )
    return template.format_map(filled)
