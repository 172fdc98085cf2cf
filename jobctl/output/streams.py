"""The streams a command writes to, injected so tests can pass their own, and the one
way a line reaches stderr."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TextIO

from jobctl.errors import JobctlError, redact_url
from jobctl.output.text import terminal_safe


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

    def say(self, message: str) -> None:
        """One line on stderr, made terminal-safe (messages quote job data and server text)."""
        self.stderr.write(terminal_safe(redact_url(message)) + "\n")
        self.stderr.flush()

    def report(
        self, error: JobctlError, debug: bool = False, cause: BaseException | None = None
    ) -> None:
        """An error's one line on stderr, with what to do; with --debug, its traceback
        first."""
        if debug and cause is not None:
            import traceback

            # Made terminal-safe line by line: exception messages quote server text.
            lines = traceback.format_exception(type(cause), cause, cause.__traceback__)
            for line in "".join(lines).splitlines():
                self.stderr.write(terminal_safe(redact_url(line)) + "\n")
        self.say(f"jobctl: {error.line}")


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


def silence_stdout() -> None:
    """The reader went away: point stdout at /dev/null so nothing more fails or prints."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


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
