"""Logging to stderr only (stdout carries the MCP protocol), quiet by default."""

from __future__ import annotations

import logging
import sys

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def configure_logging(level: str = "WARNING") -> None:
    """Our loggers at `level`; botocore/urllib3 never below WARNING, since their DEBUG output carries
    request headers (signatures, session tokens)."""
    level = level.upper() if level.upper() in LEVELS else "WARNING"
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(max(logging.WARNING, logging.getLevelNamesMapping()[level]))
    for name in ("athena_session_mcp", "mcp"):
        logging.getLogger(name).setLevel(level)
    for name in ("botocore", "boto3", "urllib3", "s3transfer", "werkzeug", "moto"):
        logging.getLogger(name).setLevel(logging.WARNING)
