"""The sandbox's clock: when its demo data ends, and what time it is for its moving jobs."""

from __future__ import annotations

from datetime import datetime, timezone

# The reference moment of the demo data's golden tests.
DEMO_ANCHOR = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
