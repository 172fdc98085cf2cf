"""--sort: the one option that holds every job until the last arrives."""

from __future__ import annotations

import time
from typing import Any

from jobctl.job import TIME_FIELDS, Job
from jobctl.output.text import lookup


def _sort_key(value: Any, time_field: bool) -> tuple[int, Any, str]:
    if isinstance(value, int) and not isinstance(value, bool):
        return (0, value, "")  # age and duration, in seconds
    text = value if isinstance(value, str) else str(value)
    if time_field and text.endswith("Z"):
        # "…:05Z" must sort after "…:04.500Z": compare with milliseconds made explicit.
        body = text[:-1]
        return (1, 0, body if "." in body else body + ".000")
    if text.isdigit():
        return (0, int(text), "")  # Amplify job IDs: 9 before 10
    return (1, 0, text.casefold())


def sort_jobs(jobs: list[Job], spec: str, now: float | None = None) -> list[Job]:
    """Stable sort on one field; `-field` descending; empty values last either way.
    `age` and `duration` sort by their seconds at `now` (default: the current time)."""
    descending = spec.startswith("-")
    column = spec.lstrip("-")
    time_field = column in TIME_FIELDS
    now = time.time() if now is None else now
    present = [job for job in jobs if lookup(job, column, now) not in (None, "")]
    empty = [job for job in jobs if lookup(job, column, now) in (None, "")]
    present.sort(
        key=lambda job: _sort_key(lookup(job, column, now), time_field), reverse=descending
    )
    return present + empty
