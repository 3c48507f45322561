"""Health rules: pure functions from AWS responses to summaries, findings and causes (no I/O)."""
