"""Running a listing: settings → streams → renderer, and the listing's exit status.

Failures met while listing (a stream that fails, a target whose discovery fails, Ctrl-C,
a reader that goes away) are reported here, where the output is still open, so what was
written stays well formed and the resume hint names exactly what is left. Everything
else propagates to the command layer's one funnel (`jobctl.cli.RootGroup.main`).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from jobctl import signals
from jobctl.aws.clients import Clients, Target, check_endpoint_url, max_attempts, read_timeout
from jobctl.checks import ci, filters
from jobctl.errors import ExitStatus, Interrupted, JobctlError, UsageError
from jobctl.job import EXTRA_FIELDS
from jobctl.listing import accounts, skips
from jobctl.listing.batches import Batches
from jobctl.listing.pages import Listing, Stream, StreamFailed
from jobctl.listing.plan import Built, TargetFailure, apply_resume, build_streams, spans
from jobctl.listing.tokens import Position, Resume, decode, encode, fingerprint
from jobctl.output import make_renderer
from jobctl.output.progress import Progress, progress_line
from jobctl.output.streams import Streams, silence_stdout
from jobctl.services.spec import Part, ServiceSpec
from jobctl.settings import Settings

RESUME_HINT = "jobctl: resume with --starting-token {token}"


def run_parts(parts: Sequence[Part], settings: Settings, streams: Streams) -> ExitStatus:
    """List the parts (one per API) and return the listing's exit status."""
    clients = Clients()
    if settings.debug:
        from jobctl.aws.debug import enable_debug_logging

        enable_debug_logging(streams.stderr, clients)
    try:
        return list_jobs(parts, settings, streams, clients)
    except BrokenPipeError:
        # The reader went away (`| head`): a listing's normal end, silent, no more calls.
        # Handled here, as click would turn it into exit 1.
        silence_stdout()
        return ExitStatus.SIGPIPE


def check_page_size(specs: Sequence[ServiceSpec], settings: Settings) -> None:
    """--page-size over what every API of a service takes is a usage error; an API of a
    service whose other API takes more asks for its own maximum (Batch: ListServiceJobs
    100, ListJobs 1000)."""
    if settings.page_size is None:
        return
    limits: dict[str, list[int | None]] = {}
    for spec in specs:
        limits.setdefault(spec.service, []).append(spec.max_page_size())
    for service, maxima in limits.items():
        if None in maxima:
            continue
        limit = max(m for m in maxima if m is not None)
        if settings.page_size > limit:
            raise UsageError(
                f"--page-size {settings.page_size} is over {service}'s maximum of {limit} "
                "jobs per call"
            )


@dataclass(frozen=True)
class Where:
    """Where a listing goes, and on what clock: the real one, or an embedded sandbox's."""

    target: Target
    now: float | None = None  # the clock for age and duration; None: the real time
    started: float | None = None  # the moment relative times resolve against, if not t0


@contextlib.contextmanager
def endpoint(settings: Settings, started: float) -> Iterator[Where]:
    """The base target of a listing; with --sandbox, an embedded endpoint for its duration.

    The embedded sandbox's demo data ends at the listing's start (for a resumed listing,
    the first listing's start, from the token), so a resumed --sandbox listing pages
    through the same data. On a fixed clock (JOBCTL_SANDBOX_CLOCK) the listing lives at
    that moment: ages count from it and --since 6h means six hours before it."""
    if not settings.sandbox:
        yield Where(
            Target(settings.profile[0] if settings.profile else None, None, settings.endpoint_url)
        )
        return
    if settings.endpoint_url:
        raise UsageError("--sandbox and --endpoint-url cannot be used together")
    if settings.profile:
        raise UsageError("--sandbox uses its own credentials; drop --profile")
    from jobctl.sandbox import Sandbox
    from jobctl.sandbox import clock as clocks

    clock = clocks.resolve()
    if not clock.fixed:
        start = datetime.fromtimestamp(int(started), timezone.utc)
        clock = clocks.Clock(start, clocks.utc_now)
    organization: dict[str, Any] = {}
    if settings.accounts:
        # --accounts needs an Organization: the sandbox plays one, its own account the
        # management account, one member suspended (skipped, as AWS's would be).
        organization = {
            "accounts": sandbox_accounts(),
            "suspended": 1,
            "without_role": 0,
            "external_id_accounts": 0,
        }
    with Sandbox(clock=clock, **organization) as sandbox:
        # The demo data is in the sandbox's regions, not in the one the user's shell names
        # (AWS_REGION=ap-south-1 listed nothing); --region still picks any of them.
        target = Target(
            None, None, sandbox.endpoint_url, sandbox=True, default_region=sandbox.region
        )
        fixed = sandbox.clock.start.timestamp() if sandbox.clock.fixed else None
        yield Where(target, now=fixed, started=fixed)


