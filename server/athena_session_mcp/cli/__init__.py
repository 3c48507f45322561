"""Command line: serve, tools, call, emulator, demo."""
