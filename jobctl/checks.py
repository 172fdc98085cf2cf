"""Client-side filters, sorting and CI checks (--fail-on, --expect) of a listing.

Filters apply once to the job stream, inside the Listing (`job_filter`), so `--max-items`
counts the jobs written and resume positions stay exact. Where a service can filter on the
server with the very same result, the filter is pushed into its `paginate()` arguments
too (`push_down`); the client-side filter still runs, so both ways give the same jobs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from jobctl.errors import ExitStatus, UsageError, one_line
from jobctl.job import TIME_FIELDS, Job

if TYPE_CHECKING:
    from jobctl.fanout import Part
    from jobctl.options import Settings
    from jobctl.output import Renderer

JobFilter = Callable[[Job], bool]
Say = Callable[[str], None]
MAX_REPORTED = 20  # offending jobs named on stderr; the rest are counted
# Where a service gives the reason for a job's state, in its own item.
REASON_FIELDS = {"batch": "statusReason", "amplify-backend": "Error"}


# -- validation and filters --------------------------------------------------------


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
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
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
        from jobctl.timeparse import parse_time

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


# -- server-side filters -------------------------------------------------------------

_BATCH_FILTER_FLAGS = ("job_name", "created_after", "created_before")


def _single_status(states_table: Mapping[str, str], state: str) -> str | None:
    matches = [status for status, mapped in states_table.items() if mapped == state]
    return matches[0] if len(matches) == 1 else None


def _batch_statuses(statuses: tuple[str, ...], states: Sequence[str]) -> tuple[str, ...]:
    """The Batch statuses to ask for, given the user's --status and --state.

    `all` is ONE stream, ordered by the immutable createdAt; it becomes one status only
    when a single status holds the states, since several per-status streams would
    interleave differently. Named statuses are already one stream each: drop the ones
    no job of the states can have (keep them all if none is left, the listing is empty).
    """
    from jobctl.services.batch import STATES as BATCH_STATES

    if "all" in statuses:
        wanted = [status for status, state in BATCH_STATES.items() if state in states]
        # A status botocore's model lacks would be "unknown": only the API knows those.
        exact = len(wanted) == 1 and "unknown" not in states
        return (wanted[0],) if exact else statuses
    narrowed = tuple(s for s in statuses if BATCH_STATES.get(s, "unknown") in states)
    return narrowed or statuses


def push_down(part: Part, settings: Settings) -> tuple[Part, list[str]]:
    """The part with what its API can filter exactly on the server, and notes for stderr.

    Only exact mappings go to the server; the client-side filter runs either way.
    - Batch: --since (else --until) becomes the AFTER/BEFORE_CREATED_AT filter when the
      user gave none of the API's filters and named the statuses (without --status the
      API lists RUNNING jobs only, and a filter would lift that default).
      Then, when no filter went to the server, --state narrows the statuses: `--status
      all` becomes the one status of a state that has only one (failed, running,
      succeeded), and named statuses lose those outside the states. Not under --watch.
    - IoT: one --state with exactly one IoT status (queued, succeeded, cancelled) becomes
      --status, unless the user gave one. Not under --watch, where a watched job leaves
      its first state.
    - AmplifyBackend: one --id becomes --job-id, unless the user gave one. Its statuses
      are free text in any case, several per state: --state stays client-side.
    """
    from jobctl.fanout import Part

    values = dict(part.values)
    notes: list[str] = []
    name = part.spec.name
    if name == "batch":
        has_filter = any(values.get(flag) for flag in _BATCH_FILTER_FLAGS)
        statuses = tuple(values.get("status") or ())
        if statuses and not has_filter:
            if settings.since:
                values["created_after"] = settings.since
            elif settings.until:
                values["created_before"] = settings.until
        filtered = any(values.get(flag) for flag in _BATCH_FILTER_FLAGS)
        if statuses and settings.state and not settings.watch and not filtered:
            values["status"] = _batch_statuses(statuses, settings.state)
        if not statuses and not has_filter and (settings.state or settings.since):
            notes.append(
                "jobctl: note: batch without --status lists RUNNING jobs only (the API's "
                "default); add --status all to filter every job"
            )
    elif name == "iot" and settings.state and not settings.watch and not values.get("status"):
        from jobctl.services.iot import STATES as IOT_STATES

        if len(settings.state) == 1:
            status = _single_status(IOT_STATES, settings.state[0])
            if status is not None:
                values["status"] = status
    elif name == "amplify-backend" and len(settings.ids) == 1 and not values.get("job_id"):
        values["job_id"] = settings.ids[0]
    return Part(part.spec, values), notes


def prepare(
    parts: Sequence[Part], settings: Settings, started: float, say: Say
) -> tuple[list[Part], JobFilter | None]:
    """The parts with what the server can filter, and the client-side job filter."""
    job_filter = Filters.from_settings(settings, started).job_filter()
    pushed: list[Part] = []
    for part in parts:
        new, notes = push_down(part, settings)
        pushed.append(new)
        for note in notes:
            say(note)
    return pushed, job_filter


# -- sorting ---------------------------------------------------------------------------


def _sort_key(value: Any, time_field: bool) -> tuple[int, Any, str]:
    if isinstance(value, int) and not isinstance(value, bool):
        return (0, value, "")  # age and duration, in seconds
    text = value if isinstance(value, str) else str(value)
    if time_field and text.endswith("Z"):
        # "…:05Z" must sort after "…:04.500Z": compare with milliseconds made explicit.
        body = text[:-1]
        return (1, 0, body if "." in body else body + ".000")
    if text.isdigit():
        return (0, int(text), "")  # Amplify job IDs: 9 before 10
    return (1, 0, text.casefold())


def sort_jobs(jobs: list[Job], spec: str, now: float | None = None) -> list[Job]:
    """Stable sort on one field; `-field` descending; empty values last either way.
    `age` and `duration` sort by their seconds at `now` (default: the current time)."""
    import time

    from jobctl.output.text import lookup

    descending = spec.startswith("-")
    column = spec.lstrip("-")
    time_field = column in TIME_FIELDS
    now = time.time() if now is None else now
    present = [job for job in jobs if lookup(job, column, now) not in (None, "")]
    empty = [job for job in jobs if lookup(job, column, now) in (None, "")]
    present.sort(
        key=lambda job: _sort_key(lookup(job, column, now), time_field), reverse=descending
    )
    return present + empty


# -- checks ----------------------------------------------------------------------------


def describe(job: Job) -> str:
    """One job for a stderr line: service, id, name, state, and the service's reason."""
    text = f"{job.get('service')} {job.get('id')}"
    if job.get("name") not in (None, "", job.get("id")):
        name = one_line(str(job["name"]), 80).replace("\\", "\\\\").replace('"', '\\"')
        text += f' "{name}"'
    text += f" is {job.get('state')}"
    raw = job.get("raw")
    field_name = REASON_FIELDS.get(str(job.get("service")))
    reason = raw.get(field_name) if isinstance(raw, Mapping) and field_name else None
    if reason not in (None, ""):
        text += f": {one_line(str(reason), 200)}"
    return text


