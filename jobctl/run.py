"""Running a listing command: settings → plan → streams → renderer, and its exit status.

This is the one place that turns failures into messages and exit codes, so every command
behaves the same when a page fails, the reader goes away or the user presses Ctrl-C.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from typing import Any, NoReturn

from jobctl.aws import Clients, Target
from jobctl.errors import ExitStatus, Interrupted, JobctlError, UsageError, classify
from jobctl.listing import Listing, Stream, StreamFailed
from jobctl.options import Settings
from jobctl.output import Renderer, RenderOptions, renderer_for
from jobctl.output.text import terminal_safe
from jobctl.spec import ServiceSpec
from jobctl.streams import Streams
from jobctl.tokens import Resume, decode, encode, fingerprint

RESUME_HINT = "jobctl: resume with --starting-token {token}"


class Exit(Exception):
    """Ends the command with a status once everything is written."""

    def __init__(self, status: ExitStatus):
        super().__init__(status.name)
        self.status = status


def say(streams: Streams, message: str) -> None:
    """One line on stderr, made terminal-safe (messages quote job data and server text)."""
    streams.stderr.write(terminal_safe(message) + "\n")
    streams.stderr.flush()


def check_page_size(spec: ServiceSpec, settings: Settings) -> None:
    if settings.page_size is None:
        return
    limit = spec.max_page_size()
    if limit is not None and settings.page_size > limit:
        raise UsageError(
            f"--page-size {settings.page_size} is over {spec.name}'s maximum of {limit} "
            "jobs per call"
        )


def resolve_times(spec: ServiceSpec, values: dict[str, Any], now: float) -> dict[str, Any]:
    """Time flags arrive as text; resolve them against the listing's start."""
    from datetime import datetime, timezone

    from jobctl.timeparse import parse_time

    moment = datetime.fromtimestamp(now, timezone.utc)
    resolved = dict(values)
    for flag in spec.flags:
        if flag.kind == "time" and values.get(flag.dest) is not None:
            resolved[flag.dest] = parse_time(values[flag.dest], now=moment)
    return resolved


@contextlib.contextmanager
def endpoint(settings: Settings) -> Iterator[Target]:
    """The target of a listing; with --sandbox, an embedded endpoint for its duration."""
    if not settings.sandbox:
        yield Target(settings.profile, settings.region, settings.endpoint_url)
        return
    if settings.endpoint_url:
        raise UsageError("--sandbox and --endpoint-url cannot be used together")
    from jobctl.sandbox import Sandbox

    with Sandbox() as sandbox:
        yield Target(None, settings.region or sandbox.region, sandbox.endpoint_url, sandbox=True)


def run_service(spec: ServiceSpec, values: dict[str, Any], settings: Settings) -> NoReturn:
    """Run one service's listing and exit with its status."""
    streams = Streams.from_process()
    status = guarded(
        streams, settings, lambda clients: list_service(spec, values, settings, streams, clients)
    )
    sys.exit(int(status))


def guarded(streams: Streams, settings: Settings, body: Any) -> ExitStatus:
    """Run `body(clients)`; map whatever escapes it to a message and an exit status."""
    clients = Clients()
    if settings.debug:
        from jobctl.aws import enable_debug_logging

        enable_debug_logging(streams.stderr, clients)
    try:
        return body(clients)  # type: ignore[no-any-return]
    except Exit as done:
        return done.status
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
        error = classify(exc, service="jobctl")
        report(streams, error, settings.debug)
        return error.status


def report(streams: Streams, error: JobctlError, debug: bool) -> None:
    if debug:
        import traceback

        traceback.print_exc(file=streams.stderr)
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


def list_service(
    spec: ServiceSpec,
    values: dict[str, Any],
    settings: Settings,
    streams: Streams,
    clients: Clients,
) -> ExitStatus:
    check_page_size(spec, settings)
    services = [spec.name]
    query = fingerprint(
        {
            "services": services,
            "values": values,
            "region": settings.region,
            "profile": settings.profile,
        }
    )
    resume: Resume | None = None
    if settings.starting_token is not None:
        resume = decode(settings.starting_token, query=query, services=services)
    started = resume.started if resume else time.time()
    plan = spec.make_plan(resolve_times(spec, values, started))

    with endpoint(settings) as target:
        region = clients.region_of(target)
        if not region:
            raise UsageError(
                f"{spec.name}: no region given", hint="pass --region or set AWS_REGION"
            )
        target = Target(target.profile, region, target.endpoint_url, target.sandbox)
        all_streams = [Stream(query_.key, spec, target, query_, region) for query_ in plan.queries]
        if resume is not None:
            apply_resume(all_streams, resume)
        listing = Listing(
            all_streams,
            clients,
            keep=plan.keep,
            page_size=settings.page_size,
            max_items=settings.max_items,
            dedupe=len(plan.queries) > 1,
        )
        return write_listing(listing, settings, streams, query, started)


def apply_resume(all_streams: list[Stream], resume: Resume) -> None:
    by_key = {(p.service, p.key): p for p in resume.positions}
    known = {(s.spec.name, s.key) for s in all_streams}
    if not set(by_key) <= known:
        raise UsageError("--starting-token: this token belongs to a listing with other arguments")
    for stream in all_streams:
        position = by_key.get((stream.spec.name, stream.key))
        if position is None:
            stream.done = True
        else:
            stream.token, stream.skip = position.token, position.skip
            stream.resumed = position.token is not None


def make_renderer(settings: Settings, streams: Streams, extra: tuple[str, ...] = ()) -> Renderer:
    options = RenderOptions(
        columns=settings.columns,
        headers=not settings.no_headers,
        tty=streams.stdout_tty,
        color=streams.color,
        csv_raw=settings.csv_raw,
        extra_columns=extra,
    )
    return renderer_for(settings.output)(streams.stdout, options, streams.stderr)


def write_listing(
    listing: Listing, settings: Settings, streams: Streams, query: str, started: float
) -> ExitStatus:
    """Stream the listing into its renderer; whatever happens, close the output well,
    report once, and print where to resume."""
    renderer = make_renderer(settings, streams)
    failure: JobctlError | None = None
    interrupted: ExitStatus | None = None
    try:
        renderer.begin()
        for page in listing.pages():
            renderer.write(page)
    except StreamFailed as failed:
        failure = failed.error
    except Interrupted as interrupt:
        interrupted = interrupt.status
    except KeyboardInterrupt:
        interrupted = ExitStatus.SIGINT
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise JobctlError(f"cannot write output: {exc.strerror or exc}") from exc
    try:
        renderer.end()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise JobctlError(f"cannot write output: {exc.strerror or exc}") from exc

    status = ExitStatus.OK
    if failure is not None:
        report(streams, failure, settings.debug)
        status = failure.status
        if listing.written and status not in (ExitStatus.AUTH,):
            status = ExitStatus.PARTIAL
    if interrupted is not None:
        status = interrupted
    stopped = (
        listing.stopped_early
        or interrupted is not None
        or (failure is not None and listing.written > 0)
    )
    if stopped and not listing.finished:
        token = encode(listing.positions(), query, started)
        say(streams, RESUME_HINT.format(token=token))
    return status
