"""The table: rich on a terminal, plain aligned text (via tabulate) everywhere else.

A table sizes its columns from every row, so it is the one format that holds the whole
listing before writing. Every cell is made terminal-safe first.
"""

from __future__ import annotations

from collections.abc import Sequence

from jobctl.job import Job
from jobctl.output.base import Renderer, row_values
from jobctl.output.text import cell, terminal_safe

NULL = "-"
EMPTY_MESSAGE = "No jobs found."
STATE_STYLES = {
    "succeeded": "green",
    "failed": "bold red",
    "running": "cyan",
    "queued": "yellow",
    "cancelled": "dim",
    "unknown": "magenta",
}

_MARKDOWN_FORMATS = frozenset({"github", "pipe"})


class TableRenderer(Renderer):
    def begin(self) -> None:
        self.rows: list[list[str]] = []

    def write(self, jobs: Sequence[Job]) -> None:
        columns = self.options.chosen_columns
        for job in jobs:
            self.rows.append([terminal_safe(cell(v)) or NULL for v in row_values(job, columns)])
        self.count += len(jobs)

    def end(self) -> None:
        if not self.rows:
            if self.err is not None and self.complete:
                self.err.write(EMPTY_MESSAGE + "\n")
                self.err.flush()
            return
        if self.options.table_format:
            self._plain(self.options.table_format)
        elif self.options.tty:
            self._rich()
        else:
            self._plain()
        self.out.flush()

    def _plain(self, tablefmt: str = "plain") -> None:
        from tabulate import tabulate

        columns = self.options.chosen_columns
        rows = self.rows
        if tablefmt in _MARKDOWN_FORMATS:
            # A "|" inside a cell would end it early in a Markdown table.
            rows = [[value.replace("|", "\\|") for value in row] for row in rows]
        text = tabulate(
            rows,
            headers=list(columns) if self.options.headers else (),
            tablefmt=tablefmt,
            disable_numparse=True,
        )
        self.out.write(text + "\n")

    def _rich(self) -> None:
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        columns = self.options.chosen_columns
        # markup, emoji and highlighting off: cells are shown exactly as escaped above.
        console = Console(
            file=self.out,
            force_terminal=True,
            no_color=not self.options.color,
            markup=False,
            emoji=False,
            highlight=False,
        )
        table = Table(show_header=self.options.headers, header_style="bold", box=None)
        for column in columns:
            table.add_column(column, overflow="fold")
        state_at = columns.index("state") if "state" in columns else -1
        for row in self.rows:
            cells = [Text(value) for value in row]
            if state_at >= 0:
                cells[state_at].stylize(STATE_STYLES.get(row[state_at], ""))
            table.add_row(*cells)
        console.print(table)
