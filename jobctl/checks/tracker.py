"""What --watch tracks: the watched jobs, their last known state, the IDs not listed yet."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from jobctl.job import STATES, TERMINAL_STATES, Job

# A job's identity across listings: its ID within its service, region, account, profile
# and parent. An ID alone is not enough: Amplify numbers each branch's jobs 1, 2, 3…, so
# every branch has a job 0000000001 (keyed by service, region and ID, --watch over every
# branch tracked 168 of 300 jobs); accounts and profiles may repeat IDs too.
Key = tuple[str, ...]
IDENTITY = ("service", "region", "account", "profile", "parent", "id")


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
    return tuple(str(job.get(name)) for name in IDENTITY)


# What tells a job from another with the same ID, when the listing adds it.
TELLS_APART = ("account", "profile", "parent")


def who(job: Job, region: bool = False) -> str:
    """A job as messages name it: `amplify d3bkd52tvije37/main 0000000001` — its service
    (and region), then what tells it from a job with the same ID, then the ID."""
    names = ("service", *(("region",) if region else ()), *TELLS_APART, "id")
    return " ".join(str(job[name]) for name in names if job.get(name) is not None)


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
