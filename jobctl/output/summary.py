"""--summary: counts by state, and by service and region when several appear.

One shape of rows for every format, so a script can read any of them the same way:

    service, region, queued, running, succeeded, failed, cancelled, unknown, total

There is one row per (service, region) that appears when there are several, and the last
row always holds the totals: it names the service and region when only one of each
appeared, else `all` and `all` (also for an empty listing). table, csv, tsv and jsonl
write these rows; json writes one object:

    {"total": N, "states": {"queued": n, ...}, "groups": [ROW, ...]}

whose `groups` holds one row per (service, region), even a single one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, TextIO

from jobctl.job import STATES, Job
from jobctl.output.base import Renderer, RenderOptions

COLUMNS: tuple[str, ...] = ("service", "region", *STATES, "total")
ALL = "all"

Group = tuple[str, str]


def row(service: str, region: str, counts: Counter[str]) -> dict[str, Any]:
    states = {state: counts.get(state, 0) for state in STATES}
    return {"service": service, "region": region, **states, "total": sum(states.values())}


class Summary:
    """Counts of jobs by (service, region) and state."""

    def __init__(self) -> None:
        self.groups: dict[Group, Counter[str]] = {}

    def add(self, jobs: Sequence[Job]) -> None:
        for job in jobs:
            group = (str(job.get("service")), str(job.get("region")))
            state = job.get("state")
            counts = self.groups.setdefault(group, Counter())
            counts[state if state in STATES else "unknown"] += 1

    def totals(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for counts in self.groups.values():
            total.update(counts)
        return total

    def group_rows(self) -> list[dict[str, Any]]:
        return [
            row(service, region, self.groups[(service, region)])
            for service, region in sorted(self.groups)
        ]

    def rows(self) -> list[dict[str, Any]]:
        """Per-group rows when there are several, then the totals row."""
        groups = self.group_rows()
        if len(groups) == 1:
            return groups
        return [*groups, row(ALL, ALL, self.totals())]

    def as_object(self) -> dict[str, Any]:
        totals = row(ALL, ALL, self.totals())
        return {
            "total": totals["total"],
            "states": {state: totals[state] for state in STATES},
            "groups": self.group_rows(),
        }


class SummaryRenderer(Renderer):
    """Counts the jobs as they stream by; writes the summary in `output`'s format at the
    end, through that format's own renderer, so quoting and escaping stay the same."""

    def __init__(
        self, out: TextIO, options: RenderOptions, err: TextIO | None = None, *, output: str
    ):
        super().__init__(out, options, err)
        self.output = output
        self.summary = Summary()

    def write(self, jobs: Sequence[Job]) -> None:
        self.summary.add(jobs)
        self.count += len(jobs)

    def end(self) -> None:
        if self.output == "json":
            from jobctl.output.jsonout import encode

            self.out.write(encode(self.summary.as_object()) + "\n")
            self.out.flush()
            return
        from jobctl.output import renderer_for

        options = replace(self.options, columns=COLUMNS, extra_columns=())
        inner = renderer_for(self.output)(self.out, options, self.err)
        inner.begin()
        inner.write(self.summary.rows())
        inner.end()
