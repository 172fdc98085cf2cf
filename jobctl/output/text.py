"""Text from job data made safe for terminals, logs and spreadsheets.

Job fields hold text other people wrote. Before it reaches a terminal every control
character, escape sequence and bidirectional override is shown as a visible escape, so it
can neither run (clear the screen, set the clipboard, forge a link) nor forge a row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
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


_MISSING = object()


def _walk(value: Any, path: str) -> Any:
    """The value at a dotted path inside a service's item: `a.b` a field of a field,
    `a.0.b` a field of a list's first item. _MISSING when the path leads nowhere."""
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part, _MISSING)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
        if value is _MISSING:
            return _MISSING
    return value


def found(job: dict[str, Any], column: str) -> bool:
    """Whether a `raw.` column names a field this job's item has (even a null one)."""
    return _walk(job.get("raw"), column[4:]) is not _MISSING


def lookup(job: dict[str, Any], column: str, now: float | None = None) -> Any:
    """A column of a job: a normalized field, raw.A.B inside the service's own item (a
    list's items by their index: raw.A.0.B), or a computed field (`age`, `duration`:
    whole seconds at `now`, default the current time)."""
    if column in ("age", "duration") and column not in job:
        import time

        from jobctl.output.human import computed

        return computed(job, column, time.time() if now is None else now)
    if not column.startswith("raw."):
        return job.get(column)
    value = _walk(job.get("raw"), column[4:])
    return None if value is _MISSING else value


class RawColumns:
    """The `raw.` columns of --columns that no job listed so far has: a name that
    matches no job of a whole listing is most likely mistyped (fields are
    case-sensitive), and an empty column would not say so."""

    def __init__(self, columns: Sequence[str] | None):
        self.unmatched = [c for c in columns or () if c.startswith("raw.")]

    def observe(self, jobs: Sequence[dict[str, Any]]) -> None:
        if self.unmatched:
            self.unmatched = [c for c in self.unmatched if not any(found(j, c) for j in jobs)]

    def warning(self) -> str | None:
        if not self.unmatched:
            return None
        return (
            f"jobctl: warning: --columns {', '.join(self.unmatched)} matched no job "
            "(field names are case-sensitive: see a job's raw fields with -o json)"
        )
