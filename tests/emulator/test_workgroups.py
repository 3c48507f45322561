"""Workgroups: Spark ones are recognisable by engine version; sessions need one."""

# Tests index response keys directly on purpose: a missing key is a test failure.
# pyright: reportTypedDictNotRequiredAccess=false

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from botocore.exceptions import ClientError

from .conftest import ROLE, SPARK_OUTPUT

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient


def test_spark_workgroup_reports_pyspark_engine_version(athena: AthenaClient, spark_workgroup: str) -> None:
    workgroup = athena.get_work_group(WorkGroup=spark_workgroup)["WorkGroup"]
    configuration = workgroup["Configuration"]
    assert configuration["EngineVersion"] == {
        "SelectedEngineVersion": "PySpark engine version 3",
        "EffectiveEngineVersion": "PySpark engine version 3",
    }
    assert configuration["ExecutionRole"] == ROLE
    assert configuration["ResultConfiguration"]["OutputLocation"] == SPARK_OUTPUT
    summaries = {w["Name"]: w for w in athena.list_work_groups()["WorkGroups"]}
    assert summaries[spark_workgroup]["EngineVersion"]["EffectiveEngineVersion"] == "PySpark engine version 3"


def test_sql_workgroup_reports_athena_engine_version(athena: AthenaClient) -> None:
    summaries = {w["Name"]: w for w in athena.list_work_groups()["WorkGroups"]}
    assert summaries["primary"]["EngineVersion"] == {
        "SelectedEngineVersion": "AUTO",
        "EffectiveEngineVersion": "Athena engine version 3",
    }
    primary = athena.get_work_group(WorkGroup="primary")["WorkGroup"]
    assert primary["Configuration"]["EngineVersion"]["EffectiveEngineVersion"] == "Athena engine version 3"


def test_get_unknown_workgroup_is_invalid_request(athena: AthenaClient) -> None:
    with pytest.raises(ClientError) as caught:
        athena.get_work_group(WorkGroup="nope")
    assert caught.value.response["Error"]["Code"] == "InvalidRequestException"
    assert "nope" in caught.value.response["Error"]["Message"]


def test_start_session_in_unknown_workgroup_is_rejected(athena: AthenaClient) -> None:
    with pytest.raises(ClientError) as caught:
        athena.start_session(WorkGroup="missing-wg", EngineConfiguration={})
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidRequestException"
    assert error["Message"] == "WorkGroup missing-wg is not found."


@pytest.mark.parametrize("operation", ["start_session", "list_sessions"])
def test_sql_workgroup_cannot_hold_sessions(athena: AthenaClient, operation: str) -> None:
    calls: dict[str, Callable[[], object]] = {
        "start_session": lambda: athena.start_session(WorkGroup="primary", EngineConfiguration={}),
        "list_sessions": lambda: athena.list_sessions(WorkGroup="primary"),
    }
    with pytest.raises(ClientError) as caught:
        calls[operation]()
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidRequestException"
    assert "Spark" in error["Message"]
