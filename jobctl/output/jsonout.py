"""JSON (one array, streamed) and JSON lines (one job per line)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from jobctl.job import Job, to_iso
from jobctl.output.base import Renderer


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


class JsonLinesRenderer(Renderer):
    def write(self, jobs: Sequence[Job]) -> None:
        if not jobs:
            return
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
        lead = "\n" if self.count == 0 else ",\n"
        self.out.write(lead + ",\n".join([encode(job) for job in jobs]))
        self.count += len(jobs)
        self.out.flush()

    def end(self) -> None:
        self.out.write("\n]\n" if self.count else "]\n")
        self.out.flush()