def _jobs(count: int) -> str:
    return f"{count} job" + ("" if count == 1 else "s")


@dataclass
class Checker:
    """Watches the jobs written and judges --fail-on / --expect at the end."""

    fail_on: frozenset[str] | None = None
    expect: frozenset[str] | None = None
    ids: tuple[str, ...] = ()
    listed: int = 0
    failed_on: int = 0  # jobs in a --fail-on state
    unexpected: int = 0  # jobs outside the --expect states
    offending: int = 0  # jobs failing either check, each counted once
    offenders: list[Job] = field(default_factory=list)  # the first MAX_REPORTED
    seen_ids: set[str] = field(default_factory=set)

    @classmethod
    def from_settings(cls, settings: Settings) -> Checker:
        return cls(
            frozenset(settings.fail_on) if settings.fail_on else None,
            frozenset(settings.expect) if settings.expect else None,
            tuple(dict.fromkeys(settings.ids)),
        )

    @property
    def active(self) -> bool:
        return self.fail_on is not None or self.expect is not None or bool(self.ids)

    def observe(self, jobs: Sequence[Job]) -> None:
        for job in jobs:
            self.listed += 1
            if self.ids:
                self.seen_ids.add(str(job.get("id")))
            state = job.get("state")
            offending = False
            if self.fail_on is not None and state in self.fail_on:
                self.failed_on += 1
                offending = True
            if self.expect is not None and state not in self.expect:
                self.unexpected += 1
                offending = True
            if offending:
                self.offending += 1
                if len(self.offenders) < MAX_REPORTED:
                    self.offenders.append(job)

    def missing_ids(self) -> list[str]:
        return [job_id for job_id in self.ids if job_id not in self.seen_ids]

    def lines(self, listing_ok: bool = True) -> list[str]:
        """The stderr report: a headline per failed check, then one line per offending
        job (at most MAX_REPORTED, then a count). Empty when every check passed."""
        headlines: list[str] = []
        if self.fail_on is not None and self.failed_on:
            headlines.append(
                f"jobctl: --fail-on {','.join(sorted(self.fail_on))}: "
                f"{self.failed_on} of {_jobs(self.listed)} listed "
                f"{'is' if self.failed_on == 1 else 'are'} in "
                f"{'that state' if len(self.fail_on) == 1 else 'those states'}"
            )
        # After a failed listing, what was not listed may exist: only the jobs seen are
        # judged, and nothing is said of what is missing.
        missing = self.missing_ids() if listing_ok else []
        if self.expect is not None:
            label = f"jobctl: --expect {','.join(sorted(self.expect))}"
            if self.listed == 0 and listing_ok:
                headlines.append(f"{label}: no jobs were listed")
            elif self.unexpected:
                headlines.append(
                    f"{label}: {self.unexpected} of {_jobs(self.listed)} listed "
                    f"{'is' if self.unexpected == 1 else 'are'} in another state"
                )
            elif missing:
                headlines.append(f"{label}: not every --id was listed")
        warnings = []
        if missing and self.expect is None:
            warnings = [
                f"jobctl: warning: no job with ID {job_id} was listed" for job_id in missing
            ]
        if not headlines:
            return warnings
        details = [f"jobctl: {describe(job)}" for job in self.offenders]
        if self.expect is not None:
            details += [f"jobctl: job ID {job_id} was not listed" for job_id in missing]
        total = self.offending + (len(missing) if self.expect is not None else 0)
        shown = details[:MAX_REPORTED]
        if total > len(shown):
            shown.append(f"jobctl: … and {total - len(shown)} more")
        return headlines + shown

    def conclude(self, status: ExitStatus, say: Say) -> ExitStatus:
        """Report the checks; the exit status. A failed listing (2-5) outranks a failed
        check (6): its jobs are incomplete, so its own code is the more useful one."""
        lines = self.lines(listing_ok=status == ExitStatus.OK)
        for line in lines:
            say(line)
        failed = any(not line.startswith("jobctl: warning:") for line in lines)
        if failed and status == ExitStatus.OK:
            return ExitStatus.CHECK_FAILED
        return status


