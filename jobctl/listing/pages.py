"""paginate() → pages → normalized jobs, with exact resume positions and fan-out.

A listing is a set of streams; each stream is one `paginate()` call of one service against
one target (profile, region, parent). Streams run in a bounded pool of worker threads that
only fetch; the main thread waits for their pages (interruptibly), normalizes them and
hands them to the renderer. A page carries the position its stream moves to once the page
is written (the service token of the page to fetch next and how many of its items were
written); the writer commits it after writing and flushing, so a resume token never points
past a page that was not written, whenever a signal or a failure stops the listing.

Duplicates can only come from the per-status queries of one parent: a job that changes
status mid-listing may be seen by two of them. Only those streams are deduplicated, and
only jobs seen in a state that can still change are remembered (a finished job cannot move
to another status), so the memory this takes is bounded by the jobs in flight, not by the
size of the listing.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from jobctl import signals
from jobctl.aws.clients import Clients, Target
from jobctl.aws.paging import pages
from jobctl.errors import ExitStatus, JobctlError, classify
from jobctl.job import TERMINAL_STATES, Job, as_mapping
from jobctl.listing.tokens import Position, StreamKey
from jobctl.services.spec import Query, ServiceSpec

Keep = Callable[[Mapping[str, Any]], bool]
DEFAULT_CONCURRENCY = 8
# Pages fetched ahead per worker: enough to overlap network and output, few enough that
# a reader that goes away (`| head`) stops the requests almost at once.
_READ_AHEAD = 1


@dataclass(eq=False)
class Stream:
    """One paginate() call of a listing, and where it stands."""

    key: StreamKey
    spec: ServiceSpec
    target: Target
    query: Query
    region: str
    label: str = ""  # names the stream in messages: "batch us-west-2 queue=training"
    keep: Keep | None = None  # what the API could not filter server-side
    token: str | None = None  # service token of the next page; None: from the start
    skip: int = 0  # items of that page already written
    done: bool = False
    resumed: bool = False  # starts from a user's --starting-token
    extra: dict[str, Any] = field(default_factory=dict)  # fields added to each job
    # Streams sharing a scope may list the same job (per-status queries of one parent).
    dedupe_scope: str | None = None
    # The region came from --region all while the account's enabled regions were unknown.
    region_optional: bool = False

    def position(self) -> Position:
        return Position(self.spec.name, self.key.text, self.token, self.skip)


@dataclass
class Page:
    """The jobs of one page, and where their stream stands once they are written."""

    stream: Stream
    jobs: list[Job]
    token: str | None
    skip: int
    done: bool


@dataclass
class StreamFailed:
    error: JobctlError
    stream: Stream
    cause: BaseException | None = None  # for --debug's traceback


class Feeder(Protocol):
    """More streams for a listing once its streams are done: the next batch of an
    Organization's accounts (listing/batches.py)."""

    @property
    def exhausted(self) -> bool: ...

    def next(self) -> list[Stream] | None: ...


