"""Offline Amazon Athena Spark emulator built on moto.

moto implements none of Athena's Spark session/calculation API; ``install()`` adds it to moto's
Athena backend, in-process (``moto.mock_aws()``) and in moto's HTTP server alike. Importing this
package starts nothing and does not import moto.

Typical in-process use::

    from athena_session_mcp import emulator

    emulator.install()
    with moto.mock_aws():
        emulator.seed_demo()
        client = boto3.client("athena", region_name="us-east-1")
        client.get_session(SessionId=emulator.SESSION_IDLE)

HTTP use: ``with EmulatorServer() as server: boto3.client("athena", endpoint_url=server.endpoint_url)``
or the blocking ``run_emulator(port=...)``.

Time is emulated by ``get_clock()`` (real time by default); tests ``freeze``/``advance`` it.
"""

from __future__ import annotations

from collections.abc import Generator
from contextlib import contextmanager
from datetime import datetime

from . import constants
from .canned import CannedResult, clear_canned_results, register_canned_result
from .clock import Clock, get_clock
from .constants import *  # noqa: F403  # re-exported: the names are listed once, in constants.__all__
from .control import inject_session_degraded, inject_session_failure, recover_session
from .seed import seed_demo
from .server import EmulatorServer, run_emulator
from .workgroups import is_spark_engine

__all__ = [
    "CannedResult",
    "Clock",
    "EmulatorServer",
    "clear_canned_results",
    "get_clock",
    "inject_session_degraded",
    "inject_session_failure",
    "install",
    "installed",
    "is_spark_engine",
    "recover_session",
    "register_canned_result",
    "run_emulator",
    "seed_demo",
    "seeded_in_process",
]
__all__ += constants.__all__


def install() -> None:
    """Patch moto's Athena with the Spark session/calculation API (idempotent).

    Call before ``mock_aws()`` requests or starting a moto server in this process.
    """
    from .patch import install as _install  # lazy: plain imports of the package must not load moto

    _install()


def installed() -> bool:
    """True once ``install()`` has run in this process."""
    from .patch import installed as _installed

    return _installed()


@contextmanager
def seeded_in_process(frozen_at: datetime) -> Generator[None]:
    """The seeded demo in this process (``moto.mock_aws()``), its clock frozen at ``frozen_at``: boto3
    clients created inside reach it, and every answer is the same on every run. Afterwards the clock runs
    in real time again and no canned result is left behind."""
    from moto import mock_aws  # lazy: plain imports of the package must not load moto

    install()
    clock = get_clock()
    clock.freeze(frozen_at)
    try:
        with mock_aws():
            seed_demo()
            yield
    finally:
        clock.reset()
        clear_canned_results()
