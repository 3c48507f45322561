"""Workgroup helpers: telling Spark workgroups from SQL ones, result locations, engine versions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from athena_session_mcp.athena.vocabulary import SQL_ENGINE, is_spark_engine

__all__ = [
    "SQL_ENGINE_VERSION",
    "effective_engine_version",
    "engine_version_block",
    "is_spark_engine",
    "results_location",
]

SQL_ENGINE_VERSION = SQL_ENGINE


def _mapping(value: object) -> Mapping[str, object]:
    if isinstance(value, Mapping):
        return cast(Mapping[str, object], value)
    return {}


def engine_version_block(configuration: Mapping[str, object]) -> dict[str, str]:
    """The workgroup's EngineVersion with EffectiveEngineVersion filled in as the service reports it."""
    block = _mapping(configuration.get("EngineVersion"))
    selected = block.get("SelectedEngineVersion")
    effective = block.get("EffectiveEngineVersion")
    selected_text = selected if isinstance(selected, str) and selected else "AUTO"
    if not isinstance(effective, str) or not effective:
        effective = SQL_ENGINE_VERSION if selected_text == "AUTO" else selected_text
    return {"SelectedEngineVersion": selected_text, "EffectiveEngineVersion": effective}


def effective_engine_version(configuration: Mapping[str, object]) -> str:
    """The engine a workgroup actually runs."""
    return engine_version_block(configuration)["EffectiveEngineVersion"]


def results_location(configuration: Mapping[str, object], account_id: str, region: str) -> str:
    """The workgroup's OutputLocation ending in '/', or the service's default results bucket."""
    location = _mapping(configuration.get("ResultConfiguration")).get("OutputLocation")
    if not isinstance(location, str) or not location.startswith("s3://"):
        location = f"s3://aws-athena-query-results-{account_id}-{region}/"
    return location if location.endswith("/") else location + "/"


def result_encryption(configuration: Mapping[str, object]) -> dict[str, object] | None:
    """A copy of the workgroup's result EncryptionConfiguration, if it has one."""
    encryption = _mapping(_mapping(configuration.get("ResultConfiguration")).get("EncryptionConfiguration"))
    if not isinstance(encryption.get("EncryptionOption"), str):
        return None
    return dict(encryption)
