"""What --watch tracks: the watched jobs, their last known state, the IDs not listed yet."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from jobctl.job import STATES, TERMINAL_STATES, Job

Key = tuple[str, str, str]  # service, region, id: a job's identity across listings


def elapsed_text(seconds: float) -> str:
    whole = int(seconds)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole // 60 % 60:02d}m{whole % 60:02d}s"


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def key_of(job: Job) -> Key:
    return (str(job.get("service")), str(job.get("region")), str(job.get("id")))


@dataclass
class Change:
    job: Job
    old: str | None  # None: first seen
    new: str
    at: str


@dataclass
class Tracker:
    """The watched jobs, their last known state, and the --id values not listed yet."""

    pending: list[str] = field(default_factory=list)
    jobs: dict[Key, Job] = field(default_factory=dict)
    gone: set[Key] = field(default_factory=set)  # no longer listed: not waited for

    def open_keys(self) -> set[Key]:
        return {
            key
            for key, job in self.jobs.items()
            if key not in self.gone and job.get("state") not in TERMINAL_STATES
        }

    @property
    def finished(self) -> bool:
        return not self.pending and not self.open_keys()

    def update(self, jobs: Iterable[Job], at: str, choose: bool = False) -> list[Change]:
        """Record a listing's jobs; `choose`: the first listing, whose jobs are watched."""
        changes = []
        for job in jobs:
            key = key_of(job)
            if key not in self.jobs:
                if not choose and str(job.get("id")) not in self.pending:
                    continue
                if str(job.get("id")) in self.pending:
                    self.pending.remove(str(job.get("id")))
                changes.append(Change(job, None, str(job.get("state")), at))
            elif self.jobs[key].get("state") != job.get("state"):
                old = self.jobs[key].get("state")
                changes.append(Change(job, str(old), str(job.get("state")), at))
            self.jobs[key] = job
            self.gone.discard(key)
        return changes

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATES, 0)
        for job in self.jobs.values():
            state = job.get("state")
            counts[state if state in counts else "unknown"] += 1
        return counts
