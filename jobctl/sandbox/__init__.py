"""The embedded local AWS endpoint (being built)."""
