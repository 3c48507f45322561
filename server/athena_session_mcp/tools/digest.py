"""summarize_athena_workgroup_sessions: one digest of a workgroup's session fleet."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Annotated, Any

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.tools import Tool
from pydantic import Field

from athena_session_mcp.athena.responses import (
    as_datetime,
    as_map,
    as_str,
    clip,
    format_duration,
    iso_or_none,
)
from athena_session_mcp.athena.vocabulary import (
    ALIVE_SESSION_STATES,
    UNHEALTHY_SESSION_STATES,
    Engine,
    session_phase,
)
from athena_session_mcp.health.grammar import trusted
from athena_session_mcp.health.models import Finding, SessionSummary
from athena_session_mcp.health.session import cost_text, sort_findings
from athena_session_mcp.tools import Deps, make_tool, read_only
from athena_session_mcp.tools.args import (
    AccountArg,
    WorkGroupArg,
)
from athena_session_mcp.tools.digest_models import (
    DigestSession,
    DigestUsage,
    WorkgroupDigest,
)
from athena_session_mcp.tools.digest_reads import read_workgroup

DEFAULT_MAX_SESSIONS = 100
MAX_SESSIONS = 500
# AWS calls in flight at once, at most: fast for hundreds of sessions, gentle on Athena's rate limits.
# Throttled calls are retried by botocore's standard mode (backoff with jitter); a read still throttled
# after its retries is reported, and the deadline bounds the whole digest.
CONCURRENCY = 16
LIST_CAP = 20  # items per list: 20 of the longest items each still fit the output budget (test_budget)
MAX_DETAIL_ERRORS = 10
# Progress notifications per digest, at most (a few hundred sessions should not mean hundreds of messages).
PROGRESS_STEPS = 50

MaxSessionsArg = Annotated[
    int,
    Field(
        ge=1,
        le=MAX_SESSIONS,
        description="Examine at most this many sessions, newest first; each costs a GetSession call.",
    ),
]


def _digest_session(item: Mapping[str, Any], summary: SessionSummary | None) -> DigestSession:
    status = as_map(item.get("Status"))
    state = summary.state if summary else as_str(status.get("State"))
    reason = summary.state_change_reason if summary else as_str(status.get("StateChangeReason"))
    return DigestSession(
        session_id=as_str(item.get("SessionId")) or "",
        state=state,
        headline=summary.headline
        if summary
        else f"{trusted('state', state) or 'UNKNOWN'} ({session_phase(state)})",
        state_change_reason=clip(reason, 160),
        idle_for_seconds=summary.timing.idle_for_seconds if summary else None,
        idle_timeout_remaining_seconds=summary.timing.idle_timeout_remaining_seconds if summary else None,
        idle_timeout_at=summary.timing.idle_timeout_at if summary else None,
        dpu_hours=summary.usage.dpu_hours if summary else None,
    )


def _board_row(item: Mapping[str, Any], summary: SessionSummary | None) -> dict[str, Any]:
    """One listed session as the workgroup board draws it: what ListSessions said, and what its GetSession
    added when it was read (DPU-hours, the idle-timeout countdown)."""
    status = as_map(item.get("Status"))
    state = summary.state if summary else as_str(status.get("State"))
    row: dict[str, Any] = {
        "session_id": as_str(item.get("SessionId")),
        "state": state,
        "phase": session_phase(state),
        "started_at": iso_or_none(as_datetime(status.get("StartDateTime"))),
        "ended_at": iso_or_none(as_datetime(status.get("EndDateTime"))),
        "state_change_reason": clip(as_str(status.get("StateChangeReason")), 160),
        "description": clip(as_str(item.get("Description")), 120),
    }
    if summary is not None:
        row["dpu_hours"] = summary.usage.dpu_hours
        row["idle_timeout_at"] = summary.timing.idle_timeout_at
        row["near_idle_timeout"] = any(f.code == "IDLE_TIMEOUT_SOON" for f in summary.findings)
    return {key: value for key, value in row.items() if value is not None}


def _unhealthy_next_step(engines: set[Engine | None]) -> str:
    """What to do about FAILED and DEGRADED sessions, worded for the engines they run: only PySpark engine
    version 3 has calculations to list; Apache Spark version 3.5 has the Spark UI instead."""
    step = "Terminate DEGRADED sessions and start new ones; for FAILED ones read the reason, then "
    if engines == {"pyspark-v3"}:
        return step + "their failed calculations (list_athena_calculations with StateFilter FAILED)."
    if engines == {"spark-3.5"}:
        return (
            step + "diagnose_athena_session on each (driver logs; the Spark History Server through "
            "GetResourceDashboard). Apache Spark version 3.5 has no Calculation APIs."
        )
    return (
        step + "diagnose_athena_session on each: it reads failed calculations on PySpark engine version 3 "
        "and the driver logs and Spark UI link on Apache Spark version 3.5."
    )


def build(base: Deps) -> list[Tool]:
    async def summarize_athena_workgroup_sessions(
        WorkGroup: WorkGroupArg,
        ctx: Context,
        MaxSessions: MaxSessionsArg = DEFAULT_MAX_SESSIONS,
        Account: AccountArg = None,
    ) -> WorkgroupDigest:
        """Digest the Amazon Athena Spark sessions of one workgroup: what is running, what is about to time
        out, what failed, and what it cost.

        Lists the newest MaxSessions in every state and reads each (GetSession): counts by state, IDLE sessions
        near their idle timeout, FAILED/DEGRADED ones with reasons, DPU-hours with an ESTIMATED cost, findings.
        Says what it could not list or read. Read-only.
        """
        deps = base.in_account(Account)
        reads = await read_workgroup(deps, WorkGroup, MaxSessions, ctx)
        items, summaries, errors, unreadable = reads.items, reads.summaries, reads.errors, reads.unreadable
        read_times, listing, late, deadline = reads.read_times, reads.listing, reads.late, reads.deadline
        total = len(items)
        states = [
            (summaries[i].state if i in summaries else as_str(as_map(item.get("Status")).get("State")))
            for i, item in enumerate(items)
        ]
        by_state = Counter(state or "UNKNOWN" for state in states)
        by_phase = Counter(session_phase(state) for state in states)
        examined = [(items[i], s) for i, s in sorted(summaries.items())]
        near = sorted(
            (
                _digest_session(item, s)
                for item, s in examined
                if any(f.code == "IDLE_TIMEOUT_SOON" for f in s.findings)
            ),
            key=lambda d: d.idle_timeout_remaining_seconds or 0,
        )
        unhealthy = [
            _digest_session(item, summaries.get(i))
            for i, item in enumerate(items)
            if states[i] in UNHEALTHY_SESSION_STATES
        ]
        idle = [
            (item, s) for item, s in examined if s.state == "IDLE" and s.timing.idle_for_seconds is not None
        ]
        oldest = max(idle, key=lambda pair: pair[1].timing.idle_for_seconds or 0, default=None)
        dpu_hours = round(sum(s.usage.dpu_hours or 0 for _, s in examined), 4)
        price = deps.settings.dpu_hour_price
        starts = [t for _, s in examined if (t := as_datetime(s.timing.started_at)) is not None]
        first = iso_or_none(min(starts)) if starts else None
        last = iso_or_none(max(read_times)) if read_times else None
        usage = DigestUsage(
            total_dpu_hours=dpu_hours,
            estimated_cost_usd=round(dpu_hours * price, 4),
            price_per_dpu_hour_usd=price,
            sessions_without_statistics=sum(1 for _, s in examined if s.usage.dpu_hours is None),
            covers=(
                f"The {len(examined)} examined sessions' use from their start to when each was read"
                + (f" ({first} to {last})" if first and last else "")
                + ", not a calendar period."
            ),
            from_time=first,
            to_time=last,
        )
        alive = sum(1 for state in states if state in ALIVE_SESSION_STATES)
        idle_count = by_state.get("IDLE", 0)
        more = listing.more
        # Newest first, as listed: exactly the listed sessions neither read nor reported unreadable.
        not_read = [
            (as_str(item.get("SessionId")) or f"(item {i})")[:64]
            for i, item in enumerate(items)
            if i not in summaries and i not in unreadable
        ]
        unread = len(not_read)
        not_listed = [f"{state}: {clip(str(exc), 200)}" for state, exc in sorted(listing.failed.items())]
        not_listed += [
            f"{state}: not listed before the {deadline:g}s deadline passed" for state in listing.unfinished
        ]
        missing_states = sorted([*listing.failed, *listing.unfinished])

        findings: list[Finding] = []
        if unhealthy:
            engines: set[Engine | None] = {
                summaries[i].engine_kind if i in summaries else None
                for i, state in enumerate(states)
                if state in UNHEALTHY_SESSION_STATES
            }
            findings.append(
                Finding(
                    severity="critical",
                    code="UNHEALTHY_SESSIONS",
                    message=f"{len(unhealthy)} session(s) are FAILED or DEGRADED (see `unhealthy` for reasons).",
                    suggestion=_unhealthy_next_step(engines),
                )
            )
        if near:
            findings.append(
                Finding(
                    severity="warning",
                    code="IDLE_TIMEOUT_SOON",
                    message=f"{len(near)} idle session(s) will be ended by their idle timeout soon.",
                    suggestion="Submit work to the ones still needed now; let the others end to stop paying.",
                )
            )
        if idle_count and oldest is not None:
            findings.append(
                Finding(
                    severity="info",
                    code="IDLE_SESSIONS",
                    message=(
                        f"{idle_count} session(s) are IDLE and still hold capacity; the longest has been idle "
                        f"{format_duration(oldest[1].timing.idle_for_seconds or 0)}."
                    ),
                    suggestion="Terminate idle sessions nobody is using to save cost.",
                )
            )
        if errors:
            findings.append(
                Finding(
                    severity="warning",
                    code="DETAILS_UNAVAILABLE",
                    message=f"Details of {len(errors)} session(s) could not be read; they are not in the usage totals.",
                    suggestion="See detail_errors; usually an IAM permission (athena:GetSession) or throttling.",
                )
            )
        if not_listed:
            findings.append(
                Finding(
                    severity="warning",
                    code="STATES_NOT_LISTED",
                    message=(
                        f"Sessions in {len(not_listed)} state(s) could not be listed and are missing from every "
                        "count: " + ", ".join(missing_states) + "."
                    ),
                    suggestion=(
                        "See states_not_listed for why; list_athena_sessions with that StateFilter lists them."
                        if listing.unfinished
                        else "See states_not_listed; usually throttling (retry later) or athena:ListSessions access."
                    ),
                )
            )
        if late:
            findings.append(
                Finding(
                    severity="warning",
                    code="DEADLINE_REACHED",
                    message=(
                        f"The digest stopped at its {deadline:g}s deadline: "
                        + (
                            f"{unread} of {total} listed sessions were not read (see sessions_not_read)"
                            if unread
                            else "every listed session was read"
                        )
                        + (
                            f"; sessions in state(s) {', '.join(listing.unfinished)} were not listed."
                            if listing.unfinished
                            else "."
                        )
                    ),
                    suggestion=(
                        "Lower MaxSessions, or raise the deadline (ATHENA_SESSION_MCP_DIGEST_DEADLINE_SECONDS); "
                        "list_athena_sessions with a StateFilter shows the rest."
                    ),
                )
            )
        if more:
            findings.append(
                Finding(
                    severity="info",
                    code="MORE_SESSIONS",
                    message=f"Only the newest {total} sessions were examined; the workgroup has more.",
                    suggestion=f"Raise MaxSessions (up to {MAX_SESSIONS}) for a fuller digest.",
                )
            )
        if not items and not late:
            findings.append(
                Finding(
                    severity="info",
                    code="NO_SESSIONS",
                    message=(
                        f"Workgroup {WorkGroup!r} has no sessions"
                        + (" in the states listed (see states_not_listed)." if not_listed else ".")
                    ),
                    suggestion="Start one with StartSession, or check the workgroup name with list_spark_workgroups.",
                )
            )
        sort_findings(findings)
        state_text = ", ".join(f"{n} {state}" for state, n in by_state.most_common())
        headline = (
            f"{WorkGroup}: {total}{'+' if more else ''} sessions"
            + (f" ({state_text})" if state_text else "")
            + f" · {alive} alive · {cost_text(dpu_hours, usage.estimated_cost_usd)}"
        )

        shortened = (
            len(near) > LIST_CAP
            or len(unhealthy) > LIST_CAP
            or len(errors) > min(LIST_CAP, MAX_DETAIL_ERRORS)
            or len(not_read) > LIST_CAP
        )
        truncated = more or shortened or late or bool(not_listed)
        notes: list[str] = []
        if late:
            notes.append(
                f"Partial: the {deadline:g}s deadline passed with {unread} listed session(s) unread"
                + (f" (the first {LIST_CAP} in sessions_not_read)" if unread > LIST_CAP else "")
                + (f" and {len(listing.unfinished)} state(s) not listed" if listing.unfinished else "")
                + "."
            )
        if not_listed:
            notes.append("Some states could not be listed: see states_not_listed.")
        if more:
            notes.append(
                f"Only the newest {total} sessions were examined: raise MaxSessions (max {MAX_SESSIONS})."
            )
        if shortened:
            notes.append(
                f"Lists were shortened to {LIST_CAP} items each: use "
                "list_athena_sessions with StateFilter IDLE, FAILED or DEGRADED to see all of them."
            )
        digest = WorkgroupDigest(
            workgroup=WorkGroup,
            headline=headline,
            sessions_listed=total,
            sessions_examined=len(summaries),
            states_listed=listing.listed,
            states_not_listed=not_listed,
            deadline_reached=late,
            more_sessions_exist=more,
            counts_by_state=dict(by_state),
            counts_by_phase=dict(by_phase),
            alive=alive,
            near_idle_timeout=near[:LIST_CAP],
            unhealthy=unhealthy[:LIST_CAP],
            oldest_idle=_digest_session(*oldest) if oldest else None,
            usage=usage,
            detail_errors=errors[: min(LIST_CAP, MAX_DETAIL_ERRORS)],
            sessions_not_read=not_read[:LIST_CAP],
            findings=findings,
            truncated=truncated,
            hint=" ".join(notes)
            or "Complete. Use get_athena_session on a session_id for details of one session.",
        )
        return digest.with_board_rows([_board_row(item, summaries.get(i)) for i, item in enumerate(items)])

    return [
        make_tool(
            summarize_athena_workgroup_sessions, read_only("Summarize Athena Spark sessions of a workgroup")
        )
    ]
