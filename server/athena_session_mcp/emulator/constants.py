"""Names and ids shared by the emulator, its seed data and the docs."""

from __future__ import annotations

from athena_session_mcp.athena.vocabulary import PYSPARK_V3_ENGINE

from .assumptions import SPARK_35_ENGINE_VERSION

__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "DEFAULT_REGION",
    "DEMO_BUCKET",
    "DEMO_CALC_COMPLETED",
    "DEMO_CALC_FAILED",
    "DEMO_CALC_QUEUED",
    "DEMO_CALC_RUNNING",
    "DEMO_SESSION_IDS",
    "DEMO_SESSION_STATES",
    "DEMO_SPARK35_WORKGROUP",
    "DEMO_SPARK_WORKGROUP",
    "DEMO_SQL_WORKGROUP",
    "DEMO_UNENCRYPTED_WORKGROUP",
    "SECOND_ACCOUNT_ID",
    "SECOND_ACCOUNT_ROLE_ARN",
    "SECOND_ACCOUNT_SESSION_STATES",
    "SECOND_REGION",
    "SECOND_REGION_SESSION_STATES",
    "SESSION_ACCOUNT2_IDLE",
    "SESSION_ACCOUNT2_NOTEBOOK",
    "SESSION_ACCOUNT2_SPARK35_FAILED",
    "SESSION_BUSY",
    "SESSION_CREATING",
    "SESSION_DEGRADED",
    "SESSION_EU_IDLE",
    "SESSION_EU_SPARK35_FAILED",
    "SESSION_FAILED",
    "SESSION_IDLE",
    "SESSION_IDLE_NEAR_TIMEOUT",
    "SESSION_SPARK35_FAILED",
    "SESSION_SPARK35_IDLE",
    "SESSION_SPARK35_TERMINATED",
    "SESSION_TERMINATED_BY_USER",
    "SESSION_TERMINATED_IDLE",
    "SESSION_UNENCRYPTED",
    "SPARK35_ENGINE_VERSION",
    "SPARK_ENGINE_VERSION",
    "TERMINATED_PER_REQUEST_REASON",
]

DEFAULT_ACCOUNT_ID = "123456789012"  # moto's default account
DEFAULT_REGION = "us-east-1"
SPARK_ENGINE_VERSION = PYSPARK_V3_ENGINE
SPARK35_ENGINE_VERSION = SPARK_35_ENGINE_VERSION

# Documented (User Guide, "Troubleshoot session errors"): the StateChangeReason after a manual stop and
# after the idle timeout.
TERMINATED_PER_REQUEST_REASON = "Session was terminated per request."

DEMO_SPARK_WORKGROUP = "demo-spark"
DEMO_SPARK35_WORKGROUP = "demo-spark35"
# Cost-allocation tags on the demo workgroups (workgroup name -> tags).
DEMO_WORKGROUP_TAGS: dict[str, dict[str, str]] = {
    DEMO_SPARK_WORKGROUP: {"team": "analytics", "cost-center": "cc-42"},
    DEMO_SPARK35_WORKGROUP: {"team": "ml"},
}
DEMO_UNENCRYPTED_WORKGROUP = "demo-spark-unencrypted"
DEMO_SQL_WORKGROUP = "demo-sql"
DEMO_BUCKET = "athena-session-mcp-demo"

SESSION_IDLE_NEAR_TIMEOUT = "demo-idle-near-timeout"
SESSION_IDLE = "demo-idle"
SESSION_BUSY = "demo-busy"
SESSION_DEGRADED = "demo-degraded"
SESSION_FAILED = "demo-failed"
SESSION_TERMINATED_IDLE = "demo-terminated-idle"
SESSION_TERMINATED_BY_USER = "demo-terminated-by-user"
SESSION_CREATING = "demo-creating"
SESSION_UNENCRYPTED = "demo-unencrypted"
SESSION_SPARK35_IDLE = "demo-spark35-idle"
SESSION_SPARK35_TERMINATED = "demo-spark35-terminated"
SESSION_SPARK35_FAILED = "demo-spark35-failed"

DEMO_CALC_COMPLETED = "demo-idle-calc-completed"
DEMO_CALC_FAILED = "demo-idle-calc-failed"
DEMO_CALC_RUNNING = "demo-busy-calc-running"
DEMO_CALC_QUEUED = "demo-busy-calc-queued"

# The state each seeded session is in right after seeding.
DEMO_SESSION_STATES: dict[str, str] = {
    SESSION_IDLE_NEAR_TIMEOUT: "IDLE",
    SESSION_IDLE: "IDLE",
    SESSION_BUSY: "BUSY",
    SESSION_DEGRADED: "DEGRADED",
    SESSION_FAILED: "FAILED",
    SESSION_TERMINATED_IDLE: "TERMINATED",
    SESSION_TERMINATED_BY_USER: "TERMINATED",
    SESSION_CREATING: "CREATING",
    SESSION_UNENCRYPTED: "IDLE",
    SESSION_SPARK35_IDLE: "IDLE",
    SESSION_SPARK35_TERMINATED: "TERMINATED",
    SESSION_SPARK35_FAILED: "FAILED",
}
DEMO_SESSION_IDS: tuple[str, ...] = tuple(DEMO_SESSION_STATES)

# A second region, seeded with a few sessions of its own: --regions finds a session wherever it is.
SECOND_REGION = "eu-west-1"
SESSION_EU_IDLE = "demo-eu-idle"
SESSION_EU_SPARK35_FAILED = "demo-eu-spark35-failed"
SECOND_REGION_SESSION_STATES: dict[str, str] = {SESSION_EU_IDLE: "IDLE", SESSION_EU_SPARK35_FAILED: "FAILED"}

# A second account (--account): the demo workgroups in DEFAULT_REGION with sessions of both engines whose
# ids exist nowhere else, so an answer shows which account was read. moto's AssumeRole returns keys that
# moto maps to the role's account (111122223333: the account id the AWS documentation uses in examples).
SECOND_ACCOUNT_ID = "111122223333"
SECOND_ACCOUNT_ROLE_ARN = f"arn:aws:iam::{SECOND_ACCOUNT_ID}:role/athena-session-mcp-reader"
SESSION_ACCOUNT2_IDLE = "demo-account2-idle"
SESSION_ACCOUNT2_NOTEBOOK = "demo-account2-notebook"
SESSION_ACCOUNT2_SPARK35_FAILED = "demo-account2-spark35-failed"
SECOND_ACCOUNT_SESSION_STATES: dict[str, str] = {
    SESSION_ACCOUNT2_IDLE: "IDLE",
    SESSION_ACCOUNT2_NOTEBOOK: "IDLE",
    SESSION_ACCOUNT2_SPARK35_FAILED: "FAILED",
}
