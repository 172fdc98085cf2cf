"""The progress line: on a terminal's stderr only, animated by its own thread, erased
before any other output reaches the terminal, and gone when output or the listing ends."""

from __future__ import annotations

import io
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import pytest

from jobctl.output.progress import ERASE, Progress, progress_line
from jobctl.output.streams import Streams


class Terminal(io.StringIO):
    """A StringIO that records writes under a lock, like a terminal's file would."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()

    def write(self, text: str) -> int:
        with self.lock:
            return super().write(text)

    def text(self) -> str:
        with self.lock:
            return self.getvalue()


@dataclass
class FakeListing:
    written: int = 0
    streams: list[Any] = field(default_factory=lambda: [object()])
    streams_done: int = 0

    @property
    def stream_count(self) -> int:
        return len(self.streams)


def streams(stdout_tty: bool = True, stderr_tty: bool = True) -> Streams:
    return Streams(Terminal(), Terminal(), stdout_tty=stdout_tty, stderr_tty=stderr_tty)


def wait_for(condition: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def frames(err: Terminal) -> list[str]:
    return [part for part in err.text().split(ERASE) if part]


@pytest.fixture(autouse=True)
def columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")


def test_never_on_a_stderr_that_is_not_a_terminal() -> None:
    plain = streams(stderr_tty=False)
    progress = Progress(plain, enabled=True, delay=0, interval=0.01)
    assert progress.streams is plain  # nothing wrapped
    progress.start()
    time.sleep(0.1)
    progress.stop()
    assert plain.stderr.getvalue() == ""


def test_off_when_disabled() -> None:
    term = streams()
    progress = Progress(term, enabled=False, delay=0, interval=0.01)
    progress.start()
    time.sleep(0.1)
    progress.stop()
    assert term.stderr.getvalue() == "" and progress.streams is term


def test_animates_while_the_main_thread_waits() -> None:
    term = streams()
    progress = Progress(term, enabled=True, delay=0, interval=0.01)
    progress.start()
    # the main thread is blocked (sleeping here, waiting for a page in real life)
    wait_for(lambda: len(set(frames(term.stderr))) >= 3)
    progress.stop()
    drawn = frames(term.stderr)
    assert {frame[0] for frame in drawn} >= {"⠋", "⠙", "⠹"}  # the spinner moves
    assert all(frame[1:] == " listing…" for frame in drawn)
    assert term.stderr.getvalue().endswith(ERASE)  # erased at the end


def test_says_pages_jobs_and_targets() -> None:
    term = streams()
    progress = Progress(term, enabled=True)
    listing = FakeListing(written=250, streams=[object()] * 6, streams_done=2)
    progress.follow(listing)
    assert progress.status() == "listing…"  # no page yet
    for _ in range(3):
        progress.page()
    assert progress.status() == "listing… 3 pages, 250 jobs, 2/6 targets done"
    progress.follow(FakeListing(written=1))
    assert progress.status() == "listing… 3 pages, 1 job"


def test_a_frame_never_wraps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    term = streams()
    progress = Progress(term, enabled=True, delay=0, interval=0.01)
    progress.follow(FakeListing(written=123456, streams=[object()] * 99))
    for _ in range(12345):
        progress.page()
    progress.start()
    wait_for(lambda: frames(term.stderr))
    progress.stop()
    assert all(len(frame) == 39 and frame.endswith("…") for frame in frames(term.stderr))


def test_table_output_on_the_same_terminal_ends_it_for_good() -> None:
    term = streams()
    with progress_line(term) as progress:
        progress._delay, progress._interval = 0, 0.01
        shown = progress.streams
        wait_for(lambda: frames(term.stderr))
        shown.stdout.write("id  name\n")
        after = term.stderr.text()
        assert after.endswith(ERASE)  # erased before the row was written
        time.sleep(0.1)
        assert term.stderr.text() == after  # and never drawn again
    assert term.stdout.getvalue() == "id  name\n"


def test_piped_output_leaves_it_until_the_end() -> None:
    term = streams(stdout_tty=False)
    progress = Progress(term, enabled=True, delay=0, interval=0.01)
    progress.start()
    wait_for(lambda: frames(term.stderr))
    progress.streams.stdout.write("a row for a file\n")
    count = len(frames(term.stderr))
    wait_for(lambda: len(frames(term.stderr)) > count + 2)  # still drawing
    progress.stop()
    assert term.stderr.text().endswith(ERASE)


def test_messages_on_stderr_erase_it_first_and_it_comes_back() -> None:
    term = streams()
    progress = Progress(term, enabled=True, delay=0, interval=0.01)
    progress.start()
    wait_for(lambda: frames(term.stderr))
    progress.streams.stderr.write("jobctl: warning: something\n")
    text = term.stderr.text()
    head, _, _ = text.partition("jobctl: warning: something\n")
    assert head.endswith(ERASE)  # the frame was erased before the message
    wait_for(lambda: len(term.stderr.text()) > len(text) + 5)  # drawn again below it
    progress.stop()


def test_stop_is_idempotent_and_final() -> None:
    term = streams()
    progress = Progress(term, enabled=True, delay=0, interval=0.01)
    progress.start()
    wait_for(lambda: frames(term.stderr))
    progress.stop()
    progress.stop()
    text = term.stderr.text()
    time.sleep(0.05)
    assert term.stderr.text() == text
    assert text.endswith(ERASE) and not text.endswith(ERASE + ERASE)
