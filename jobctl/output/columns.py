"""Which columns a table shows, how much each may give up, and fitting them to a width.

The default (`-o table`) is compact and chosen by context, as `kubectl get` adds NAMESPACE
only with `-A`: the columns that tell jobs apart in *this* listing, then the job itself.

    [service] [region] [profile] [account] [parent]  id  name  status  state  age  duration

- `service`, `region`, `profile`, `account` appear only when the listing spans several of
  them, `parent` when parents (apps and branches, backend environments, Batch queues)
  were discovered. The listing says which in `RenderOptions.varying`; the fields it adds
  to each job (`extra_columns`) count too.
- `name` is left out when the listing is of one service and every job of the first page
  is named by its ID (IoT jobs have no other name).
- `-o wide` shows every normalized field (the columns `-o table` had before); `--columns`
  names them exactly.

On a terminal a row never folds. Each column has a kind:
- `id`: never cut (people copy IDs);
- `free`: free text (name, status, parent, arn, profile, raw.*), cut with "…" down to a
  minimum width when the row would not fit;
- `fixed`: short values of known shape (state, age, service, region, timestamps), whole.
When even the minimum widths do not fit, whole columns go, lowest priority first, and the
table says so once on stderr.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from jobctl.job import FIELDS, STATES

Kind = Literal["id", "free", "fixed"]

CONTEXT: tuple[str, ...] = ("service", "region", "profile", "account", "parent")
COMPACT: tuple[str, ...] = ("id", "name", "status", "state", "age", "duration")

GAP = 2  # blanks between columns
# The narrowest a free-text column gets before columns are hidden: "bert-base-pr…" still
# tells jobs apart, "bert-ba…" rarely does.
MIN_FREE = 12
LAST_RESORT = 6  # the narrowest `name` gets before it is hidden

_FIXED = frozenset(
    {"service", "region", "account", "state", "age", "duration"}
    | {"created_at", "started_at", "ended_at", "updated_at"}
)
# Higher stays longer: when the minimum widths do not fit, the lowest goes first.
_PRIORITY: dict[str, int] = {
    "id": 100,
    "state": 90,
    "name": 80,
    "age": 70,
    "service": 65,
    "region": 60,
    "profile": 56,
    "account": 56,
    "parent": 55,
    "duration": 45,
    "status": 40,  # the service's own word for the state: the first to go
    "created_at": 30,
    "started_at": 25,
    "ended_at": 24,
    "updated_at": 23,
    "arn": 10,
}
# Widths known before any row, so a later page rarely needs more: a state is one of
# STATES; an age or a duration is at most 5 characters ("7d23h", "9m59s") until two years.
_KNOWN_WIDTH = {"state": max(len(state) for state in STATES), "age": 5, "duration": 5}
UUID_WIDTH = 36


def kind_of(column: str) -> Kind:
    if column == "id":
        return "id"
    return "fixed" if column in _FIXED else "free"


def priority_of(column: str) -> int:
    return _PRIORITY.get(column, 5)  # raw.* and anything else go first


def default_columns(
    varying: frozenset[str] | set[str],
    first_page: Sequence[Mapping[str, Any]],
) -> tuple[str, ...]:
    """The compact columns for a listing in which the fields of `varying` vary."""
    context = [name for name in CONTEXT if name in varying]
    columns = [*context, *COMPACT]
    if (
        "service" not in varying
        and first_page
        and all(job.get("name") == job.get("id") for job in first_page)
    ):
        columns.remove("name")
    return tuple(columns)


def wide_columns(extra: Sequence[str]) -> tuple[str, ...]:
    return (*FIELDS, *extra)


@dataclass
class Column:
    name: str
    kind: Kind
    width: int  # the column's width, in display cells
    natural: int  # its widest cell (or header) in the rows it was sized from
    minimum: int  # the narrowest it may be cut to
    index: int = 0  # where its cells are in a row
    header: int = 0  # its header's width
    rank: int | None = None  # the table's own priority for it, if any

    @property
    def priority(self) -> int:
        return priority_of(self.name) if self.rank is None else self.rank


def measure(
    names: Sequence[str],
    header: Sequence[int],
    rows: Sequence[Sequence[int]],
    several_services: bool = False,
    priorities: Mapping[str, int] | None = None,
) -> list[Column]:
    """Columns sized to their widest cell: `header` and `rows` hold display widths.

    A listing of several services reserves a UUID's 36 cells for IDs whatever its first
    page holds: the first page may be Amplify's (IDs of 10 digits), and Batch's,
    AmplifyBackend's and Snowball's are UUIDs (Snowball's 39 with its JID prefix).
    """
    known = dict(_KNOWN_WIDTH, id=UUID_WIDTH) if several_services else _KNOWN_WIDTH
    columns = []
    for index, name in enumerate(names):
        natural = max([header[index], known.get(name, 0), *(row[index] for row in rows)])
        kind = kind_of(name)
        minimum = natural if kind != "free" else min(natural, max(header[index], MIN_FREE))
        rank = (priorities or {}).get(name)
        columns.append(Column(name, kind, natural, natural, minimum, index, header[index], rank))
    return columns


def total_width(widths: Sequence[int]) -> int:
    return sum(widths) + GAP * max(len(widths) - 1, 0)


def fit(columns: list[Column], width: int) -> tuple[list[Column], list[Column]]:
    """Fit the columns in `width` cells: cut free text (widest first, down to each
    column's minimum), and when that is not enough hide whole columns, lowest priority
    first (never the ID). Returns the columns kept, with their widths set, and the hidden.
    """
    kept = list(columns)
    hidden: list[Column] = []
    while True:
        for column in kept:
            column.width = column.natural
        excess = total_width([c.width for c in kept]) - width
        if excess <= 0:
            return kept, hidden
        if total_width([c.minimum for c in kept]) <= width:
            _shrink(kept, excess)
            return kept, hidden
        droppable = [c for c in kept if c.kind != "id"]
        if not droppable:  # the IDs alone are wider than the terminal: nothing to cut
            return kept, hidden
        lowest = min(droppable, key=lambda c: (c.priority, -kept.index(c)))
        last_resort = min(lowest.natural, max(lowest.header, LAST_RESORT))
        if lowest.name == "name" and lowest.minimum > last_resort:
            # The last free text before only IDs and states remain: a few characters
            # of a job's name before none at all.
            lowest.minimum = last_resort
            continue
        kept.remove(lowest)
        hidden.append(lowest)


def widen(columns: list[Column], page: Sequence[Sequence[int]], width: int) -> None:
    """A later page on a terminal: an ID (or another cell that is never cut) wider than
    its column widens the column from this page on, and free text gives up the room (to
    its minimum, then further, since the header on the screen cannot change any more), so
    the rows after it align again. Free-text columns never widen: their cells are cut,
    so they stay under the header already on the screen."""
    grew = False
    for column in columns:
        if column.kind == "free":
            continue
        widest = max(row[column.index] for row in page)
        if widest > column.width:
            column.width = column.natural = column.minimum = widest
            grew = True
    if grew:
        excess = total_width([c.width for c in columns]) - width
        excess = _shrink(columns, excess)
        if excess > 0:
            for column in columns:
                if column.kind == "free":
                    column.minimum = 1
            _shrink(columns, excess)


def _shrink(columns: list[Column], excess: int) -> int:
    """Take `excess` cells from the free columns, always from the widest one, so the
    longest texts give up the most and short ones stay whole. Returns what is left."""
    free = [c for c in columns if c.kind == "free"]
    while excess > 0:
        candidates = [c for c in free if c.width > c.minimum]
        if not candidates:
            return excess
        widest = max(candidates, key=lambda c: c.width)
        runner_up = max((c.width for c in candidates if c is not widest), default=widest.minimum)
        step = min(excess, widest.width - max(runner_up, widest.minimum) or 1)
        widest.width -= step
        excess -= step
    return 0
