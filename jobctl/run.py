"""Running a listing command: settings → streams → renderer, and its exit status.

This is the one place that turns failures into messages and exit codes, so every command
behaves the same when a page fails, the reader goes away or the user presses Ctrl-C.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NoReturn

from jobctl import checks
from jobctl.aws import Clients, Target, check_endpoint_url, max_attempts, read_timeout
from jobctl.errors import ExitStatus, Interrupted, JobctlError, UsageError, classify
from jobctl.fanout import Part, TargetFailure, apply_resume, build_streams
from jobctl.job import EXTRA_FIELDS
from jobctl.listing import Listing, Stream, StreamFailed
from jobctl.options import Settings
from jobctl.output import Renderer, RenderOptions, renderer_for
from jobctl.output.progress import Progress, progress_line
from jobctl.output.text import terminal_safe
from jobctl.spec import ServiceSpec
from jobctl.streams import Streams
from jobctl.tokens import Resume, decode, encode, fingerprint

RESUME_HINT = "jobctl: resume with --starting-token {token}"


def say(streams: Streams, message: str) -> None:
    """One line on stderr, made terminal-safe (messages quote job data and server text)."""
    streams.stderr.write(terminal_safe(message) + "\n")
    streams.stderr.flush()


def report(
    streams: Streams,
    error: JobctlError,
    debug: bool = False,
    cause: BaseException | None = None,
) -> None:
    """One line (and a hint) on stderr; with --debug, the traceback first."""
    cause = cause or sys.exc_info()[1]
    if debug and cause is not None:
        import traceback

        # Made terminal-safe line by line: exception messages quote server text.
        lines = traceback.format_exception(type(cause), cause, cause.__traceback__)
        for line in "".join(lines).splitlines():
            streams.stderr.write(terminal_safe(line) + "\n")
    say(streams, f"jobctl: {error.message}")
    if error.hint:
        say(streams, f"jobctl: hint: {error.hint}")


def silence_stdout() -> None:
    """The reader went away: point stdout at /dev/null so nothing more fails or prints."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def run_service(spec: ServiceSpec, values: dict[str, Any], settings: Settings) -> NoReturn:
    """The command of one service: list it and exit with the listing's status."""
    run_parts([Part(spec, values)], settings)


def run_parts(parts: Sequence[Part], settings: Settings) -> NoReturn:
    if sys.stdout is None:  # started with stdout closed (`>&-`): say so before any request
        sys.stderr.write("jobctl: cannot write output: stdout is closed\n")
        sys.exit(int(ExitStatus.INTERNAL))
    streams = Streams.from_process()
    status = guarded(
        streams, settings, lambda clients: list_jobs(parts, settings, streams, clients)
    )
    sys.exit(int(status))


def guarded(
    streams: Streams, settings: Settings, body: Callable[[Clients], ExitStatus]
) -> ExitStatus:
    """Run `body(clients)`; map whatever escapes it to a message and an exit status."""
    clients = Clients()
    if settings.debug:
        from jobctl.aws import enable_debug_logging

        enable_debug_logging(streams.stderr, clients)
    try:
        return body(clients)
    except Interrupted as interrupt:
        return interrupt.status
    except KeyboardInterrupt:
        return ExitStatus.SIGINT
    except BrokenPipeError:
        silence_stdout()
        return ExitStatus.SIGPIPE
    except JobctlError as error:
        report(streams, error, settings.debug)
        return error.status
    except Exception as exc:  # the last line of defence: one line, never a traceback
        failure = classify(exc, service=None)
        report(streams, failure, settings.debug)
        return failure.status


def check_page_size(specs: Sequence[ServiceSpec], settings: Settings) -> None:
    if settings.page_size is None:
        return
    for spec in specs:
        limit = spec.max_page_size()
        if limit is not None and settings.page_size > limit:
            raise UsageError(
                f"--page-size {settings.page_size} is over {spec.name}'s maximum of {limit} "
                "jobs per call"
            )


@contextlib.contextmanager
def endpoint(settings: Settings) -> Iterator[Target]:
    """The base target of a listing; with --sandbox, an embedded endpoint for its duration."""
    if not settings.sandbox:
        yield Target(_first(settings.profile), None, settings.endpoint_url)
        return
    if settings.endpoint_url:
        raise UsageError("--sandbox and --endpoint-url cannot be used together")
    if settings.profile:
        raise UsageError("--sandbox uses its own credentials; drop --profile")
    from jobctl.sandbox import Sandbox

    with Sandbox() as sandbox:
        # The demo data is in the sandbox's regions, not in the one the user's shell names
        # (AWS_REGION=ap-south-1 listed nothing); --region still picks any of them.
        os.environ["AWS_REGION"] = sandbox.region
        yield Target(None, None, sandbox.endpoint_url, sandbox=True)


def _first(profiles: str | None) -> str | None:
    return profiles.split(",")[0].strip() or None if profiles else None


