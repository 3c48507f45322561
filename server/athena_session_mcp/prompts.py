"""The diagnose_athena_session prompt: a checklist that walks a model through one session's health."""

from __future__ import annotations

import inspect

from mcp.server.mcpserver import MCPServer

from athena_session_mcp.models import SessionIdArg

_STEPS = """\
Diagnose the Amazon Athena Spark session {session_id!r} and recommend the next step.

1. Call get_athena_session with SessionId {session_id!r}. Note state, phase, healthy,
   accepting_calculations, the state change reason, the idle-timeout countdown, DPU-hours and the
   estimated cost, and every finding (they are ordered most severe first).
2. Call list_athena_calculations with SessionId {session_id!r} (newest first). If any failed, call it
   again with StateFilter FAILED.
3. For the most recent failed or still running calculation, call get_athena_calculation with its
   CalculationExecutionId (IncludeCode true if the code may be at fault). Read state_change_reason
   and findings; a failed calculation names its stderr S3 URI.
4. Decide and explain, in a few sentences:
   - FAILED or DEGRADED session: it cannot be trusted with more work. Recommend starting a new session
     after addressing the cause (reason, failed calculations' stderr).
   - IDLE close to its idle timeout: submit the next calculation now or let it end.
   - IDLE for long with nothing to run: recommend terminating it to stop the cost.
   - BUSY: report the running calculation's progress; wait before submitting more work.
   - CREATING/CREATED: poll get_athena_session_status until IDLE.
   - TERMINATED: it is over; summarize why and whether a new session is needed.
Do not terminate anything yourself unless the user asks; costs shown are estimates, not bills.
"""


def register(server: MCPServer) -> None:
    def diagnose_athena_session(SessionId: SessionIdArg) -> str:
        """Walk through checking one Athena Spark session: its health, its recent calculations, and the
        next step to take."""
        return _STEPS.format(session_id=SessionId)

    server.prompt(
        name="diagnose_athena_session",
        title="Diagnose an Athena Spark session",
        description=inspect.cleandoc(diagnose_athena_session.__doc__ or ""),
    )(diagnose_athena_session)
