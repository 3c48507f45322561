"""Keep tool answers small enough for a model's context, and say so when they were cut.

Each answer goes out as one compact JSON document, twice (structured content and an identical text
block, see answers.py); the budget measures that document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypedDict, TypeVar

from pydantic import BaseModel

from athena_session_mcp.tools.answers import lean, to_text

__all__ = [
    "OUTPUT_BUDGET_CHARS",
    "Continuation",
    "Page",
    "PageFields",
    "Shown",
    "continuation",
    "fit",
    "fit_page",
    "rendered_size",
]

# ~40k characters of compact JSON is roughly 10-13k tokens: well under the 25k many clients allow.
OUTPUT_BUDGET_CHARS = 40_000

M = TypeVar("M", bound=BaseModel)
A = TypeVar("A")


def rendered_size(result: BaseModel) -> int:
    """Characters of the text block (and of the structured content) sent for `result`."""
    return len(to_text(lean(result)))


def fit(build: Callable[[int], M], count: int, budget: int | None = None) -> tuple[M, int]:
    """The result built from the most items (at most `count`) that fits `budget` (default
    OUTPUT_BUDGET_CHARS, read at call time), and how many that is.

    `build(n)` makes the result holding the first n items; its size grows with n. Binary search keeps
    the number of trial serializations logarithmic.
    """
    budget = OUTPUT_BUDGET_CHARS if budget is None else budget
    full = build(count)
    if rendered_size(full) <= budget:
        return full, count
    low, high = 0, count - 1  # invariant: the answer is in [low, high]; 0 items always "fits"
    while low < high:
        middle = (low + high + 1) // 2
        if rendered_size(build(middle)) <= budget:
            low = middle
        else:
            high = middle - 1
    return build(low), low


@dataclass(frozen=True, slots=True)
class Page:
    """One Athena page read for an answer: the token that fetched it and its first item's index."""

    token: str | None
    start: int


@dataclass(frozen=True, slots=True)
class Continuation:
    """How to continue after the first `shown` items of a listing assembled from `pages`."""

    next_token: str | None  # a gap-free NextToken, or None
    resume_token: str | None  # the token to pass in the continuing call
    resume_max_results: int  # the MaxResults for the continuing call
    repeats: int  # items the continuing call returns again (already shown)
    more: bool


def continuation(
    pages: list[Page], shown: int, total: int, last_token: str | None, page_size: int
) -> Continuation:
    """Where to pick up when only the first `shown` of `total` items read are returned.

    Cutting at a page boundary leaves a clean NextToken. Cutting inside a page does not: Athena's
    tokens point at page boundaries, so the caller repeats that page with MaxResults equal to the
    items already shown from it, and the NextToken of that answer continues without a gap.
    """
    if shown >= total:
        return Continuation(last_token, last_token, page_size, 0, last_token is not None)
    page = max((p for p in pages if p.start <= shown), key=lambda p: p.start)
    if page.start == shown:
        return Continuation(page.token, page.token, page_size, 0, True)
    repeats = shown - page.start
    return Continuation(None, page.token, repeats, repeats, True)


class PageFields(TypedDict):
    """The fields every paged listing answer has, with the same meaning."""

    returned: int
    next_token: str | None
    more_available: bool
    truncated: bool


@dataclass(frozen=True, slots=True)
class Shown:
    """The first `count` of the `total` items read for a listing, and how to continue after them."""

    count: int
    total: int
    cont: Continuation

    @property
    def cut(self) -> bool:
        """True when the output budget left items out."""
        return self.count < self.total

    def fields(self, stopped_early: bool = False) -> PageFields:
        """returned, next_token, more_available and truncated (also true when the caller `stopped_early`)."""
        return PageFields(
            returned=self.count,
            next_token=self.cont.next_token,
            more_available=self.cont.more,
            truncated=self.cut or stopped_early,
        )

    def resume(self, make: Callable[[int, str | None], A]) -> A | None:
        """The continue_with arguments, `make(MaxResults, NextToken)`, when more items exist."""
        return make(self.cont.resume_max_results, self.cont.resume_token) if self.cont.more else None


def fit_page(
    build: Callable[[Shown], M], *, total: int, pages: list[Page], last_token: str | None, page_size: int
) -> M:
    """The listing answer holding the most of the `total` items read that fits the output budget;
    `build` makes it from what is shown and how to continue after it."""

    def sized(count: int) -> M:
        return build(Shown(count, total, continuation(pages, count, total, last_token, page_size)))

    return fit(sized, total)[0]
