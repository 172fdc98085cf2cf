"""Display width: how many terminal cells a text takes, and cutting text to a width.

A CJK character or an emoji takes two cells, a combining accent none, so `len()` would
misalign a table. The widths come from the `wcwidth` library (Unicode's East Asian Width
and emoji tables); it is imported only when a text is not ASCII, which most job data is.
Texts measured here are already terminal-safe (output/text.py): no control characters.
"""

from __future__ import annotations

import os
from typing import TextIO

ELLIPSIS = "…"


def display_width(text: str) -> int:
    if text.isascii():
        return len(text)
    from wcwidth import wcswidth

    width = wcswidth(text)
    if width < 0:  # a character wcwidth cannot place: count each as what it can
        return sum(_char_width(char) for char in text)
    return int(width)


def _char_width(char: str) -> int:
    from wcwidth import wcwidth

    width = wcwidth(char)
    return 1 if width < 0 else int(width)


def truncate(text: str, width: int, ellipsis: str = ELLIPSIS) -> str:
    """`text` if it fits in `width` cells, else its longest prefix that fits with the
    ellipsis after it (the ellipsis alone when `width` is 1; nothing when 0)."""
    if display_width(text) <= width:
        return text
    if width <= 0:
        return ""
    room = width - display_width(ellipsis)
    if room < 0:
        return ellipsis[:width]
    if text.isascii():
        return text[:room] + ellipsis
    used = 0
    end = 0
    for index, char in enumerate(text):
        char_width = _char_width(char)
        if used + char_width > room:
            break
        used += char_width
        end = index + 1
    cut = text[:end]
    # Sequences (an emoji and its variation selector) can measure wider whole than
    # their characters one by one: drop characters until the prefix really fits.
    while cut and display_width(cut) > room:
        cut = cut[:-1]
    return cut + ellipsis


def pad(text: str, width: int) -> str:
    """`text` followed by spaces up to `width` display cells."""
    return text + " " * (width - display_width(text))


def terminal_width(stream: TextIO | None = None, fallback: int = 80) -> int:
    """The terminal's columns: COLUMNS when it is a positive number (as click and
    shutil.get_terminal_size honour it), else the terminal of `stream`, else `fallback`.
    """
    columns = os.environ.get("COLUMNS", "")
    if columns.strip().isdigit() and int(columns) > 0:
        return int(columns)
    try:
        fileno = stream.fileno() if stream is not None else 1
        size = os.get_terminal_size(fileno).columns
    except (AttributeError, OSError, ValueError):
        return fallback
    return size if size > 0 else fallback


def can_encode(stream: TextIO, text: str) -> bool:
    """Whether `stream` can write `text` (an ellipsis, a spinner frame) in its encoding."""
    try:
        text.encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True
