"""The computed fields `age` and `duration`, and how a table shows them.

Both are whole seconds, computed from a job's timestamps and a clock (`now`) that the
caller passes in, so golden tests and `--sandbox` can pin it:

- `age`: now − created_at. None without a creation time.
- `duration`: end − start, where
    start = started_at; for a service that records no start time (its spec says
            `created_is_start`: AmplifyBackend, IoT, Snowball) created_at stands in;
    end   = ended_at; else now while the job is running; else none.
  A job that has not started (state queued or unknown) has no duration, nor has a job
  without a start or an end (a Batch job that failed before it started, a cancelled
  Snowball job: Snowball records no end time).

A table shows them as kubectl does (k8s.io/apimachinery/pkg/util/duration.HumanDuration):
`45s`, `119s`, `2m`, `9m59s`, `12m`, `3h`, `7h59m`, `47h`, `5d`, `7d23h`, `729d`, `2y`,
`2y364d`, `8y`: exact when small, rounder as it grows, at most 6 characters. csv, tsv and
json carry the whole seconds, for scripts.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Any

COMPUTED: tuple[str, ...] = ("age", "duration")

_NOT_STARTED = frozenset({"queued", "unknown"})


def epoch(value: Any) -> float | None:
    """A normalized timestamp ("2026-11-20T09:15:34.500Z") as epoch seconds; None if it
    is missing or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return None


def age(job: Mapping[str, Any], now: float) -> int | None:
    created = epoch(job.get("created_at"))
    return None if created is None else int(now - created)


@cache
def _created_is_start() -> frozenset[str]:
    """The services whose creation time stands in for a start time, as their specs say
    (read once: the registry does not change while jobctl runs)."""
    from jobctl.services import created_is_start

    return created_is_start()


def duration(job: Mapping[str, Any], now: float) -> int | None:
    state = job.get("state")
    if state in _NOT_STARTED:
        return None
    start = epoch(job.get("started_at"))
    if start is None and job.get("service") in _created_is_start():
        start = epoch(job.get("created_at"))
    if start is None:
        return None
    end = epoch(job.get("ended_at"))
    if end is None:
        if state != "running":
            return None
        end = now
    return int(end - start)


def computed(job: Mapping[str, Any], name: str, now: float) -> int | None:
    """The value of a computed field (`age`, `duration`) in whole seconds, or None."""
    if name == "age":
        return age(job, now)
    if name == "duration":
        return duration(job, now)
    raise KeyError(name)


def human_duration(seconds: int) -> str:
    """kubectl's HumanDuration: `45s`, `9m59s`, `12m`, `7h59m`, `5d`, `2y`.

    Up to one second in the future reads as `0s` (clocks differ a little); further is
    `<invalid>`, as kubectl shows it.
    """
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60 * 2:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        rest = seconds % 60
        return f"{minutes}m{rest}s" if rest else f"{minutes}m"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = seconds // 3600
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h{rest}m" if rest else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        rest = hours % 24
        return f"{hours // 24}d{rest}h" if rest else f"{hours // 24}d"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        rest = (hours // 24) % 365
        years = hours // 24 // 365
        return f"{years}y{rest}d" if rest else f"{years}y"
    return f"{hours // 24 // 365}y"
