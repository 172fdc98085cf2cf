"""The renderer interface every format implements."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from jobctl.job import FIELDS, Job


@dataclass(frozen=True)
class RenderOptions:
    """What a renderer needs to know besides the jobs. The listing command fills it
    (run.py `make_renderer`); tests build it directly."""

    columns: tuple[str, ...] | None = None  # --columns; None: the format's default
    headers: bool = True
    tty: bool = False  # stdout is a terminal
    color: bool = False  # colour the table (streams.py `Streams.color` decides)
    csv_raw: bool = False
    extra_columns: tuple[str, ...] = ()  # fields a listing adds, such as `profile`
    table_format: str | None = None  # a tabulate format for the table, even on a tty
    # Which of service, region, profile, account and parent vary in this listing: the
    # table's default columns show those (output/columns.py).
    varying: frozenset[str] = frozenset()
    width: int | None = None  # the terminal's columns, when stdout is one
    now: float | None = None  # the clock for age and duration (epoch s); None: time.time()
    wide: bool = False  # -o wide: the table shows every normalized field
    # On a terminal, which columns go first when a row cannot fit (lowest first), where a
    # table knows better than the columns' usual ranks (output/columns.py), and what the
    # note on stderr then advises; a summary's counts and the dimensions that vary stay.
    priorities: Mapping[str, int] = field(default_factory=dict)
    hidden_advice: str | None = None

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


def row_values(job: dict[str, Any], columns: Sequence[str], now: float) -> list[Any]:
    """A job's values for these columns; `age` and `duration` in whole seconds at `now`."""
    from jobctl.output.text import lookup

    return [lookup(job, column, now) for column in columns]
