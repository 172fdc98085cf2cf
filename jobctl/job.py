"""The normalized job: its fields, its states, and timestamp normalization."""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, Literal

from jobctl.timeparse import parse_iso

# The normalized fields in their documented order (docs/reference.md, "The normalized job").
FIELDS: tuple[str, ...] = (
    "service",
    "region",
    "id",
    "name",
    "status",
    "state",
    "created_at",
    "started_at",
    "ended_at",
    "updated_at",
    "arn",
)
STATES: tuple[str, ...] = ("queued", "running", "succeeded", "failed", "cancelled", "unknown")
TERMINAL_STATES = frozenset({"succeeded", "failed", "cancelled"})
TIME_FIELDS = ("created_at", "started_at", "ended_at", "updated_at")

Job = dict[str, Any]
"""A normalized job: the FIELDS, plus `raw` (and the EXTRA_FIELDS a listing adds)."""

# Added by fan-out: `parent` (the discovered app/branch, app/environment or queue) when
# the listing discovered parents, `profile` when it spans several profiles, `account`
# (12 digits) and `account_name` (from Organizations ListAccounts) with several accounts.
EXTRA_FIELDS = ("parent", "profile", "account", "account_name")

# How a service sends a timestamp:
#   "datetime": a botocore timestamp member (datetime, or the wire value: epoch seconds or ISO)
#   "epoch_ms": an integer count of milliseconds (Batch)
#   "text":     a free string holding epoch seconds, epoch milliseconds or ISO 8601
TimeKind = Literal["datetime", "epoch_ms", "text"]

# Epoch values above this are milliseconds: 1e11 seconds is the year 5138.
_MS_THRESHOLD = 1e11
_NUMERIC = re.compile(r"^\s*-?\d+(\.\d+)?\s*$")


def _from_epoch_seconds(seconds: float) -> str | None:
    try:
        whole = int(seconds // 1)
        millis = round((seconds - whole) * 1000)
        if millis == 1000:
            whole, millis = whole + 1, 0
        moment = time.gmtime(whole)
        # %Y does not pad years before 1000 on glibc; ISO 8601 wants four digits.
        stamp = f"{moment.tm_year:04d}" + time.strftime("-%m-%dT%H:%M:%S", moment)
    except (OverflowError, OSError, ValueError):
        return None
    return f"{stamp}.{millis:03d}Z" if millis else f"{stamp}Z"


def _from_datetime(value: datetime) -> str | None:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    try:
        value = value.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return None
    stamp = f"{value.year:04d}" + value.strftime("-%m-%dT%H:%M:%S")
    millis = value.microsecond // 1000
    return f"{stamp}.{millis:03d}Z" if millis else f"{stamp}Z"


def _from_iso(text: str) -> str | None:
    try:
        parsed = parse_iso(text)
    except ValueError:
        return None
    return _from_datetime(parsed)


def to_iso(value: Any, kind: TimeKind = "datetime") -> str | None:
    """Any timestamp a service sends, as ISO 8601 UTC ending in Z; None when unreadable.

    Never raises: a timestamp jobctl cannot read becomes null in the normalized job.
    """
    try:
        return _to_iso(value, kind)
    except (OverflowError, ValueError, TypeError):
        return None


def _to_iso(value: Any, kind: TimeKind) -> str | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return _from_datetime(value)
    if isinstance(value, int | float):
        if value != value:  # NaN
            return None
        seconds = value / 1000 if kind == "epoch_ms" else float(value)
        if kind == "text" and abs(value) >= _MS_THRESHOLD:
            seconds = value / 1000
        return _from_epoch_seconds(seconds)
    if isinstance(value, str):
        if _NUMERIC.match(value):
            return _to_iso(float(value), kind)
        return _from_iso(value)
    return None


def state_of(status: Any, table: Mapping[str, str], *, any_case: bool = False) -> str:
    """The normalized state of a service status; `unknown` for anything unrecognized."""
    if not isinstance(status, str):
        return "unknown"
    key = status.strip().upper() if any_case else status
    return table.get(key, "unknown")


def first_line(text: Any) -> str | None:
    """The first non-empty line of a free text (an Amplify commit message)."""
    if not isinstance(text, str):
        return None if text is None else str(text)
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return text.strip() or None


def with_iso_times(
    item: Mapping[str, Any], kinds: Mapping[str, TimeKind]
) -> tuple[dict[str, Any], dict[str, str | None]]:
    """A copy of a service's item whose timestamps are ISO 8601 strings, and the
    timestamps alone (None where unreadable) for the normalized fields.

    A value that cannot be read as a time is kept in the copy as the service sent it.
    """
    raw = dict(item)
    times: dict[str, str | None] = {}
    for key, kind in kinds.items():
        value = raw.get(key)
        converted = None if value is None else to_iso(value, kind)
        times[key] = converted
        if converted is not None:
            raw[key] = converted
    return raw, times


def as_mapping(item: Any) -> Mapping[str, Any]:
    """A service item as a mapping, even when a broken server sent something else."""
    return item if isinstance(item, Mapping) else {"value": item}
