"""AWS access: sessions and clients (clients), and the redacted debug log (debug)."""
