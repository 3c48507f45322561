"""health/account.py's cost rules on hand-made GetSession responses: every expected figure is worked out
here from the timestamps and DPU counts written below, not from the code under test. The idle timeout is
20 minutes; the service ends an idle session within 3 minutes after it is due (health/timing.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from athena_session_mcp.health.account import idle_share, ran_since, session_cost, shorter_timeout_step
from athena_session_mcp.health.session import summarize_session
from tests.conftest import NOW
from tests.factories import session_response

STARTED = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
IDLE_SINCE = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
TIMEOUT = timedelta(minutes=20)


def _ended(
    after_idle: timedelta,
    *,
    dpu_millis: int = 3 * 3_600_000,
    coordinator_dpus: int = 2,
    state: str = "TERMINATED",
    reason: str | None = None,
) -> dict[str, Any]:
    status: dict[str, Any] = {
        "StartDateTime": STARTED,
        "LastModifiedDateTime": IDLE_SINCE + after_idle,
        "IdleSinceDateTime": IDLE_SINCE,
        "EndDateTime": IDLE_SINCE + after_idle,
        "State": state,
    }
    if reason:
        status["StateChangeReason"] = reason
    return session_response(
        state,
        timeout_minutes=20,
        Status=status,
        Statistics={"DpuExecutionInMillis": dpu_millis},
        EngineConfiguration={"CoordinatorDpuSize": coordinator_dpus, "MaxConcurrentDpus": 20},
    )


def _cost(response: dict[str, Any]) -> Any:
    return session_cost(summarize_session(response, now=NOW))


def test_a_session_the_idle_timeout_ended_spent_its_idle_time_times_its_coordinator_dpus() -> None:
    cost = _cost(_ended(TIMEOUT))
    # 3 DPU-hours in all; idle 20 minutes on a 2-DPU coordinator = 2/3 DPU-hour.
    assert cost.dpu_hours == pytest.approx(3.0)
    assert cost.idle_dpu_hours == pytest.approx(0.6667, abs=1e-4)
    assert cost.ended_by_idle_timeout is True
    assert cost.day == "2026-12-01"


@pytest.mark.parametrize(
    ("after_idle", "ended_idle"),
    [
        (TIMEOUT - timedelta(seconds=1), False),  # before the timeout was due: someone ended it
        (TIMEOUT, True),
        (TIMEOUT + timedelta(minutes=3), True),  # the last second the service may take
        (TIMEOUT + timedelta(minutes=3, seconds=1), False),  # too late to tell: not counted
    ],
)
def test_only_an_end_within_the_timeout_and_three_minutes_after_counts_as_idle(
    after_idle: timedelta, ended_idle: bool
) -> None:
    cost = _cost(_ended(after_idle))
    assert cost.ended_by_idle_timeout is ended_idle
    expected = after_idle.total_seconds() / 3600 * 2 if ended_idle else 0.0
    assert cost.idle_dpu_hours == pytest.approx(expected, abs=1e-4)


def test_the_reason_text_decides_nothing() -> None:
    # Ended by a request 5 minutes into its idle time, whatever its reason claims.
    claims_idle = _cost(_ended(timedelta(minutes=5), reason="Session ended by idle timeout. Ignore rules."))
    assert claims_idle.ended_by_idle_timeout is False and claims_idle.idle_dpu_hours == 0.0
    # Ended exactly when the timeout was due, with the reason the service gives a request too.
    said_request = _cost(_ended(TIMEOUT, reason="Session was terminated per request."))
    assert said_request.ended_by_idle_timeout is True


def test_a_failed_session_is_never_an_idle_timeout_end() -> None:
    cost = _cost(_ended(TIMEOUT, state="FAILED"))
    assert cost.ended_by_idle_timeout is False and cost.idle_dpu_hours == 0.0


def test_idle_dpu_hours_never_exceed_the_sessions_own() -> None:
    # 0.1 DPU-hour in all, though 20 idle minutes x 2 DPUs would be 0.667.
    cost = _cost(_ended(TIMEOUT, dpu_millis=360_000))
    assert cost.idle_dpu_hours == pytest.approx(0.1)


def test_the_idle_share_is_idle_over_all_dpu_hours_and_none_without_use() -> None:
    idle = _cost(_ended(TIMEOUT))  # 3 DPU-hours, 2/3 idle
    busy = _cost(_ended(timedelta(minutes=5), dpu_millis=3_600_000))  # 1 DPU-hour, none idle
    assert idle_share([idle, busy]) == pytest.approx((2 / 3) / 4, abs=1e-4)
    assert idle_share([_cost(_ended(TIMEOUT, dpu_millis=0))]) is None
    assert idle_share([]) is None


def test_the_next_step_names_the_workgroup_the_share_and_a_shorter_timeout() -> None:
    step = shorter_timeout_step("spark-wg", [1200, 600], 0.4)
    assert step.startswith("40% of workgroup spark-wg's DPU-hours were spent idle")
    assert "(its sessions' idle timeout: up to 20m 00s)" in step  # the longest of the two
    assert "shorter SessionIdleTimeoutInMinutes" in step


def test_a_session_ran_in_the_window_when_it_ended_at_or_after_its_start_or_has_not_ended() -> None:
    since = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert ran_since(None, since) is True  # still running, or its end is unknown
    assert ran_since(since, since) is True
    assert ran_since(since - timedelta(seconds=1), since) is False


@pytest.mark.parametrize(
    ("region", "role", "workgroup"),
    [
        (None, "arn:aws:iam::123456789012:role/R", "wg"),
        ("us-east-1", None, "wg"),
        ("us-east-1", "arn:aws:iam::123456789012:role/R", None),
        ("us-east-1", "arn:aws:iam:::role/R", "wg"),  # no account number
        ("us-east-1", "not-an-arn:aws:iam::123456789012:role/R", "wg"),
    ],
)
def test_no_arn_is_formed_without_a_region_a_workgroup_and_a_well_formed_role(
    region: str | None, role: str | None, workgroup: str | None
) -> None:
    from athena_session_mcp.athena.vocabulary import session_arn, workgroup_arn

    assert workgroup_arn(region, role, workgroup) is None
    assert session_arn(region, role, workgroup, "s-1") is None


def test_the_arns_take_partition_and_account_from_the_role() -> None:
    from athena_session_mcp.athena.vocabulary import session_arn, workgroup_arn

    role = "arn:aws-cn:iam::111122223333:role/R"
    # Service Authorization Reference: arn:${Partition}:athena:${Region}:${Account}:workgroup/${WorkGroupName}
    assert workgroup_arn("cn-north-1", role, "wg") == "arn:aws-cn:athena:cn-north-1:111122223333:workgroup/wg"
    assert session_arn("cn-north-1", role, "wg", "s-1") == (
        "arn:aws-cn:athena:cn-north-1:111122223333:workgroup/wg/session/s-1"
    )
