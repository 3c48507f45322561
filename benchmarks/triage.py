"""Triage accuracy: the top-1 cause of diagnose_athena_session on the triage corpus, end to end.

    .venv/bin/python benchmarks/triage.py

Every case of tests/triage/cases.py (tuned), tests/triage/heldout.py (held out: never tuned against) and
tests/triage/public.py (error texts pasted in public threads; its held-out third reported on its own)
becomes an emulated session (reasons in the API, stderr in S3, driver logs in CloudWatch Logs); the
diagnosis runs through the MCP server with and without --allow-sensitive-data-access. Prints top-1
accuracy per corpus, flag setting and category, lists the misses, and writes benchmarks/results/triage.json.
"Metadata names it" counts only the cases whose service metadata alone names the failure (the target
without the flag). Exits 0 even on a miss.
"""

from __future__ import annotations

import json
import os
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: make tests.triage importable
    sys.path.insert(0, str(REPO))

import anyio  # noqa: E402
from tests.triage.cases import CASES  # noqa: E402
from tests.triage.heldout import HELDOUT  # noqa: E402
from tests.triage.public import HELD_OUT as PUBLIC_HELD_OUT  # noqa: E402
from tests.triage.public import PUBLIC  # noqa: E402
from tests.triage.runner import Outcome, accuracy, emulated_corpus, run  # noqa: E402

RESULTS = REPO / "benchmarks" / "results"


def _pct(right: int, total: int) -> str:
    return f"{right}/{total} ({100 * right / total:.0f} %)" if total else "-"


async def _measure() -> dict[str, list[Outcome]]:
    measured: dict[str, list[Outcome]] = {}
    for name, cases in (("tuned", CASES), ("held-out", HELDOUT), ("public", PUBLIC)):
        with emulated_corpus(cases) as client:
            measured[name] = await run(client, cases)
    held_out = {case.name for case in PUBLIC_HELD_OUT}
    measured["public held-out third"] = [o for o in measured["public"] if o.case.name in held_out]
    return measured


def main() -> int:
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    measured = anyio.run(_measure)
    report: dict[str, object] = {}
    for name, outcomes in measured.items():
        print(f"\n== {name} corpus: {len(outcomes) // 2} cases")
        on, off = accuracy(outcomes, sensitive=True), accuracy(outcomes, sensitive=False)
        named = accuracy(outcomes, sensitive=False, metadata_only=True)
        print(f"   top-1 with the flag:    {_pct(*on)}")
        true_cause = sum(o.top == o.case.expected for o in outcomes if not o.sensitive)
        print(f"   top-1 without the flag: {_pct(*off)}   (cases whose metadata names it: {_pct(*named)})")
        print(f"   the true cause named without the flag: {_pct(true_cause, len(outcomes) // 2)}")
        per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for o in outcomes:
            row = per[o.case.category]
            index = 0 if o.sensitive else 2
            row[index] += int(o.right)
            row[index + 1] += 1
        print(f"   {'category':<16}{'with flag':>12}{'without':>12}")
        for category in sorted(per):
            r = per[category]
            print(f"   {category:<16}{f'{r[0]}/{r[1]}':>12}{f'{r[2]}/{r[3]}':>12}")
        misses = [o for o in outcomes if not o.right]
        for o in misses:
            flag = "with" if o.sensitive else "without"
            print(f"   miss ({flag} flag): {o.case.name}: got {o.top}, expected {o.expected}")
        report[name] = {
            "cases": len(outcomes) // 2,
            "with_flag": on,
            "without_flag": off,
            "without_flag_metadata_names_it": named,
            "without_flag_true_cause": [true_cause, len(outcomes) // 2],
            "per_category": {c: {"with_flag": r[:2], "without_flag": r[2:]} for c, r in sorted(per.items())},
            "misses": [
                {"case": o.case.name, "flag": o.sensitive, "got": o.top, "expected": o.expected}
                for o in misses
            ],
        }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "triage.json").write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