SANDBOX_ACCOUNTS = 8  # the accounts of --sandbox's Organization; JOBCTL_SANDBOX_ACCOUNTS


def sandbox_accounts() -> int:
    """How many accounts the embedded sandbox's Organization has."""
    text = os.environ.get("JOBCTL_SANDBOX_ACCOUNTS", "").strip()
    if not text:
        return SANDBOX_ACCOUNTS
    if not text.isdigit() or not 2 <= int(text) <= 10000:
        raise UsageError(
            f"JOBCTL_SANDBOX_ACCOUNTS must be a whole number from 2 to 10000, not {text!r}"
        )
    return int(text)


def list_jobs(
    parts: Sequence[Part], settings: Settings, streams: Streams, clients: Clients
) -> ExitStatus:
    check_page_size([part.spec for part in parts], settings)
    filters.validate(settings)
    read_timeout()  # a bad JOBCTL_READ_TIMEOUT is a usage error before any request
    max_attempts()  # and so is a bad AWS_MAX_ATTEMPTS
    check_endpoint_url(settings.endpoint_url, "--endpoint-url")
    if not settings.sandbox:  # --sandbox's own endpoint wins over the variable
        # An empty variable is unset, as botocore reads it; an empty --endpoint-url is not.
        check_endpoint_url(os.environ.get("AWS_ENDPOINT_URL") or None, "AWS_ENDPOINT_URL")
    names = [part.spec.name for part in parts]
    query = fingerprint(
        {
            "services": names,
            "values": {part.spec.name: dict(part.values) for part in parts},
            # As typed before lists were tuples, so a token stays valid across versions.
            "region": ",".join(settings.region) or None,
            "profile": ",".join(settings.profile) or None,
            # Only with --accounts, so tokens of other listings stay valid.
            **({"accounts": ",".join(settings.accounts)} if settings.accounts else {}),
            **filters.query_args(settings),
        }
    )
    resume: Resume | None = None
    if settings.starting_token is not None:
        limits = {part.spec.name: part.spec.max_page_size() or 1000 for part in parts}
        resume = decode(settings.starting_token, query=query, services=names, skip_limits=limits)
    started = resume.started if resume else time.time()

    waiting = progress_line(streams, enabled=_shows_progress(settings))
    with endpoint(settings, started) as where, waiting as progress:
        streams = progress.streams  # stdout and stderr writes erase the progress line
        if where.started is not None and resume is None:
            started = where.started  # a fixed sandbox clock: the listing lives at its moment
        parts, job_filter, notes = filters.prepare(parts, settings, started)
        base = where.target
        who = accounts.identities(settings, base, clients)
        for note in who.notes:
            streams.say(note)
        not_enabled = skips.NotEnabled()
        said_skipped: set[str] = set()

        def report(built: Built, warnings: Sequence[str]) -> None:
            fresh = [region for region in built.skipped_regions if region not in said_skipped]
            if fresh:
                said_skipped.update(fresh)
                streams.say(skips.note(fresh))
            for warning in warnings:
                streams.say(f"jobctl: warning: {warning}")
            _report_targets(streams, not_enabled.hold_targets(built.failures))

        batches: Batches | None = None
        if who.accounts is not None and not settings.watch:
            # An Organization's accounts, a batch at a time (listing/batches.py).
            batches = Batches(parts, settings, base, clients, started, who, resume, report)
            all_streams, target_failures = batches.next() or [], batches.failures
        else:
            built = build_streams(parts, settings, base, clients, started, resume, who=who)
            all_streams, target_failures = built.streams, built.failures
            warnings = (
                apply_resume(all_streams, resume, target_failures, built.redo)
                if resume is not None
                else []
            )
            report(built, warnings)
        if settings.watch:
            from jobctl.listing.watch import watch

            return watch(all_streams, target_failures, settings, streams, clients, job_filter)

        def on_failure(failed: StreamFailed) -> None:
            if not not_enabled.hold(failed):
                streams.report(failed.error, settings.debug, failed.cause)

        listing = Listing(
            all_streams,
            clients,
            page_size=settings.page_size,
            max_items=settings.max_items,
            concurrency=settings.concurrency,
            on_failure=on_failure,
            job_filter=job_filter,
            more=batches,
        )
        progress.follow(listing)
        extra = tuple(
            name for name in EXTRA_FIELDS if any(name in stream.extra for stream in all_streams)
        )
        varying = _varying(all_streams, extra)
        return write_listing(
            listing,
            settings,
            streams,
            query,
            started,
            target_failures,
            extra,
            varying,
            progress,
            where.now,
            not_enabled,
            notes,
            spans(all_streams),
            who.accounts,
            batches.unreached if batches is not None else None,
        )


