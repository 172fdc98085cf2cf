"""paginate() → pages → normalized jobs, with exact resume positions.

A listing is a set of streams; each stream is one `paginate()` call of one service against
one target. Streams run one after another here; their positions (the service token of the
page to fetch next and how many of its items were written) make the resume token.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jobctl.aws import Clients, Target
from jobctl.errors import JobctlError, ServiceError, classify
from jobctl.job import Job, as_mapping
from jobctl.spec import Query, ServiceSpec
from jobctl.tokens import Position


@dataclass
class Stream:
    """One paginate() call of a listing, and where it stands."""

    key: str
    spec: ServiceSpec
    target: Target
    query: Query
    region: str
    token: str | None = None  # service token of the next page; None: from the start
    skip: int = 0  # items of that page already written
    done: bool = False
    resumed: bool = False  # started from a user's --starting-token

    def position(self) -> Position:
        return Position(self.spec.name, self.key, self.token, self.skip)


class StreamFailed(Exception):
    """A stream failed; carries the classified error and the stream."""

    def __init__(self, error: JobctlError, stream: Stream):
        super().__init__(error.message)
        self.error = error
        self.stream = stream


def _starting_token(spec: ServiceSpec, token: str) -> str:
    # botocore's paginator takes its own token encoding; wrap the service's raw token.
    from botocore.paginate import TokenEncoder

    from jobctl import model

    config = model.paginator_config(spec.client, spec.operation)
    return TokenEncoder().encode({config["input_token"]: token})  # type: ignore[no-any-return]


def fetch_pages(
    client: Any,
    spec: ServiceSpec,
    params: Mapping[str, Any],
    token: str | None,
    page_size: int | None,
) -> Iterator[tuple[list[Any], str | None]]:
    """The raw pages of one paginate() call: (items, next service token)."""
    from jobctl import model

    output_token = model.paginator_config(spec.client, spec.operation)["output_token"]
    config: dict[str, Any] = {}
    if page_size:
        config["PageSize"] = page_size
    if token:
        config["StartingToken"] = _starting_token(spec, token)
    paginator = client.get_paginator(spec.paginator)
    seen_tokens: set[str] = set()
    for page in paginator.paginate(**params, PaginationConfig=config):
        items = page.get(spec.result_key)
        if not isinstance(items, list):
            # A 200 response without its list (an HTML error page, a truncated body):
            # never let it pass as a short listing.
            raise ServiceError(
                f"{spec.name}: the service's response has no {spec.result_key} list "
                "(malformed or truncated response)"
            )
        next_token = page.get(output_token)
        if next_token is not None and not isinstance(next_token, str):
            raise ServiceError(f"{spec.name}: the service sent a malformed pagination token")
        if next_token:
            if next_token in seen_tokens or next_token == token:
                raise ServiceError(
                    f"{spec.name}: the service returned a pagination token it had already "
                    "returned; stopped to avoid an endless loop"
                )
            seen_tokens.add(next_token)
        yield items, next_token or None


class Listing:
    """Runs streams and yields pages of normalized jobs; knows where to resume."""

    def __init__(
        self,
        streams: Sequence[Stream],
        clients: Clients,
        *,
        keep: Callable[[Mapping[str, Any]], bool] | None = None,
        page_size: int | None = None,
        max_items: int | None = None,
        dedupe: bool = False,
    ):
        self.streams = list(streams)
        self.clients = clients
        self.keep = keep
        self.page_size = page_size
        self.max_items = max_items
        self.written = 0
        self.stopped_early = False  # --max-items ended the listing with jobs left
        self._seen: set[tuple[str, str, Any]] | None = set() if dedupe else None

    @property
    def finished(self) -> bool:
        return all(stream.done for stream in self.streams)

    def positions(self) -> list[Position]:
        return [stream.position() for stream in self.streams if not stream.done]

    def pages(self) -> Iterator[list[Job]]:
        for stream in self.streams:
            if stream.done:
                continue
            yield from self._run(stream)
            if self.stopped_early:
                return

    def _remaining(self) -> int | None:
        return None if self.max_items is None else self.max_items - self.written

    def _run(self, stream: Stream) -> Iterator[list[Job]]:
        spec = stream.spec
        first = True
        try:
            client = self.clients.client(spec.client, stream.target)
            page_size = self.page_size or spec.max_page_size()
            remaining = self._remaining()
            if remaining is not None and self.keep is None and page_size:
                # Ask for no more than we will print.
                page_size = min(page_size, remaining)
            pages = fetch_pages(client, spec, stream.query.params, stream.token, page_size)
            for items, next_token in pages:
                jobs, consumed = self._take(stream, items, skip=stream.skip)
                if consumed < len(items):
                    # --max-items ended inside this page: resume at its next unread item.
                    stream.skip = consumed
                    self.stopped_early = True
                else:
                    stream.token, stream.skip = next_token, 0
                    stream.done = next_token is None
                if jobs:
                    yield jobs
                first = False
                stream.resumed = False
                if self.stopped_early:
                    return
                if not stream.done and self._remaining() == 0:
                    self.stopped_early = True
                    return
            stream.done = True
        except (JobctlError, Exception) as exc:
            error = classify(exc, service=spec.name, used_token=stream.resumed and first)
            raise StreamFailed(error, stream) from exc

    def _take(self, stream: Stream, items: list[Any], skip: int) -> tuple[list[Job], int]:
        """Normalize a page's items after the first `skip`; stop at --max-items.

        Returns the jobs and how many of the page's items are now consumed.
        """
        jobs: list[Job] = []
        to_job, keep, seen = stream.spec.to_job, self.keep, self._seen
        remaining = self._remaining()
        region = stream.region
        consumed = len(items)
        for index in range(skip, len(items)):
            if remaining is not None and len(jobs) >= remaining:
                consumed = index
                break
            item = as_mapping(items[index])
            if keep is not None and not keep(item):
                continue
            job = to_job(item, region)
            if seen is not None:
                identity = (job["service"], region, job["id"])
                if identity in seen:
                    continue
                seen.add(identity)
            jobs.append(job)
        self.written += len(jobs)
        return jobs, consumed
