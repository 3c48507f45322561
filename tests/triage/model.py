"""What a triage case is: a failure as the service shows it (reasons), S3 (stderr) and CloudWatch (driver logs)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Engine = Literal["pyspark-v3", "spark-3.5"]
End = Literal["active", "failed", "terminated-idle", "terminated-request"]
# The top-1 code when the diagnosis names no cause at all (a healthy session).
NO_CAUSE = "NONE"


@dataclass(frozen=True, slots=True)
class Calc:
    """One calculation. `reason` set: it ends FAILED with that StateChangeReason. `cut`: it runs until the
    session fails and ends FAILED then (the service gives no reason of its own; its stderr says why)."""

    stderr: str = ""
    reason: str | None = None
    cut: bool = False
    code: str = "df.show()"


COMPLETED = Calc(stderr="", reason=None)


@dataclass(frozen=True, slots=True)
class Case:
    """A failure, what the diagnosis must rank first with and without --allow-sensitive-data-access, and
    where the shape of its messages comes from."""

    name: str
    category: str
    source: str
    expected: str  # top-1 cause code with the flag
    without_flag: str  # top-1 cause code without it (metadata only)
    engine: Engine = "pyspark-v3"
    calculations: tuple[Calc, ...] = ()
    session_reason: str | None = None  # the session FAILED with this StateChangeReason
    logs: tuple[str, ...] = ()  # driver log lines "LEVEL logger: text", written when the failure happened
    end: End = "active"

    @property
    def metadata_names_it(self) -> bool:
        """Whether the service's metadata alone names the failure (the answer without the flag is the same)."""
        return self.expected == self.without_flag
