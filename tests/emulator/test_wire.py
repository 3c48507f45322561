"""The emulator answers both of Athena's wire protocols, in process and over HTTP, with real botocore
clients of each kind (tests/wire_clients.py), whichever botocore is installed beside it."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import botocore.session
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from athena_session_mcp import emulator
from athena_session_mcp.emulator.patch import SPARK_OPERATIONS
from athena_session_mcp.emulator.wire import bindings, bindings_from_model, read_request
from tests.wire_clients import PROTOCOLS, athena_client, installed_protocol

from .shape_check import attach_shape_checker

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient

    from athena_session_mcp.emulator.wire import Protocol

# Both sessions the seed ends in demo-spark (tests/emulator/test_seed.py holds the seed itself).
TERMINATED_IN_DEMO_SPARK = {emulator.SESSION_TERMINATED_IDLE, emulator.SESSION_TERMINATED_BY_USER}
SIGNED = {
    # moto's server routes on the credential scope; the signature itself is not checked.
    "Authorization": (
        "AWS4-HMAC-SHA256 Credential=testing/20250602/us-east-1/athena/aws4_request, "
        "SignedHeaders=host, Signature=0"
    )
}


@pytest.fixture(params=["in-process", "http"])
def endpoint(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """The seeded emulator in process (None: moto's mock answers AWS's own URL) or over loopback HTTP."""
    if request.param == "http":
        with emulator.EmulatorServer(seed=False) as server:
            # moto's backends outlive a server in this process: start each test from a fresh seed.
            assert raw_request(server.endpoint_url, "POST", "/moto-api/reset")[0] == 200
            emulator.seed_demo()
            yield server.endpoint_url
        return
    emulator.install()
    with mock_aws():
        emulator.seed_demo()
        yield None


def client_for(protocol: Protocol, endpoint: str | None, tmp_path: Path) -> AthenaClient:
    client = athena_client(
        protocol,
        tmp_path,
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    attach_shape_checker(client)
    return client


def wire_log(client: AthenaClient) -> list[tuple[str, str, str | None]]:
    """(method, URL, X-Amz-Target) of every request the client sends from now on."""
    sent: list[tuple[str, str, str | None]] = []

    def record(request: Any, **_: Any) -> None:
        target = request.headers.get("X-Amz-Target")
        sent.append((request.method, request.url, target.decode() if isinstance(target, bytes) else target))

    client.meta.events.register("before-send.athena", record)
    return sent


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_client_of_each_protocol_reads_lists_pages_misses_and_terminates(
    protocol: Protocol, endpoint: str | None, tmp_path: Path
) -> None:
    client = client_for(protocol, endpoint, tmp_path)
    sent = wire_log(client)

    assert client.get_session(SessionId=emulator.SESSION_IDLE)["Status"].get("State") == "IDLE"
    method, url, target = sent[-1]
    if protocol == "json":
        assert (method, url.endswith("/"), target) == ("POST", True, "AmazonAthena.GetSession")
    else:
        assert (method, url.endswith(f"/sessions/{emulator.SESSION_IDLE}"), target) == ("GET", True, None)

    seen: list[str] = []
    token: str | None = None
    for _ in range(5):
        page = (
            client.list_sessions(
                WorkGroup=emulator.DEMO_SPARK_WORKGROUP,
                StateFilter="TERMINATED",
                MaxResults=1,
                NextToken=token,
            )
            if token
            else client.list_sessions(
                WorkGroup=emulator.DEMO_SPARK_WORKGROUP, StateFilter="TERMINATED", MaxResults=1
            )
        )
        assert len(page["Sessions"]) <= 1
        seen += [s.get("SessionId", "") for s in page["Sessions"]]
        token = page.get("NextToken")
        if not token:
            break
    assert set(seen) == TERMINATED_IN_DEMO_SPARK and len(seen) == len(TERMINATED_IN_DEMO_SPARK)
    if protocol == "rest-json":
        assert "StateFilter=TERMINATED" in sent[-1][1] and "MaxResults=1" in sent[-1][1]

    with pytest.raises(ClientError) as missing:
        client.get_session(SessionId="ghost-session")
    error = missing.value.response.get("Error", {})
    assert error.get("Code") == "InvalidRequestException"
    assert "not found" in error.get("Message", "")

    assert client.terminate_session(SessionId=emulator.SESSION_IDLE)["State"] == "TERMINATING"
    if protocol == "rest-json":
        assert sent[-1][:1] == ("POST",) and sent[-1][1].endswith(
            f"/sessions/{emulator.SESSION_IDLE}/terminate"
        )


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_an_arn_in_the_path_keeps_its_slashes(
    protocol: Protocol, endpoint: str | None, tmp_path: Path
) -> None:
    # GetResourceDashboard binds an ARN ("…:workgroup/NAME/session/ID") to one path segment.
    client = client_for(protocol, endpoint, tmp_path)
    workgroup = client.get_work_group(WorkGroup=emulator.DEMO_SPARK35_WORKGROUP)["WorkGroup"]["Name"]
    arn = f"arn:aws:athena:us-east-1:{emulator.DEFAULT_ACCOUNT_ID}:workgroup/{workgroup}"
    arn += f"/session/{emulator.SESSION_SPARK35_IDLE}"
    assert client.get_resource_dashboard(ResourceARN=arn)["Url"]


def raw_request(
    endpoint: str, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], dict[str, object]]:
    host, port = endpoint.removeprefix("http://").rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request(method, path, body=body, headers={**SIGNED, **(headers or {})})
        response = connection.getresponse()
        data = response.read()
        answer_headers = {k.lower(): v for k, v in response.getheaders()}
        return response.status, answer_headers, cast(dict[str, object], json.loads(data or b"{}"))
    finally:
        connection.close()


@pytest.fixture
def http_endpoint() -> Iterator[str]:
    with emulator.EmulatorServer(seed=True) as server:
        yield server.endpoint_url


def test_rest_json_errors_carry_their_type_in_a_header(http_endpoint: str) -> None:
    status, headers, body = raw_request(http_endpoint, "GET", "/sessions/ghost")
    assert status == 400
    assert headers["x-amzn-errortype"] == "InvalidRequestException"
    assert headers["content-type"] == "application/json"
    assert body == {"Message": "Session ghost not found"}


def test_json_errors_carry_their_type_in_the_body(http_endpoint: str) -> None:
    target = {"X-Amz-Target": "AmazonAthena.GetSession", "Content-Type": "application/x-amz-json-1.1"}
    status, headers, body = raw_request(http_endpoint, "POST", "/", b'{"SessionId": "ghost"}', target)
    assert status == 400
    assert "x-amzn-errortype" not in headers
    assert headers["content-type"] == "application/x-amz-json-1.1"
    assert body == {"__type": "InvalidRequestException", "Message": "Session ghost not found"}


def test_unknown_operations_are_named_in_each_protocol(http_endpoint: str) -> None:
    status, headers, body = raw_request(http_endpoint, "GET", "/no-such-thing")
    assert (status, headers["x-amzn-errortype"]) == (404, "UnknownOperationException")
    assert body["message"]
    target = {"X-Amz-Target": "AmazonAthena.NoSuchOperation"}
    status, headers, body = raw_request(http_endpoint, "POST", "/", b"{}", target)
    assert (status, body["__type"]) == (400, "UnknownOperationException")


def test_a_query_member_of_the_wrong_type_is_a_serialization_error(http_endpoint: str) -> None:
    status, headers, body = raw_request(
        http_endpoint, "GET", f"/workgroups/{emulator.DEMO_SPARK_WORKGROUP}/sessions?MaxResults=ten"
    )
    assert (status, headers["x-amzn-errortype"]) == (400, "SerializationException")
    assert "MaxResults" in str(body["Message"])


def test_rest_json_requests_are_validated_like_json_ones(http_endpoint: str) -> None:
    status, headers, body = raw_request(
        http_endpoint, "GET", f"/workgroups/{emulator.DEMO_SPARK_WORKGROUP}/sessions?MaxResults=0"
    )
    assert (status, headers["x-amzn-errortype"]) == (400, "ValidationException")
    assert "maxResults" in str(body["message"])


def test_read_request_takes_labels_query_and_body_together() -> None:
    wire = read_request(
        "POST",
        "/workgroups/my%2Dwg/sessions",
        "",
        {"Content-Type": "application/json"},
        json.dumps({"EngineConfiguration": {"MaxConcurrentDpus": 4}}),
    )
    assert (wire.operation, wire.protocol) == ("StartSession", "rest-json")
    assert wire.params == {"WorkGroup": "my-wg", "EngineConfiguration": {"MaxConcurrentDpus": 4}}
    listing = read_request(
        "GET", "/sessions/s-1/executors", "ExecutorStateFilter=FAILED&MaxResults=5", {}, ""
    )
    assert listing.params == {"SessionId": "s-1", "ExecutorStateFilter": "FAILED", "MaxResults": 5}


def test_every_emulated_operation_has_a_rest_binding() -> None:
    served = set(SPARK_OPERATIONS) | {"ListExecutors", "CreateWorkGroup", "GetWorkGroup", "ListWorkGroups"}
    assert served <= set(bindings())


def test_the_carried_bindings_match_botocore_when_it_speaks_rest_json() -> None:
    if installed_protocol() != "rest-json":
        pytest.skip("the installed botocore speaks JSON 1.1 to Athena: it has no REST bindings to compare")
    loader = botocore.session.get_session().get_component("data_loader")
    model = cast(dict[str, Any], loader.load_service_model("athena", "service-2"))
    derived = bindings_from_model(model)
    carried = {
        name: {
            "method": b.method,
            "uri": b.uri,
            "members": {m: list(loc) for m, loc in b.members.items()},
        }
        for name, b in bindings().items()
    }
    assert carried == derived, "botocore moved an Athena path: run `make bindings` and read the diff"
