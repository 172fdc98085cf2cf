"""The renderer interface every format implements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from jobctl.job import FIELDS, Job


@dataclass(frozen=True)
class RenderOptions:
    columns: tuple[str, ...] | None = None  # None: every normalized field
    headers: bool = True
    tty: bool = False  # stdout is a terminal
    color: bool = False
    csv_raw: bool = False
    extra_columns: tuple[str, ...] = ()  # fields a listing adds, such as `profile`
    table_format: str | None = None  # a tabulate format for the table, even on a tty

    @property
    def chosen_columns(self) -> tuple[str, ...]:
        if self.columns:
            return self.columns
        return FIELDS + self.extra_columns


class Renderer:
    """Writes a stream of jobs, page by page, to the stream it is given.

    `begin` is called once, `write` once per page as it arrives, and `end` exactly once,
    even when the listing failed part-way: what was written must stay well formed.
    """

    def __init__(self, out: TextIO, options: RenderOptions, err: TextIO | None = None):
        self.out = out
        self.err = err
        self.options = options
        self.count = 0
        # False when the listing failed or was interrupted: an empty output then must not
        # claim that there are no jobs.
        self.complete = True

    def begin(self) -> None:
        """Write whatever comes before the first job."""

    def write(self, jobs: Sequence[Job]) -> None:
        raise NotImplementedError

    def end(self) -> None:
        """Write whatever comes after the last job, and flush."""
        self.out.flush()


def row_values(job: dict[str, Any], columns: Sequence[str]) -> list[Any]:
    from jobctl.output.text import lookup

    return [lookup(job, column) for column in columns]
