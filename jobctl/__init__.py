"""jobctl: list jobs from five AWS services through one interface."""

__version__ = "0.1.0"
