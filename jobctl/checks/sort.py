"""--sort: the one option that holds every job until the last arrives."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from jobctl.job import TIME_FIELDS, Job
from jobctl.output.text import lookup


def _sort_key(value: Any, time_field: bool) -> tuple[int, Any, str]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, value, "")  # age and duration in seconds; numbers of raw fields
    text = value if isinstance(value, str) else str(value)
    if time_field and text.endswith("Z"):
        # "…:05Z" must sort after "…:04.500Z": compare with milliseconds made explicit.
        body = text[:-1]
        return (1, 0, body if "." in body else body + ".000")
    if text.isdigit():
        return (0, int(text), "")  # Amplify job IDs: 9 before 10
    return (1, 0, text.casefold())


def sort_jobs(jobs: list[Job], keys: Sequence[str], now: float | None = None) -> list[Job]:
    """Stable sort on several keys: the first decides, each next one breaks the ties of
    those before it. `-key` sorts that key descending; empty values go last either way.
    `age` and `duration` sort by their seconds at `now` (default: the current time)."""
    now = time.time() if now is None else now
    ordered = list(jobs)
    # One stable pass per key, the last key first: each pass keeps the order of the
    # jobs it finds equal, which is the order of the keys after it.
    for spec in reversed(keys):
        descending = spec.startswith("-")
        column = spec.lstrip("-")
        time_field = column in TIME_FIELDS
        values = [lookup(job, column, now) for job in ordered]
        present = [(v, job) for v, job in zip(values, ordered, strict=True) if v not in (None, "")]
        empty = [job for v, job in zip(values, ordered, strict=True) if v in (None, "")]
        # reverse=True keeps equal items in their order (the sort stays stable).
        present.sort(key=lambda pair: _sort_key(pair[0], time_field), reverse=descending)
        ordered = [job for _, job in present] + empty
    return ordered
