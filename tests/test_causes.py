"""causes.diagnose: each cause from its evidence, ranked; session decisions from states and timestamps only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from athena_session_mcp.health.causes import diagnose
from athena_session_mcp.health.matching import SessionFacts, Text
from athena_session_mcp.health.models import Cause
from tests.conftest import NOW

ROLE = "arn:aws:iam::123456789012:role/AthenaSparkRole"


def facts(state: str | None = "FAILED", **overrides: object) -> SessionFacts:
    values: dict[str, object] = {
        "session_id": "s-1",
        "state": state,
        "workgroup": "spark-wg",
        "execution_role": ROLE,
        "executor_dpu_size": 1,
        "content_read": True,
    }
    values.update(overrides)
    return SessionFacts(**values)  # type: ignore[arg-type]


def stderr(*lines: str) -> Text:
    return Text("stderr of calculation c-1", list(lines))


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("java.lang.OutOfMemoryError: Java heap space", "OUT_OF_MEMORY"),
        (
            "Container killed by YARN for exceeding memory limits. 11.0 GB of 11 GB physical memory used",
            "OUT_OF_MEMORY",
        ),
        ("MemoryError", "OUT_OF_MEMORY"),
        (
            "pyspark.errors.exceptions.captured.AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] The table or view "
            "`sales`.`orders_eu` cannot be found.",
            "TABLE_OR_VIEW_NOT_FOUND",
        ),
        (
            "AnalysisException: Table or view not found: sales.orders; line 1 pos 14",
            "TABLE_OR_VIEW_NOT_FOUND",
        ),
        (
            "com.amazonaws.services.s3.model.AmazonS3Exception: Access Denied (Service: Amazon S3; Status Code: 403)",
            "S3_ACCESS_DENIED",
        ),
        (
            "java.nio.file.AccessDeniedException: s3://private-bucket/data/x.parquet: getFileStatus",
            "S3_ACCESS_DENIED",
        ),
        (
            "User: arn:aws:sts::123456789012:assumed-role/x/y is not authorized to perform: sts:AssumeRole on resource",
            "ROLE_CANNOT_BE_ASSUMED",
        ),
    ],
)
def test_names_the_cause_a_known_error_line_shows_with_that_line_as_evidence(line: str, code: str) -> None:
    causes = diagnose([stderr("Traceback (most recent call last):", line)], facts())
    assert causes[0].code == code
    assert causes[0].evidence[0].text == line
    assert causes[0].evidence[0].source == "stderr of calculation c-1"
    assert causes[0].confidence == "high"


def test_out_of_memory_next_step_names_the_executor_size_in_use() -> None:
    causes = diagnose(
        [stderr("java.lang.OutOfMemoryError: GC overhead limit exceeded")], facts(executor_dpu_size=2)
    )
    assert "DefaultExecutorDpuSize (now 2)" in causes[0].next_step


def test_s3_and_role_causes_name_the_execution_role_in_their_next_step() -> None:
    s3 = diagnose([stderr("AmazonS3Exception: Access Denied")], facts())
    role = diagnose([stderr("Unable to assume role arn:aws:iam::1:role/r")], facts())
    bare = diagnose([stderr("cannot assume the execution role")], facts())
    assert ROLE in s3[0].next_step and "s3:GetObject" in s3[0].next_step
    # The role the error names is the one to fix; without one, the session's execution role.
    assert "arn:aws:iam::1:role/r" in role[0].next_step and "athena.amazonaws.com" in role[0].next_step
    assert ROLE in bare[0].next_step


def test_a_python_traceback_without_a_known_signature_is_a_python_exception_in_the_code() -> None:
    causes = diagnose(
        [stderr("Traceback (most recent call last):", '  File "<stdin>", line 1', "KeyError: 'region'")],
        facts(),
    )
    assert causes[0].code == "PYTHON_EXCEPTION"
    assert causes[0].title.endswith("(KeyError)")
    assert causes[0].evidence[0].text == "KeyError: 'region'"


def test_a_calculation_reason_alone_is_medium_confidence_evidence() -> None:
    reason = Text(
        "state reason of calculation c-1", ["NameError: name 'orders_df' is not defined"], kind="reason"
    )
    causes = diagnose([reason], facts(state="IDLE"))
    assert [(c.code, c.confidence) for c in causes] == [("PYTHON_EXCEPTION", "medium")]


def test_a_wrapped_java_error_is_not_also_reported_as_a_python_exception() -> None:
    causes = diagnose(
        [
            stderr(
                "Traceback (most recent call last):",
                "py4j.protocol.Py4JJavaError: An error occurred while calling o412.parquet.",
                "Caused by: java.lang.OutOfMemoryError: Java heap space",
            )
        ],
        facts(),
    )
    assert [c.code for c in causes] == ["OUT_OF_MEMORY"]


def test_the_failing_units_own_error_outranks_log_lines_and_failed_executors() -> None:
    texts = [
        stderr("Traceback (most recent call last):", "ValueError: bad"),
        Text(
            "driver/executor logs",
            ["ERROR Executor: java.lang.OutOfMemoryError: Java heap space"],
            kind="log",
        ),
    ]
    causes = diagnose(texts, facts(failed_executors=["WORKER w-1"]))
    assert [c.code for c in causes] == ["PYTHON_EXCEPTION", "OUT_OF_MEMORY", "EXECUTORS_FAILED"]
    assert [c.confidence for c in causes] == ["high", "medium", "medium"]
    assert causes[2].evidence[0].text == "WORKER w-1 FAILED"


def test_log_lines_alone_give_medium_confidence() -> None:
    texts = [Text("driver/executor logs", ["ERROR x: java.lang.OutOfMemoryError"], kind="log")]
    assert diagnose(texts, facts())[0].confidence == "medium"


def causes_of_an_end_after_idle_minutes(minutes: int) -> list[Cause]:
    """The causes for a TERMINATED session that ended `minutes` into an idle period (idle timeout: 20 min)."""
    idle_since = NOW - timedelta(minutes=30)
    return diagnose(
        [],
        facts(
            state="TERMINATED",
            idle_since=idle_since,
            ended_at=idle_since + timedelta(minutes=minutes),
            idle_timeout_seconds=1200,
        ),
    )


def test_an_end_when_the_idle_timeout_was_due_reads_as_the_idle_timeout() -> None:
    causes = causes_of_an_end_after_idle_minutes(20)
    assert causes[0].code == "STOPPED_BY_REQUEST_OR_IDLE_TIMEOUT"
    assert causes[0].title.startswith("Most likely ended by the idle timeout")
    assert "20m 00s" in causes[0].evidence[1].text


def test_an_end_well_before_the_idle_timeout_reads_as_a_stop_by_request() -> None:
    causes = causes_of_an_end_after_idle_minutes(3)
    assert causes[0].title.startswith("Most likely stopped by request")


@pytest.mark.parametrize(
    ("idle_seconds", "title"),
    [
        (1050, "Most likely stopped by request (it ended before the idle timeout was due)"),
        (1199, "Most likely stopped by request (it ended before the idle timeout was due)"),
        (1200, "Most likely ended by the idle timeout (it ended when the timeout was due)"),
        (1380, "Most likely ended by the idle timeout (it ended when the timeout was due)"),
        (1381, "Stopped by request or by the idle timeout (the API does not say which)"),
    ],
)
def test_the_idle_end_window_of_a_20_minute_timeout_runs_from_due_to_3_minutes_after(
    idle_seconds: int, title: str
) -> None:
    idle_since = NOW - timedelta(hours=1)
    causes = diagnose(
        [],
        facts(
            state="TERMINATED",
            idle_since=idle_since,
            ended_at=idle_since + timedelta(seconds=idle_seconds),
            idle_timeout_seconds=1200,
        ),
    )
    assert causes[0].title == title


def test_without_timestamps_a_termination_is_by_request_or_idle_timeout_and_not_a_failure() -> None:
    causes = diagnose([], facts(state="TERMINATED"))
    assert [c.code for c in causes] == ["STOPPED_BY_REQUEST_OR_IDLE_TIMEOUT"]
    assert causes[0].title == "Stopped by request or by the idle timeout (the API does not say which)"
    assert causes[0].confidence == "medium"


def test_failed_calculations_without_readable_evidence_point_at_their_stderr_and_the_flag() -> None:
    causes = diagnose([], facts(state="IDLE", failed_calculations=["c-1"], content_read=False))
    assert causes[0].code == "CALCULATION_FAILED"
    assert "--allow-sensitive-data-access" in causes[0].next_step


def test_a_failed_session_with_no_evidence_is_unknown_with_a_way_forward() -> None:
    causes = diagnose([], facts(state="FAILED", content_read=False))
    assert [c.code for c in causes] == ["UNKNOWN"]
    assert "CloudWatch logging" in causes[0].next_step


def test_a_warn_line_carrying_a_lost_tasks_exception_is_that_failure() -> None:
    logs = Text(
        "driver/executor logs",
        [
            "25/11/25 11:00:01 WARN TaskSetManager: Lost task 1.1 in stage 8.0 (TID 14, 10.0.0.2, executor 2): "
            "java.lang.OutOfMemoryError: Java heap space",
        ],
        kind="log",
    )
    causes = diagnose([logs], facts(state="IDLE"))
    assert [(c.code, c.confidence) for c in causes] == [("OUT_OF_MEMORY", "medium")]


def test_an_unexplained_failing_calculation_quotes_its_own_error_and_where_the_rest_is() -> None:
    out = Text(
        "stderr of calculation c-1",
        [
            "Traceback (most recent call last):",
            "py4j.protocol.Py4JJavaError: An error occurred while calling o127.save.",
            ": java.lang.ClassNotFoundException: Failed to find data source: es.",
        ],
        unit="calculation c-1",
    )
    causes = diagnose([out], facts(state="IDLE", failing_calculation="c-1"))
    top = causes[0]
    assert (top.code, top.confidence) == ("CALCULATION_FAILED", "low")
    assert top.title == "Calculation c-1 failed with an error no known signature explains"
    assert top.evidence[0].source == "stderr of calculation c-1"
    assert top.evidence[0].text == ": java.lang.ClassNotFoundException: Failed to find data source: es."
    assert "StdErrorS3Uri" in top.next_step and "IncludeOutput" in top.next_step
    # A JVM exception at the start of a line is not "a Python exception in the code".
    assert "PYTHON_EXCEPTION" not in [c.code for c in causes]


def test_without_output_the_reason_is_the_quoted_error() -> None:
    reason = Text(
        "state reason of calculation c-1",
        ["java.lang.ClassNotFoundException: Failed to find data source: com.microsoft.cdm."],
        kind="reason",
        unit="calculation c-1",
    )
    causes = diagnose([reason], facts(state="IDLE", failing_calculation="c-1", content_read=False))
    assert causes[0].code == "CALCULATION_FAILED"
    assert causes[0].evidence[0].text.startswith("java.lang.ClassNotFoundException")
    assert "--allow-sensitive-data-access" in causes[0].next_step


def test_a_long_line_is_matched_past_the_shown_width_and_quoted_around_the_match() -> None:
    line = "ERROR TaskSetManager: Job aborted: " + "x" * 400 + " java.io.IOException: No space left on device"
    causes = diagnose([Text("driver/executor logs", [line], kind="log")], facts(state="IDLE"))
    shown = causes[0].evidence[0].text
    assert causes[0].code == "DISK_FULL" and len(shown) <= 300
    assert shown.startswith("…") and "No space left on device" in shown


def test_a_healthy_session_with_nothing_failed_has_no_causes() -> None:
    assert diagnose([], facts(state="IDLE")) == []


def test_warn_and_info_lines_never_make_a_cause_on_their_own() -> None:
    texts = [
        Text(
            "driver/executor logs",
            [
                "AthenaForApacheSpark: 2026-11-25 11:00:00,000 WARN S3AFileSystem: Access Denied on s3://x/y; retrying",
                "25/11/25 11:00:01 INFO Executor: java.lang.OutOfMemoryError seen earlier, recovered",
            ],
            kind="log",
        ),
        stderr("WARN TaskSetManager: Lost executor 3 on 10.0.0.1: heartbeat"),
    ]
    assert diagnose(texts, facts(state="IDLE")) == []


def test_a_newer_unresolved_failure_outranks_an_older_one_a_completed_calculation_followed() -> None:
    older = Text(
        "reason of c-1", ["java.lang.OutOfMemoryError: Java heap space"], kind="reason", tier="history"
    )
    newer = Text("reason of c-3", ["ModuleNotFoundError: No module named 'prophet'"], kind="reason")
    causes = diagnose([older, newer], facts(state="IDLE", failing_calculation="c-3"))
    assert [(c.code, c.confidence) for c in causes] == [
        ("MODULE_NOT_FOUND", "high"),
        ("OUT_OF_MEMORY", "low"),
    ]
    assert causes[1].title.endswith("(in the past: a later calculation completed)")


def test_a_py4j_wrapper_alone_is_not_advice_to_fix_the_code() -> None:
    reason = Text(
        "reason of c-1",
        ["py4j.protocol.Py4JJavaError: An error occurred while calling o1.save."],
        kind="reason",
    )
    causes = diagnose([reason], facts(state="IDLE", failing_calculation="c-1", content_read=False))
    assert [c.code for c in causes] == ["CALCULATION_FAILED"]
    assert causes[0].confidence == "low" and "--allow-sensitive-data-access" in causes[0].next_step


@pytest.mark.parametrize(
    ("state", "said", "unsaid"),
    [
        ("FAILED", "the session has FAILED, so start a new session", "DEGRADED"),
        ("DEGRADED", "the session is DEGRADED: start a new session if it does not recover", "FAILED"),
        ("IDLE", "Spark replaces lost executors while the session runs", "start a new session"),
    ],
)
def test_failed_executor_advice_is_worded_by_the_sessions_actual_state(
    state: str, said: str, unsaid: str
) -> None:
    causes = diagnose([], facts(state=state, failed_executors=["WORKER w-1"]))
    step = next(c for c in causes if c.code == "EXECUTORS_FAILED").next_step
    assert said in step and unsaid not in step


def test_a_failed_sessions_unmatched_reason_is_shown_and_names_the_flag() -> None:
    reason = "Session failed: an internal error occurred."
    causes = diagnose(
        [], facts(state="FAILED", session_reason=reason, failed_executors=["WORKER w"], content_read=False)
    )
    assert [c.code for c in causes] == ["UNKNOWN", "EXECUTORS_FAILED"]
    assert causes[0].evidence[0].text == reason and "--allow-sensitive-data-access" in causes[0].next_step


def _cause(title: str, at: str | None = None) -> Cause:
    return Cause(code="X", confidence="low", title=title, evidence=[], next_step="n", at=at)


@pytest.mark.parametrize(
    ("state", "failing", "title", "expected"),
    [
        ("IDLE", None, "Division by zero (in the past: a later calculation completed)",
         "IDLE (ready) · healthy; an earlier failure at 2026-11-25T11:00:00Z: Division by zero (in the past: a later calculation completed)"),
        ("BUSY", "c-9", "Division by zero",
         "BUSY (running) · the session is healthy; calculation c-9 failed and none completed since: Division by zero"),
        ("TERMINATED", None, "Most likely ended by the idle timeout (it ended when the timeout was due)",
         "TERMINATED (ended) · most likely ended by the idle timeout (it ended when the timeout was due)"),
        ("FAILED", None, "Out of memory", "FAILED (unhealthy) · most likely: Out of memory"),
    ],
)  # fmt: skip
def test_the_verdict_calls_a_healthy_session_healthy_and_never_doubles_most_likely(
    state: str, failing: str | None, title: str, expected: str
) -> None:
    from athena_session_mcp.health.causes import verdict

    phase = {"IDLE": "ready", "BUSY": "running", "TERMINATED": "ended", "FAILED": "unhealthy"}[state]
    said = verdict(
        f"{state} ({phase})",
        state,
        [_cause(title, "2026-11-25T11:00:00Z")],
        facts(state=state, failing_calculation=failing),
    )
    assert said == expected


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("CREATING", "healthy; nothing read shows a failure"),
        ("IDLE", "healthy; nothing read shows a failure"),
        ("BUSY", "healthy; nothing read shows a failure"),
        # No healthy coordinator (SessionState): not healthy, even with nothing found.
        ("DEGRADED", "no cause found in what could be read"),
        ("FAILED", "no cause found in what could be read"),
        (None, "no cause found in what could be read"),
    ],
)
def test_with_no_cause_only_a_working_session_is_called_healthy(state: str | None, expected: str) -> None:
    from athena_session_mcp.health.causes import verdict

    assert verdict(f"{state}", state, [], facts(state=state)) == f"{state} · {expected}"
