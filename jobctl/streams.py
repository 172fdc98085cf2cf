"""The streams a command writes to, injected so tests can pass their own."""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass
from typing import TextIO


@dataclass
class Streams:
    stdout: TextIO
    stderr: TextIO
    stdout_tty: bool = False
    stderr_tty: bool = False

    @classmethod
    def from_process(cls) -> Streams:
        return cls(
            stdout=_buffered(sys.stdout),
            stderr=sys.stderr,
            stdout_tty=_isatty(sys.stdout),
            stderr_tty=_isatty(sys.stderr),
        )

    @property
    def color(self) -> bool:
        return self.stdout_tty and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def _buffered(stream: TextIO) -> TextIO:
    """stdout with a buffer even under PYTHONUNBUFFERED=1, where Python writes straight to
    the file and a short write into a closing pipe is silently dropped (`| head` would
    then exit 0 with the rest of the page lost instead of 141)."""
    raw = getattr(stream, "buffer", None)
    if isinstance(raw, io.RawIOBase):
        return io.TextIOWrapper(
            io.BufferedWriter(raw),
            encoding=stream.encoding,
            errors=stream.errors,
            line_buffering=False,
        )
    return stream


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