class Listing:
    """Runs streams and yields pages of normalized jobs; knows where to resume."""

    def __init__(
        self,
        streams: Sequence[Stream],
        clients: Clients,
        *,
        page_size: int | None = None,
        max_items: int | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        on_failure: Callable[[StreamFailed], None] | None = None,
        on_progress: Callable[[Listing], None] | None = None,
        job_filter: Callable[[Job], bool] | None = None,
        more: Feeder | None = None,
    ):
        self.streams = list(streams)
        self.more = more  # streams made once these are done
        # Finished streams of earlier batches are let go (memory stays flat across an
        # Organization's batches); what the end of the listing needs of them is kept:
        self.let_go = 0  # how many
        self.answered: set[tuple[str | None, str | None, str | None]] = set()  # targets
        self.touched_accounts: set[str] = set()  # accounts with a finished stream
        self.clients = clients
        self.page_size = page_size
        self.max_items = max_items
        self.concurrency = max(1, concurrency)
        self.on_failure = on_failure
        self.on_progress = on_progress
        # Client-side filters on normalized jobs (--state, --since...): applied here, once
        # per job, so --max-items counts written jobs and positions stay exact.
        self.job_filter = job_filter
        self.taken = 0  # jobs handed out in pages (--max-items counts these)
        self.written = 0  # jobs of committed pages
        self.pages_read = 0
        self.failures: list[StreamFailed] = []
        self.stopped_early = False  # --max-items ended the listing with jobs left
        # scope → IDs of jobs seen in a state that can still change
        self._in_flight: dict[str, set[Any]] = {}
        # A stream's worker asks for its next page once this page is committed: a reader
        # that goes away (`| head`) costs no further request.
        self._committed: dict[int, threading.Event] = {}

    @property
    def finished(self) -> bool:
        return all(stream.done for stream in self.streams)

    @property
    def streams_done(self) -> int:
        return self.let_go + sum(1 for stream in self.streams if stream.done)

    @property
    def stream_count(self) -> int:
        return self.let_go + len(self.streams)

    def _let_go_of_finished(self) -> None:
        kept = []
        for stream in self.streams:
            if not stream.done:
                kept.append(stream)
                continue
            target = stream.target
            self.let_go += 1
            self.answered.add((target.profile, target.account, target.region))
            if target.account is not None:
                self.touched_accounts.add(target.account)
            self._committed.pop(id(stream), None)
        self.streams = kept

    def exit_status(self, other_errors: Sequence[JobctlError] = ()) -> ExitStatus:
        """0 when every stream finished; 3 when some failed after others gave jobs; else
        the failure's own status (auth 4, usage 2, service 5). `other_errors`: failures
        outside the streams (a target whose parents could not be listed)."""
        errors = [f.error for f in self.failures] + list(other_errors)
        if not errors:
            return ExitStatus.OK
        if self.streams_done == 0:
            if any(error.status == ExitStatus.AUTH for error in errors):
                return ExitStatus.AUTH
            if self.written:
                return ExitStatus.PARTIAL
            return errors[0].status
        return ExitStatus.PARTIAL

    def positions(self) -> list[Position]:
        return [stream.position() for stream in self.streams if not stream.done]

    def commit(self, page: Page) -> None:
        """The page is written and flushed: its stream moves past it."""
        stream = page.stream
        stream.token, stream.skip, stream.done = page.token, page.skip, page.done
        stream.resumed = False
        self.written += len(page.jobs)
        committed = self._committed.get(id(stream))
        if committed is not None:
            committed.set()

    # -- fetching -------------------------------------------------------------------

    def _page_size(self, stream: Stream) -> int | None:
        most = stream.spec.max_page_size()
        page_size = min(self.page_size, most) if self.page_size and most else self.page_size
        page_size = page_size or most
        remaining = self._remaining()
        if remaining is not None and stream.keep is None and self.job_filter is None and page_size:
            # Ask for no more than we print (plus the items a resumed page skips).
            page_size = min(page_size, max(remaining + stream.skip, 1))
        return page_size

    def _fetch(self, stream: Stream) -> Iterator[tuple[list[Any], str | None]]:
        spec = stream.spec
        return pages(
            self.clients.client(spec.client, stream.target),
            spec.paginator,
            stream.query.params,
            where=spec.service,
            token=stream.token,
            page_size=self._page_size(stream),
        )

    def pages(self) -> Iterator[Page]:
        """Each page with jobs, to be written then committed; pages whose every item was
        filtered out are committed here. Worker threads fetch, even for one stream, so the
        main thread only ever waits, where a signal may stop it at once. Once the streams
        are done, the feeder's next streams, until it has none."""
        current = list(self.streams)
        while True:
            yield from self._pages_of(current)
            if self.stopped_early or self.more is None:
                return
            self._let_go_of_finished()
            batch = self.more.next()
            if batch is None:
                return
            self.streams.extend(batch)
            current = batch

    def _pages_of(self, streams: Sequence[Stream]) -> Iterator[Page]:
        pending = [stream for stream in streams if not stream.done]
        if not pending:
            return
        work: queue.SimpleQueue[Stream] = queue.SimpleQueue()
        for stream in pending:
            work.put(stream)
        results: queue.Queue[tuple[str, Stream, Any, Any]] = queue.Queue(
            maxsize=self.concurrency * _READ_AHEAD
        )
        stop = threading.Event()

        def hand_over(message: tuple[str, Stream, Any, Any]) -> bool:
            while not stop.is_set():
                try:
                    results.put(message, timeout=0.1)
                    return True
                except queue.Full:
                    continue
            return False

        def committed(stream: Stream) -> bool:
            event = self._committed[id(stream)]
            while not event.wait(0.1):
                if stop.is_set():
                    return False
            event.clear()
            return not stop.is_set()

        def worker() -> None:
            while not stop.is_set():
                try:
                    stream = work.get_nowait()
                except queue.Empty:
                    return
                try:
                    for items, next_token in self._fetch(stream):
                        if not hand_over(("page", stream, items, next_token)):
                            return
                        if next_token and not committed(stream):
                            return
                    hand_over(("done", stream, None, None))
                except Exception as exc:
                    hand_over(("error", stream, exc, None))

        for stream in pending:
            self._committed[id(stream)] = threading.Event()

        # Daemon threads: one Ctrl-C must end the process at once, not wait for a
        # request in flight.
        for _ in range(min(self.concurrency, len(pending))):
            threading.Thread(target=worker, daemon=True, name="jobctl-fetch").start()
        active = len(pending)
        try:
            while active:
                with signals.interruptible():
                    kind, stream, payload, next_token = results.get()
                if kind == "page":
                    self.pages_read += 1
                    page = self._page(stream, payload, next_token)
                    if self.stopped_early:
                        stop.set()  # before the page is committed: no worker asks for more
                    if page.jobs:
                        yield page
                    else:
                        self.commit(page)
                    if self.stopped_early:
                        return
                elif kind == "done":
                    stream.done = True
                    active -= 1
                else:
                    self._failed(stream, payload)
                    active -= 1
                if self.on_progress is not None:
                    self.on_progress(self)
        finally:
            stop.set()

    def _failed(self, stream: Stream, exc: BaseException) -> None:
        service = stream.spec.service
        error = classify(exc, service=service, used_token=stream.resumed)
        prefix = f"{service}: "
        if stream.label and error.message.startswith(prefix):
            # Name the failed target, so the user knows which part of a fan-out is missing.
            error.message = f"{stream.label}: {error.message[len(prefix) :]}"
        failure = StreamFailed(error, stream, exc)
        self.failures.append(failure)
        if self.on_failure is not None:
            self.on_failure(failure)

    # -- consuming (main thread only) ---------------------------------------------

    def _remaining(self) -> int | None:
        return None if self.max_items is None else self.max_items - self.taken

    def _page(self, stream: Stream, items: list[Any], next_token: str | None) -> Page:
        """Normalize one page; the position its stream reaches once it is written."""
        jobs, consumed = self._take(stream, items)
        if consumed < len(items):
            # --max-items ended inside this page: resume at its next unread item.
            page = Page(stream, jobs, stream.token, consumed, False)
            self.stopped_early = True
        else:
            # A skip longer than this page (resumed with a smaller page size) carries on
            # into the next one.
            skip = max(0, stream.skip - len(items))
            page = Page(stream, jobs, next_token, skip, next_token is None)
        if self._remaining() == 0 and not (page.done and self._others_done(stream)):
            self.stopped_early = True
        return page

    def _others_done(self, stream: Stream) -> bool:
        if self.more is not None and not self.more.exhausted:
            return False  # streams still to come
        return all(other.done for other in self.streams if other is not stream)

    def _take(self, stream: Stream, items: list[Any]) -> tuple[list[Job], int]:
        """Normalize a page's items after the first `stream.skip`; stop at --max-items.

        Returns the jobs and how many of the page's items are now consumed.
        """
        jobs: list[Job] = []
        to_job, keep, extra = stream.spec.to_job, stream.keep, stream.extra
        job_filter = self.job_filter
        in_flight = (
            self._in_flight.setdefault(stream.dedupe_scope, set())
            if stream.dedupe_scope is not None
            else None
        )
        remaining = self._remaining()
        region = stream.region
        consumed = len(items)
        for index in range(stream.skip, len(items)):
            if remaining is not None and len(jobs) >= remaining:
                consumed = index
                break
            item = as_mapping(items[index])
            if keep is not None and not keep(item):
                continue
            job = to_job(item, region)
            if extra:
                # Before the filter: --watch follows a job by its parent and account too.
                job.update(extra)
            if job_filter is not None and not job_filter(job):
                continue
            if in_flight is not None:
                identity = job["id"]
                if identity in in_flight:
                    continue
                if job["state"] not in TERMINAL_STATES:
                    in_flight.add(identity)
            jobs.append(job)
        self.taken += len(jobs)
        return jobs, consumed
