"""A session's configuration as the model sees it (encryption, logging, working directory, counts of
Spark settings, never their values) and the findings it supports while the session runs. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from athena_session_mcp.athena.responses import as_map, as_str, format_duration
from athena_session_mcp.health.models import Finding, SessionConfigSummary
from athena_session_mcp.health.timing import idle_timeout


def logging_of(
    response: Mapping[str, Any],
) -> tuple[list[str], Literal["enabled", "disabled", "not_reported"]]:
    """Enabled destinations, and whether logging is on, said to be off, or not reported at all."""
    monitoring = as_map(response.get("MonitoringConfiguration"))
    destinations: list[str] = []
    said_off = False
    cloudwatch = as_map(monitoring.get("CloudWatchLoggingConfiguration"))
    s3 = as_map(monitoring.get("S3LoggingConfiguration"))
    managed = as_map(monitoring.get("ManagedLoggingConfiguration"))
    for config, name in ((cloudwatch, "cloudwatch"), (s3, "s3"), (managed, "managed")):
        enabled = config.get("Enabled")
        said_off = said_off or enabled is False
        if enabled is not True:
            continue
        if name == "cloudwatch":
            destinations.append(f"cloudwatch:{as_str(cloudwatch.get('LogGroup')) or '(default log group)'}")
        elif name == "s3":
            destinations.append(as_str(s3.get("LogLocation")) or "s3:(default location)")
        else:
            destinations.append("managed")
    if destinations:
        return destinations, "enabled"
    return [], "disabled" if said_off else "not_reported"


def config_summary(response: Mapping[str, Any]) -> SessionConfigSummary:
    session_config = as_map(response.get("SessionConfiguration"))
    encryption = as_map(session_config.get("EncryptionConfiguration"))
    engine = as_map(response.get("EngineConfiguration"))
    destinations, logging = logging_of(response)
    return SessionConfigSummary(
        execution_role_arn=as_str(session_config.get("ExecutionRole")),
        encryption_option=as_str(encryption.get("EncryptionOption")),
        kms_key_configured=as_str(encryption.get("KmsKey")) is not None,
        working_directory=as_str(session_config.get("WorkingDirectory")),
        logging_destinations=destinations,
        logging=logging,
        spark_properties_count=len(as_map(engine.get("SparkProperties"))),
        additional_configs_count=len(as_map(engine.get("AdditionalConfigs"))),
    )


# --- What to do next, per engine --------------------------------------------------------------------


def config_findings(
    config: SessionConfigSummary, session_config: Mapping[str, Any], alive: bool
) -> list[Finding]:
    """Configuration findings matter only while the session runs, and only from what the response says."""
    if not alive:
        return []
    findings: list[Finding] = []
    if config.encryption_option in ("SSE_KMS", "CSE_KMS") and not config.kms_key_configured:
        findings.append(
            Finding(
                severity="warning",
                code="KMS_KEY_MISSING",
                message=f"Encryption is {config.encryption_option} but the response names no KMS key.",
                suggestion="Set the workgroup's KmsKey so results are encrypted with the intended key.",
            )
        )
    if config.logging == "disabled":
        findings.append(
            Finding(
                severity="info",
                code="NO_LOGGING",
                message="MonitoringConfiguration says no CloudWatch, S3 or managed logging is enabled.",
                suggestion="Enable MonitoringConfiguration logging so failures can be diagnosed from driver logs.",
            )
        )
    timeout, _, disagreeing = idle_timeout(session_config)
    if timeout is not None and disagreeing is not None:
        findings.append(
            Finding(
                severity="info",
                code="IDLE_TIMEOUT_FIELDS_DISAGREE",
                message=(
                    f"SessionIdleTimeoutInMinutes says {format_duration(timeout)} but IdleTimeoutSeconds says "
                    f"{format_duration(disagreeing)}; the countdown uses SessionIdleTimeoutInMinutes, the "
                    "value StartSession sets."
                ),
                suggestion=(
                    "Treat the countdown as approximate; the session's real end shows in get_athena_session_status."
                ),
            )
        )
    return findings
