"""Pure rules about a session's health: no I/O."""
