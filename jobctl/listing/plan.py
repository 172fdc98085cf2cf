"""From what the user asked to the streams of a listing: targets (profile × region),
parents (given or discovered), and the service's plan for each."""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

from jobctl import signals
from jobctl.aws.clients import Clients, Target
from jobctl.aws.paging import pages
from jobctl.aws.regions import enabled_regions
from jobctl.errors import (
    NO_REGION_HINT,
    ExitStatus,
    JobctlError,
    UsageError,
    classify,
    is_not_found,
)
from jobctl.listing import accounts
from jobctl.listing.pages import Stream
from jobctl.listing.tokens import DISCOVER_ALL, Position, Resume, StreamKey
from jobctl.services.spec import Part, ServiceSpec, given
from jobctl.settings import Settings
from jobctl.timeparse import parse_time

_REGION = re.compile(r"^[a-z]{2}(-[a-z0-9]+)+-\d{1,2}$")


@dataclass
class TargetFailure:
    """Discovery failed for one (service, target): nothing of it was listed."""

    error: JobctlError
    position: Position
    target: Target | None = None
    cause: BaseException | None = None
    # The region came from --region all while the enabled regions were unknown: a
    # not-enabled answer there means "skip this region", not a failure.
    region_optional: bool = False
    # On resume: the positions the token held for this target, carried to the next token.
    carried: list[Position] | None = None
    account: str | None = None  # with --accounts: the account it is in

    @property
    def positions(self) -> list[Position]:
        """What a resume token keeps for this target: what it held, or "discover anew"."""
        return self.carried if self.carried is not None else [self.position]


@dataclass
class Built:
    """Every stream of a listing, the targets whose discovery failed, and the regions
    --region all left out (the account has not enabled them)."""

    streams: list[Stream]
    failures: list[TargetFailure]
    skipped_regions: list[str]
    redo: set[str] = field(default_factory=set)  # on resume: accounts listed afresh


def regions_for(
    spec: ServiceSpec,
    asked: Sequence[str],
    clients: Clients,
    base: Target,
    values: Mapping[str, Any],
    enabled: frozenset[str] | None = None,
) -> list[str]:
    """The regions of one service: as asked, every region with `all` (those `enabled`
    when the account's enabled regions are known), or the default.

    A value that names its region (a job queue ARN) is listed there only: without
    --region its region is asked (with the default region, unless every such value
    names one); with --region, a region it names must be among those asked, and when
    every value names one, only their regions are asked."""
    pins = spec.pins(values)
    pinned = list(dict.fromkeys(region for _, _, region in pins))
    only_pinned = spec.only_pinned(values)
    if not asked:
        if only_pinned:
            return pinned
        default = clients.region_of(base)
        if not default:
            raise UsageError(f"{spec.service}: no region given", hint=NO_REGION_HINT)
        return [default, *(region for region in pinned if region != default)]
    if list(asked) == ["all"]:
        session = clients.session(base)
        regions = list(session.get_available_regions(spec.client))
        if enabled is not None:
            regions = [region for region in regions if region in enabled]
    elif "all" in asked:
        raise UsageError("--region all cannot be combined with other regions")
    else:
        for region in asked:
            if not _REGION.match(region):
                raise UsageError(f"--region: {region!r} is not an AWS region name (like us-east-1)")
        regions = list(asked)
    outside = [(flag, value, region) for flag, value, region in pins if region not in regions]
    if outside:
        flag = outside[0][0]
        named = ", ".join(value for _, value, _ in outside)
        where = ", ".join(dict.fromkeys(region for _, _, region in outside))
        raise UsageError(
            f"{spec.service}: {flag.option} {named} is in {where}, which --region "
            f"leaves out (add {where} to --region, or leave out --region)"
        )
    if only_pinned:
        regions = [region for region in regions if region in pinned]
    return regions


