"""Hook the Spark operations into moto's Athena responses (in-process and server mode alike).

moto dispatches actions to ``AthenaResponse.<snake_case_name>``; ``install`` adds the missing Spark
operations there, wraps the workgroup operations so they report engine versions, and reads every request
in either wire protocol (``wire.py``): moto itself routes only the protocol of the botocore installed
beside it, and mounts Athena only at ``/``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from typing import Any, cast

import botocore.session
from botocore.model import ServiceModel, StructureShape
from moto.athena.responses import AthenaResponse

from ._moto import MotoPlatform, spark_state
from .clock import get_clock
from .errors import EmulatorServiceError, InvalidRequestError
from .service import SparkService
from .validation import validate_request
from .wire import WireRequest, answer_in, error_answer, protocol_of, read_request
from .workgroups import engine_version_block

__all__ = ["SPARK_OPERATIONS", "install", "installed"]

Handler = Callable[[AthenaResponse], "str | tuple[str, dict[str, int]]"]

SPARK_OPERATIONS: dict[str, str] = {
    "StartSession": "start_session",
    "GetSession": "get_session",
    "GetSessionStatus": "get_session_status",
    "ListSessions": "list_sessions",
    "TerminateSession": "terminate_session",
    "GetSessionEndpoint": "get_session_endpoint",
    "GetResourceDashboard": "get_resource_dashboard",
    "StartCalculationExecution": "start_calculation_execution",
    "GetCalculationExecution": "get_calculation_execution",
    "GetCalculationExecutionStatus": "get_calculation_execution_status",
    "GetCalculationExecutionCode": "get_calculation_execution_code",
    "ListCalculationExecutions": "list_calculation_executions",
    "StopCalculationExecution": "stop_calculation_execution",
}

# Operations implemented in their own modules, as functions of the service and the request parameters.
Operation = Callable[[SparkService, Mapping[str, object]], dict[str, object]]


def _extra_operations() -> dict[str, tuple[str, Operation]]:
    from .executors import op_list_executors

    return {"ListExecutors": ("list_executors", op_list_executors)}


_MARKER = "_athena_session_mcp_installed"
_install_lock = threading.Lock()
_model_lock = threading.Lock()
_model: ServiceModel | None = None


def _service_model() -> ServiceModel:
    global _model
    with _model_lock:
        if _model is None:
            _model = botocore.session.get_session().get_service_model("athena")
        return _model


def _input_shape(operation: str) -> StructureShape:
    shape = _service_model().operation_model(operation).input_shape
    assert shape is not None
    return shape


_WIRE_ATTR = "_athena_session_mcp_wire"


def _headers(response: AthenaResponse) -> dict[str, str]:
    return {str(k): str(v) for k, v in cast(Mapping[str, object], response.headers).items()}


def _wire(response: AthenaResponse) -> WireRequest:
    """The request as read once per response object (moto builds one per request). Raises
    SerializationError for a body or bound value of the wrong type."""
    cached = response.__dict__.get(_WIRE_ATTR)
    if isinstance(cached, WireRequest):
        return cached
    body = cast(object, response.body)
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else str(body or "")
    wire = read_request(
        response.method, response.raw_path, response.parsed_url.query, _headers(response), text
    )
    response.__dict__[_WIRE_ATTR] = wire
    # moto's own handlers (workgroups) read URI labels from uri_match.
    response.uri_match = dict(wire.uri_params)
    return wire


def _body_param(response: AthenaResponse, name: str) -> object:
    return _wire(response).params.get(name)


def _request_params(response: AthenaResponse, operation: str) -> dict[str, object]:
    return validate_request(_input_shape(operation), _wire(response).params)


def _service(response: AthenaResponse) -> SparkService:
    backend = response.athena_backend
    return SparkService(spark_state(backend), MotoPlatform(backend), get_clock())


def _error(error: EmulatorServiceError) -> tuple[str, dict[str, int]]:
    return error.body(), {"status": error.status}


def _spark_handler(operation: str, method: str, op: Operation | None = None) -> Handler:
    def handler(self: AthenaResponse) -> str | tuple[str, dict[str, int]]:
        try:
            params = _request_params(self, operation)
            service = _service(self)
            if op is not None:
                return json.dumps(op(service, params))
            call = cast(Callable[[Mapping[str, object]], dict[str, object]], getattr(service, f"op_{method}"))
            return json.dumps(call(params))
        except EmulatorServiceError as error:
            return _error(error)

    handler.__name__ = method
    handler.__qualname__ = f"AthenaResponse.{method}"
    return handler


def _drop_nulls(value: object) -> object:
    # moto serialises unset optional members as null; the service omits them.
    if isinstance(value, Mapping):
        items = cast(Mapping[str, object], value).items()
        return {k: _drop_nulls(v) for k, v in items if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in cast(list[object], value)]
    return value


def _wrap_create_work_group(original: Callable[[AthenaResponse], Any]) -> Handler:
    def create_work_group(self: AthenaResponse) -> str | tuple[str, dict[str, int]]:
        outcome = original(self)
        if not isinstance(outcome, str):
            return cast(tuple[str, dict[str, int]], outcome)
        backend = self.athena_backend
        name = _body_param(self, "Name")
        workgroup = backend.work_groups.get(name) if isinstance(name, str) else None
        if workgroup is not None:
            configuration = workgroup.configuration
            configuration["EngineVersion"] = engine_version_block(configuration)
            spark_state(backend).workgroup_created[workgroup.name] = get_clock().now()
        # CreateWorkGroupOutput is an empty structure.
        return "{}"

    create_work_group.__name__ = "create_work_group"
    return create_work_group


def _wrap_get_work_group(original: Callable[[AthenaResponse], Any]) -> Handler:
    def get_work_group(self: AthenaResponse) -> str | tuple[str, dict[str, int]]:
        backend = self.athena_backend
        name = _body_param(self, "WorkGroup")
        if not isinstance(name, str) or name not in backend.work_groups:
            return _error(InvalidRequestError(f"WorkGroup {name} is not found."))
        body = cast(dict[str, Any], json.loads(cast(str, original(self))))
        workgroup = cast(dict[str, Any], _drop_nulls(body["WorkGroup"]))
        configuration = cast(dict[str, object], workgroup.setdefault("Configuration", {}))
        configuration["EngineVersion"] = engine_version_block(configuration)
        created = spark_state(backend).workgroup_created.get(name)
        if created is not None:
            workgroup["CreationTime"] = created.timestamp()
        return json.dumps({"WorkGroup": workgroup})

    get_work_group.__name__ = "get_work_group"
    return get_work_group


def _wrap_list_work_groups(original: Callable[[AthenaResponse], Any]) -> Handler:
    def list_work_groups(self: AthenaResponse) -> str | tuple[str, dict[str, int]]:
        backend = self.athena_backend
        body = cast(dict[str, Any], json.loads(cast(str, original(self))))
        created_times = spark_state(backend).workgroup_created
        summaries: list[dict[str, object]] = []
        for summary in cast(list[dict[str, Any]], _drop_nulls(body.get("WorkGroups", []))):
            name = cast(str, summary["Name"])
            workgroup = backend.work_groups.get(name)
            if workgroup is not None:
                summary["EngineVersion"] = engine_version_block(
                    cast(Mapping[str, object], workgroup.configuration)
                )
            if name in created_times:
                summary["CreationTime"] = created_times[name].timestamp()
            summaries.append(summary)
        return json.dumps({"WorkGroups": summaries})

    list_work_groups.__name__ = "list_work_groups"
    return list_work_groups


def _get_action(self: AthenaResponse) -> str:
    # Replaces moto's router, which knows only the installed botocore's protocol.
    return _wire(self).operation


def _wrap_call_action(original: Callable[[AthenaResponse], Any]) -> Callable[[AthenaResponse], Any]:
    def call_action(self: AthenaResponse) -> tuple[int, dict[str, str], str]:
        try:
            wire = _wire(self)
        except EmulatorServiceError as error:
            status, extra, body = error_answer(protocol_of(_headers(self)), error)
            return status, {**self.response_headers, **extra}, body
        status, answer_headers, body = cast(tuple[int, dict[str, str], str], original(self))
        return answer_in(wire.protocol, status, answer_headers, body)

    call_action.__name__ = "call_action"
    return call_action


def _mount_every_path() -> None:
    # moto mounts Athena at "/" only (JSON 1.1); REST-JSON operations live at their own paths. Both the
    # in-process mock and the server read this table when they route a request.
    from moto.athena import urls

    urls.url_paths.setdefault("{0}/.*$", AthenaResponse.dispatch)


def installed() -> bool:
    """True once ``install()`` has patched moto in this process."""
    return bool(getattr(AthenaResponse, _MARKER, False))


def _wrap_list_tags_for_resource(original: Callable[[AthenaResponse], Any]) -> Handler:
    def list_tags_for_resource(self: AthenaResponse) -> str | tuple[str, dict[str, int]]:
        # moto answers "Does Not Exist" for a workgroup without tags; Athena answers its (empty) tag list
        # (API Reference, ListTagsForResource). FIDELITY.md, "Workgroups".
        backend = self.athena_backend
        arn = _body_param(self, "ResourceARN")
        if any(workgroup.arn == arn for workgroup in backend.work_groups.values()):
            tags = backend.list_tags_for_resource(str(arn)) or {"Tags": []}
            return json.dumps(tags)
        service = _service(self)
        for session in list(service.state.sessions.values()):
            if service.session_arn(session) == arn:  # a session's own tags (StartSession Tags)
                return json.dumps({"Tags": [{"Key": k, "Value": v} for k, v in session.tags.items()]})
        return cast(str | tuple[str, dict[str, int]], original(self))

    list_tags_for_resource.__name__ = "list_tags_for_resource"
    return list_tags_for_resource


def install() -> None:
    """Teach moto's Athena the Spark operations; safe to call any number of times."""
    with _install_lock:
        if installed():
            return
        for operation, method in SPARK_OPERATIONS.items():
            setattr(AthenaResponse, method, _spark_handler(operation, method))
        for operation, (method, op) in _extra_operations().items():
            setattr(AthenaResponse, method, _spark_handler(operation, method, op))
        wrappers: dict[str, Callable[[Callable[[AthenaResponse], Any]], Handler]] = {
            "create_work_group": _wrap_create_work_group,
            "get_work_group": _wrap_get_work_group,
            "list_work_groups": _wrap_list_work_groups,
            "list_tags_for_resource": _wrap_list_tags_for_resource,
        }
        for name, wrap in wrappers.items():
            original = cast(Callable[[AthenaResponse], Any], getattr(AthenaResponse, name))
            setattr(AthenaResponse, name, wrap(original))
        setattr(AthenaResponse, "_get_action", _get_action)  # noqa: B010  # a private method of moto's
        AthenaResponse.call_action = _wrap_call_action(AthenaResponse.call_action)  # pyright: ignore[reportAttributeAccessIssue]
        _mount_every_path()
        from .history import install_history

        install_history()
        setattr(AthenaResponse, _MARKER, True)
