"""--watch: list again every --interval until every watched job is terminal.

The first listing chooses the jobs to watch (every listing flag and filter applies, and
--max-items); later listings follow those jobs by identity, whatever their state, plus any
--id not listed yet, and stop fetching as soon as each of them has been seen. A job is done
once succeeded, failed or cancelled (terminal states do not change again).

Progress, by where stdout goes:
- table on a terminal: a live table (rich), with the elapsed time;
- table elsewhere: one plain line per state change on stdout, then a last line;
- jsonl: one JSON event per state change, then a summary event;
- json, csv, tsv: the plain lines on stderr, and the watched jobs (or --summary) on stdout
  when the watch ends.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from jobctl import signals
from jobctl.aws.clients import Clients
from jobctl.checks.ci import MAX_REPORTED, Checker, describe
from jobctl.checks.report import make_reporter
from jobctl.checks.sort import sort_jobs
from jobctl.checks.tracker import Tracker, elapsed_text, key_of, now_iso, who
from jobctl.errors import ExitStatus, JobctlError
from jobctl.job import Job
from jobctl.listing.pages import Listing, Stream
from jobctl.listing.plan import TargetFailure, spans
from jobctl.output import make_renderer
from jobctl.output.streams import Streams
from jobctl.settings import Settings

DEFAULT_INTERVAL = 10.0


# -- one listing ------------------------------------------------------------------------


@dataclass
class Round:
    jobs: list[Job]
    listing: Listing
    complete: bool  # every stream listed to its end, nothing failed


def list_once(
    streams: Sequence[Stream],
    clients: Clients,
    settings: Settings,
    job_filter: Callable[[Job], bool] | None,
    max_items: int | None,
    enough: Callable[[list[Job]], bool] | None = None,
) -> Round:
    """One listing of fresh copies of the streams; stops early once `enough(jobs)`."""
    fresh = [replace(s, token=None, skip=0, done=False, resumed=False) for s in streams]
    listing = Listing(
        fresh,
        clients,
        page_size=settings.page_size,
        max_items=max_items,
        concurrency=settings.concurrency,
        job_filter=job_filter,
    )
    jobs: list[Job] = []
    stopped = False
    pages = listing.pages()
    try:
        for page in pages:
            jobs.extend(page.jobs)
            listing.commit(page)
            if enough is not None and enough(jobs):
                stopped = True
                break
    finally:
        # Leaving the loop early: closing the generator stops its fetching threads now.
        close = getattr(pages, "close", None)
        if close is not None:
            close()
    complete = not stopped and not listing.failures and listing.finished
    return Round(jobs, listing, complete)


def _enough(tracker: Tracker) -> Callable[[list[Job]], bool]:
    """Every job still open and every pending --id has been seen in this listing."""
    wanted = tracker.open_keys()
    pending = set(tracker.pending)

    def check(jobs: list[Job]) -> bool:
        keys = {key_of(job) for job in jobs}
        ids = {str(job.get("id")) for job in jobs}
        return wanted <= keys and pending <= ids

    return check


def _follow(tracker: Tracker) -> Callable[[Job], bool]:
    open_keys, pending = tracker.open_keys(), set(tracker.pending)
    return lambda job: key_of(job) in open_keys or str(job.get("id")) in pending


# -- the loop ---------------------------------------------------------------------------


def watch(
    streams: Sequence[Stream],
    target_failures: Sequence[TargetFailure],
    settings: Settings,
    out: Streams,
    clients: Clients,
    job_filter: Callable[[Job], bool] | None,
) -> ExitStatus:
    """Watch until done (then the checks: 0 or 6), the timeout (7), or a failed listing."""
    if target_failures:  # already reported: a part of the listing cannot be watched
        statuses = [f.error.status for f in target_failures]
        return ExitStatus.AUTH if ExitStatus.AUTH in statuses else statuses[0]
    interval = settings.interval if settings.interval is not None else DEFAULT_INTERVAL
    began = time.monotonic()
    deadline = None if settings.timeout is None else began + settings.timeout
    tracker = Tracker(pending=list(dict.fromkeys(settings.ids)))
    reporter = make_reporter(settings, out, began, interval)
    outcome = "done"
    failed: ExitStatus | None = None  # the last listing failed (only service failures go on)

    def failures_of(result: Round) -> list[JobctlError]:
        errors = [failure.error for failure in result.listing.failures]
        for error in errors:
            reporter.note(f"jobctl: {error.line}")
        return errors

    with reporter:
        first = list_once(streams, clients, settings, job_filter, settings.max_items)
        if failures_of(first):
            return first.listing.exit_status()
        reporter.changes(tracker.update(first.jobs, now_iso(), choose=True), tracker)
        for job_id in tracker.pending:
            reporter.note(f"jobctl: no job with ID {job_id} listed yet; waiting for it")
        if not tracker.jobs and not tracker.pending:
            reporter.note("jobctl: --watch: no jobs to watch")
        while not tracker.finished:
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                outcome = "timeout"
                break
            with signals.interruptible():
                time.sleep(
                    interval if deadline is None else max(0.0, min(interval, deadline - now))
                )
            result = list_once(streams, clients, settings, _follow(tracker), None, _enough(tracker))
            reporter.changes(tracker.update(result.jobs, now_iso()), tracker)
            errors = failures_of(result)
            failed = None
            if errors:
                failed = result.listing.exit_status()
                if any(error.status != ExitStatus.SERVICE for error in errors):
                    return failed
                reporter.note(f"jobctl: warning: listing again in {elapsed_text(interval)}")
            elif result.complete:
                seen = {key_of(job) for job in result.jobs}
                for key in tracker.open_keys() - seen:
                    tracker.gone.add(key)
                    reporter.note(
                        f"jobctl: warning: {who(tracker.jobs[key])} is no longer listed; "
                        "not waiting for it"
                    )
        reporter.finish(outcome, time.monotonic() - began, tracker)

    jobs = list(tracker.jobs.values())
    if settings.sort:
        jobs = sort_jobs(jobs, settings.sort)
    write_final(settings, out, jobs, spans(streams))
    if outcome == "timeout":
        if failed is not None:
            return failed  # the last listing failed: that outranks the timeout
        for line in timeout_lines(tracker, time.monotonic() - began):
            out.say(line)
        return ExitStatus.WATCH_TIMEOUT
    checker = Checker.from_settings(settings)
    checker.observe(jobs)
    return checker.conclude(ExitStatus.OK, lambda line: out.say(line))


def timeout_lines(tracker: Tracker, elapsed: float) -> list[str]:
    open_jobs = [tracker.jobs[key] for key in tracker.jobs if key in tracker.open_keys()]
    waiting = len(open_jobs) + len(tracker.pending)
    details = [f"jobctl: {describe(job)}" for job in open_jobs]
    details += [f"jobctl: job ID {job_id} was never listed" for job_id in tracker.pending]
    lines = [
        f"jobctl: --watch timed out after {elapsed_text(elapsed)}: {waiting} of "
        f"{len(tracker.jobs) + len(tracker.pending)} watched "
        + ("job is" if waiting == 1 else "jobs are")
        + " not finished"
    ]
    lines += details[:MAX_REPORTED]
    if len(details) > MAX_REPORTED:
        lines.append(f"jobctl: … and {len(details) - MAX_REPORTED} more")
    return lines


def write_final(
    settings: Settings, out: Streams, jobs: list[Job], spanned: frozenset[str] = frozenset()
) -> None:
    """After the watch, json/csv/tsv get the watched jobs (or the summary) on stdout;
    a table gets the summary only with --summary (its progress already showed the jobs);
    jsonl's summary event closed its stream."""
    if settings.output == "jsonl" or (settings.output == "table" and not settings.summary):
        return
    renderer = make_renderer(settings, out, spans=spanned)
    renderer.begin()
    renderer.write(jobs)
    renderer.end()
