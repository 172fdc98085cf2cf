"""What a sandbox module declares: one API's sandbox knowledge, as a ``SandboxService``.

Each API of ``jobctl.registry`` has a module ``jobctl/sandbox/services/<module>.py`` whose
``SANDBOX`` is one of these: its names and members, its errors, the operations it serves
(its list operation and the discovery operations it owns), the resources it defines
(apps, queues...), how its jobs hang under a parent, how a job is completed, its demo data,
its data-file section, its moving jobs and the example commands ``jobctl sandbox`` prints.
The generic layers (server, store, paging, faults, data file, demo) only ever ask these
objects; none of them names a service.

Nothing here imports botocore: the catalog is read by ``jobctl sandbox --help``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from jobctl.sandbox.org import ACCOUNT_ID as ACCOUNT_ID
from jobctl.sandbox.org import Organization
from jobctl.sandbox.wire import timestamp_millis

# The principal behind the sandbox's own keys (and any key it did not issue).
MANAGEMENT_USER = f"arn:aws:iam::{ACCOUNT_ID}:user/sandbox"
MANAGEMENT_USER_ID = "AIDAJOBCTLSANDBOXUSER"

# Errors that come from the AWS front door rather than the service, the same everywhere.
AUTH_ERRORS = {
    "expired-token": (
        "ExpiredTokenException",
        403,
        "The security token included in the request is expired",
    ),
    "access-denied": (
        "AccessDeniedException",
        403,
        "User: {caller} is not authorized to perform: "
        "{action} on resource: arn:aws:{prefix}:{region}:{account}:*",
    ),
}
# Credentials that were issued but no longer hold, whatever the region.
CREDENTIALS_EXPIRED = (
    "ExpiredTokenException",
    403,
    "The security token included in the request is expired",
)
# What every AWS front door answers for a region the account has not enabled (an opt-in
# region): the credentials are not valid there. JSON protocols name it in a coral namespace.
REGION_DISABLED = (
    "UnrecognizedClientException",
    403,
    "The security token included in the request is invalid.",
)


@dataclass
class StoredJob:
    item: dict[str, Any]  # exactly what the list API returns, boto3-shaped
    meta: dict[str, Any]  # attributes the API filters on but does not return
    # The listing order's key, computed once: every page request sorts the whole list.
    # A changed job is stored anew (update_job), so the key never goes stale.
    sort_key: tuple[Any, ...] | None = field(default=None, compare=False)


class Store(Protocol):
    """What a service module may use of the sandbox's store (jobctl.sandbox.store), named
    here so this module, below the store, need not import it. A store holds one account's
    data: ``account_id`` is the account its ARNs name."""

    account_id: str

    def stored_jobs(self, service: str, region: str, parent: Any) -> list[StoredJob]: ...

    def resources(self, kind: str, *, region: str | None = None) -> dict[Any, dict[str, Any]]: ...

    def add_resource(
        self, kind: str, item: dict[str, Any], *, region: str | None = None, parent: Any = None
    ) -> dict[str, Any]: ...

    def add_job(
        self, service: str, job: dict[str, Any], *, region: str | None = None, parent: Any = None
    ) -> dict[str, Any]: ...

    def api_for(self, kind: str, resource: dict[str, Any]) -> str: ...


@dataclass(frozen=True)
class Caller:
    """Who signed a request: the account it is served for and the principal's ARN. A
    ``refusal`` (code, status, message) is what AWS's front door answers instead, for
    credentials it does not accept (expired, or a session token that does not match)."""

    account: str
    arn: str
    user_id: str
    access_key: str = ""
    role: str | None = None  # an assumed role's name
    session: str | None = None  # its session name
    expiration: datetime | None = None
    refusal: tuple[str, int, str] | None = None

    @property
    def assumed(self) -> bool:
        return self.role is not None


def management_caller(access_key: str = "") -> Caller:
    """The principal of every key the sandbox did not issue: a user of the management
    account (any access key will do, as always)."""
    return Caller(ACCOUNT_ID, MANAGEMENT_USER, MANAGEMENT_USER_ID, access_key)


class ServiceError(Exception):
    """An error answer: the service's code, message and HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


@dataclass(frozen=True)
class Errors:
    """The codes one service answers with (from its model where it declares them)."""

    validation: str  # a bad parameter
    token: str  # an invalid or foreign pagination token
    not_found: tuple[str, int]  # an unknown parent
    throttle: tuple[str, int]
    server_error: tuple[str, int]


@dataclass
class Selection:
    """What a request selects: every matching item with its sort key, and the scope a
    pagination token is bound to. ``limit`` caps the page size below the request's."""

    scope: Any
    entries: list[tuple[tuple[Any, ...], dict[str, Any]]]
    limit: int | None = None


