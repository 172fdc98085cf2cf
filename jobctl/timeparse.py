"""Time arguments: ISO 8601 dates and times, or a relative age such as 90m, 6h or 7d."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

_AGE = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)", re.IGNORECASE)
_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


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
            f"{text!r} is not a time: use ISO 8601 like 2026-11-01 or 2026-11-01T10:00:00Z, "
            "or an age like 90m, 6h or 7d"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def parse_duration(text: str) -> float:
    """Seconds from `5s`, `1m`, `1m30s`, `0.2s`, `2h` or plain seconds (`10`, `0.5`)."""
    cleaned = text.strip().replace(" ", "")
    try:
        seconds = float(cleaned)
    except ValueError:
        parts = _DURATION_PART.findall(cleaned)
        if not parts or "".join(a + u for a, u in parts).lower() != cleaned.lower():
            raise ValueError(
                f"{text!r} is not a duration: use 5s, 1m, 1m30s, 2h or plain seconds"
            ) from None
        seconds = sum(float(amount) * _SECONDS[unit.lower()] for amount, unit in parts)
    if not seconds > 0 or seconds == float("inf"):
        raise ValueError(f"{text!r}: a duration must be more than 0")
    return seconds
