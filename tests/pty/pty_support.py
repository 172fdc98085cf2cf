"""Running the installed jobctl on a real pseudo-terminal, and reading the screen back.

`run` gives the child a terminal of a given width (set with TIOCSWINSZ, as a terminal
emulator does, or through COLUMNS) for both stdout and stderr, records what it writes
with timestamps, and `screen` replays that output the way a terminal shows it: carriage
returns and erase-to-end-of-line (the progress line) overwrite, colours take no room.
"""

from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

JOBCTL = Path(sys.executable).parent / "jobctl"
SGR = re.compile(r"\x1b\[[0-9;]*m")
ERASE_LINE = "\x1b[K"


@dataclass
class PtyRun:
    status: int
    chunks: list[tuple[float, str]]  # (seconds since start, text)
    elapsed: float

    @property
    def raw(self) -> str:
        return "".join(text for _, text in self.chunks)

    def first_time(self, pattern: str) -> float | None:
        """When `pattern` (a regex) had first appeared in the output, in seconds."""
        seen = ""
        for at, text in self.chunks:
            seen += text
            if re.search(pattern, seen):
                return at
        return None


def run(
    args: Sequence[str],
    columns: int,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
) -> PtyRun:
    import pty

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    environ = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    environ.update(TERM="xterm-256color")
    environ.pop("NO_COLOR", None)
    environ.update(env or {})
    start = time.monotonic()
    proc = subprocess.Popen(
        [str(JOBCTL), *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=environ,
        start_new_session=True,
    )
    os.close(follower)
    chunks: list[tuple[float, str]] = []
    pending = b""
    try:
        while True:
            assert time.monotonic() - start < timeout, "jobctl did not finish under the pty"
            try:
                data = os.read(leader, 65536)
            except OSError:  # EIO: every process closed the terminal
                break
            if not data:
                break
            pending += data
            try:
                text, pending = pending.decode("utf-8"), b""
            except UnicodeDecodeError:  # a character split between reads
                continue
            chunks.append((time.monotonic() - start, text))
        status = proc.wait(timeout=timeout)
    finally:
        os.close(leader)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return PtyRun(status, chunks, time.monotonic() - start)


def screen(raw: str) -> list[str]:
    """The lines a terminal shows for `raw` (before any wrapping): `\\r` returns to the
    start of the line, ESC[K erases to its end, colours are dropped."""
    text = SGR.sub("", raw)
    lines: list[str] = []
    line: list[str] = []
    cursor = 0
    i = 0
    while i < len(text):
        if text.startswith(ERASE_LINE, i):
            del line[cursor:]
            i += len(ERASE_LINE)
            continue
        char = text[i]
        i += 1
        if char == "\r":
            cursor = 0
        elif char == "\n":
            lines.append("".join(line))
            line, cursor = [], 0
        else:
            if cursor < len(line):
                line[cursor] = char
            else:
                line.append(char)
            cursor += 1
    if line:
        lines.append("".join(line))
    return lines
