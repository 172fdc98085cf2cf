"""Moving jobs: on a live clock, a few jobs of every API move through their statuses while
the sandbox runs, so ``--watch`` has something to watch.

Every ``WAVE_SECONDS`` (scaled) a wave of ``PER_WAVE`` new jobs per API appears in the
API's busiest parent of the default region, the first wave as the sandbox starts; each
job goes from a queued status through running to a final one within one to two minutes
(scaled), as its module's ``moving`` generator plans it. Nothing runs in the background:
the store calls ``advance`` before every read or write, which creates the jobs and applies
the changes that are due by the clock, in order. A job's creation time never changes, so
a paginating client (keyset tokens) neither loses nor repeats a job that changes state.

Deterministic: a wave's jobs come from generators seeded by (region, API, wave, number),
relative to the clock's start.
"""

from __future__ import annotations

import contextlib
import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from jobctl.sandbox.clock import Clock
from jobctl.sandbox.service import MoveContext, SandboxService

if TYPE_CHECKING:
    from jobctl.sandbox.store import Store

WAVE_SECONDS = 300.0  # a new wave every five minutes (scaled)
PER_WAVE = 3  # jobs per API and wave
STAGGER_SECONDS = 12.0  # a wave's jobs were created this far apart, the newest at its start
KEEP_WAVES = 288  # a day of waves at scale 1; older waves' jobs are removed


@dataclass(frozen=True)
class MovingJob:
    """One moving job: where it is, and when it takes each status (the first: created)."""

    service: str
    region: str
    parent: Any
    id: str
    schedule: tuple[tuple[datetime, str], ...]

    @property
    def created(self) -> datetime:
        return self.schedule[0][0]

    @property
    def statuses(self) -> tuple[str, ...]:
        return tuple(status for _, status in self.schedule)

    @property
    def done_at(self) -> datetime:
        """When it takes its final status."""
        return self.schedule[-1][0]

    def status_at(self, moment: datetime) -> str | None:
        """Its status at a moment (None before it exists)."""
        current = None
        for when, status in self.schedule:
            if when <= moment:
                current = status
        return current


@dataclass(order=True)
class _Event:
    due: datetime
    seq: int
    action: str = field(compare=False)  # "create" | "update"
    job: MovingJob = field(compare=False)
    fields: dict[str, Any] = field(compare=False)


class Movement:
    """The moving jobs of one sandbox (its default region), advanced by its clock."""

    def __init__(self, data: Store, clock: Clock, region: str, scale: float = 1.0) -> None:
        if not scale > 0:
            raise ValueError(f"move_scale must be above 0, not {scale!r}")
        self.data, self.clock, self.region, self.scale = data, clock, region, scale
        self._events: list[_Event] = []
        self._seq = 0
        self._next_wave = 0
        self._jobs: list[tuple[int, MovingJob]] = []  # (wave, job), in creation order
        self._numbers: dict[str, int] = {}
        # Each API's parent and how many jobs it held before anything moved.
        parents = data.parents(region)
        self._places: list[tuple[SandboxService, Any, int]] = []
        for service in data.catalog:
            if service.moving is None:
                continue
            parent = None
            if service.parent is not None:
                if not parents.get(service.name):
                    continue
                parent = parents[service.name][0]
            existing = len(data.stored_jobs(service.name, region, parent))
            self._places.append((service, parent, existing))

    def at(self, seconds: float) -> datetime:
        """The clock time of a schedule second after the start."""
        return self.clock.start + timedelta(seconds=seconds * self.scale)

    def _timer(self, created: float) -> Callable[[float], datetime]:
        """The clock time of a job's schedule second (0: its creation)."""
        return lambda seconds: self.at(created + seconds)

    def jobs(self, service: str | None = None) -> list[MovingJob]:
        return [job for _, job in self._jobs if service in (None, job.service)]

    def advance(self) -> None:
        """Creates and moves the jobs that are due by the clock, in order."""
        now = self.clock.now()
        due_wave = int((now - self.clock.start).total_seconds() / (WAVE_SECONDS * self.scale))
        # After a long pause, skip the waves that would be removed at once.
        self._next_wave = max(self._next_wave, due_wave - KEEP_WAVES + 1)
        while self._next_wave <= due_wave:
            self._plan_wave(self._next_wave)
            self._next_wave += 1
        while self._events and self._events[0].due <= now:
            event = heapq.heappop(self._events)
            self._apply(event)

    def _plan_wave(self, wave: int) -> None:
        start = wave * WAVE_SECONDS
        for service, parent, existing in self._places:
            for index in range(PER_WAVE):
                number = self._numbers.get(service.name, 0)
                self._numbers[service.name] = number + 1
                created = start - index * STAGGER_SECONDS
                rng = random.Random(f"jobctl-sandbox/moving/{self.region}/{service.name}/{number}")
                ctx = MoveContext(
                    self.data, self.region, parent, rng, number, existing, self._timer(created)
                )
                plan = service.moving(ctx)  # type: ignore[misc]
                job_id = plan.job[service.id_member]
                schedule = [(self.at(created), plan.job[service.status_member])]
                schedule += [
                    (self.at(created + seconds), fields[service.status_member])
                    for seconds, fields in plan.steps
                    if service.status_member in fields
                ]
                moving = MovingJob(service.name, self.region, plan.parent, job_id, tuple(schedule))
                self._jobs.append((wave, moving))
                self._push(self.at(created), "create", moving, plan.job)
                for seconds, fields in plan.steps:
                    self._push(self.at(created + seconds), "update", moving, fields)
        self._forget(wave - KEEP_WAVES)

    def _push(self, due: datetime, action: str, job: MovingJob, fields: dict[str, Any]) -> None:
        self._seq += 1
        heapq.heappush(self._events, _Event(due, self._seq, action, job, fields))

    def _apply(self, event: _Event) -> None:
        job = event.job
        try:
            if event.action == "create":
                self.data.add_job(job.service, event.fields, region=job.region, parent=job.parent)
            else:
                self.data.update_job(
                    job.service, job.id, region=job.region, parent=job.parent, **event.fields
                )
        except (KeyError, LookupError):  # removed (or doubled) by the user meanwhile
            pass

    def _forget(self, wave: int) -> None:
        """Removes the jobs of a wave that is too old to keep (a day at scale 1)."""
        if wave < 0:
            return
        for _, job in [entry for entry in self._jobs if entry[0] == wave]:
            with contextlib.suppress(KeyError, LookupError):
                self.data.remove_job(job.service, job.id, region=job.region, parent=job.parent)
        self._jobs = [entry for entry in self._jobs if entry[0] != wave]
