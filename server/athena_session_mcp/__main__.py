"""`python -m athena_session_mcp` - the same entry point as the console script."""

from athena_session_mcp.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
