"""CI checks of a listing (--fail-on, --expect, --id), and the Pipeline that shows each
job to them on its way to the renderer (and holds the jobs for --sort)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from jobctl.checks.sort import sort_jobs
from jobctl.checks.tracker import who
from jobctl.errors import ExitStatus, one_line
from jobctl.job import Job
from jobctl.output.base import Renderer
from jobctl.output.text import RawColumns
from jobctl.services import reason_field
from jobctl.settings import Settings

Say = Callable[[str], None]
MAX_REPORTED = 20  # offending jobs named on stderr; the rest are counted


# -- checks ----------------------------------------------------------------------------


def describe(job: Job) -> str:
    """One job for a stderr line: service, id, name, state, and the service's reason."""
    text = who(job)  # with its parent and account: Amplify IDs repeat across branches
    if job.get("name") not in (None, "", job.get("id")):
        name = one_line(str(job["name"]), 80).replace("\\", "\\\\").replace('"', '\\"')
        text += f' "{name}"'
    text += f" is {job.get('state')}"
    raw = job.get("raw")
    field_name = reason_field(str(job.get("service")))
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

    def __init__(
        self,
        inner: Renderer,
        checker: Checker,
        sort: tuple[str, ...] | None,
        columns: tuple[str, ...] | None = None,
    ):
        self.inner = inner
        self.checker = checker
        self.sort = sort
        self.held: list[Job] = []
        self.raw_columns = RawColumns(columns)

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
        self.raw_columns.observe(jobs)
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

    def warnings(self) -> list[str]:
        """What the output could not say: a `raw.` column no job listed has."""
        if self.count == 0:
            return []  # nothing listed: nothing to match
        found = self.raw_columns.warning()
        return [found] if found else []


def pipeline(renderer: Renderer, settings: Settings) -> tuple[Pipeline, Checker]:
    checker = Checker.from_settings(settings)
    columns = None if settings.summary else settings.columns
    return Pipeline(renderer, checker, settings.sort, columns), checker
