"""detail rules."""
