"""MCP server that lets AI assistants inspect Amazon Athena Spark sessions."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("athena-session-mcp")
except PackageNotFoundError:  # pragma: no cover - only when run from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
