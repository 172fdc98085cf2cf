"""The streams a command writes to, injected so tests can pass their own."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Mapping
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
        return use_color(self.stdout_tty, os.environ)


def use_color(tty: bool, environ: Mapping[str, str]) -> bool:
    """Whether stdout gets colour, as the ecosystem's conventions say, first match wins:

    1. NO_COLOR set to anything but "" → no colour (no-color.org);
    2. FORCE_COLOR or CLICOLOR_FORCE set to anything but "" and "0" → colour, even when
       piped (force-color.org; bixense.com/clicolors);
    3. TERM=dumb, or CLICOLOR=0 → no colour;
    4. otherwise colour exactly when stdout is a terminal.
    """
    if environ.get("NO_COLOR"):
        return False
    if any(environ.get(name, "") not in ("", "0") for name in ("FORCE_COLOR", "CLICOLOR_FORCE")):
        return True
    if environ.get("TERM") == "dumb" or environ.get("CLICOLOR") == "0":
        return False
    return tty


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