def resolve_times(spec: ServiceSpec, values: Mapping[str, Any], started: float) -> dict[str, Any]:
    """Time flags arrive as text; resolve them against the moment the listing began."""
    moment = datetime.fromtimestamp(started, timezone.utc)
    resolved = dict(values)
    for flag in spec.flags:
        if flag.kind == "time" and values.get(flag.dest) is not None:
            resolved[flag.dest] = parse_time(values[flag.dest], now=moment)
    return resolved


def run_parallel(tasks: list[Callable[[], Any]], concurrency: int) -> list[Any]:
    """Each task's result or exception, in order; daemon threads, so Ctrl-C is prompt."""
    results: list[Any] = [None] * len(tasks)
    work: queue.SimpleQueue[int] = queue.SimpleQueue()
    for index in range(len(tasks)):
        work.put(index)
    finished: queue.Queue[int] = queue.Queue()

    def worker() -> None:
        while True:
            try:
                index = work.get_nowait()
            except queue.Empty:
                return
            try:
                results[index] = tasks[index]()
            except Exception as exc:
                results[index] = exc
            finished.put(index)

    # Even one task runs in a thread: the main thread only waits, where a signal may stop
    # it at once (discovery can take many requests).
    for _ in range(min(concurrency, len(tasks))):
        threading.Thread(target=worker, daemon=True, name="jobctl-discover").start()
    for _ in tasks:
        with signals.interruptible():
            finished.get()
    return results


