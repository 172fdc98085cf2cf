"""Text from job data made safe for terminals, logs and spreadsheets.

Job fields hold text other people wrote. Before it reaches a terminal every control
character, escape sequence and bidirectional override is shown as a visible escape, so it
can neither run (clear the screen, set the clipboard, forge a link) nor forge a row.
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls, DEL, C1 controls, and the Unicode format characters that reorder or hide
# text (bidi embeddings/overrides/isolates, marks, zero-width joiners, line separators).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(value: Any) -> str:
    """A value as one line of inert text."""
    text = value if isinstance(value, str) else str(value)
    return _UNSAFE.sub(_escape, text)


# OWASP's CSV-injection advice: a cell starting with one of these is taken as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_safe(text: str) -> str:
    """Prefix a would-be formula with a quote so a spreadsheet shows it as text."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def cell(value: Any) -> str:
    """A field as table, csv or tsv text: null is empty, everything else is a string."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list):
        import json

        return json.dumps(value, ensure_ascii=True, separators=(",", ":"), default=str)
    return str(value)


def lookup(job: dict[str, Any], column: str, now: float | None = None) -> Any:
    """A column of a job: a normalized field, raw.A.B inside the service's own item, or a
    computed field (`age`, `duration`: whole seconds at `now`, default the current time).
    """
    if column in ("age", "duration") and column not in job:
        import time

        from jobctl.output.human import computed

        return computed(job, column, time.time() if now is None else now)
    if not column.startswith("raw."):
        return job.get(column)
    value: Any = job.get("raw")
    for part in column[4:].split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value
