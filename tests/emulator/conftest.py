"""Fixtures for the emulator contract suite: fake credentials, a frozen clock, moto in-process
or over loopback HTTP, and boto3 clients whose raw responses are checked against the model."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, cast

import boto3
import pytest
from moto import mock_aws

from athena_session_mcp import emulator
from athena_session_mcp.athena.vocabulary import PYSPARK_V3_ENGINE, SPARK_35_ENGINE
from athena_session_mcp.emulator import Clock, EmulatorServer

from .shape_check import RawResponses, attach_shape_checker

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient
    from types_boto3_athena.type_defs import ResultConfigurationTypeDef
    from types_boto3_s3 import S3Client

FROZEN_AT = datetime(2025, 6, 2, 9, 30, tzinfo=UTC)
REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/AthenaSparkRole"
SPARK_WORKGROUP = "spark-wg"
SPARK_OUTPUT = "s3://spark-results/notebooks/"
# The operations that take a CalculationExecutionId (and nothing else required).
CALCULATION_ID_OPERATIONS = [
    "get_calculation_execution",
    "get_calculation_execution_status",
    "get_calculation_execution_code",
    "stop_calculation_execution",
]
KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"


@pytest.fixture(scope="session", autouse=True)
def fake_aws_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Never reach real AWS: fake keys, no profile, no shared config, for the whole run."""
    empty = tmp_path_factory.mktemp("aws") / "none"
    with pytest.MonkeyPatch.context() as patch:
        for key, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SECURITY_TOKEN": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": str(empty),
            "AWS_SHARED_CREDENTIALS_FILE": str(empty),
        }.items():
            patch.setenv(key, value)
        patch.delenv("AWS_PROFILE", raising=False)
        yield


@pytest.fixture(scope="session")
def boto_session(fake_aws_environment: None) -> boto3.session.Session:
    """One boto3 session for the run: creating clients from it is ~10x faster than boto3.client."""
    return boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
    )


@pytest.fixture(autouse=True)
def clock() -> Iterator[Clock]:
    """The emulator clock, frozen; tests move it with advance()."""
    shared = emulator.get_clock()
    shared.freeze(FROZEN_AT)
    yield shared
    shared.reset()
    emulator.clear_canned_results()


@pytest.fixture
def aws() -> Iterator[None]:
    """In-process moto with the Spark emulation installed."""
    emulator.install()
    with mock_aws():
        yield


@pytest.fixture
def checked_athena(
    aws: None, boto_session: boto3.session.Session
) -> Iterator[tuple[AthenaClient, RawResponses]]:
    """An athena client whose every raw response is checked against the model, plus the record."""
    client = athena_client(boto_session)
    recorded = attach_shape_checker(client)
    yield client, recorded
    client.close()


@pytest.fixture
def athena(checked_athena: tuple[AthenaClient, RawResponses]) -> AthenaClient:
    return checked_athena[0]


@pytest.fixture
def raw(checked_athena: tuple[AthenaClient, RawResponses]) -> RawResponses:
    """Every raw response body the athena fixture received."""
    return checked_athena[1]


@pytest.fixture
def s3(aws: None, boto_session: boto3.session.Session) -> Iterator[S3Client]:
    client = s3_client(boto_session)
    yield client
    client.close()


def athena_client(session: boto3.session.Session, endpoint_url: str | None = None) -> AthenaClient:
    """An Athena client from ``session``; the stubs type only the installed services' overloads."""
    client: AthenaClient = session.client("athena", endpoint_url=endpoint_url)  # pyright: ignore[reportUnknownMemberType]
    return client


def s3_client(session: boto3.session.Session, endpoint_url: str | None = None) -> S3Client:
    """An S3 client from ``session`` (path-style, as the moto server needs for loopback)."""
    client: S3Client = session.client("s3", endpoint_url=endpoint_url)  # pyright: ignore[reportUnknownMemberType]
    return client


def create_spark_workgroup(
    client: AthenaClient,
    name: str = SPARK_WORKGROUP,
    *,
    encrypted: bool = True,
    output: str = SPARK_OUTPUT,
    engine: str = PYSPARK_V3_ENGINE,
) -> str:
    result: ResultConfigurationTypeDef = {"OutputLocation": output}
    if encrypted:
        result["EncryptionConfiguration"] = {"EncryptionOption": "SSE_KMS", "KmsKey": KMS_KEY}
    client.create_work_group(
        Name=name,
        Configuration={
            "EngineVersion": {"SelectedEngineVersion": engine},
            "ExecutionRole": ROLE,
            "ResultConfiguration": result,
        },
    )
    return name


@pytest.fixture
def spark_workgroup(athena: AthenaClient) -> str:
    return create_spark_workgroup(athena)


def start_idle_session(
    client: AthenaClient, clock: Clock, workgroup: str = SPARK_WORKGROUP, idle_timeout_minutes: int = 20
) -> str:
    session_id = client.start_session(
        WorkGroup=workgroup,
        EngineConfiguration={"MaxConcurrentDpus": 4},
        SessionIdleTimeoutInMinutes=idle_timeout_minutes,
    )["SessionId"]
    clock.advance(12)
    assert client.get_session_status(SessionId=session_id)["Status"].get("State") == "IDLE"
    return session_id


@pytest.fixture
def idle_session(athena: AthenaClient, spark_workgroup: str, clock: Clock) -> str:
    return start_idle_session(athena, clock, spark_workgroup)


SPARK35_WORKGROUP = "spark35-wg"


@pytest.fixture
def spark35_workgroup(athena: AthenaClient) -> str:
    """An Apache Spark version 3.5 workgroup."""
    return create_spark_workgroup(athena, SPARK35_WORKGROUP, engine=SPARK_35_ENGINE)


@pytest.fixture
def spark35_session(athena: AthenaClient, spark35_workgroup: str, clock: Clock) -> str:
    """An IDLE session on Apache Spark version 3.5."""
    return start_idle_session(athena, clock, spark35_workgroup)


@pytest.fixture
def http_emulator() -> Iterator[EmulatorServer]:
    """The HTTP emulator on loopback, seeded (not under mock_aws: requests really go over HTTP)."""
    with EmulatorServer(seed=True) as server:
        yield server


@pytest.fixture
def http_athena(http_emulator: EmulatorServer, boto_session: boto3.session.Session) -> Iterator[AthenaClient]:
    client = athena_client(boto_session, http_emulator.endpoint_url)
    attach_shape_checker(client)
    yield client
    client.close()


def raw_call(
    endpoint_url: str, operation: str, body: bytes | Mapping[str, object]
) -> tuple[int, dict[str, object]]:
    """POST an Athena request without boto3 (so no client-side validation); returns status and JSON."""
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    host, port = endpoint_url.removeprefix("http://").rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request(
            "POST",
            "/",
            body=payload,
            headers={
                "X-Amz-Target": f"AmazonAthena.{operation}",
                "Content-Type": "application/x-amz-json-1.1",
                # moto's server routes on the credential scope; the signature itself is not checked.
                "Authorization": (
                    "AWS4-HMAC-SHA256 Credential=testing/20250602/us-east-1/athena/aws4_request, "
                    "SignedHeaders=host, Signature=0"
                ),
            },
        )
        response = connection.getresponse()
        data = response.read()
        return response.status, cast(dict[str, object], json.loads(data or b"{}"))
    finally:
        connection.close()
