"""Realistic GetSession responses (as boto3 returns them) for tests, checked against the service model."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

import botocore.session
from botocore.validate import validate_parameters

from tests.conftest import NOW

if TYPE_CHECKING:
    from botocore.model import Shape


@cache
def _output_shape(operation: str) -> Shape:
    model = botocore.session.get_session().get_service_model("athena")
    shape = model.operation_model(operation).output_shape
    assert shape is not None
    return shape


def in_botocore_shape(operation: str, response: dict[str, Any]) -> dict[str, Any]:
    """`response`, after checking it has the shape botocore gives `operation`'s output (raises if not)."""
    validate_parameters(response, _output_shape(operation))
    return response


def session_response(
    state: str = "IDLE",
    *,
    now: datetime = NOW,
    idle_minutes: float = 2,
    timeout_minutes: int | None = 20,
    reason: str | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """A full GetSession response; `overrides` replace top-level keys (None removes them)."""
    status: dict[str, Any] = {
        "StartDateTime": now - timedelta(hours=1),
        "LastModifiedDateTime": now - timedelta(minutes=idle_minutes),
        "State": state,
    }
    if state == "IDLE":
        status["IdleSinceDateTime"] = now - timedelta(minutes=idle_minutes)
    if state in ("TERMINATED", "FAILED"):
        status["EndDateTime"] = now - timedelta(minutes=5)
    if reason:
        status["StateChangeReason"] = reason
    session_config: dict[str, Any] = {
        "ExecutionRole": "arn:aws:iam::123456789012:role/AthenaSparkRole",
        "WorkingDirectory": "s3://demo-bucket/athena/sessions/abc/",
        "IdleTimeoutSeconds": (timeout_minutes or 20) * 60,
        "EncryptionConfiguration": {
            "EncryptionOption": "SSE_KMS",
            "KmsKey": "arn:aws:kms:us-east-1:123456789012:key/k",
        },
    }
    if timeout_minutes is not None:
        session_config["SessionIdleTimeoutInMinutes"] = timeout_minutes
    response: dict[str, Any] = {
        "SessionId": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
        "Description": "nightly feature build",
        "WorkGroup": "spark-wg",
        "EngineVersion": "PySpark engine version 3",
        "EngineConfiguration": {
            "CoordinatorDpuSize": 1,
            "MaxConcurrentDpus": 20,
            "DefaultExecutorDpuSize": 1,
            "SparkProperties": {"spark.sql.shuffle.partitions": "64"},
        },
        "NotebookVersion": "Athena notebook version 1",
        "MonitoringConfiguration": {
            "CloudWatchLoggingConfiguration": {"Enabled": True, "LogGroup": "/aws-athena/spark"},
        },
        "SessionConfiguration": session_config,
        "Status": status,
        "Statistics": {"DpuExecutionInMillis": 5_400_000},
    }
    for key, value in overrides.items():
        if value is None:
            response.pop(key, None)
        else:
            response[key] = value
    return in_botocore_shape("GetSession", response)
