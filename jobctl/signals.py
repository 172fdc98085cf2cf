"""SIGINT and SIGTERM, raised as `Interrupted` only where unwinding is safe.

A signal handler that raises wherever the main thread happens to be can land inside an
import (Python then prints "Exception ignored in ... _ModuleLock" and the signal is
lost), inside botocore, or between writing a page and recording where the listing
stands (the resume token would then skip that page). So the handler only *records* a
signal, and it is raised:

- at once, when the main thread is waiting (`interruptible()`: for pages, for parents
  being discovered, between --watch rounds), where nothing is half done;
- at the next `check()` otherwise: after a page is written and its position committed,
  once start-up is over, before the last words of a listing;
- at once for a second signal while one is pending: a user who presses Ctrl-C twice
  means it (a page may then be written twice on resume, never lost).

The state is process-wide because signals are; `install()` is called once, by the entry
point, before anything else is imported.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from jobctl.errors import ExitStatus, Interrupted


class _State:
    pending: ExitStatus | None = None
    waiting: int = 0  # > 0: the main thread is in an interruptible wait


_state = _State()


def _status_of(signum: int) -> ExitStatus:
    return ExitStatus.SIGTERM if signum == signal.SIGTERM else ExitStatus.SIGINT


def _on_signal(signum: int, frame: FrameType | None) -> None:
    status = _status_of(signum)
    if _state.waiting or _state.pending is not None:
        _state.pending = None
        raise Interrupted(status)
    _state.pending = status


def install() -> None:
    """Route SIGINT and SIGTERM here; a signal that arrived earlier is kept."""
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)


def record(status: ExitStatus) -> None:
    """A signal the entry point caught before `install()`: raised at the first check."""
    if _state.pending is None:
        _state.pending = status


def check() -> None:
    """Raise a signal that arrived since the last check."""
    if _state.pending is not None:
        status, _state.pending = _state.pending, None
        raise Interrupted(status)


def pending() -> ExitStatus | None:
    """The signal waiting to be raised, if any (the last words of a run read it)."""
    return _state.pending


@contextmanager
def interruptible() -> Iterator[None]:
    """A wait the main thread may leave at once when a signal arrives."""
    check()
    _state.waiting += 1
    try:
        yield
    finally:
        _state.waiting -= 1
