"""MCP server that lets AI assistants inspect Amazon Athena Spark sessions."""

# The one place that holds the version: pyproject.toml reads it (hatch dynamic version), and
# tests/test_release.py checks that server.json and CHANGELOG.md agree with it.
__version__ = "0.1.0"

__all__ = ["__version__"]
