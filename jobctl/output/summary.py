"""--summary: counts by state, broken down by every dimension that varies in the listing.

The dimensions are service, region, profile, account and parent. By default a summary
counts by service and region (always), and by profile and parent when the listing spans
several of them (`jobctl all` lists many parents, `--profile a,b` several profiles);
`--summary-by` names the dimensions exactly (account, read from each job's ARN, only
then). One shape of rows for every format, so a script can read any of them the same way:

    service, region, [profile], [account], [parent], queued, running, succeeded, failed,
    cancelled, unknown, total

service and region are always there; profile, account and parent only when counted by.
There is one row per combination of the counted dimensions that appears, sorted, then,
when there are several, a last row of totals whose every dimension is `all`; with one,
that row is the total. A dimension not counted by shows its one value when every job
shares it, else `all`. table, csv, tsv and jsonl write these rows; json writes one object:

    {"total": N, "states": {"queued": n, ...}, "by": [DIM, ...], "groups": [ROW, ...]}

whose `groups` holds one row per combination, even a single one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any, TextIO

from jobctl.job import STATES, Job
from jobctl.output.base import Renderer, RenderOptions

DIMENSIONS: tuple[str, ...] = ("service", "region", "profile", "account", "parent")
ALWAYS: tuple[str, ...] = ("service", "region")  # columns of every summary
AUTOMATIC: tuple[str, ...] = ("service", "region", "profile", "account", "parent")
ALL = "all"

Group = tuple[Any, ...]


def default_by(varying: Iterable[str]) -> tuple[str, ...]:
    """What a summary counts by without --summary-by: service and region, and profile
    and parent when the listing spans several."""
    spans = set(varying)
    return tuple(d for d in AUTOMATIC if d in ALWAYS or d in spans)


def columns_for(by: Sequence[str]) -> tuple[str, ...]:
    dims = [d for d in DIMENSIONS if d in ALWAYS or d in by]
    return (*dims, *STATES, "total")


COLUMNS = columns_for(ALWAYS)  # a summary by service and region


def account_of(job: Job) -> str | None:
    """The AWS account that owns a job, from its ARN (arn:aws:SERVICE:REGION:ACCOUNT:…);
    None for a job without one (Snowball, AmplifyBackend)."""
    arn = job.get("arn")
    if not isinstance(arn, str):
        return None
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 and parts[0] == "arn" and parts[4].isdigit() else None


def dimension(job: Job, name: str) -> Any:
    if name == "account":  # the listing's (--accounts), else the job ARN's
        return job.get("account") or account_of(job)
    return job.get(name)


class Summary:
    """Counts of jobs by the dimensions of `by` and state."""

    def __init__(self, by: Sequence[str] = ALWAYS) -> None:
        self.by = tuple(d for d in DIMENSIONS if d in by)
        self.columns = columns_for(self.by)
        self.groups: dict[Group, Counter[str]] = {}
        # Each always-shown dimension's values, for rows that do not count by it.
        self.seen: dict[str, set[Any]] = {d: set() for d in ALWAYS if d not in self.by}

    def add(self, jobs: Sequence[Job]) -> None:
        for job in jobs:
            group = tuple(dimension(job, d) for d in self.by)
            state = job.get("state")
            counts = self.groups.setdefault(group, Counter())
            counts[state if state in STATES else "unknown"] += 1
            for name, values in self.seen.items():
                values.add(dimension(job, name))

    def totals(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for counts in self.groups.values():
            total.update(counts)
        return total

    def _row(self, dims: dict[str, Any], counts: Counter[str]) -> dict[str, Any]:
        states = {state: counts.get(state, 0) for state in STATES}
        row = {d: dims.get(d, ALL) for d in self.columns if d in DIMENSIONS}
        return {**row, **states, "total": sum(states.values())}

    def group_rows(self) -> list[dict[str, Any]]:
        fixed = {
            name: next(iter(values)) if len(values) == 1 else ALL
            for name, values in self.seen.items()
        }
        ordered = sorted(self.groups, key=lambda g: tuple("" if v is None else str(v) for v in g))
        return [
            self._row({**fixed, **dict(zip(self.by, group, strict=True))}, self.groups[group])
            for group in ordered
        ]

    def rows(self) -> list[dict[str, Any]]:
        """Per-group rows when there are several, then the totals row."""
        groups = self.group_rows()
        if len(groups) == 1:
            return groups
        return [*groups, self._row({}, self.totals())]

    def priorities(self, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
        """Which columns a terminal too narrow for the table hides first: a dimension
        with one value in every row (it tells no row apart), then `unknown` when it is
        0 everywhere, then the other counts; the dimensions that vary after those (a row
        must say what it counts), and `total` last of all."""
        groups = rows[:-1] if len(rows) > 1 else rows
        ranks = {name: 50 for name in STATES}
        ranks["total"] = 95
        if all(row["unknown"] == 0 for row in rows):
            ranks["unknown"] = 2
        for name in self.columns:
            if name in DIMENSIONS:
                ranks[name] = 1 if len({row[name] for row in groups}) <= 1 else 60
        return ranks

    def as_object(self) -> dict[str, Any]:
        totals = self._row({}, self.totals())
        return {
            "total": totals["total"],
            "states": {state: totals[state] for state in STATES},
            "by": list(self.by),
            "groups": self.group_rows(),
        }


class SummaryRenderer(Renderer):
    """Counts the jobs as they stream by; writes the summary in `output`'s format at the
    end, through that format's own renderer, so quoting and escaping stay the same."""

    def __init__(
        self,
        out: TextIO,
        options: RenderOptions,
        err: TextIO | None = None,
        *,
        output: str,
        by: Sequence[str] = ALWAYS,
    ):
        super().__init__(out, options, err)
        self.output = output
        self.summary = Summary(by)

    def write(self, jobs: Sequence[Job]) -> None:
        self.summary.add(jobs)
        self.count += len(jobs)

    def end(self) -> None:
        if self.output == "json":
            from jobctl.output.jsonout import encode

            self.out.write(encode(self.summary.as_object()) + "\n")
            self.out.flush()
            return
        from jobctl.output.formats import renderer_for

        rows = self.summary.rows()
        options = replace(
            self.options,
            columns=self.summary.columns,
            extra_columns=(),
            priorities=self.summary.priorities(rows),
            hidden_advice="widen the terminal or count by fewer with --summary-by",
        )
        inner = renderer_for(self.output)(self.out, options, self.err)
        inner.begin()
        inner.write(rows)
        inner.end()
