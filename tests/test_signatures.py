"""health.signatures: each catalogue entry matches its documented message shape and extracts its values."""

from __future__ import annotations

import pytest

from athena_session_mcp.health.signatures import CATALOGUE, match_line, render

PRINCIPAL = "arn:aws:sts::123456789012:assumed-role/AthenaSparkRole/s-1"


# (a line in the entry's documented shape, the entry it must match, values it must extract)
SAMPLES: list[tuple[str, str, dict[str, str]]] = [
    (
        f"User: {PRINCIPAL} is not authorized to perform: glue:GetTable on resource: "
        "arn:aws:glue:us-east-1:123456789012:table/db/t because no identity-based policy allows the glue:GetTable action",
        "glue-denied",
        {
            "principal": PRINCIPAL,
            "action": "glue:GetTable",
            "resource": "arn:aws:glue:us-east-1:123456789012:table/db/t",
        },
    ),
    (
        "User: arn:aws:sts::1:assumed-role/Svc/x is not authorized to perform: sts:AssumeRole on resource: "
        "arn:aws:iam::1:role/Exec",
        "sts-assume-role-denied",
        {"resource": "arn:aws:iam::1:role/Exec"},
    ),
    ("Insufficient Lake Formation permission(s) on orders", "lake-formation-denied", {"table": "orders"}),
    (
        f"User: {PRINCIPAL} is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:1:key/k-1",
        "kms-denied",
        {"action": "kms:Decrypt", "resource": "arn:aws:kms:us-east-1:1:key/k-1"},
    ),
    (
        "AmazonS3Exception: Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied) s3://b/p/x",
        "s3-denied",
        {"path": "s3://b/p/x"},
    ),
    ("Status Code: 503; Error Code: SlowDown", "s3-slowdown", {}),
    (
        f"User: {PRINCIPAL} is not authorized to perform: secretsmanager:GetSecretValue on resource: "
        "arn:aws:secretsmanager:us-east-1:1:secret:db",
        "iam-denied",
        {"action": "secretsmanager:GetSecretValue"},
    ),
    (
        "Total size of serialized results of 16 tasks (1048.5 MiB) is bigger than spark.driver.maxResultSize (1024.0 MiB)",
        "driver-result-size",
        {"tasks": "16", "size": "1048.5 MiB", "key": "spark.driver.maxResultSize", "limit": "1024.0 MiB"},
    ),
    ("Session failed: the Spark driver ran out of memory", "driver-oom", {}),
    ("Lost task 1.0 (executor 7): java.lang.OutOfMemoryError: Java heap space", "oom", {"executor": "7"}),
    ("java.io.IOException: No space left on device", "disk-full", {}),
    (
        "Lost executor 38 on ip-1: Container from a bad node: c_1. Exit status: 137. Diagnostics: Container "
        "killed on request. Exit code is 137",
        "container-killed",
        {"exit_code": "137", "executor": "38"},
    ),
    (
        "Caused by: org.apache.hadoop.fs.s3a.auth.NoAuthWithAWSException: No AWS Credentials provided by "
        "IAMInstanceCredentialsProvider : com.amazonaws.SdkClientException: Unable to load AWS credentials",
        "no-aws-credentials",
        {},
    ),
    ("Could not execute broadcast in 300 secs.", "broadcast-timeout", {"seconds": "300"}),
    (
        "ExecutorLostFailure (executor 4 exited caused by one of the running tasks)",
        "executor-lost",
        {"executor": "4"},
    ),
    ("ModuleNotFoundError: No module named 'pandas.io'", "module-not-found", {"module": "pandas.io"}),
    (
        "[TABLE_OR_VIEW_NOT_FOUND] The table or view `db`.`t` cannot be found.",
        "table-not-found",
        {"table": "`db`.`t`"},
    ),
    (
        "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column or function parameter with name `amount` cannot be "
        "resolved. Did you mean one of the following? [`amt`].",
        "unresolved-column",
        {"column": "`amount`", "suggestions": "`amt`"},
    ),
    ("[PATH_NOT_FOUND] Path does not exist: s3://b/x.", "path-not-found", {"path": "s3://b/x"}),
    ("[PARSE_SYNTAX_ERROR] Syntax error at or near 'FROM'.", "sql-syntax", {"token": "'FROM'"}),
    ("[DIVIDE_BY_ZERO] Division by zero.", "divide-by-zero", {}),
    (
        '[CAST_INVALID_INPUT] The value \'abc\' of the type "STRING" cannot be cast to "INT" because it is malformed.',
        "cast-invalid-input",
        {"value": "'abc'", "source_type": "STRING", "target_type": "INT"},
    ),
    (
        "the Spark property spark.athena.x is restricted",
        "session-config-rejected",
        {"key": "spark.athena.x"},
    ),
]


