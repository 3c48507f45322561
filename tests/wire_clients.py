"""boto3 Athena clients that speak a chosen wire protocol, whatever botocore is installed.

botocore serialises and parses from its service model, so a client speaks JSON 1.1 or REST-JSON by the
model it loads: the installed Athena model, rewritten to the other protocol (JSON 1.1: everything in the
body at ``POST /`` with X-Amz-Target; REST-JSON: the emulator's carried bindings) and put first on a
private botocore session's search path. Requests are then serialised and signed by botocore itself, as a
botocore release that speaks that protocol natively would.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import boto3
import botocore.session

from athena_session_mcp.emulator.wire import JSON_TARGET_PREFIX, Protocol, bindings

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient

PROTOCOLS: tuple[Protocol, Protocol] = ("json", "rest-json")
_API_VERSION = "2017-05-18"


def installed_protocol() -> Protocol:
    """The protocol the installed botocore speaks to Athena."""
    model = botocore.session.get_session().get_service_model("athena")
    return cast(Protocol, model.protocol)


def model_speaking(protocol: Protocol) -> dict[str, Any]:
    """The installed Athena service model, rewritten to speak `protocol`."""
    loader = botocore.session.get_session().get_component("data_loader")
    model = copy.deepcopy(
        cast(dict[str, Any], loader.load_service_model("athena", "service-2", _API_VERSION))
    )
    metadata: dict[str, Any] = model["metadata"]
    metadata["protocol"] = protocol
    metadata["protocols"] = [protocol]
    operations: dict[str, dict[str, Any]] = model["operations"]
    shapes: dict[str, dict[str, Any]] = model["shapes"]
    if protocol == "json":
        metadata.update(jsonVersion="1.1", targetPrefix=JSON_TARGET_PREFIX)
        for operation in operations.values():
            operation["http"] = {"method": "POST", "requestUri": "/"}
        for shape in shapes.values():
            for member in cast(dict[str, dict[str, Any]], shape.get("members", {})).values():
                member.pop("location", None)
                member.pop("locationName", None)
        return model
    metadata.pop("jsonVersion", None)
    metadata.pop("targetPrefix", None)
    table = bindings()
    for name, operation in operations.items():
        binding = table[name]
        operation["http"] = {"method": binding.method, "requestUri": binding.uri}
        if binding.members:
            members: dict[str, dict[str, Any]] = shapes[operation["input"]["shape"]]["members"]
            for member, (location, wire_name, _) in binding.members.items():
                # An older model may lack a member added since (it then never sends it).
                if member in members:
                    members[member].update(location=location, locationName=wire_name)
    return model


def athena_client(protocol: Protocol, directory: Path, **kwargs: Any) -> AthenaClient:
    """A boto3 Athena client speaking `protocol` (the model is written under `directory`)."""
    target = directory / f"models-{protocol}" / "athena" / _API_VERSION / "service-2.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(model_speaking(protocol)), encoding="utf-8")
    core = botocore.session.Session()
    loader = core.get_component("data_loader")
    loader.search_paths.insert(0, str(directory / f"models-{protocol}"))
    kwargs.setdefault("region_name", "us-east-1")
    client: AthenaClient = boto3.session.Session(botocore_session=core).client("athena", **kwargs)  # pyright: ignore[reportUnknownMemberType]
    assert client.meta.service_model.protocol == protocol
    return client
