"""Client-side filters of a listing (--state, --since, --until, --id) and their push-down.

Filters apply once to the job stream, inside the Listing (`job_filter`), so `--max-items`
counts the jobs written and resume positions stay exact. Where a service can filter on the
server with the very same result, its spec pushes the filter into its `paginate()`
arguments too (`ServiceSpec.push_down`); the client-side filter still runs, so both ways
give the same jobs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from jobctl.errors import UsageError
from jobctl.job import Job
from jobctl.services.spec import Narrowing, Part
from jobctl.settings import Settings
from jobctl.timeparse import parse_iso, parse_time

JobFilter = Callable[[Job], bool]


def validate(settings: Settings) -> None:
    """Combinations of options that cannot mean anything: a usage error (exit 2)."""
    if settings.watch and settings.starting_token is not None:
        raise UsageError("--watch cannot resume a listing: drop --starting-token")
    for name, value in (("--interval", settings.interval), ("--timeout", settings.timeout)):
        if value is not None and not settings.watch:
            raise UsageError(f"{name} applies only with --watch")
    if settings.table_format and settings.output not in ("table", "wide"):
        raise UsageError(
            f"--table-format applies only to -o table and -o wide, not -o {settings.output}"
        )
    if settings.summary and settings.columns:
        raise UsageError("--columns does not apply to --summary (its columns are fixed)")
    if settings.summary and settings.sort:
        raise UsageError("--sort does not apply to --summary")


def query_args(settings: Settings) -> dict[str, Any]:
    """What the filters add to a listing's fingerprint: a resume token then fits only a
    listing with the same filters (nothing is added without filters, so older tokens of
    unfiltered listings stay valid)."""
    filters = {
        "state": sorted(settings.state) if settings.state else None,
        "since": settings.since,
        "until": settings.until,
        "ids": sorted(set(settings.ids)) or None,
    }
    filters = {name: value for name, value in filters.items() if value is not None}
    return {"filters": filters} if filters else {}


def _to_ms(moment: datetime) -> datetime:
    # Services keep milliseconds: a bound finer than that would make the client-side and
    # the server-side filter disagree on a job created in the bound's own millisecond.
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _created(job: Job) -> datetime | None:
    value = job.get("created_at")
    if not isinstance(value, str):
        return None
    try:
        return parse_iso(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class Filters:
    """--state, --since, --until and --id, resolved for one listing."""

    states: frozenset[str] | None = None
    since: datetime | None = None
    until: datetime | None = None
    ids: frozenset[str] | None = None

    @classmethod
    def from_settings(cls, settings: Settings, started: float) -> Filters:
        moment = datetime.fromtimestamp(started, timezone.utc)
        since = _to_ms(parse_time(settings.since, now=moment)) if settings.since else None
        until = _to_ms(parse_time(settings.until, now=moment)) if settings.until else None
        if since and until and since > until:
            raise UsageError(f"--since {settings.since} is later than --until {settings.until}")
        return cls(
            frozenset(settings.state) if settings.state else None,
            since,
            until,
            frozenset(settings.ids) if settings.ids else None,
        )

    def __bool__(self) -> bool:
        return any(x is not None for x in (self.states, self.since, self.until, self.ids))

    def accepts(self, job: Job) -> bool:
        if self.states is not None and job.get("state") not in self.states:
            return False
        if self.ids is not None and str(job.get("id")) not in self.ids:
            return False
        if self.since is not None or self.until is not None:
            # A job without a creation time cannot be placed in the window: left out.
            created = _created(job)
            if created is None:
                return False
            if self.since is not None and created < self.since:
                return False
            if self.until is not None and created > self.until:
                return False
        return True

    def job_filter(self) -> JobFilter | None:
        return self.accepts if self else None


def narrowing(settings: Settings) -> Narrowing:
    return Narrowing(
        states=tuple(settings.state or ()),
        since=settings.since,
        until=settings.until,
        ids=tuple(settings.ids),
        watch=settings.watch,
    )


def prepare(
    parts: Sequence[Part], settings: Settings, started: float
) -> tuple[list[Part], JobFilter | None, list[str]]:
    """The parts with what each API can filter on the server, the client-side filter, and
    the notes the services have on what the listing covers (for the end of it)."""
    job_filter = Filters.from_settings(settings, started).job_filter()
    asked = narrowing(settings)
    pushed: list[Part] = []
    notes: list[str] = []
    for part in parts:
        result = part.spec.pushed(part.values, asked)
        pushed.append(Part(part.spec, result.values))
        notes += [note for note in result.notes if note not in notes]
    return pushed, job_filter, notes
