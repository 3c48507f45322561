"""The raw-body checker itself must catch what botocore's parser would silently accept."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pytest

from athena_session_mcp.emulator.service import SparkService

from .shape_check import output_problems

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient


def _problems(operation: str, body: object, status: int = 200) -> list[str]:
    return output_problems(operation, status, json.dumps(body).encode())


def test_checker_accepts_a_valid_get_session_status_body() -> None:
    body = {"SessionId": "s-1", "Status": {"State": "IDLE", "StartDateTime": 1717320600.0}}
    assert _problems("GetSessionStatus", body) == []


def test_checker_rejects_unknown_members() -> None:
    problems = _problems("TerminateSession", {"State": "TERMINATING", "Extra": 1})
    assert any("Extra" in p for p in problems)


def test_checker_rejects_bad_enum_length_and_type() -> None:
    problems = _problems(
        "GetCalculationExecution",
        {
            "CalculationExecutionId": "x" * 37,
            "Status": {"State": "DONE", "SubmissionDateTime": "yesterday"},
            "Statistics": {"DpuExecutionInMillis": True},
        },
    )
    assert len(problems) == 4, problems


def test_checker_rejects_missing_required_members_and_nulls() -> None:
    problems = _problems("GetSessionEndpoint", {"EndpointUrl": "https://x", "AuthToken": None})
    assert any("AuthTokenExpirationTime" in p for p in problems)
    assert any("null" in p for p in problems)


def test_checker_rejects_unmodelled_errors_and_accepts_modelled_ones() -> None:
    assert _problems("GetSession", {"__type": "InvalidRequestException", "Message": "x"}, 400) == []
    assert _problems("GetSession", {"__type": "SessionAlreadyExistsException", "Message": "x"}, 400)
    assert _problems("GetSession", {"__type": "InvalidRequestException", "Bogus": "x"}, 400)


def test_checker_fails_a_real_client_call_whose_body_breaks_the_model(
    athena: AthenaClient, idle_session: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = SparkService.op_terminate_session

    def with_extra_member(self: SparkService, params: Mapping[str, object]) -> dict[str, object]:
        return {**original(self, params), "Surprise": True}

    monkeypatch.setattr(SparkService, "op_terminate_session", with_extra_member)
    with pytest.raises(AssertionError, match="Surprise"):
        athena.terminate_session(SessionId=idle_session)
