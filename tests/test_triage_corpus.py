"""The triage corpus end to end: every tuned case's top-1 cause with and without the flag, honest confidence,
next steps written from what the error says, the held-out corpus run (its accuracy is reported by
`make triage`, never tuned here), and the public-text corpus: its tuned two thirds both ways, its held-out
third at 90 % or more with the flag, and every case nothing explains quoting its own error."""

from __future__ import annotations

import anyio
import pytest

from athena_session_mcp.health.signatures import CATALOGUE
from tests.triage.cases import CASES
from tests.triage.heldout import HELDOUT
from tests.triage.model import Case
from tests.triage.public import HELD_OUT as PUBLIC_HELD_OUT
from tests.triage.public import PUBLIC
from tests.triage.public import TUNED as PUBLIC_TUNED
from tests.triage.runner import Outcome, emulated_corpus, run

FLAG = "--allow-sensitive-data-access"


@pytest.fixture(scope="module")
def outcomes() -> dict[tuple[str, bool], Outcome]:
    """Every corpus, diagnosed once for the module: (case name, flag) -> outcome."""
    results: dict[tuple[str, bool], Outcome] = {}
    for cases in (CASES, HELDOUT, PUBLIC):

        async def measure(chosen: tuple[Case, ...] = cases) -> list[Outcome]:
            with emulated_corpus(chosen) as client:
                return await run(client, chosen)

        for outcome in anyio.run(measure):
            results[(outcome.case.name, outcome.sensitive)] = outcome
    return results


def _ids(cases: tuple[Case, ...]) -> list[str]:
    return [case.name for case in cases]


def test_the_corpora_are_big_enough_distinct_and_each_case_names_its_source() -> None:
    assert len(CASES) >= 40 and len(HELDOUT) >= 10
    names = [case.name for case in (*CASES, *HELDOUT, *PUBLIC)]
    assert len(names) == len(set(names))
    assert all(case.source.strip() for case in (*CASES, *HELDOUT))
    assert len(PUBLIC) >= 60 and all(case.source.startswith("https://") for case in PUBLIC)
    assert len(PUBLIC_HELD_OUT) == len(PUBLIC) // 3 and not {c.name for c in PUBLIC_HELD_OUT} & {
        c.name for c in PUBLIC_TUNED
    }
    both_engines = {(case.category, case.engine) for case in CASES if case.end == "failed"}
    assert {engine for _, engine in both_engines} == {"pyspark-v3", "spark-3.5"}


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_tuned_case_top_cause_with_the_flag(case: Case, outcomes: dict[tuple[str, bool], Outcome]) -> None:
    outcome = outcomes[(case.name, True)]
    assert outcome.top == case.expected, [c["code"] for c in outcome.answer["causes"]]


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_tuned_case_top_cause_without_the_flag(case: Case, outcomes: dict[tuple[str, bool], Outcome]) -> None:
    outcome = outcomes[(case.name, False)]
    assert outcome.top == case.without_flag, [c["code"] for c in outcome.answer["causes"]]


@pytest.mark.parametrize("case", PUBLIC_TUNED, ids=_ids(PUBLIC_TUNED))
def test_public_text_top_cause_with_and_without_the_flag(
    case: Case, outcomes: dict[tuple[str, bool], Outcome]
) -> None:
    for sensitive, expected in ((True, case.expected), (False, case.without_flag)):
        outcome = outcomes[(case.name, sensitive)]
        assert outcome.top == expected, (sensitive, [c["code"] for c in outcome.answer["causes"]])


def test_the_public_held_out_third_is_right_nine_times_in_ten_with_the_flag(
    outcomes: dict[tuple[str, bool], Outcome],
) -> None:
    right = sum(outcomes[(case.name, True)].right for case in PUBLIC_HELD_OUT)
    assert right >= 0.9 * len(PUBLIC_HELD_OUT), right


GENERIC = ("CALCULATION_FAILED", "PYTHON_EXCEPTION", "UNKNOWN")


def test_a_public_case_nothing_explains_quotes_its_own_error_line(
    outcomes: dict[tuple[str, bool], Outcome],
) -> None:
    generic = [o for o in outcomes.values() if o.case in PUBLIC and o.top in GENERIC]
    assert len(generic) >= 6
    for outcome in generic:
        case = outcome.case
        said = "\n".join(
            [c.stderr + (c.reason or "") for c in case.calculations] + [case.session_reason or "", *case.logs]
        )
        quoted = str(outcome.answer["causes"][0]["evidence"][0]["text"]).strip("…")
        assert quoted and quoted in said, (outcome.case.name, quoted)


def test_a_high_confidence_top_cause_is_always_the_right_one(
    outcomes: dict[tuple[str, bool], Outcome],
) -> None:
    for outcome in outcomes.values():
        causes = outcome.answer["causes"]
        if causes and causes[0]["confidence"] == "high":
            assert outcome.top == outcome.case.expected, outcome.case.name


def test_without_the_flag_job_output_decisions_claim_nothing_high_and_name_the_flag(
    outcomes: dict[tuple[str, bool], Outcome],
) -> None:
    undecided = [
        o for (_, sensitive), o in outcomes.items() if not sensitive and not o.case.metadata_names_it
    ]
    assert len(undecided) >= 10
    for outcome in undecided:
        assert all(c["confidence"] != "high" for c in outcome.answer["causes"]), outcome.case.name
        assert any(FLAG in gap["fix"] for gap in outcome.answer["gaps"])
    failing = [o for o in undecided if o.top in ("CALCULATION_FAILED", "UNKNOWN")]
    assert failing and all(FLAG in o.answer["causes"][0]["next_step"] for o in failing)


