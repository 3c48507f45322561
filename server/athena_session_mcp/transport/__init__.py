"""Transports: stdio and streamable HTTP, their guards, and argument validation."""
