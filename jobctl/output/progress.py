"""A transient progress line on a terminal's stderr while a listing is waited for:

    ⠋ listing… 3 pages, 250 jobs, 2/6 targets done

A daemon thread redraws it every 100 ms, so it moves while the main thread is blocked
waiting for a page. It never appears when stderr is not a terminal (pipes, CI logs), and
it goes away for good when the listing ends, or as soon as anything is written to stdout
when stdout is the same terminal (the table streams its first page there). Lines written
to stderr meanwhile (warnings, errors) erase it first and it comes back under them.

Every write to the terminal goes through one lock, shared by the thread and by the
wrapped stdout and stderr (`Progress.streams`), so a frame is never drawn in the middle
of a line of output. A frame is erased with `\\r\\x1b[K` (carriage return, erase to the end
of the line) and is cut to the terminal's width, so it never wraps.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, Protocol, TextIO, cast

from jobctl.output.streams import Streams
from jobctl.output.width import can_encode, terminal_width, truncate

FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
ASCII_FRAMES = "|/-\\"
ERASE = "\r\x1b[K"
INTERVAL = 0.1  # seconds between frames
DELAY = 0.1  # no line at all for a listing that is this quick


class _Listing(Protocol):
    @property
    def written(self) -> int: ...
    @property
    def stream_count(self) -> int: ...
    @property
    def streams_done(self) -> int: ...


class Progress:
    """The progress line of one listing; inert unless `enabled`."""

    def __init__(
        self,
        streams: Streams,
        *,
        enabled: bool,
        interval: float = INTERVAL,
        delay: float = DELAY,
    ):
        self.enabled = enabled and streams.stderr_tty
        self.pages = 0
        self.listing: _Listing | None = None
        self._err = streams.stderr
        self._interval = interval
        self._delay = delay
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._shown = False  # a frame is on the screen
        self._mid_line = False  # stderr's last write did not end its line
        self._frames = FRAMES if can_encode(streams.stderr, FRAMES) else ASCII_FRAMES
        self._ellipsis = "…" if can_encode(streams.stderr, "…") else "..."
        self._width = terminal_width(streams.stderr) if self.enabled else 80
        self.streams = streams
        if self.enabled:
            # stdout on the same terminal ends the line at its first write; a pipe or a
            # file does not, and the line can stay until the end.
            stdout = _StopOnWrite(streams.stdout, self) if streams.stdout_tty else streams.stdout
            stderr = _EraseOnWrite(streams.stderr, self)
            self.streams = replace(
                streams, stdout=cast(TextIO, stdout), stderr=cast(TextIO, stderr)
            )

    # -- what the listing tells it ------------------------------------------------

    def follow(self, listing: _Listing) -> None:
        self.listing = listing

    def page(self) -> None:
        self.pages += 1

    def status(self) -> str:
        text = f"listing{self._ellipsis}"
        listing = self.listing
        if listing is None or not self.pages:
            return text
        pages, jobs = self.pages, listing.written
        text += f" {pages} page{'' if pages == 1 else 's'}, {jobs} job{'' if jobs == 1 else 's'}"
        total = listing.stream_count
        if total > 1:
            text += f", {listing.streams_done}/{total} targets done"
        return text

    # -- the line -------------------------------------------------------------------

    def start(self) -> None:
        if self.enabled:
            threading.Thread(target=self._run, daemon=True, name="jobctl-progress").start()

    def stop(self) -> None:
        """Erase the line for good (idempotent)."""
        if not self.enabled or self._done.is_set():
            return
        with self._lock:
            self._done.set()
            self._erase()

    def _run(self) -> None:
        if self._done.wait(self._delay):
            return
        frame = 0
        while True:
            with self._lock:
                if self._done.is_set():
                    return
                if not self._mid_line:
                    self._draw(self._frames[frame % len(self._frames)])
            frame += 1
            if self._done.wait(self._interval):
                return

    def _draw(self, frame: str) -> None:
        line = truncate(f"{frame} {self.status()}", self._width - 1, self._ellipsis)
        try:
            self._err.write(ERASE + line)
            self._err.flush()
        except (OSError, ValueError):  # stderr went away: nothing more to show
            self._done.set()
            return
        self._shown = True

    def _erase(self) -> None:
        # Called with the lock held.
        if self._shown:
            self._shown = False
            try:
                self._err.write(ERASE)
                self._err.flush()
            except (OSError, ValueError):
                pass


class _Wrapped:
    """A text stream that defers everything but `write` to the one it wraps."""

    def __init__(self, stream: TextIO, progress: Progress):
        self._stream = stream
        self._progress = progress

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _StopOnWrite(_Wrapped):
    def write(self, text: str) -> int:
        if not self._progress._done.is_set():
            self._progress.stop()
        return self._stream.write(text)


class _EraseOnWrite(_Wrapped):
    def write(self, text: str) -> int:
        progress = self._progress
        with progress._lock:
            progress._erase()
            written = self._stream.write(text)
            if text:
                progress._mid_line = not text.endswith("\n")
        return written


@contextmanager
def progress_line(streams: Streams, *, enabled: bool = True) -> Iterator[Progress]:
    """A progress line for the duration of a listing; use `.streams` inside."""
    progress = Progress(streams, enabled=enabled)
    progress.start()
    try:
        yield progress
    finally:
        progress.stop()
