"""The triage corpus: realistic Athena Spark failures, run end to end through the emulator."""
