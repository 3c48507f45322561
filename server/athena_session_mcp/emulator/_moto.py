"""The boundary with moto (partly untyped): backends, workgroups and S3 objects.

Everything else in the emulator talks to moto only through this module.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import cast

from moto.athena.models import AthenaBackend, athena_backends
from moto.s3.models import s3_backends
from moto.utilities.utils import get_partition

from .state import SparkState

__all__ = ["MotoPlatform", "athena_backend", "existing_backends", "put_log_events", "spark_state"]

# Attribute on the AthenaBackend instance: moto's reset() replaces the instance __dict__, so the
# Spark state disappears exactly when the rest of moto's Athena state does.
_STATE_ATTR = "_athena_session_mcp_spark_state"


def athena_backend(account_id: str, region: str) -> AthenaBackend:
    """moto's Athena backend for one account and region (created on first use)."""
    return athena_backends[account_id][region]


def existing_backends() -> Iterator[AthenaBackend]:
    """The Athena backends moto has already created, without creating new ones."""
    for account_id in list(athena_backends.keys()):
        # dict.get (not overridden) bypasses BackendDict.__getitem__, which would create backends.
        regional = athena_backends.get(account_id)
        if regional is None:
            continue
        yield from list(regional.values())


def spark_state(backend: AthenaBackend) -> SparkState:
    """The Spark state attached to ``backend``, created on first use."""
    state = backend.__dict__.get(_STATE_ATTR)
    if isinstance(state, SparkState):
        return state
    created = SparkState(account_id=backend.account_id, region=backend.region_name)
    backend.__dict__[_STATE_ATTR] = created
    return created


class MotoPlatform:
    """The service's view of moto: workgroups from the Athena backend, objects into moto S3."""

    def __init__(self, backend: AthenaBackend) -> None:
        self._backend = backend

    @property
    def account_id(self) -> str:
        return self._backend.account_id

    @property
    def region(self) -> str:
        return self._backend.region_name

    def workgroup_configuration(self, name: str) -> Mapping[str, object] | None:
        workgroup = self._backend.work_groups.get(name)
        if workgroup is None:
            return None
        return cast(Mapping[str, object], workgroup.configuration)

    def workgroup_tags(self, name: str) -> Mapping[str, str]:
        workgroup = self._backend.work_groups.get(name)
        listed = self._backend.list_tags_for_resource(workgroup.arn) if workgroup is not None else None
        return {str(t["Key"]): str(t["Value"]) for t in (listed or {}).get("Tags", [])}

    def put_object(self, uri: str, body: bytes) -> None:
        bucket, _, key = uri.removeprefix("s3://").partition("/")
        s3 = s3_backends[self.account_id][get_partition(self.region)]
        if bucket not in s3.buckets:
            s3.create_bucket(bucket, self.region)
        s3.put_object(bucket, key, body)


def put_log_events(
    account_id: str, region: str, group: str, stream: str, events: list[dict[str, object]]
) -> None:
    """Append events ({"timestamp": epoch ms, "message": str}, in order) to a CloudWatch Logs stream in moto,
    creating the group and stream if needed. Goes below moto's PutLogEvents check that rejects events
    older than 14 days (real time), so seeded logs follow the emulator's clock, frozen or not."""
    from moto.logs.models import logs_backends

    backend = logs_backends[account_id][region]
    if group not in backend.groups:
        backend.create_log_group(group, {})
    log_group = backend.groups[group]
    if stream not in log_group.streams:
        backend.create_log_stream(group, stream)
    log_group.put_log_events(stream, events)