def list_jobs(
    parts: Sequence[Part], settings: Settings, streams: Streams, clients: Clients
) -> ExitStatus:
    check_page_size([part.spec for part in parts], settings)
    checks.validate(settings)
    read_timeout()  # a bad JOBCTL_READ_TIMEOUT is a usage error before any request
    max_attempts()  # and so is a bad AWS_MAX_ATTEMPTS
    check_endpoint_url(settings.endpoint_url, "--endpoint-url")
    if not settings.sandbox:  # --sandbox's own endpoint wins over the variable
        check_endpoint_url(os.environ.get("AWS_ENDPOINT_URL"), "AWS_ENDPOINT_URL")
    names = [part.spec.name for part in parts]
    query = fingerprint(
        {
            "services": names,
            "values": {part.spec.name: dict(part.values) for part in parts},
            "region": settings.region,
            "profile": settings.profile,
            **checks.query_args(settings),
        }
    )
    resume: Resume | None = None
    if settings.starting_token is not None:
        resume = decode(settings.starting_token, query=query, services=names)
    started = resume.started if resume else time.time()
    parts, job_filter = checks.prepare(parts, settings, started, lambda m: say(streams, m))

    waiting = progress_line(streams, enabled=_shows_progress(settings))
    with endpoint(settings) as base, waiting as progress:
        streams = progress.streams  # stdout and stderr writes erase the progress line
        all_streams, target_failures = build_streams(parts, settings, base, clients, started)
        if resume is not None:
            for warning in apply_resume(all_streams, resume):
                say(streams, f"jobctl: warning: {warning}")
            target_failures = [f for f in target_failures if _named(f, resume)]
        for failure in target_failures:
            report(streams, failure.error)
        if settings.watch:
            from jobctl.watch import watch

            return watch(all_streams, target_failures, settings, streams, clients, job_filter)
        listing = Listing(
            all_streams,
            clients,
            page_size=settings.page_size,
            max_items=settings.max_items,
            dedupe=len(all_streams) > 1,
            concurrency=settings.concurrency,
            on_failure=lambda failed: report(streams, failed.error, settings.debug, failed.cause),
            job_filter=job_filter,
        )
        progress.follow(listing)
        extra = tuple(
            name for name in EXTRA_FIELDS if any(name in stream.extra for stream in all_streams)
        )
        varying = _varying(all_streams, extra)
        return write_listing(
            listing, settings, streams, query, started, target_failures, extra, varying, progress
        )


def _named(failure: TargetFailure, resume: Resume) -> bool:
    """On resume, a discovery failure matters only if the token still names its target."""
    wanted = (failure.position.service, failure.position.key)
    return any((p.service, p.key) == wanted for p in resume.positions)


def _shows_progress(settings: Settings) -> bool:
    """The progress line, on a terminal's stderr; not under --watch (it has its own) or
    --debug (its log lines would cross it)."""
    return not (settings.watch or settings.debug)


def _varying(all_streams: Sequence[Stream], extra: tuple[str, ...]) -> frozenset[str]:
    """Which of service, region, profile and parent tell this listing's jobs apart: the
    table shows those columns."""
    varying = set(extra)  # profile with several profiles, parent when parents were discovered
    if len({stream.spec.name for stream in all_streams}) > 1:
        varying.add("service")
    if len({stream.region for stream in all_streams}) > 1:
        varying.add("region")
    return frozenset(varying)


def make_renderer(
    settings: Settings,
    streams: Streams,
    extra: tuple[str, ...] = (),
    varying: frozenset[str] = frozenset(),
) -> Renderer:
    from jobctl.output.width import terminal_width

    options = RenderOptions(
        columns=settings.columns,
        headers=not settings.no_headers,
        tty=streams.stdout_tty,
        color=streams.color,
        csv_raw=settings.csv_raw,
        extra_columns=extra,
        table_format=settings.table_format,
        varying=varying,
        width=terminal_width(streams.stdout) if streams.stdout_tty else None,
        now=_sandbox_clock() if settings.sandbox else None,
    )
    if settings.summary:
        from jobctl.summary import SummaryRenderer

        return SummaryRenderer(streams.stdout, options, streams.stderr, output=settings.output)
    return renderer_for(settings.output)(streams.stdout, options, streams.stderr)


def _sandbox_clock() -> float:
    """--sandbox's demo data lives at a fixed moment (it is identical on every run): its
    ages and durations count from that moment, so a demo reads the same every day."""
    from jobctl.sandbox.specs import DEMO_ANCHOR

    return DEMO_ANCHOR.timestamp()


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
) -> ExitStatus:
    """Stream the listing into its renderer; whatever happens, close the output well,
    then give the exit status and, when jobs are left, where to resume."""
    renderer, checker = checks.pipeline(make_renderer(settings, streams, extra, varying), settings)
    interrupted: ExitStatus | None = None
    try:
        renderer.begin()
        for page in listing.pages():
            if progress is not None:
                progress.page()
            renderer.write(page)
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
    renderer.complete = not (listing.failures or target_failures or interrupted)
    try:
        renderer.end()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise _output_error(exc) from exc

    status = exit_status(listing, listing.failures, target_failures)
    if interrupted is not None:
        status = interrupted
    positions = listing.positions() + [f.position for f in target_failures]
    unfinished = bool(positions)
    told_to_resume = (
        listing.stopped_early
        or interrupted is not None
        or (status != ExitStatus.OK and (listing.written > 0 or listing.streams_done > 0))
    )
    if interrupted is None:
        status = checker.conclude(status, lambda line: say(streams, line))
    if unfinished and told_to_resume:
        say(streams, RESUME_HINT.format(token=encode(positions, query, started)))
    return status


def exit_status(
    listing: Listing, failures: Sequence[StreamFailed], target_failures: Sequence[TargetFailure]
) -> ExitStatus:
    """0 when every stream finished; 3 when some failed after others gave jobs; else the
    failure's own status (auth 4, usage 2, service 5)."""
    errors = [f.error for f in failures] + [f.error for f in target_failures]
    if not errors:
        return ExitStatus.OK
    some_succeeded = listing.streams_done > 0
    if not some_succeeded:
        if any(error.status == ExitStatus.AUTH for error in errors):
            return ExitStatus.AUTH
        if listing.written:
            return ExitStatus.PARTIAL
        return errors[0].status
    return ExitStatus.PARTIAL
