"""diagnose_athena_session's reads: everything a diagnosis looks at, read first into one typed record
(DiagnosisReads), with a gap for each part that could not be read (the missing IAM action or setting);
deciding happens afterwards, in health/diagnosis.py and health/causes.py."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from mcp.server.mcpserver import Context

from athena_session_mcp.athena.job_output import LogLine, LogScan, list_streams, scan_errors
from athena_session_mcp.athena.responses import as_datetime, as_map, as_str, iso_or_none
from athena_session_mcp.athena.vocabulary import engine_kind, session_arn, supports_calculations
from athena_session_mcp.health.diagnosis import failed_first
from athena_session_mcp.health.models import SessionSummary
from athena_session_mcp.health.session import summarize_session
from athena_session_mcp.tools import Deps
from athena_session_mcp.tools.common import learn_session_engine
from athena_session_mcp.tools.diagnose_models import ExecutorOverview
from athena_session_mcp.tools.job_content import SENSITIVE_HINT, ShownTail, quietly, read_object_tail
from athena_session_mcp.tools.models import Gap
from athena_session_mcp.tools.reads import executor_counts, executor_row, locate_session, read_executors

if TYPE_CHECKING:
    from types_boto3_athena import AthenaClient
    from types_boto3_athena.type_defs import (
        GetCalculationExecutionResponseTypeDef,
        ListCalculationExecutionsResponseTypeDef,
    )

RECENT_CALCULATIONS = 20
FAILED_WITH_OUTPUT = 3  # failed calculations whose stderr/stdout tails are read
# Logs are searched from a little before the session started to a little after it ended (or now),
# and never over more than a day.
LOG_WINDOW_MARGIN = timedelta(minutes=5)
LOG_WINDOW_MAX = timedelta(hours=24)
STEPS = 5
_EPOCH = datetime.min.replace(tzinfo=UTC)


@dataclass
class DiagnosisReads:
    """Everything a diagnosis read, and what it could not (gaps), before anything is decided."""

    session_id: str
    response: Mapping[str, Any]  # GetSession, cleaned at the door
    here: Deps  # the region (and account) where the session was found
    summary: SessionSummary
    role: str | None = None
    executors: ExecutorOverview | None = None
    calculations_apply: bool = False
    calculations_read: bool = False
    calculations: list[Mapping[str, Any]] = field(default_factory=list[Mapping[str, Any]])  # failed first
    details: dict[str, Mapping[str, Any]] = field(default_factory=dict[str, Mapping[str, Any]])
    tails: dict[tuple[str, str], ShownTail] = field(default_factory=dict[tuple[str, str], ShownTail])
    cloudwatch_on: bool = False
    log_group: str | None = None
    stream_prefix: str = ""
    window_start: datetime = _EPOCH
    window_end: datetime = _EPOCH
    other_destinations: list[str] = field(default_factory=list[str])
    streams: list[str] = field(default_factory=list[str])
    log_lines: list[LogLine] = field(default_factory=list[LogLine])
    log_scan: LogScan | None = None
    spark_35: bool = False
    spark_ui_url: str | None = None
    gaps: list[Gap] = field(default_factory=list[Gap])


async def read_for_diagnosis(deps: Deps, session_id: str, ctx: Context) -> DiagnosisReads:
    """Read what a diagnosis of `session_id` needs, in the region and account that has it, reporting
    progress; every read that fails or is not allowed becomes a gap, never an error (GetSession aside)."""
    sensitive = deps.settings.allow_sensitive_data_access
    await ctx.report_progress(0, STEPS, "Reading the session (GetSession)")
    response, here = await locate_session(deps, session_id)
    region = here.gateway.region
    now = here.clock()
    # Same engine rule as get_athena_session: a response without EngineVersion asks the workgroup, so a
    # Calculation API is never called on an Apache Spark version 3.5 session.
    engine = await learn_session_engine(here, session_id, response)
    summary = summarize_session(
        response, now=now, price_per_dpu_hour=here.settings.dpu_hour_price, engine_version=engine
    )
    status = as_map(response.get("Status"))
    session_config = as_map(response.get("SessionConfiguration"))
    workgroup = summary.workgroup
    role = as_str(session_config.get("ExecutionRole"))
    gathered = DiagnosisReads(session_id=session_id, response=response, here=here, summary=summary)

    # --- Executors ---------------------------------------------------------------------------
    await ctx.report_progress(1, STEPS, "Listing executors (ListExecutors)")
    listed = await quietly(
        gathered.gaps,
        lambda: read_executors(here, session_id, max_results=100),
        what="executors",
        action="athena:ListExecutors",
        resource=f"the workgroup {workgroup}",
        region=region,
    )
    if listed is not None:
        rows = [executor_row(item) for item in listed.get("ExecutorsSummary", [])]
        gathered.executors = ExecutorOverview(
            read=True,
            counts=executor_counts(rows),
            failed=[row for row in rows if row.state == "FAILED"][:10],
            complete=not listed.get("NextToken"),
        )

    # --- Calculations (PySpark engine version 3 only) ------------------------------------------
    await ctx.report_progress(2, STEPS, "Reading recent calculations")
    calculations_apply = supports_calculations(summary.engine_version)
    if calculations_apply:

        def list_calcs(client: AthenaClient) -> ListCalculationExecutionsResponseTypeDef:
            return client.list_calculation_executions(SessionId=session_id, MaxResults=RECENT_CALCULATIONS)

        page = await quietly(
            gathered.gaps,
            lambda: here.gateway.call(
                list_calcs, action="athena:ListCalculationExecutions", what=f"Session {session_id!r}"
            ),
            what="calculations",
            action="athena:ListCalculationExecutions",
            resource=f"the workgroup {workgroup}",
            region=region,
        )
        if page is not None:
            gathered.calculations_read = True
            gathered.calculations = failed_first(list(page.get("Calculations", [])))
        failed_ids = [
            str(item.get("CalculationExecutionId"))
            for item in gathered.calculations
            if as_str(as_map(item.get("Status")).get("State")) == "FAILED"
        ][:FAILED_WITH_OUTPUT]
        for calc_id in failed_ids:

            async def get_calc(calc_id: str = calc_id) -> GetCalculationExecutionResponseTypeDef:
                return await here.gateway.call(
                    lambda client: client.get_calculation_execution(CalculationExecutionId=calc_id),
                    action="athena:GetCalculationExecution",
                    what=f"Calculation {calc_id!r}",
                )

            detail = await quietly(
                gathered.gaps,
                get_calc,
                what=f"result locations of calculation {calc_id}",
                action="athena:GetCalculationExecution",
                resource=f"the workgroup {workgroup}",
                region=region,
            )
            if detail is not None:
                gathered.details[calc_id] = detail
        if sensitive:
            for calc_id, detail in gathered.details.items():
                result = as_map(detail.get("Result"))
                for stream, key in (("stderr", "StdErrorS3Uri"), ("stdout", "StdOutS3Uri")):
                    tail = await read_object_tail(
                        here,
                        gathered.gaps,
                        as_str(result.get(key)),
                        what=f"{stream} of calculation {calc_id}",
                    )
                    if tail is not None:
                        gathered.tails[(calc_id, stream)] = tail

    # --- Logs ------------------------------------------------------------------------------------
    await ctx.report_progress(3, STEPS, "Looking at the session's logs (CloudWatch Logs)")
    monitoring = as_map(response.get("MonitoringConfiguration"))
    cloudwatch = as_map(monitoring.get("CloudWatchLoggingConfiguration"))
    cloudwatch_on = cloudwatch.get("Enabled") is True
    log_group = as_str(cloudwatch.get("LogGroup")) or (f"/aws-athena/{workgroup}" if workgroup else None)
    # Streams are named <session id>/<executor id>/<uuid> (User Guide, "Log Spark application events");
    # with a configured LogStreamNamePrefix that prefix is assumed to come first. Searching by the
    # session's own prefix keeps other sessions' streams (and errors) out in a busy workgroup.
    stream_prefix = (as_str(cloudwatch.get("LogStreamNamePrefix")) or "") + f"{session_id}/"
    started = as_datetime(status.get("StartDateTime"))
    ended = as_datetime(status.get("EndDateTime"))
    window_end = (ended or now) + LOG_WINDOW_MARGIN
    window_start = max((started or now) - LOG_WINDOW_MARGIN, window_end - LOG_WINDOW_MAX)
    other_destinations = [
        d for d in summary.config.logging_destinations or [] if not d.startswith("cloudwatch:")
    ]
    if not cloudwatch_on:
        said = "MonitoringConfiguration" in response
        gathered.gaps.append(
            Gap(
                what="driver and executor logs",
                fix=(
                    "CloudWatch logging is not enabled for this session"
                    if said
                    else "The GetSession response does not say whether CloudWatch logging is on"
                )
                + ": enable MonitoringConfiguration.CloudWatchLoggingConfiguration on the workgroup (or at "
                "StartSession) so sessions' driver and executor logs can be read.",
            )
        )
    elif log_group is not None:
        resource = f"arn:aws:logs:{region or 'REGION'}:ACCOUNT:log-group:{log_group}:*"
        group = log_group
        streams = await quietly(
            gathered.gaps,
            lambda: here.gateway.run(
                lambda: list_streams(here.gateway.logs(), group, stream_prefix, session_id)
            ),
            what="log stream names",
            action="logs:DescribeLogStreams",
            resource=resource,
            region=region,
        )
        gathered.streams = list(streams or [])
        if sensitive:
            start_ms = int(window_start.timestamp() * 1000)
            end_ms = int(window_end.timestamp() * 1000)
            scan = await quietly(
                gathered.gaps,
                lambda: here.gateway.run(
                    lambda: scan_errors(
                        here.gateway.logs(),
                        group,
                        stream_prefix,
                        session_id,
                        start_ms=start_ms,
                        end_ms=end_ms,
                    )
                ),
                what="error lines of the driver and executor logs",
                action="logs:FilterLogEvents",
                resource=resource,
                region=region,
            )
            if scan is not None:
                gathered.log_lines = scan.lines
                gathered.log_scan = scan
                gap = _scan_gap(scan, group, stream_prefix, window_start)
                if gap is not None:
                    gathered.gaps.append(gap)

    # --- Spark UI (Apache Spark version 3.5) -------------------------------------------------------
    await ctx.report_progress(4, STEPS, "Spark UI link and likely causes")
    spark_35 = engine_kind(summary.engine_version) == "spark-3.5"
    if spark_35 and sensitive:
        arn = session_arn(region, role, workgroup, session_id)
        if arn is None:
            gathered.gaps.append(
                Gap(
                    what="Spark UI link",
                    fix="The session's ARN could not be formed (no execution role ARN).",
                )
            )
        else:
            dashboard = await quietly(
                gathered.gaps,
                lambda: here.gateway.call(
                    lambda client: client.get_resource_dashboard(ResourceARN=arn),
                    action="athena:GetResourceDashboard",
                    what=f"Session {session_id!r}",
                ),
                what="Spark UI link",
                action="athena:GetResourceDashboard",
                resource=f"the workgroup {workgroup}",
                region=region,
            )
            if dashboard is not None:
                gathered.spark_ui_url = as_str(dashboard.get("Url"))
    if not sensitive:
        shown = "stderr/stdout tails, log lines" + (" and the Spark UI link" if spark_35 else "")
        gathered.gaps.append(Gap(what=f"{shown} (job content)", fix=SENSITIVE_HINT))
    gathered.role = role
    gathered.calculations_apply = calculations_apply
    gathered.cloudwatch_on = cloudwatch_on
    gathered.log_group = log_group
    gathered.stream_prefix = stream_prefix
    gathered.window_start = window_start
    gathered.window_end = window_end
    gathered.other_destinations = other_destinations
    gathered.spark_35 = spark_35
    return gathered


def _scan_gap(scan: LogScan, group: str, prefix: str, window_start: datetime) -> Gap | None:
    """A gap when the log scan did not cover the whole window, or kept only the newest matching events."""
    where = f"log group {group}, streams {prefix}*"
    if not scan.complete and scan.unread_before_ms is not None:
        return Gap(
            what="part of the driver and executor logs",
            fix=(
                f"The error scan stopped after {scan.pages} page(s) (page and time budget): events from "
                f"{iso_or_none(window_start)} to {iso_ms(scan.unread_before_ms)} were not read. Search them in "
                f"CloudWatch Logs ({where})."
            ),
        )
    if scan.dropped or scan.unread_before_ms is not None:
        before = f" before {iso_ms(scan.unread_before_ms)}" if scan.unread_before_ms is not None else ""
        return Gap(
            what="older error lines of the driver and executor logs",
            fix=(
                f"Only the newest {len(scan.lines)} matching events were kept; older ones{before} are in "
                f"CloudWatch Logs ({where})."
            ),
        )
    return None


def iso_ms(millis: int) -> str:
    return iso_or_none(datetime.fromtimestamp(millis / 1000, UTC)) or ""
