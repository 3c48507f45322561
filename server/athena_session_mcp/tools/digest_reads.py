"""The digest's reads: every state's sessions of one workgroup (ListSessions per state, newest first,
capped) and each one's GetSession, concurrently within one deadline; read into one record (WorkgroupReads)
with what could not be listed or read. Deciding and shaping happen in tools/digest.py."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import anyio
from mcp.server.mcpserver import Context

from athena_session_mcp.athena.errors import AwsCallError
from athena_session_mcp.athena.responses import as_datetime, as_map, as_str, clip
from athena_session_mcp.athena.vocabulary import SESSION_STATES
from athena_session_mcp.health.models import SessionSummary
from athena_session_mcp.health.session import summarize_session as summarize
from athena_session_mcp.tools import Deps
from athena_session_mcp.tools.reads import MAX_LISTING_PAGES, read_pages, read_session

# AWS calls in flight at once, at most: fast for hundreds of sessions, gentle on Athena's rate limits.
# Throttled calls are retried by botocore's standard mode (backoff with jitter); a read still throttled
# after its retries is reported, and the deadline bounds the whole digest.
CONCURRENCY = 16
# Progress notifications per digest, at most (a few hundred sessions should not mean hundreds of messages).
PROGRESS_STEPS = 50


def _started(item: Mapping[str, Any]) -> float:
    started = as_datetime(as_map(item.get("Status")).get("StartDateTime"))
    return started.timestamp() if started else float("-inf")


@dataclass
class Listing:
    """Sessions of every state, newest first and capped, and what could not be listed."""

    items: list[Mapping[str, Any]] = field(default_factory=list[Mapping[str, Any]])
    listed: list[str] = field(default_factory=list[str])
    failed: dict[str, AwsCallError] = field(default_factory=dict[str, AwsCallError])
    # States whose listing the deadline cut short: not listed, and not for an error of theirs.
    unfinished: list[str] = field(default_factory=list[str])
    more: bool = False
    found: dict[str, tuple[list[Mapping[str, Any]], str | None]] = field(
        default_factory=dict[str, tuple[list[Mapping[str, Any]], str | None]]
    )

    def merge(self, max_sessions: int) -> None:
        """The newest `max_sessions` of the states listed so far; every other state is unfinished."""
        self.listed, self.unfinished = [], []
        seen: set[str] = set()
        merged: list[Mapping[str, Any]] = []
        for state in SESSION_STATES:
            if state not in self.found:
                if state not in self.failed:
                    self.unfinished.append(state)
                continue
            self.listed.append(state)
            items, token = self.found[state]
            self.more = self.more or token is not None
            for item in items:
                session_id = as_str(item.get("SessionId"))
                if session_id in seen:
                    continue  # it changed state between two listings
                if session_id:
                    seen.add(session_id)
                merged.append(item)
        merged.sort(key=_started, reverse=True)
        self.more = self.more or len(merged) > max_sessions
        self.items = merged[:max_sessions]


async def list_every_state(
    deps: Deps, workgroup: str, max_sessions: int, limiter: anyio.CapacityLimiter, listing: Listing
) -> None:
    """ListSessions once per StateFilter, concurrently, into `listing` as each state finishes (so a
    deadline keeps what was listed by then): without a filter Athena lists only active sessions, and a
    digest must see the failed and ended ones too."""

    async def list_state(state: str) -> None:
        async with limiter:
            try:
                items, _, token = await read_pages(
                    deps,
                    {"WorkGroup": workgroup, "StateFilter": state},
                    page_size=100,
                    max_items=max_sessions,
                    max_pages=MAX_LISTING_PAGES,
                )
                listing.found[state] = (items, token)
            except AwsCallError as exc:
                listing.failed[state] = exc

    async with anyio.create_task_group() as group:
        for state in SESSION_STATES:
            group.start_soon(list_state, state)
    if len(listing.failed) == len(SESSION_STATES):
        # Nothing could be listed (unknown workgroup, no permission): that is an error, not a digest.
        raise listing.failed[SESSION_STATES[0]]


@dataclass
class WorkgroupReads:
    """What a digest read: the listed sessions (newest first), the summaries of those read (by index),
    and what was not read and why."""

    items: list[Mapping[str, Any]]
    summaries: dict[int, SessionSummary]
    errors: list[str]  # "<session id>: <why>" of sessions whose read failed, sorted
    unreadable: set[int]  # indexes of listed sessions whose read failed
    read_times: list[datetime]
    listing: Listing
    late: bool  # the deadline passed first
    deadline: float


async def read_workgroup(deps: Deps, workgroup: str, max_sessions: int, ctx: Context) -> WorkgroupReads:
    """List and read the newest `max_sessions` sessions of `workgroup` in every state within the digest's
    deadline, reporting progress; what was gathered by then is returned, and said to be partial."""
    limiter = anyio.CapacityLimiter(CONCURRENCY)
    deadline = deps.settings.digest_deadline_seconds
    summaries: dict[int, SessionSummary] = {}
    errors: list[str] = []
    unreadable: set[int] = set()  # indexes of listed sessions whose read failed
    items: list[Mapping[str, Any]] = []
    listing = Listing()
    read_times: list[datetime] = []
    # One deadline for the whole digest; what was gathered by then is answered, and said to be partial.
    # Reads still in flight then are abandoned, not waited for (AthenaGateway.run), so it holds.
    with anyio.move_on_after(deadline) as scope:
        await list_every_state(deps, workgroup, max_sessions, limiter, listing)
        listing.merge(max_sessions)
        items = listing.items
        total = len(items)
        done = 0
        step = max(1, total // PROGRESS_STEPS)
        await ctx.report_progress(0, total, f"Listed {total} sessions in {workgroup}; reading details")

        async def examine(index: int, session_id: str) -> None:
            nonlocal done
            async with limiter:
                try:
                    response = await read_session(deps, session_id)
                except AwsCallError as exc:
                    # One unreadable session should not sink the digest; it is reported instead.
                    errors.append(f"{session_id[:64]}: {clip(str(exc), 200)}")
                    unreadable.add(index)
                else:
                    # Countdowns are as of this read, not of the digest's start.
                    now = deps.clock()
                    read_times.append(now)
                    summaries[index] = summarize(
                        response, now=now, price_per_dpu_hour=deps.settings.dpu_hour_price
                    )
            done += 1
            if done % step == 0 or done == total:
                await ctx.report_progress(done, total, f"Read {done} of {total} sessions")

        async with anyio.create_task_group() as group:
            for index, item in enumerate(items):
                session_id = as_str(item.get("SessionId"))
                if session_id:
                    group.start_soon(examine, index, session_id)
                else:
                    errors.append(f"(item {index}): ListSessions returned a session without an id")
                    unreadable.add(index)
                    done += 1
    late = scope.cancelled_caught
    if late and not items:
        listing.merge(max_sessions)  # the deadline may have passed while listing: keep what was listed
        items = listing.items
    errors.sort()  # tasks finish in any order; keep answers reproducible
    return WorkgroupReads(
        items=items,
        summaries=summaries,
        errors=errors,
        unreadable=unreadable,
        read_times=read_times,
        listing=listing,
        late=late,
        deadline=deadline,
    )