def test_the_held_out_corpus_runs_end_to_end_with_and_without_the_flag(
    outcomes: dict[tuple[str, bool], Outcome],
) -> None:
    for case in HELDOUT:
        assert {(case.name, True), (case.name, False)} <= outcomes.keys()


def _top(outcomes: dict[tuple[str, bool], Outcome], name: str, sensitive: bool = True) -> dict[str, object]:
    return outcomes[(name, sensitive)].answer["causes"][0]


@pytest.mark.parametrize(
    ("name", "phrases"),
    [
        (
            "glue-gettable-implicit-deny",
            [
                "glue:GetTable on arn:aws:glue:us-east-1:123456789012:table/sales/orders",
                "to arn:aws:iam::123456789012:role/AthenaSparkRole",
            ],
        ),
        (
            "module-not-found-xgboost",
            ["xgboost", "spark.submit.pyFiles", "sc.addPyFile('s3://…/xgboost.zip')"],
        ),
        (
            "max-result-size-on-topandas",
            ["spark.driver.maxResultSize (now 1024.0 MiB)", "CoordinatorDpuSize (now 1)"],
        ),
        ("broadcast-timeout-in-stderr", ["spark.sql.autoBroadcastJoinThreshold=-1", "(now 300 s)"]),
        ("unresolved-column-with-suggestion", ["`amount` is not a column", "did you mean one of: `amt`"]),
        (
            "kms-decrypt-not-authorized",
            ["kms:Decrypt", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"],
        ),
        ("path-not-found", ["Nothing exists at s3://raw-zone/events/dt=2026-11-24:"]),
        ("lake-formation-required-select", ["Lake Formation permissions on orders"]),
        (
            "role-cannot-be-assumed-at-start",
            ["Make arn:aws:iam::123456789012:role/AthenaSparkRole assumable"],
        ),
        ("executor-heap-oom-on-write", ["DefaultExecutorDpuSize (now 1)"]),
        ("spark35-session-failed-driver-oom", ["CoordinatorDpuSize (now 1)", "collect()"]),
        ("s3-slowdown-in-stderr", ["fewer and larger files", "retry with backoff"]),
    ],
)
def test_next_steps_use_what_the_error_names(
    name: str, phrases: list[str], outcomes: dict[tuple[str, bool], Outcome]
) -> None:
    step = str(_top(outcomes, name)["next_step"])
    for phrase in phrases:
        assert phrase in step


def test_a_warn_line_about_access_denied_never_becomes_a_cause(
    outcomes: dict[tuple[str, bool], Outcome],
) -> None:
    answer = outcomes[("unresolved-column-despite-warn-access-denied-retry", True)].answer
    assert any("WARN S3AFileSystem" in line["message"] for line in answer["logs"]["lines"])
    assert "S3_ACCESS_DENIED" not in [c["code"] for c in answer["causes"]]


def test_a_failed_sessions_own_reason_is_high_confidence_evidence_on_both_engines(
    outcomes: dict[tuple[str, bool], Outcome],
) -> None:
    for name in ("session-failed-executor-oom", "spark35-session-failed-driver-oom"):
        top = outcomes[(name, False)].answer["causes"][0]
        assert top["code"] == "OUT_OF_MEMORY" and top["confidence"] == "high"
        assert top["evidence"][0]["source"] == "session state reason"


def test_a_healthy_session_says_so_and_dates_its_past_failure(
    outcomes: dict[tuple[str, bool], Outcome],
) -> None:
    answer = outcomes[("healthy-with-recovered-division", True)].answer
    assert answer["verdict"].startswith("IDLE (ready) · healthy; an earlier failure at 2026-11-25T09:")
    assert answer["causes"][0]["confidence"] == "low" and "in the past" in answer["causes"][0]["title"]


def test_the_newest_unresolved_failure_is_the_verdict_of_an_idle_session(
    outcomes: dict[tuple[str, bool], Outcome],
) -> None:
    answer = outcomes[("newest-failure-outranks-recovered-oom", True)].answer
    assert answer["verdict"].startswith("IDLE (ready) · the session is healthy; calculation ")
    assert answer["verdict"].endswith(
        "failed and none completed since: A Python library is missing from the session"
    )
    assert [c["code"] for c in answer["causes"]][:2] == ["MODULE_NOT_FOUND", "OUT_OF_MEMORY"]


def test_an_idle_timeout_end_is_worded_once(outcomes: dict[tuple[str, bool], Outcome]) -> None:
    verdict = outcomes[("idle-timeout-after-work", False)].answer["verdict"]
    assert verdict.startswith("TERMINATED (ended) · most likely ended by the idle timeout")
    assert "Most likely" not in verdict


def test_every_catalogue_entry_cites_a_source_and_every_code_is_exercised() -> None:
    assert all(entry.source and entry.patterns for entry in CATALOGUE)
    assert len({entry.name for entry in CATALOGUE}) == len(CATALOGUE)
    exercised = {case.expected for case in (*CASES, *PUBLIC_TUNED)}
    assert {entry.code for entry in CATALOGUE} - exercised == set()
