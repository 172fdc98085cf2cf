"""Time arguments: ISO 8601 dates and times, or a relative age such as 90m, 6h or 7d."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

_AGE = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_iso(text: str) -> datetime:
    """ISO 8601 text, with the trailing Z that fromisoformat refuses before Python 3.11;
    a time without a zone stays naive. ValueError when it is not ISO 8601."""
    cleaned = text.strip()
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    return datetime.fromisoformat(cleaned)


def parse_time(text: str, *, now: datetime | None = None) -> datetime:
    """An aware UTC datetime. A date or time without a zone is taken as UTC."""
    match = _AGE.match(text)
    if match:
        amount, unit = int(match.group(1)), match.group(2).lower()
        reference = now or datetime.now(timezone.utc)
        try:
            return reference - timedelta(**{_UNITS[unit]: amount})
        except OverflowError:
            raise ValueError(f"{text!r} reaches too far back") from None
    try:
        parsed = parse_iso(text)
    except ValueError:
        raise ValueError(
            f"{text!r} is not a time: use ISO 8601 (2026-11-01, 2026-11-01T10:00:00Z) "
            "or an age (90m, 6h, 7d)"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
