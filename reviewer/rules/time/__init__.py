"""time rules."""
