"""blame rules."""
