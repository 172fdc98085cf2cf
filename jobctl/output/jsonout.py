"""JSON (one array, streamed) and JSON lines (one job per line)."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from jobctl.job import Job, to_iso
from jobctl.output.base import Renderer
from jobctl.output.text import lookup


def _default(value: Any) -> Any:
    # What a service item may hold beyond JSON's types.
    if isinstance(value, datetime):
        return to_iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes | bytearray):
        import base64

        return base64.b64encode(value).decode()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


# ASCII-only output: a job's text cannot carry a raw control or bidi character into a
# terminal or log, and U+2028 cannot split a JSON line for naive line readers.
_encoder = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), default=_default)
encode = _encoder.encode


def projected(renderer: Renderer, jobs: Sequence[Job]) -> Sequence[Job]:
    """The jobs as JSON writes them. Without --columns, every field (the exact
    timestamps and the service's own item as `raw`). With --columns, only those keys, in
    that order, as `gh --json FIELDS` does: a normalized field, `age` and `duration` in
    whole seconds, and a `raw.` column under its own name as a flat key
    (`{"raw.capacityUsage.0.quantity": 2.0}`), holding the JSON value found there or
    null."""
    columns = renderer.options.columns
    if not columns:
        return jobs
    now = renderer.options.now if renderer.options.now is not None else time.time()
    return [{column: lookup(job, column, now) for column in columns} for job in jobs]


class JsonLinesRenderer(Renderer):
    def write(self, jobs: Sequence[Job]) -> None:
        if not jobs:
            return
        jobs = projected(self, jobs)
        self.out.write("".join([encode(job) + "\n" for job in jobs]))
        self.count += len(jobs)
        self.out.flush()


class JsonRenderer(Renderer):
    """One array, opened before the first page and always closed, one job per line, so
    it is valid JSON even when the listing stops early."""

    def begin(self) -> None:
        self.out.write("[")

    def write(self, jobs: Sequence[Job]) -> None:
        if not jobs:
            return
        jobs = projected(self, jobs)
        lead = "\n" if self.count == 0 else ",\n"
        self.out.write(lead + ",\n".join([encode(job) for job in jobs]))
        self.count += len(jobs)
        self.out.flush()

    def end(self) -> None:
        self.out.write("\n]\n" if self.count else "]\n")
        self.out.flush()
