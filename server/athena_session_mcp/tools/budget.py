"""Answers of a known size: each listing shows at most a fixed number of rows (its MaxResults' maximum)
and every text in a row is clipped, so an answer's worst case is bounded by construction;
tests/test_budget.py holds each tool's worst case under OUTPUT_BUDGET_CHARS. Paging passes Athena's
NextToken through unchanged, with the same page size.
"""

from __future__ import annotations

__all__ = ["OUTPUT_BUDGET_CHARS"]

# ~40k characters of compact JSON is roughly 10-13k tokens: well under the 25k many clients allow.
OUTPUT_BUDGET_CHARS = 40_000
