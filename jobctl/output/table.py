"""The table (`-o table`, `-o wide`): a small fixed-width formatter that streams.

Columns are chosen once, at the first page (output/columns.py: compact by context for
`-o table`, every normalized field for `-o wide`, or `--columns`). Every cell is made
terminal-safe first and measured in display cells (output/width.py), so CJK and emoji
align. The table holds one page at a time, never the listing: the header and the first
page are written as soon as that page arrives, and each later page as it arrives.

On a terminal (`options.tty`), every job is exactly one line that fits `options.width`:
- The first page sets the widths, cut down to fit: free text (names, statuses, parents,
  ARNs) loses characters to "…", IDs never; when even that cannot fit, the lowest
  priority columns are hidden and stderr says so once.
- A later page keeps the free-text widths (its longer texts are cut, so they stay under
  the header on the screen). A wider ID (or age, service...) widens its column from that
  page on and free text gives up the room, so the line still fits and later rows align.
  A row that still cannot fit gives up its own free text; only an ID wider than the
  whole terminal is ever wider than it.
- The header is bold and the state coloured when `options.color` (streams.py decides).

Piped (stdout is not a terminal), every cell is whole, for logs and grep, and the table
streams as `kubectl get` writes its chunks: the first page sets the widths, and a later
page whose cells are wider widens those columns from that page on (widths only grow), so
rows already written stay as they were and the header may sit left of later, wider rows.
Scripts should read `-o tsv` or `-o jsonl`, whose shape never depends on the data.

`--table-format FMT` is the exception: tabulate sizes its grid from every row, so it
holds the listing and writes at the end, as before.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, TextIO

from jobctl.job import Job
from jobctl.output import columns as cols
from jobctl.output.base import Renderer, RenderOptions
from jobctl.output.human import COMPUTED, computed, human_duration
from jobctl.output.text import cell, lookup, terminal_safe
from jobctl.output.width import ELLIPSIS, can_encode, display_width, truncate

NULL = "-"
EMPTY_MESSAGE = "No jobs found."
# rich style names, for the live --watch table (checks/report.py)
STATE_STYLES = {
    "succeeded": "green",
    "failed": "bold red",
    "running": "cyan",
    "queued": "yellow",
    "cancelled": "dim",
    "unknown": "magenta",
}
# The same colours as ANSI SGR sequences.
_SGR = {
    "succeeded": "\x1b[32m",
    "failed": "\x1b[1;31m",
    "running": "\x1b[36m",
    "queued": "\x1b[33m",
    "cancelled": "\x1b[2m",
    "unknown": "\x1b[35m",
}
_BOLD = "\x1b[1m"
_RESET = "\x1b[0m"
_MARKDOWN_FORMATS = frozenset({"github", "pipe"})


def table_cell(job: Job, column: str, now: float) -> str:
    """One cell as the table shows it: terminal-safe text, `-` for nothing, and age and
    duration as kubectl shows ages."""
    if column in COMPUTED:
        seconds = computed(job, column, now)
        return NULL if seconds is None else human_duration(seconds)
    return terminal_safe(cell(lookup(job, column))) or NULL


class TableRenderer(Renderer):
    def __init__(self, out: TextIO, options: RenderOptions, err: TextIO | None = None):
        super().__init__(out, options, err)
        self.names: tuple[str, ...] | None = None  # chosen at the first page
        self.now = time.time()
        self.ellipsis = ELLIPSIS if can_encode(out, ELLIPSIS) else "~"
        # terminal: the columns kept, with their widths; piped: each column's width
        self.layout: list[cols.Column] | None = None
        self.widths: list[int] | None = None
        self.held: list[list[str]] = []  # --table-format only

    def begin(self) -> None:
        if self.options.now is not None:
            self.now = self.options.now

    # -- rows -------------------------------------------------------------------------

    def _choose(self, first_page: Sequence[Job]) -> tuple[str, ...]:
        options = self.options
        if options.columns:
            return tuple(options.columns)
        if options.wide:
            return cols.wide_columns(options.extra_columns)
        varying = set(options.varying) | set(options.extra_columns)
        return cols.default_columns(varying, first_page)

    def write(self, jobs: Sequence[Job]) -> None:
        if not jobs:
            return
        if self.names is None:
            self.names = self._choose(jobs)
        names, now = self.names, self.now
        rows = [[table_cell(job, name, now) for name in names] for job in jobs]
        self.count += len(jobs)
        if self.options.table_format:
            self.held.extend(rows)
            return
        states = [job.get("state") for job in jobs]
        if self.options.tty:
            self._terminal(rows, states)
        else:
            self._plain(rows, states)
        self.out.flush()

    def end(self) -> None:
        if self.options.table_format and self.held:
            self._tabulate(self.options.table_format)
        if self.count == 0 and self.err is not None and self.complete:
            self.err.write(EMPTY_MESSAGE + "\n")
            self.err.flush()
        self.out.flush()

    def _paint(self, texts: list[str], state: Any, at: int) -> None:
        """Colour the state cell (at index `at`, -1 for none) when colour is on."""
        if at >= 0 and self.options.color and state in _SGR and texts[at] == state:
            texts[at] = f"{_SGR[state]}{state}{_RESET}"

    def _bold(self, line: str) -> str:
        return f"{_BOLD}{line}{_RESET}" if self.options.color else line

    # -- piped: every cell whole, widths only grow ------------------------------------

    def _plain(self, rows: list[list[str]], states: list[Any]) -> None:
        assert self.names is not None
        names = self.names
        measured = [[display_width(value) for value in row] for row in rows]
        page = [max(column) for column in zip(*measured, strict=True)]
        lines = []
        if self.widths is None:
            headers = [display_width(name) for name in names]
            self.widths = [max(a, b) for a, b in zip(page, headers, strict=True)]
            if self.options.headers:
                lines.append(self._bold(_join(names, headers, self.widths)))
        else:
            self.widths = [max(a, b) for a, b in zip(self.widths, page, strict=True)]
        at = names.index("state") if "state" in names else -1
        for row, sizes, state in zip(rows, measured, states, strict=True):
            self._paint(row, state, at)
            lines.append(_join(row, sizes, self.widths))
        self.out.write("\n".join(lines) + "\n")

    # -- on a terminal: one line per job, never wider than the terminal ---------------

    def _terminal(self, rows: list[list[str]], states: list[Any]) -> None:
        assert self.names is not None
        measured = [[display_width(value) for value in row] for row in rows]
        lines = []
        width = self.options.width or 80
        if self.layout is None:
            headers = [display_width(name) for name in self.names]
            several = "service" in self.options.varying
            measured_columns = cols.measure(
                self.names, headers, measured, several, self.options.priorities
            )
            self.layout, hidden = cols.fit(measured_columns, width)
            if hidden:
                self._say_hidden(hidden)
            if self.options.headers:
                lines.append(self._header())
        else:
            cols.widen(self.layout, measured, width)
        at = next((i for i, c in enumerate(self.layout) if c.name == "state"), -1)
        for row, sizes, state in zip(rows, measured, states, strict=True):
            lines.append(self._line(row, sizes, state, at))
        self.out.write("\n".join(lines) + "\n")

    def _say_hidden(self, hidden: list[cols.Column]) -> None:
        """Once, on stderr: how many columns did not fit, and which when that fits too."""
        if self.err is None:
            return
        count = f"{len(hidden)} column{'s' if len(hidden) != 1 else ''} hidden"
        if self.options.hidden_advice:
            advice = self.options.hidden_advice
        elif self.options.wide or self.options.columns:
            advice = "widen the terminal or name fewer with --columns"
        else:
            advice = "widen the terminal or use -o wide"
        named = f"jobctl: {count} ({', '.join(c.name for c in hidden)}); {advice}"
        line = named if len(named) <= (self.options.width or 80) else f"jobctl: {count}; {advice}"
        self.err.write(line + "\n")
        self.err.flush()

    def _header(self) -> str:
        assert self.layout is not None
        texts = [truncate(column.name, column.width, self.ellipsis) for column in self.layout]
        sizes = [display_width(text) for text in texts]
        return self._bold(_join(texts, sizes, [column.width for column in self.layout]))

    def _line(self, row: list[str], sizes: list[int], state: Any, at: int) -> str:
        assert self.layout is not None
        layout = self.layout
        cells = [sizes[column.index] for column in layout]
        # Each cell's room in this row: its column's width, or more for a cell that is
        # never cut (an ID, a state) and is wider than the first page's.
        slots = [
            size if column.kind != "free" and size > column.width else column.width
            for column, size in zip(layout, cells, strict=True)
        ]
        if _length(slots, cells) > (self.options.width or 80):
            self._give_up_room(slots, cells)
        texts, shown = [], []
        for column, slot, size in zip(layout, slots, cells, strict=True):
            value = row[column.index]
            if size > slot and column.kind != "id":
                value = truncate(value, slot, self.ellipsis)
                size = display_width(value)
            texts.append(value)
            shown.append(size)
        self._paint(texts, state, at)
        return _join(texts, shown, slots)

    def _give_up_room(self, slots: list[int], cells: list[int]) -> None:
        """Make a row fit the terminal when its columns cannot: drop its padding, then
        cut its free text, the longest first, down to one character, then its other
        cells but IDs. An ID wider than the whole terminal is still written whole."""
        assert self.layout is not None
        width = self.options.width or 80
        for i in range(len(slots) - 1):
            excess = _length(slots, cells) - width
            if excess <= 0:
                return
            slots[i] -= min(excess, max(slots[i] - cells[i], 0))
        for kind in ("free", "fixed"):
            while _length(slots, cells) > width:
                room = [
                    (min(slot, size), i)
                    for i, (column, slot, size) in enumerate(
                        zip(self.layout, slots, cells, strict=True)
                    )
                    if column.kind == kind and min(slot, size) > 1
                ]
                if not room:
                    break
                used, widest = max(room)
                slots[widest] = used - 1

    # -- --table-format: tabulate, at the end -----------------------------------------

    def _tabulate(self, tablefmt: str) -> None:
        from tabulate import tabulate

        assert self.names is not None
        rows = self.held
        if tablefmt in _MARKDOWN_FORMATS:
            # A "|" inside a cell would end it early in a Markdown table.
            rows = [[value.replace("|", "\\|") for value in row] for row in rows]
        text = tabulate(
            rows,
            headers=list(self.names) if self.options.headers else (),
            tablefmt=tablefmt,
            disable_numparse=True,
        )
        self.held = []
        self.out.write(text + "\n")


class WideTableRenderer(TableRenderer):
    """`-o wide`: the table with every normalized field."""

    def __init__(self, out: TextIO, options: RenderOptions, err: TextIO | None = None):
        super().__init__(out, replace(options, wide=True), err)


def _length(slots: Sequence[int], cells: Sequence[int]) -> int:
    """The length of a row's line: every slot but the last, which is not padded."""
    return sum(slots[:-1]) + min(slots[-1], cells[-1]) + cols.GAP * (len(slots) - 1)


def _join(texts: Sequence[str], sizes: Sequence[int], widths: Sequence[int]) -> str:
    """Cells padded to their widths (the last one not), separated by the gap."""
    gap = " " * cols.GAP
    last = len(texts) - 1
    return gap.join(
        text if index == last else text + " " * (widths[index] - sizes[index])
        for index, text in enumerate(texts)
    )


__all__ = ["EMPTY_MESSAGE", "NULL", "TableRenderer", "WideTableRenderer", "table_cell"]