@dataclass
class Call:
    """One request as a handler sees it."""

    service: SandboxService
    data: Store
    region: str  # the region the request was signed for
    regions: tuple[str, ...]  # the regions its listing reads (the region, or a view)
    params: dict[str, Any]
    account: Account
    caller: Caller = field(default_factory=management_caller)
    organization: Organization | None = None

    def invalid(self, message: str) -> ServiceError:
        return ServiceError(self.service.errors.validation, message)

    def not_found(self, message: str) -> ServiceError:
        code, status = self.service.errors.not_found
        return ServiceError(code, message, status)

    def jobs(self, parent: Any = None) -> list[StoredJob]:
        """The jobs under one parent key (None: the API has none), in every region read."""
        return [
            job
            for region in self.regions
            for job in self.data.stored_jobs(self.service.name, region, parent)
        ]

    def resources(self, kind: str) -> dict[Any, dict[str, Any]]:
        return self.data.resources(kind, region=self.region)

    def newest_first(self, jobs: Sequence[StoredJob]) -> list[tuple[tuple[Any, ...], dict]]:
        """Entries ordered by creation time, newest first, ties by ID: the order of every
        job list, keyed on members that never change, so a job changing state keeps its
        place and a paginating client neither loses nor repeats it."""
        entries = []
        for job in jobs:
            if job.sort_key is None:
                job.sort_key = self.service.sort_key(job.item)
            entries.append((job.sort_key, job.item))
        return entries


@dataclass
class Account:
    """The account's side of the sandbox: its regions, and what its policies deny."""

    disabled_regions: frozenset[str] = frozenset()
    regions_api_denied: bool = False


@dataclass(frozen=True)
class Operation:
    """One served operation: what it selects, and its page sizes; or, for an operation
    that lists nothing (``answer``), its whole output."""

    name: str
    select: Callable[[Call], Selection] | None = None
    default_page_size: int = 0
    # Only where the model states no bounds but the API documents them.
    page_limits: tuple[int, int] | None = None
    # Only where botocore has no paginator for the operation.
    pagination: Mapping[str, str] | None = None
    # An operation that is no listing: its output (boto3 member names) for a call.
    answer: Callable[[Call], dict[str, Any]] | None = None
    # The account a request reaches when it is not the caller's (a role assumed in another
    # account): what the request log records and faults are scoped by.
    account_of: Callable[[Mapping[str, Any]], str | None] | None = None


@dataclass(frozen=True)
class Kind:
    """A kind of resource a module defines: apps, branches, queues, thing groups.

    Items are keyed by ``key_member``; an item that lives in another (a branch in an app)
    names its ``container`` kind, and its key is (container key, name)."""

    name: str  # "queue"; also how the data file's error messages name an item
    key_member: str  # "jobQueueName"
    # Where its item shape lives: (botocore service, operation, result member); None for
    # resources no served operation returns (IoT thing groups).
    shape: tuple[str, str, str] | None
    # The members the service always returns, derived: (item, region, container, anchor,
    # account) → item.
    complete: Callable[[dict[str, Any], str, dict[str, Any] | None, datetime, str], dict[str, Any]]
    container: str | None = None
    keep_existing: bool = False  # adding an existing one keeps it (a thing group's ID)


@dataclass(frozen=True)
class Parent:
    """How an API's jobs hang under a resource (a branch, an environment, a queue)."""

    kind: str
    members: tuple[str, ...]  # what names it in a request ("appId", "branchName")
    # Which resources of the kind this API lists (a queue's type); others hold none of
    # its jobs.
    accepts: Callable[[Mapping[str, Any]], bool] = lambda resource: True
    accepts_help: str = ""  # said when a job is added under a parent it does not accept
    defaults: Mapping[str, Any] = field(default_factory=dict)  # of a parent created for a job
    normalize: Callable[[str], str] | None = None  # a queue ARN → its name
    from_job: Callable[[Mapping[str, Any]], Any] | None = None  # the parent a job names


@dataclass
class JobPlace:
    """Where a job is stored, for the module that completes it."""

    data: Store
    region: str
    parent: Any  # the parent key, or None
    meta: dict[str, Any]  # what the API filters on but does not return
    anchor: datetime  # the sandbox's start: the default time of what is created

    @property
    def account(self) -> str:
        """The account the job belongs to (what its ARN names)."""
        return self.data.account_id


@dataclass
class DemoContext:
    """What a demo generator gets: where to write, how many jobs, a seeded generator
    and the moment its timeline ends (the sandbox's clock when it started)."""

    data: Store
    region: str
    count: int
    rng: random.Random
    anchor: datetime

    @property
    def account(self) -> str:
        """The account being filled (what ARNs name)."""
        return self.data.account_id

    def timeline(self, count: int, minutes: tuple[int, int]) -> list[datetime]:
        """``count`` creation times, newest first, going back from the anchor."""
        moment, out = self.anchor, []
        for _ in range(count):
            moment -= timedelta(
                minutes=self.rng.randrange(*minutes), seconds=self.rng.randrange(60)
            )
            out.append(moment)
        return out


