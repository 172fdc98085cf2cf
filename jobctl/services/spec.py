"""What a service module declares: one AWS list API, as data.

A `ServiceSpec` is the only place that names an API: its paginator, its flags and the
`paginate()` argument each fills, how an item becomes a normalized job, its state table,
the field that explains a state, what `jobctl all` asks of it, what it can filter on the
server, and how its parents (apps, branches, queues) are found. Everything else —
options, paging, checks, output — asks the spec and never names a service.

Nothing here imports click, boto3 or rich: `jobctl --help` reads these modules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from jobctl.job import Job, state_of

Params = dict[str, Any]
# A command's flag values, by destination name ("job_queue"). A flag that declares
# `multiple` holds a tuple (empty when not given); once its parents are found, a parent
# flag holds the one parent a plan lists (a str).
Values = Mapping[str, Any]
Parents = list[dict[str, str]]  # parent assignments, as flag values ({"job_queue": "q"})


class Discovery(Protocol):
    """What discovery may use on one target: the items of a paginated call (each page
    checked and retried where it is read), and a memo shared by the APIs of a listing
    (both Batch APIs read one DescribeJobQueues answer)."""

    def items(
        self,
        client: str,
        method: str,
        params: Mapping[str, Any],
        paging: Mapping[str, str] | None = None,
    ) -> Iterator[Any]: ...

    def items_if_exists(
        self,
        client: str,
        method: str,
        params: Mapping[str, Any],
        paging: Mapping[str, str] | None = None,
    ) -> list[Any] | None:
        """Every item of a call on one resource (an app's branches); None when the service
        answers that the resource does not exist."""
        ...

    def once(self, key: str, compute: Callable[[], Any]) -> Any: ...


Discover = Callable[[Discovery, Values], Parents]


@dataclass(frozen=True)
class Flag:
    """One command-line flag and the `paginate()` argument it fills."""

    option: str  # "--app-id"
    param: str  # the paginate() argument ("appId"), or a key the service's plan reads
    help: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    enum_member: str | None = None  # input member whose model enum gives the choices
    extra_choices: tuple[str, ...] = ()  # choices beyond the model's ("all")
    # Several values (repeated or comma-separated, cli/options.py ListOption). The API
    # takes one per call: the listing fans out one stream per value, as it does per
    # region (a parent flag: one parent each; any other: one query each, see make_plan).
    multiple: bool = False
    any_case: bool = False  # the service matches values in any case (one value, any case)
    kind: Literal["text", "time"] = "text"
    metavar: str = "TEXT"
    validate_member: str | None = None  # input member whose min/max/pattern the value obeys
    # A pattern the value must match where the model states none (the API documents it),
    # and how to say it in an error.
    pattern: str | None = None
    pattern_help: str = ""
    # The region a value names, if it names one (a job queue ARN): such a value is listed
    # in its own region only, and without --region its region is the one asked.
    region_of: Callable[[str], str | None] | None = None

    @property
    def dest(self) -> str:
        return self.option.lstrip("-").replace("-", "_")


@dataclass(frozen=True)
class Query:
    """One `paginate()` call of a listing. `key` names it in resume tokens."""

    key: str
    params: Params


@dataclass(frozen=True)
class Plan:
    """How a listing is served: its calls, and a filter on raw items for what the API
    cannot filter server-side (applied once to the stream, never per page)."""

    queries: tuple[Query, ...]
    keep: Callable[[Mapping[str, Any]], bool] | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Narrowing:
    """The client-side filters of a listing, as a service may push them to its API.

    The client-side filter runs whatever the service does with these: pushing down is
    only ever an optimization with the very same result.
    """

    states: tuple[str, ...] = ()
    since: str | None = None  # as typed: an ISO time or an age
    until: str | None = None
    ids: tuple[str, ...] = ()
    watch: bool = False  # a watched job leaves its first state: no state push-down


@dataclass(frozen=True)
class Pushed:
    """A service's flag values with what it filters on the server, and stderr notes."""

    values: dict[str, Any]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ServiceSpec:
    """One AWS list API (one boto3 paginator) and everything jobctl does with it."""

    name: str  # the API's own name: the registry's key, resume tokens ("batch-jobs")
    service: str  # the normalized `service` field and the subcommand ("batch")
    client: str  # boto3 client name ("amplifybackend")
    operation: str  # model operation name ("ListBackendJobs")
    paginator: str  # boto3 paginator name ("list_backend_jobs")
    result_key: str  # where a page holds its items ("Jobs")
    limit_member: str  # the page-size input member ("MaxResults")
    summary: str
    flags: tuple[Flag, ...]
    to_job: Callable[[Mapping[str, Any], str], Job]
    states: Mapping[str, str]  # service status → normalized state
    states_any_case: bool = False  # statuses are free text in any case (AmplifyBackend)
    description: str = ""
    epilog: str = ""
    # Runnable examples for the end of --help: (what it shows, the flags), against the
    # sandbox's demo data (tests/test_help_examples.py runs them all).
    examples: tuple[tuple[str, str], ...] = ()
    # The field of the service's item that says why a job is in its state ("statusReason").
    reason_field: str | None = None
    # The API records no start time: a job's creation time stands in for it (its duration).
    created_is_start: bool = False
    # Flag values `jobctl all` gives this API ({"status": ("all",)}): all means every job.
    all_defaults: Mapping[str, Any] = field(default_factory=dict)
    # The API reference's page-size maximum, for APIs whose model states none (Batch).
    documented_max_page_size: int | None = None
    plan: Callable[[Values], Plan] | None = None
    # What this API can filter on the server with the very same result.
    push_down: Callable[[Values, Narrowing], Pushed] | None = None
    # Flags naming a parent (an app, a branch, a queue), each `multiple`. Unless each is
    # given exactly one value, `discover` finds the parents — every one, or those named,
    # checking that each named one exists — as flag values, one str per parent flag, and
    # the plan runs once for each; an empty assignment ({}) runs the plan with the flags
    # as given.
    parents: tuple[str, ...] = ()
    discover: Discover | None = None
    # Discover even when each parent is named once: the parent's kind decides whether
    # this API serves it (a Batch queue's type).
    always_discover: bool = False
    # For an API whose listing is not regional: the view a region's listing shows
    # ("us" for every US region of Snowball), or None where it shows its own region.
    # Regions of one view are listed once, and their jobs' `region` names the view.
    region_view: Callable[[str], str | None] | None = None

    def view_of(self, region: str) -> str | None:
        return self.region_view(region) if self.region_view is not None else None

    def state_of(self, status: Any) -> str:
        return state_of(status, self.states, any_case=self.states_any_case)

    def named_once(self, values: Values) -> bool:
        """Whether the user named exactly one value of each parent flag (then the jobs
        need no `parent` field: there is one parent, the one typed)."""
        return bool(self.parents) and all(len(given(values, p)) == 1 for p in self.parents)

    def needs_discovery(self, values: Values) -> bool:
        if self.discover is None:
            return False
        return self.always_discover or not self.named_once(values)

    def pins(self, values: Values) -> list[tuple[Flag, str, str]]:
        """(flag, value, region) of each value that names its own region (a queue ARN)."""
        return [
            (flag, value, region)
            for flag in self.flags
            if flag.region_of is not None
            for value in given(values, flag.dest)
            if (region := flag.region_of(value))
        ]

    def only_pinned(self, values: Values) -> bool:
        """Whether some value names its region and every value of such flags does: the
        listing then asks those regions only."""
        flags = [flag for flag in self.flags if flag.region_of is not None]
        found = [(flag, v) for flag in flags for v in given(values, flag.dest)]
        return bool(found) and all(flag.region_of(v) for flag, v in found)  # type: ignore[misc]

    def in_region(self, values: Values, region: str) -> Values | None:
        """The values that apply in one region: a value naming another region is left
        out. None when every value of such a flag names another region (nothing to list
        there)."""
        kept = dict(values)
        for flag in self.flags:
            if flag.region_of is None or not given(values, flag.dest):
                continue
            here = tuple(v for v in given(values, flag.dest) if flag.region_of(v) in (None, region))
            if not here:
                return None
            kept[flag.dest] = here
        return kept

    def max_page_size(self) -> int | None:
        from jobctl import model

        return (
            model.max_results(self.client, self.operation, self.limit_member)
            or self.documented_max_page_size
        )

    def make_plan(self, values: Values) -> Plan:
        """The calls for the flags the user gave; by default one call, flag for argument.
        A flag given several values (an IoT --status) takes one per call, as the API
        does: one query per value (per combination, with several such flags), keyed
        `status=IN_PROGRESS` in resume tokens; a job one of them lists twice (it changed
        status mid-listing) is written once (the queries share a dedupe scope)."""
        if self.plan is not None:
            return self.plan(values)
        params: Params = {}
        fanned: list[tuple[Flag, tuple[Any, ...]]] = []
        for flag in self.flags:
            value = values.get(flag.dest)
            if value in (None, ()):
                continue
            if isinstance(value, tuple) and len(value) > 1:
                fanned.append((flag, value))
            else:
                params[flag.param] = value[0] if isinstance(value, tuple) else value
        if not fanned:
            return Plan((Query("main", params),))
        queries = [Query("", params)]
        for flag, choices in fanned:
            queries = [
                Query(
                    ",".join(x for x in (query.key, f"{flag.dest}={choice}") if x),
                    {**query.params, flag.param: choice},
                )
                for query in queries
                for choice in choices
            ]
        return Plan(tuple(queries))

    def pushed(self, values: Values, narrowing: Narrowing) -> Pushed:
        if self.push_down is None:
            return Pushed(dict(values))
        return self.push_down(values, narrowing)


def given(values: Values, dest: str) -> tuple[Any, ...]:
    """A flag's values as a tuple: () when not given, (value,) for one value."""
    value = values.get(dest)
    if value in (None, ()):
        return ()
    return tuple(value) if isinstance(value, tuple | list) else (value,)


@dataclass(frozen=True)
class Part:
    """One API's share of a listing: its spec and its flag values."""

    spec: ServiceSpec
    values: Values
