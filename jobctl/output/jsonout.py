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
from jobctl.output.human import COMPUTED, computed


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


def with_computed(renderer: Renderer, jobs: Sequence[Job]) -> Sequence[Job]:
    """The jobs, each with the computed fields `--columns` names (`age`, `duration`, in
    whole seconds) after its normalized fields. JSON keeps every field and its exact
    timestamps; it gains these only when asked."""
    wanted = [name for name in COMPUTED if name in (renderer.options.columns or ())]
    if not wanted:
        return jobs
    now = renderer.options.now if renderer.options.now is not None else time.time()
    out = []
    for job in jobs:
        fields = {key: value for key, value in job.items() if key != "raw"}
        fields.update((name, computed(job, name, now)) for name in wanted)
        if "raw" in job:
            fields["raw"] = job["raw"]
        out.append(fields)
    return out


class JsonLinesRenderer(Renderer):
    def write(self, jobs: Sequence[Job]) -> None:
        if not jobs:
            return
        jobs = with_computed(self, jobs)
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
        jobs = with_computed(self, jobs)
        lead = "\n" if self.count == 0 else ",\n"
        self.out.write(lead + ",\n".join([encode(job) for job in jobs]))
        self.count += len(jobs)
        self.out.flush()

    def end(self) -> None:
        self.out.write("\n]\n" if self.count else "]\n")
        self.out.flush()