@dataclass(frozen=True)
class Moving:
    """One job that moves through its statuses while the sandbox runs: it is created
    (``job``, under ``parent``) at schedule second 0 and takes each step's members at the
    step's second. Seconds are scaled by the sandbox's ``move_scale``."""

    parent: Any
    job: dict[str, Any]
    steps: tuple[tuple[float, dict[str, Any]], ...]


@dataclass
class MoveContext:
    """What a moving-job generator gets. ``at(seconds)`` is the clock time of a schedule
    second (0: the job's creation), already scaled. The job should take one to two
    minutes from its first status to its last, and its creation time member must be
    ``at(0)`` and never change (it orders listings)."""

    data: Store
    region: str
    parent: Any  # the busiest parent of the API (None when it has none)
    rng: random.Random
    number: int  # the job's number among the API's moving jobs, from 0
    existing: int  # how many jobs the parent held before anything moved
    at: Callable[[float], datetime]

    @property
    def account(self) -> str:
        return self.data.account_id


@dataclass(frozen=True)
class Section:
    """A data file's section: its key under a region, and how it is loaded."""

    key: str
    load: Callable[[Store, str, dict[str, Any], str], None]  # data, region, section, path


@dataclass(frozen=True)
class Example:
    """A command ``jobctl sandbox`` suggests, and the AWS CLI call that does the same."""

    jobctl: str
    aws: str


@dataclass(frozen=True)
class SandboxService:
    """One API's sandbox: see the module docstring."""

    name: str  # the API's name: request log, faults, data keys ("batch-jobs")
    botocore_name: str  # its botocore service ("batch")
    list_operation: str  # the job list operation ("ListJobs")
    id_member: str
    status_member: str
    created_member: str
    errors: Errors
    operations: tuple[Operation, ...]
    required: tuple[str, ...] = ()  # members a job must be given (the rest get defaults)
    kinds: tuple[Kind, ...] = ()  # the resources this module defines
    parent: Parent | None = None
    meta_fields: tuple[str, ...] = ()  # job attributes the API filters on but never returns
    # The job a store keeps: completed as the service would (ARNs, defaults); may add
    # resources (an IoT thing group a job names).
    complete: Callable[[dict[str, Any], JobPlace], dict[str, Any]] = lambda job, place: job
    # Meta values checked and normalized: (meta, path) → meta. Default: strings only.
    check_meta: Callable[[dict[str, Any], str], dict[str, Any]] | None = None
    terminal: tuple[str, ...] = ()  # statuses after which a job no longer changes
    demo: Callable[[DemoContext], None] | None = None
    section: Section | None = None
    moving: Callable[[MoveContext], Moving] | None = None
    examples: Callable[[Mapping[str, list[Any]]], list[Example]] | None = None
    # The commands it suggests when the sandbox serves an organization of accounts.
    organization_examples: Callable[[Organization], list[Example]] | None = None
    # The regions a request signed for one region lists, and the name of that view (the
    # region itself unless the API documents a wider one: Snowball's US regions).
    view: Callable[[str, Sequence[str]], tuple[str, tuple[str, ...]]] | None = None
    # Parent-like lists the module adds to ``parents()`` ({"iot-thing-groups": [...]}).
    extra_parents: Callable[[Store, str], dict[str, list[Any]]] | None = None
    global_service: bool = False  # served whatever region is signed (the Account API)
    # Who signed a request, from its access key ID and session token: the service that
    # issues temporary credentials knows which are its own (and for which account).
    identify: Callable[[str, str | None, Organization], Caller] | None = None

    def operation(self, name: str) -> Operation:
        for op in self.operations:
            if op.name == name:
                return op
        raise KeyError(f"{self.name} serves no {name}")

    def sort_key(self, item: Mapping[str, Any]) -> tuple[Any, ...]:
        return (-created_millis(item.get(self.created_member)), item[self.id_member])

    def regions_of(self, region: str, known: Sequence[str]) -> tuple[str, tuple[str, ...]]:
        """(view name, regions) a request signed for ``region`` lists."""
        if self.view is None:
            return region, (region,)
        return self.view(region, known)


def created_millis(value: Any) -> int:
    """A creation time in epoch ms, whatever form its service keeps it in (0: unknown).

    Integers are epoch milliseconds (Batch's longs); datetimes and strings are parsed."""
    if value is None:
        return 0
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return timestamp_millis(value)
    except TypeError:  # unhashable: not a time
        return 0
