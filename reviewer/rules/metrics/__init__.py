"""metrics rules."""
