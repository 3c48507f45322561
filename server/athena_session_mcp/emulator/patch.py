"""Hook the Spark operations into moto's Athena responses (in-process and server mode alike).

moto dispatches awsJson actions to ``AthenaResponse.<snake_case_name>``; ``install`` adds the
missing Spark operations there and wraps the workgroup operations so they report engine versions.
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
from .errors import EmulatorServiceError, InvalidRequestError, SerializationError
from .service import SparkService
from .validation import validate_request
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


def _decoded_body(response: AthenaResponse) -> object:
    body = cast(object, response.body)
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    text = body if isinstance(body, str) else ""
    try:
        return cast(object, json.loads(text)) if text.strip() else dict[str, object]()
    except ValueError as error:
        raise SerializationError("The request body is not valid JSON.") from error


def _body_param(response: AthenaResponse, name: str) -> object:
    try:
        body = _decoded_body(response)
    except SerializationError:
        return None
    return cast(Mapping[str, object], body).get(name) if isinstance(body, Mapping) else None


def _request_params(response: AthenaResponse, operation: str) -> dict[str, object]:
    return validate_request(_input_shape(operation), _decoded_body(response))


def _service(response: AthenaResponse) -> SparkService:
    backend = response.athena_backend
    return SparkService(spark_state(backend), MotoPlatform(backend), get_clock())


def _error(error: EmulatorServiceError) -> tuple[str, dict[str, int]]:
    return error.body(), {"status": error.status}


def _spark_handler(operation: str, method: str) -> Handler:
    def handler(self: AthenaResponse) -> str | tuple[str, dict[str, int]]:
        try:
            params = _request_params(self, operation)
            service = _service(self)
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


def installed() -> bool:
    """True once ``install()`` has patched moto in this process."""
    return bool(getattr(AthenaResponse, _MARKER, False))


def install() -> None:
    """Teach moto's Athena the Spark operations; safe to call any number of times."""
    with _install_lock:
        if installed():
            return
        for operation, method in SPARK_OPERATIONS.items():
            setattr(AthenaResponse, method, _spark_handler(operation, method))
        wrappers: dict[str, Callable[[Callable[[AthenaResponse], Any]], Handler]] = {
            "create_work_group": _wrap_create_work_group,
            "get_work_group": _wrap_get_work_group,
            "list_work_groups": _wrap_list_work_groups,
        }
        for name, wrap in wrappers.items():
            original = cast(Callable[[AthenaResponse], Any], getattr(AthenaResponse, name))
            setattr(AthenaResponse, name, wrap(original))
        setattr(AthenaResponse, _MARKER, True)
