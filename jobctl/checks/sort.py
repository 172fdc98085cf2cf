"""--sort: the one option that holds every job until the last arrives."""

from __future__ import annotations

from typing import Any

from jobctl.job import TIME_FIELDS, Job
from jobctl.output.text import lookup


def _sort_key(value: Any, time_field: bool) -> tuple[int, Any, str]:
    text = value if isinstance(value, str) else str(value)
    if time_field and text.endswith("Z"):
        # "…:05Z" must sort after "…:04.500Z": compare with milliseconds made explicit.
        body = text[:-1]
        return (1, 0, body if "." in body else body + ".000")
    if text.isdigit():
        return (0, int(text), "")  # Amplify job IDs: 9 before 10
    return (1, 0, text.casefold())


def sort_jobs(jobs: list[Job], spec: str) -> list[Job]:
    """Stable sort on one field; `-field` descending; empty values last either way."""
    descending = spec.startswith("-")
    column = spec.lstrip("-")
    time_field = column in TIME_FIELDS
    present = [job for job in jobs if lookup(job, column) not in (None, "")]
    empty = [job for job in jobs if lookup(job, column) in (None, "")]
    present.sort(key=lambda job: _sort_key(lookup(job, column), time_field), reverse=descending)
    return present + empty