def _report_targets(streams: Streams, failures: Sequence[TargetFailure]) -> None:
    # The APIs of one service share a discovery (Batch's queues): one line per failure.
    for message in dict.fromkeys(f.error.message for f in failures):
        streams.report(next(f.error for f in failures if f.error.message == message))


def _shows_progress(settings: Settings) -> bool:
    """The progress line, on a terminal's stderr; not under --watch (it has its own) or
    --debug (its log lines would cross it)."""
    return not (settings.watch or settings.debug)


def _varying(all_streams: Sequence[Stream], extra: tuple[str, ...]) -> frozenset[str]:
    """Which of service, region, profile and parent tell this listing's jobs apart: the
    table shows those columns."""
    varying = set(extra)  # profile with several profiles, parent when parents were discovered
    if len({stream.spec.service for stream in all_streams}) > 1:
        varying.add("service")
    # The regions asked, not the jobs' labels: one region asked shows no region column,
    # though Snowball's jobs there read "us" (the US view).
    if len({stream.target.region for stream in all_streams}) > 1:
        varying.add("region")
    return frozenset(varying)


def _output_error(exc: OSError) -> JobctlError:
    # Nothing more can be written: point stdout at /dev/null, or the data still buffered
    # fails again at exit ("Exception ignored ... OSError", exit status 120).
    silence_stdout()
    return JobctlError(f"cannot write output: {exc.strerror or exc}")


def write_listing(
    listing: Listing,
    settings: Settings,
    streams: Streams,
    query: str,
    started: float,
    target_failures: Sequence[TargetFailure] = (),
    extra: tuple[str, ...] = (),
    varying: frozenset[str] = frozenset(),
    progress: Progress | None = None,
    now: float | None = None,
    not_enabled: skips.NotEnabled | None = None,
    notes: Sequence[str] = (),
    spanned: frozenset[str] = frozenset(),
    account_set: accounts.AccountSet | None = None,
    unreached: Callable[[], tuple[list[Position], set[str]]] | None = None,
) -> ExitStatus:
    """Stream the listing into its renderer; whatever happens, close the output well,
    then give the exit status and, when jobs are left, where to resume. `now`: the
    clock of age and duration (None: the real time); `spanned`: the dimensions the
    listing's streams span (the summary breaks down by them)."""
    renderer, checker = ci.pipeline(
        make_renderer(settings, streams, extra, varying, now, spanned), settings
    )
    interrupted: ExitStatus | None = None
    try:
        renderer.begin()
        for page in listing.pages():
            if progress is not None:
                progress.page()
            # A signal that arrives now waits until the page is written and its position
            # committed: the resume token then names exactly what is left.
            renderer.write(page.jobs)
            listing.commit(page)
            signals.check()
    except Interrupted as interrupt:
        interrupted = interrupt.status
    except KeyboardInterrupt:
        interrupted = ExitStatus.SIGINT
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise _output_error(exc) from exc
    finally:
        if progress is not None:
            progress.stop()
    if not_enabled is not None:
        # --region all without the account's enabled regions: a region that answered
        # "not enabled" while others answered is skipped; otherwise its failure stands.
        skipped, late, late_targets = not_enabled.resolve(listing)
        for failure in late:
            streams.report(failure.error, settings.debug, failure.cause)
        _report_targets(streams, late_targets)
        held = set(map(id, not_enabled.targets))
        target_failures = [f for f in target_failures if id(f) not in held] + late_targets
        if skipped:
            streams.say(skips.note(skipped))
    renderer.complete = not (listing.failures or target_failures or interrupted)
    try:
        renderer.end()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise _output_error(exc) from exc

    status = listing.exit_status([f.error for f in target_failures])
    if interrupted is not None:
        status = interrupted
    if status in (ExitStatus.OK, ExitStatus.PARTIAL) or listing.written:
        # What the listing covers, once it has listed something (not above an error).
        for note in notes:
            streams.say(note)
    positions = listing.positions() + [p for f in target_failures for p in f.positions]
    carried, fresh = unreached() if unreached is not None else ([], set())
    positions += carried  # accounts of later batches: what a resumed token held for them
    unfinished = bool(positions or fresh)
    told_to_resume = (
        listing.stopped_early
        or interrupted is not None
        or (status != ExitStatus.OK and (listing.written > 0 or listing.streams_done > 0))
    )
    if interrupted is None:
        for warning in renderer.warnings():
            streams.say(warning)
        status = checker.conclude(status, streams.say)
    if unfinished and told_to_resume:
        mark = None
        if account_set is not None:
            positions, mark = accounts.compact(
                positions, listing.streams, account_set, fresh, listing.touched_accounts
            )
        streams.say(RESUME_HINT.format(token=encode(positions, query, started, mark)))
    return status
