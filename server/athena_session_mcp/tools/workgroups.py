"""list_spark_workgroups: the workgroups where Spark sessions live (ListWorkGroups, Spark engines only)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

from mcp.server.mcpserver.tools import Tool
from pydantic import Field

from athena_session_mcp.athena.responses import as_datetime, as_str, clip, iso_or_none
from athena_session_mcp.athena.vocabulary import (
    Engine,
    engine_kind,
)
from athena_session_mcp.health.models import (
    OutModel,
)
from athena_session_mcp.health.untrusted import UNTRUSTED_TEXT
from athena_session_mcp.tools import Deps, make_tool, read_only
from athena_session_mcp.tools.args import (
    AccountArg,
)
from athena_session_mcp.tools.common import engine_version
from athena_session_mcp.tools.reads import spark_workgroup_page


class WorkgroupRow(OutModel):
    """One Apache Spark workgroup."""

    name: str
    state: str | None = None
    description: str | None = Field(None, description=UNTRUSTED_TEXT)
    engine_version: str | None = None
    engine_kind: Engine | None = Field(None, description="spark-3.5 has no Calculation APIs.")
    created_at: str | None = None


class ListSparkWorkgroupsResult(OutModel):
    """Result of list_spark_workgroups: the workgroups whose engine is Apache Spark."""

    workgroups: list[WorkgroupRow] = Field(default_factory=list[WorkgroupRow])
    returned: int
    workgroups_scanned: int
    other_engine_count: int
    pages_read: int
    next_token: str | None = None
    truncated: bool
    hint: str


if TYPE_CHECKING:
    pass

PAGE_SIZE = (
    25  # the same for every call, so Athena's NextToken is always used with the page size it came from
)
MAX_PAGES = 40  # at most 1,000 workgroups scanned per call
# Spark workgroups per answer: the scan reads another page only while a whole page of Spark ones would still
# fit, so it stops at a page boundary and Athena's NextToken continues it exactly.
MAX_WORKGROUP_ROWS = 50

# ListWorkGroups' NextToken is 1-1024 characters (ListSessions' is up to 2048).
WorkgroupsNextTokenArg = Annotated[
    str | None,
    Field(
        min_length=1,
        max_length=1024,
        description="A previous truncated answer's next_token; omit to start.",
    ),
]


def workgroup_row(item: Mapping[str, Any]) -> WorkgroupRow:
    version = engine_version(item)
    return WorkgroupRow(
        name=as_str(item.get("Name")) or "",
        state=as_str(item.get("State")),
        description=clip(as_str(item.get("Description")), 160),
        engine_version=version,
        engine_kind=engine_kind(version),
        created_at=iso_or_none(as_datetime(item.get("CreationTime"))),
    )


def build(base: Deps) -> list[Tool]:
    async def list_spark_workgroups(
        NextToken: WorkgroupsNextTokenArg = None, Account: AccountArg = None
    ) -> ListSparkWorkgroupsResult:
        """List the Amazon Athena workgroups whose engine is Apache Spark (ListWorkGroups, SQL ones skipped).

        Each with its engine: pyspark-v3 (calculations) or spark-3.5 (Spark Connect, no Calculation APIs).
        Up to 50 per call; if `truncated`, pass next_token as NextToken. Read-only.
        """
        deps = base.in_account(Account)
        token = NextToken
        pages = 0
        spark: list[WorkgroupRow] = []
        scanned = 0
        while True:
            items, count, token = await spark_workgroup_page(deps, token, PAGE_SIZE)
            pages += 1
            scanned += count
            spark += [workgroup_row(item) for item in items]
            if token is None or pages >= MAX_PAGES or len(spark) + PAGE_SIZE > MAX_WORKGROUP_ROWS:
                break
        if token is not None:
            hint = (
                f"Stopped after scanning {scanned} workgroups ({len(spark)} Spark). Pass next_token as NextToken "
                "to continue the scan."
            )
        elif spark:
            hint = "Pass a workgroup name as WorkGroup to list_athena_sessions or summarize_athena_workgroup_sessions."
        else:
            hint = (
                "No Apache Spark workgroups in this region. Check --region/AWS_REGION, or create one with "
                "an Apache Spark engine version ('Apache Spark version 3.5' or 'PySpark engine version 3')."
            )
        return ListSparkWorkgroupsResult(
            workgroups=spark,
            returned=len(spark),
            workgroups_scanned=scanned,
            other_engine_count=scanned - len(spark),
            pages_read=pages,
            next_token=token,
            truncated=token is not None,
            hint=hint,
        )

    return [make_tool(list_spark_workgroups, read_only("List Athena Spark workgroups"))]
