"""Argument types shared by the tools. They mirror the Athena API's spelling and constraints (botocore's
service model; tests keep them in step), except where a page must fit the output budget (MaxResults).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from athena_session_mcp.athena.vocabulary import (
    CalculationState,
    ExecutorState,
    SessionState,
)

# Mirrors botocore's GetSessionRequest.SessionId (string, 1-256); a test keeps them in step.
# Offered only when the server declares accounts (--account); tools/accounts.py makes it an enum of their names.
AccountArg = Annotated[
    str | None,
    Field(description="One of the accounts this server declares; leave out for the server's own account."),
]

SessionIdArg = Annotated[
    str,
    Field(
        min_length=1,
        max_length=256,
        description="The session ID, as list_athena_sessions or StartSession return it.",
    ),
]

# The API's pattern is unanchored in botocore's model but means the whole name; anchor it so pydantic
# and JSON Schema validators (which search) check the whole value.
WorkGroupArg = Annotated[
    str,
    Field(
        pattern=r"^[a-zA-Z0-9._-]{1,128}$",
        description="Spark workgroup name, case-sensitive; list_spark_workgroups lists them.",
    ),
]

SessionStateFilterArg = Annotated[
    SessionState | None,
    Field(
        description=(
            "Only sessions in this state. Omitted, Athena lists only active sessions (like CREATING, "
            "CREATED, IDLE, BUSY): ended ones need StateFilter TERMINATED or FAILED."
        ),
    ),
]

CalculationStateFilterArg = Annotated[
    CalculationState | None,
    Field(
        description="Only calculations in this state; omit for every state.",
    ),
]

# Rows per answer: at most a page, and a page at most this many rows, so that a page of the longest rows
# (every text at its clip length) stays within the output budget (tests/test_budget.py).
MAX_SESSION_ROWS = 30

MAX_CALCULATION_ROWS = 40

MAX_EXECUTOR_ROWS = 80

SessionsMaxResultsArg = Annotated[
    int,
    Field(ge=1, le=MAX_SESSION_ROWS, description="Page size; Athena may return fewer."),
]

CalculationsMaxResultsArg = Annotated[
    int,
    Field(ge=1, le=MAX_CALCULATION_ROWS, description="Page size; Athena may return fewer."),
]

ExecutorsMaxResultsArg = Annotated[
    int,
    Field(ge=1, le=MAX_EXECUTOR_ROWS, description="Page size; Athena may return fewer."),
]

NextTokenArg = Annotated[
    str | None,
    Field(
        max_length=2048,
        description="A previous answer's next_token, with the same other arguments; omit for the first page.",
    ),
]

CalculationExecutionIdArg = Annotated[
    str,
    Field(
        min_length=1,
        max_length=36,
        description="The calculation ID (not the session ID), as list_athena_calculations returns it.",
    ),
]

ExecutorStateFilterArg = Annotated[
    ExecutorState | None,
    Field(
        description="Only executors in this state; omit for every state.",
    ),
]