class _Memo:
    """Answers computed once per (target, key), shared by the threads of a discovery; an
    exception is remembered too, so every API that asked reports the same failure."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[tuple[Target, str], tuple[threading.Lock, list[Any]]] = {}

    def get(self, target: Target, key: str, compute: Callable[[], Any]) -> Any:
        with self._lock:
            lock, box = self._entries.setdefault((target, key), (threading.Lock(), []))
        with lock:
            if not box:
                try:
                    box.append((True, compute()))
                except Exception as exc:
                    box.append((False, exc))
        ok, value = box[0]
        if not ok:
            raise value
        return value


@dataclass(frozen=True)
class _TargetDiscovery:
    """services.spec.Discovery on one target of the listing."""

    clients: Clients
    target: Target
    memo: _Memo
    where: str  # the service, to start error messages

    def items(
        self,
        client: str,
        method: str,
        params: Mapping[str, Any],
        paging: Mapping[str, str] | None = None,
    ) -> Iterator[Any]:
        found = self.clients.client(client, self.target)
        for items, _ in pages(found, method, params, where=self.where, config=paging):
            yield from items

    def items_if_exists(
        self,
        client: str,
        method: str,
        params: Mapping[str, Any],
        paging: Mapping[str, str] | None = None,
    ) -> list[Any] | None:
        try:
            return list(self.items(client, method, params, paging))
        except Exception as exc:
            if is_not_found(exc):
                return None
            raise

    def once(self, key: str, compute: Callable[[], Any]) -> Any:
        return self.memo.get(self.target, key, compute)


def _one_per_view(spec: ServiceSpec, regions: list[str]) -> list[tuple[str, str]]:
    """(region to ask, region to show) for each region of a listing. Regions whose
    listings show one view (Snowball's US regions) are asked once: through us-east-1 when
    it is asked, else the first of them asked; their jobs show the view's name."""
    asked: list[tuple[str, str]] = []
    views: dict[str, int] = {}
    for region in regions:
        view = spec.view_of(region)
        if view is None:
            asked.append((region, region))
        elif view not in views:
            views[view] = len(asked)
            asked.append((region, view))
        elif region == "us-east-1":
            asked[views[view]] = (region, view)
    return asked


def _label(parent: Mapping[str, str]) -> str:
    return ",".join(f"{name}={value}" for name, value in parent.items())


def build_streams(
    parts: Iterable[Part],
    settings: Settings,
    base: Target,
    clients: Clients,
    started: float,
    resume: Resume | None = None,
    *,
    who: accounts.Who,
    only: Sequence[accounts.Identity] | None = None,
) -> Built:
    """Every stream of the listing, discovering parents (concurrently) where needed.

    `who`: the listing's identities (listing/accounts.py); `only`: list these
    of them (a batch of an Organization's accounts), else every one the listing has
    left (on resume with --accounts, those the token names: `Built.redo` are the ones
    it lists afresh)."""
    parts = list(parts)
    identities = who.identities
    by_account = who.accounts is not None
    several_profiles = not by_account and len(identities) > 1
    # Jobs name their profile when there are several, or when a summary counts by it;
    # their account likewise.
    asked_by = settings.summary_by or ()
    name_profile = several_profiles or (not by_account and "profile" in asked_by)
    several_accounts = by_account and len(identities) > 1
    name_account = by_account and (several_accounts or "account" in asked_by)
    account_names = any(i.account is not None and i.account.name for i in identities)
    redo: set[str] = set()
    if only is not None:
        identities = list(only)
    elif resume is not None:
        identities, redo = accounts.left_to_list(who, resume)
    every_region = list(settings.region) == ["all"]
    failures: list[TargetFailure] = []
    ready: list[tuple[accounts.Identity, frozenset[str] | None]] = []
    if by_account or every_region:
        # Each account's role assumed once (an account that cannot be reached is one
        # line) and, with --region all, its enabled regions: concurrently.
        def prepare(identity: accounts.Identity) -> Callable[[], frozenset[str] | None]:
            def run() -> frozenset[str] | None:
                accounts.assume(clients, identity)
                return enabled_regions(clients, identity.target) if every_region else None

            return run

        prepared = run_parallel([prepare(i) for i in identities], settings.concurrency)
        for identity, result in zip(identities, prepared, strict=True):
            if not isinstance(result, BaseException):
                ready.append((identity, result))
            elif not by_account:
                raise result  # a profile that cannot be read: the listing's error
            else:
                error = result if isinstance(result, JobctlError) else None
                if error is None:  # the account's enabled regions could not be read
                    cause = classify(result, service=None)
                    error = JobctlError(
                        f"{identity.label}: account: {cause.message}",
                        hint=cause.hint,
                        status=cause.status,
                    )
                whole = StreamKey(f"{identity.key}@*", DISCOVER_ALL, "")
                failures.append(
                    TargetFailure(
                        error,
                        Position(parts[0].spec.name, whole.text),
                        identity.target,
                        result.__cause__ or result,
                        account=identity.target.account,
                    )
                )
    else:
        ready = [(identity, None) for identity in identities]
    if ready:
        for failure in failures:  # other accounts are listed: those that failed are a part
            failure.error.status = ExitStatus.PARTIAL
    skipped: set[str] = set()
    jobs: list[tuple[Part, Target, str, str]] = []  # part, target, target key, job region
    # Parts whose parent flags each name one parent (decided before a region keeps only
    # its own queue ARNs: `--job-queue ARN,NAME` names two queues, in every region).
    named_once = {part.spec.name for part in parts if part.spec.named_once(part.values)}
    no_region: list[str] = []  # the services that found no region: one error for all
    optional: dict[Target, bool] = {}  # region_optional, by identity target
    # Account after account (their clients are made, used and let go in turn); profiles
    # within each service, as before.
    pairs = (
        [(who_, part) for who_ in ready for part in parts]
        if by_account
        else [(who_, part) for part in parts for who_ in ready]
    )
    for (identity, enabled), part in pairs:
        target0 = identity.target
        optional[target0] = every_region and enabled is None
        try:
            regions = regions_for(
                part.spec, settings.region, clients, target0, part.values, enabled
            )
        except UsageError as refused:
            if refused.message != f"{part.spec.service}: no region given":
                raise
            no_region.append(part.spec.service)
            continue
        except JobctlError:
            raise
        except Exception as exc:  # a profile that cannot be read, found here first
            raise classify(exc, service=part.spec.service) from exc
        if every_region and enabled is not None:
            known = clients.session(target0).get_available_regions(part.spec.client)
            skipped.update(set(known) - set(regions))
        for region, shown in _one_per_view(part.spec, regions):
            here = part.spec.in_region(part.values, region)
            if here is None:  # every queue it names is in another region
                continue
            target = replace(target0, region=region)
            where_key = accounts.target_key(identity, shown)
            jobs.append((Part(part.spec, here), target, where_key, shown))

    if no_region:
        services = ", ".join(dict.fromkeys(no_region))
        raise UsageError(f"{services}: no region given", hint=NO_REGION_HINT)
    names = {i.target.account: i.account.name for i in identities if i.account is not None}

    memo = _Memo()

    def parents_of(part: Part, target: Target) -> Callable[[], list[dict[str, str]]]:
        def discover() -> list[dict[str, str]]:
            if not part.spec.needs_discovery(part.values):
                return [{}]
            assert part.spec.discover is not None
            found = _TargetDiscovery(clients, target, memo, part.spec.service)
            return part.spec.discover(found, part.values)

        return discover

    discovered = run_parallel(
        [parents_of(part, target) for part, target, _, _ in jobs], settings.concurrency
    )
    streams: list[Stream] = []
    for (part, target, target_key, shown), parents in zip(jobs, discovered, strict=True):
        spec = part.spec
        where = (
            f"{spec.service} {shown}"
            + (f" profile={target.profile}" if several_profiles else "")
            + (f" account={target.account}" if several_accounts else "")
        )
        if isinstance(parents, BaseException):
            error = classify(parents, service=spec.service)
            prefix = f"{spec.service}: "
            several_targets = len({t for p, t, _, _ in jobs if p.spec.service == spec.service}) > 1
            if several_targets and error.message.startswith(prefix):
                # Name the target, so the user knows which part of a fan-out is missing.
                error.message = f"{where}: {error.message[len(prefix) :]}"
            marker = Position(spec.name, StreamKey(target_key, DISCOVER_ALL, "").text)
            failures.append(
                TargetFailure(
                    error,
                    marker,
                    target,
                    parents,
                    optional[replace(target, region=None)],
                    account=target.account,
                )
            )
            continue
        extra: dict[str, Any] = {"profile": target.profile} if name_profile else {}
        if name_account:
            extra["account"] = target.account
            if account_names:
                extra["account_name"] = names.get(target.account)
        # Each parent flag named once: the one parent typed, no `parent` field, and the
        # stream keys of a listing without parents.
        once = (
            {name: given(part.values, name)[0] for name in spec.parents}
            if spec.name in named_once
            else {}
        )
        for parent in parents:
            plan = spec.make_plan(resolve_times(spec, {**part.values, **once, **parent}, started))
            shown_parent = {} if once else parent
            parent_label = _label(shown_parent)
            # A discovered parent is named on each job (as kubectl -A adds NAMESPACE): the
            # items of Batch, for one, do not say which queue they came from.
            stream_extra = (
                {**extra, "parent": "/".join(shown_parent.values())} if shown_parent else extra
            )
            # Several queries of one parent (one per status) may each see a job that
            # changes status mid-listing: they share a dedupe scope.
            scope = f"{spec.name}|{target_key}|{parent_label}" if len(plan.queries) > 1 else None
            for query in plan.queries:
                key = StreamKey(target_key, parent_label, query.key)
                detail = " ".join(
                    x for x in (parent_label, "" if query.key == "main" else query.key) if x
                )
                label = f"{where} {detail}".strip()
                streams.append(
                    Stream(
                        key,
                        spec,
                        target,
                        query,
                        shown,
                        label,
                        plan.keep,
                        extra=dict(stream_extra),
                        dedupe_scope=scope,
                        region_optional=optional[replace(target, region=None)],
                    )
                )
    if len(streams) == 1 and streams[0].label == where_of(streams[0]):
        # One stream, as the user named it: messages need not say which part failed.
        streams[0].label = ""
    if any("parent" in stream.extra for stream in streams):
        for stream in streams:  # one shape for every job: null where nothing was discovered
            stream.extra.setdefault("parent", None)
    return Built(streams, failures, sorted(skipped), redo)


def spans(streams: Sequence[Stream]) -> frozenset[str]:
    """Which of service, region, profile, account and parent this listing has several
    of: what a summary counts by."""
    values: dict[str, set[Any]] = {
        "service": {stream.spec.service for stream in streams},
        "region": {stream.region for stream in streams},
        "profile": {stream.target.profile for stream in streams if "profile" in stream.extra},
        "account": {stream.target.account for stream in streams if "account" in stream.extra},
        "parent": {stream.extra.get("parent") for stream in streams if "parent" in stream.extra},
    }
    return frozenset(name for name, found in values.items() if len(found) > 1)


def where_of(stream: Stream) -> str:
    profile, account = stream.target.profile, stream.target.account
    return (
        f"{stream.spec.service} {stream.region}"
        + (f" profile={profile}" if "profile" in stream.extra else "")
        + (f" account={account}" if "account" in stream.extra else "")
    )


def apply_resume(
    streams: list[Stream],
    resume: Resume,
    failures: list[TargetFailure],
    redo: AbstractSet[str] = frozenset(),
) -> list[str]:
    """Set each stream's position from a token; streams it does not name are finished,
    but those of the accounts in `redo` (nothing of them was listed) start afresh.

    A target whose discovery failed in this run keeps, for the next token, the positions
    this token held for it (they stand for streams this run could not even find): they
    are carried, not dropped as parents that no longer exist. Failures of targets the
    token does not name are removed from `failures` (those targets were finished).

    Returns warnings for positions that match no stream (a parent deleted since).
    """
    named = {(p.service, StreamKey.parse(p.key)): p for p in resume.positions}
    # Targets whose discovery failed earlier: every stream of theirs starts afresh.
    rediscover = {(api, key.target) for api, key in named if key.parent == DISCOVER_ALL}
    matched: set[tuple[str, StreamKey]] = set()
    for stream in streams:
        ident = (stream.spec.name, stream.key)
        if ident in named:
            position = named[ident]
            stream.token, stream.skip = position.token, position.skip
            stream.resumed = position.token is not None
            matched.add(ident)
        elif (stream.spec.name, stream.key.target) in rediscover:
            matched.add((stream.spec.name, StreamKey(stream.key.target, DISCOVER_ALL, "")))
        elif stream.target.account in redo:
            pass  # from the start
        else:
            stream.done = True
    failed_now = {(f.position.service, StreamKey.parse(f.position.key).target): f for f in failures}
    kept: list[TargetFailure] = []
    for (api, target), failure in failed_now.items():
        if failure.account is not None and failure.account in redo:
            kept.append(failure)  # an account listed afresh: its failure stands as is
            continue
        if failure.account is not None and target.endswith("@*"):
            # A whole account that failed: what the token held for any of its targets.
            carried = [
                p
                for key, p in named.items()
                if accounts.account_of_key(key[1].target) == failure.account
            ]
        else:
            carried = [p for (s, key), p in named.items() if s == api and key.target == target]
        if carried:  # the token still names this target: carry what it held for it
            failure.carried = carried
            kept.append(failure)
            matched.update((p.service, StreamKey.parse(p.key)) for p in carried)
    failures[:] = kept
    return [
        f"{api}: {' '.join(x for x in (key.target, key.parent, key.query) if x)} "
        "no longer exists; skipped"
        for api, key in named
        if (api, key) not in matched and key.parent != DISCOVER_ALL
    ]
