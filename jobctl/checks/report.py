"""How --watch shows its progress: a live table, plain lines, or JSON events.

Messages for stderr go through `Reporter.note`, so the live table can hold them until it
stops instead of being torn by them.
"""

from __future__ import annotations

import time
from typing import Any, TextIO

from jobctl.checks.sort import sort_jobs
from jobctl.checks.tracker import TELLS_APART, Change, Tracker, elapsed_text, now_iso, who
from jobctl.job import TERMINAL_STATES
from jobctl.output.jsonout import encode
from jobctl.output.streams import Streams
from jobctl.output.table import NULL, STATE_STYLES
from jobctl.output.text import cell, terminal_safe
from jobctl.settings import Settings


def _counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {state}" for state, n in counts.items() if n)


class Reporter:
    """Shows the watch's progress. Messages for stderr go through `note`, so a live
    display can hold them until it stops instead of being torn by them."""

    def __init__(self, out: Streams, began: float, interval: float):
        self.out = out
        self.began = began
        self.interval = interval

    def __enter__(self) -> Reporter:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def note(self, line: str) -> None:
        self.out.say(line)

    def changes(self, changes: list[Change], tracker: Tracker) -> None:
        pass

    def finish(self, outcome: str, elapsed: float, tracker: Tracker) -> None:
        pass


class PlainReporter(Reporter):
    """One line per state change, name last (it is free text):

    2026-11-01T10:00:00Z amplify us-east-1 12 (new) -> running Add login page
    2026-11-01T10:00:40Z amplify us-east-1 12 running -> succeeded Add login page
    2026-11-01T10:00:40Z done after 40s: 1 job: 1 succeeded
    """

    def __init__(self, out: Streams, began: float, interval: float, dest: TextIO):
        super().__init__(out, began, interval)
        self.dest = dest

    def _line(self, text: str) -> None:
        self.dest.write(terminal_safe(text) + "\n")
        self.dest.flush()

    def changes(self, changes: list[Change], tracker: Tracker) -> None:
        for change in changes:
            job = change.job
            name = job.get("name")
            self._line(
                f"{change.at} {who(job, region=True)} "
                f"{change.old or '(new)'} -> {change.new}" + (f" {name}" if name else "")
            )

    def finish(self, outcome: str, elapsed: float, tracker: Tracker) -> None:
        verb = "done" if outcome == "done" else "timed out"
        total = len(tracker.jobs)
        counts = _counts_text(tracker.counts())
        self._line(
            f"{now_iso()} {verb} after {elapsed_text(elapsed)}: {total} job"
            + ("" if total == 1 else "s")
            + (f": {counts}" if counts else "")
        )


class JsonLinesReporter(Reporter):
    """{"event":"state_change","service","region","id","name","from","to","status","at"}
    per change, then {"event":"summary","outcome","at","elapsed","total","states",
    "not_listed"}."""

    def _event(self, event: dict[str, Any]) -> None:
        self.out.stdout.write(encode(event) + "\n")
        self.out.stdout.flush()

    def changes(self, changes: list[Change], tracker: Tracker) -> None:
        for change in changes:
            job = change.job
            self._event(
                {
                    "event": "state_change",
                    "service": job.get("service"),
                    "region": job.get("region"),
                    # account, profile, parent: only when the listing adds them
                    **{name: job[name] for name in TELLS_APART if name in job},
                    "id": job.get("id"),
                    "name": job.get("name"),
                    "from": change.old,
                    "to": change.new,
                    "status": job.get("status"),
                    "at": change.at,
                }
            )

    def finish(self, outcome: str, elapsed: float, tracker: Tracker) -> None:
        self._event(
            {
                "event": "summary",
                "outcome": outcome,
                "at": now_iso(),
                "elapsed": round(elapsed, 1),
                "total": len(tracker.jobs),
                "states": tracker.counts(),
                "not_listed": list(tracker.pending),
            }
        )


class LiveReporter(Reporter):
    """A table redrawn in place (rich.live) with the elapsed time; the final frame stays
    on screen. Stderr lines are shown under it meanwhile and written out when it stops."""

    def __init__(self, out: Streams, began: float, interval: float, settings: Settings):
        super().__init__(out, began, interval)
        self.sort = settings.sort
        self.timeout = settings.timeout
        # Snapshots, replaced whole by the main thread: the refresh thread only reads.
        self.rows: list[dict[str, Any]] = []
        self.pending: list[str] = []
        self.held: list[str] = []
        self.ending: str | None = None
        self.live: Any = None

    def __enter__(self) -> LiveReporter:
        from rich.console import Console
        from rich.live import Live

        console = Console(
            file=self.out.stdout,
            force_terminal=True,
            no_color=not self.out.color,
            markup=False,
            emoji=False,
            highlight=False,
        )
        self.live = Live(
            console=console,
            get_renderable=self._render,
            refresh_per_second=4,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.live.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live is not None:
            self.live.stop()
        for line in self.held:
            self.out.say(line)

    def note(self, line: str) -> None:
        self.held = [*self.held, line]

    def changes(self, changes: list[Change], tracker: Tracker) -> None:
        self.rows = list(tracker.jobs.values())
        self.pending = list(tracker.pending)
        if self.live is not None:
            self.live.refresh()

    def finish(self, outcome: str, elapsed: float, tracker: Tracker) -> None:
        verb = "done" if outcome == "done" else "timed out"
        self.ending = f"{verb} after {elapsed_text(elapsed)}"
        self.changes([], tracker)

    def _render(self) -> Any:
        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        rows = sort_jobs(self.rows, self.sort) if self.sort else self.rows
        several_regions = len({job.get("region") for job in rows}) > 1
        columns = ["service", *(["region"] if several_regions else []), "id", "name", "state"]
        columns.append("status")
        table = Table(box=None, header_style="bold")
        for column in columns:
            table.add_column(column, overflow="fold")
        for job in rows:
            cells = [Text(terminal_safe(cell(job.get(c))) or NULL) for c in columns]
            cells[columns.index("state")].stylize(STATE_STYLES.get(str(job.get("state")), ""))
            table.add_row(*cells)
        for job_id in self.pending:
            waiting = {"id": terminal_safe(job_id), "state": "not listed yet"}
            table.add_row(*[Text(waiting.get(c, NULL)) for c in columns])
        finished = sum(1 for job in rows if job.get("state") in TERMINAL_STATES)
        total = len(rows) + len(self.pending)
        timing = self.ending or (
            f"{elapsed_text(time.monotonic() - self.began)} elapsed, listing every "
            f"{elapsed_text(self.interval) if self.interval >= 1 else f'{self.interval:g}s'}"
            + (f", timeout {elapsed_text(self.timeout)}" if self.timeout else "")
        )
        status = Text(f"{finished} of {total} finished · {timing}", style="dim")
        notes = [Text(terminal_safe(line), style="yellow") for line in self.held[-5:]]
        return Group(table, status, *notes)


def make_reporter(settings: Settings, out: Streams, began: float, interval: float) -> Reporter:
    if settings.output == "jsonl":
        return JsonLinesReporter(out, began, interval)
    if settings.output == "table" and out.stdout_tty and not settings.table_format:
        return LiveReporter(out, began, interval, settings)
    dest = out.stdout if settings.output == "table" else out.stderr
    return PlainReporter(out, began, interval, dest)