# -- the renderer in between -------------------------------------------------------------


class Pipeline:
    """Sits between a listing and its renderer: shows each job to the checker, and with
    --sort holds them all until the end (the one thing that buffers)."""

    def __init__(self, inner: Renderer, checker: Checker, sort: str | None):
        self.inner = inner
        self.checker = checker
        self.sort = sort
        self.held: list[Job] = []

    @property
    def count(self) -> int:
        return self.inner.count

    @property
    def complete(self) -> bool:
        return self.inner.complete

    @complete.setter
    def complete(self, value: bool) -> None:
        self.inner.complete = value

    def begin(self) -> None:
        self.inner.begin()

    def write(self, jobs: Sequence[Job]) -> None:
        self.checker.observe(jobs)
        if self.sort:
            self.held.extend(jobs)
        else:
            self.inner.write(jobs)

    def end(self) -> None:
        # Called even after a failure or Ctrl-C: what was held is written, sorted.
        if self.sort and self.held:
            self.inner.write(sort_jobs(self.held, self.sort, self.inner.options.now))
            self.held = []
        self.inner.end()


def pipeline(renderer: Renderer, settings: Settings) -> tuple[Pipeline, Checker]:
    checker = Checker.from_settings(settings)
    return Pipeline(renderer, checker, settings.sort), checker


__all__ = ["Checker", "Filters", "Pipeline", "prepare", "sort_jobs"]