@pytest.mark.parametrize(("line", "name", "values"), SAMPLES)
def test_each_entry_matches_its_message_shape_and_extracts_its_values(
    line: str, name: str, values: dict[str, str]
) -> None:
    hit = match_line(line)
    assert hit is not None and hit.signature.name == name
    assert {k: hit.values[k] for k in values} == values


def test_every_entry_has_a_sample_a_source_and_a_unique_name() -> None:
    assert {name for _, name, _ in SAMPLES} == {entry.name for entry in CATALOGUE}
    assert len({entry.name for entry in CATALOGUE}) == len(CATALOGUE)
    assert all(entry.source and entry.patterns and entry.next_step for entry in CATALOGUE)


def test_lines_without_a_known_shape_match_nothing() -> None:
    assert match_line("INFO builtins: Running calculation c-1") is None
    assert match_line("NameError: name 'x' is not defined") is None
    # Exit codes other than the kill signals' say nothing about memory.
    assert match_line("Container exited with a non-zero exit code 1") is None
    assert match_line("Exit status: 1370. Diagnostics: none") is None


def test_web_identity_refusals_are_the_role_not_missing_credentials() -> None:
    hit = match_line(
        "NoAuthWithAWSException: No AWS Credentials provided by WebIdentityTokenCredentialsProvider : "
        "AWSSecurityTokenServiceException: Not authorized to perform sts:AssumeRoleWithWebIdentity"
    )
    assert hit is not None and hit.signature.code == "ROLE_CANNOT_BE_ASSUMED"


def test_a_kill_signal_outranks_the_lost_executor_it_caused_but_not_a_named_out_of_memory() -> None:
    lost = match_line("Lost executor 5: Container marked as failed. Exit status: 143.")
    assert lost is not None and lost.signature.name == "container-killed"
    named = match_line(
        "Lost task 1.0 (executor 7): java.lang.OutOfMemoryError: Java heap space. Exit code 137"
    )
    assert named is not None and named.signature.name == "oom"


def test_extracted_values_are_bounded_and_missing_ones_read_naturally() -> None:
    long_table = "t" * 500
    hit = match_line(f"Table or view not found: {long_table}")
    assert hit is not None and len(hit.values["table"]) <= 160
    step = render(hit.signature.next_step, {}, {"role": "arn:aws:iam::1:role/R"})
    assert "the table named in the error" in step and "arn:aws:iam::1:role/R" in step and "{" not in step


def test_the_assumed_role_in_an_error_becomes_the_role_to_grant() -> None:
    hit = match_line(
        f"User: {PRINCIPAL} is not authorized to perform: glue:GetTable on resource: arn:aws:glue:us-east-1:1:catalog"
    )
    assert hit is not None
    step = render(hit.signature.next_step, hit.values, {})
    assert "to arn:aws:iam::123456789012:role/AthenaSparkRole" in step


def test_the_diagnosis_page_lists_every_catalogue_entry_and_its_size() -> None:
    from pathlib import Path

    page = (Path(__file__).resolve().parent.parent / "docs" / "diagnosis.md").read_text()
    assert all(f"| `{entry.name}` | {entry.code} |" in page for entry in CATALOGUE)
    assert f"{len(CATALOGUE)} entries" in page
