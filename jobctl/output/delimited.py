"""CSV and TSV: a header row, then each page's rows as the page arrives."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence

from jobctl.job import Job
from jobctl.output.base import Renderer, row_values
from jobctl.output.text import cell, spreadsheet_safe

# Fields jobctl or AWS controls: never altered by formula neutralization.
_VERBATIM = frozenset(
    {"service", "region", "id", "arn", "state", "age", "duration"}
    | {"created_at", "started_at", "ended_at", "updated_at"}
)


class _DelimitedRenderer(Renderer):
    def _cells(self, job: Job, columns: Sequence[str], now: float) -> list[str]:
        values = [cell(v) for v in row_values(job, columns, now)]
        if not self.options.csv_raw:
            values = [
                v if column in _VERBATIM else spreadsheet_safe(v)
                for column, v in zip(columns, values, strict=True)
            ]
        return values

    def begin(self) -> None:
        if self.options.headers:
            self._write_rows([list(self.options.chosen_columns)])
            self.out.flush()

    def write(self, jobs: Sequence[Job]) -> None:
        if not jobs:
            return
        columns = self.options.chosen_columns
        now = self.options.now if self.options.now is not None else time.time()
        self._write_rows([self._cells(job, columns, now) for job in jobs])
        self.count += len(jobs)
        self.out.flush()

    def _write_rows(self, rows: list[list[str]]) -> None:
        raise NotImplementedError


_NEEDS_QUOTES = re.compile(r'[",\r\n]')


def _csv_field(value: str) -> str:
    # RFC 4180 quoting, done here because the csv module quotes a bare CR only when it is
    # part of the line terminator, and a bare CR would split the record for readers.
    if _NEEDS_QUOTES.search(value):
        return '"' + value.replace('"', '""') + '"'
    return value


class CsvRenderer(_DelimitedRenderer):
    """RFC 4180 fields; rows end in \\n for shell tools."""

    def _write_rows(self, rows: list[list[str]]) -> None:
        self.out.write("".join(",".join(map(_csv_field, row)) + "\n" for row in rows))


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class TsvRenderer(_DelimitedRenderer):
    """Tab-separated; tabs, newlines and backslashes inside a value are escaped
    (\\t, \\n, \\r, \\\\), so one line is always one job."""

    def _write_rows(self, rows: list[list[str]]) -> None:
        self.out.write(
            "".join("\t".join(v.translate(_TSV_ESCAPES) for v in row) + "\n" for row in rows)
        )
