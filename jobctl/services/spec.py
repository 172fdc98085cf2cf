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
Values = Mapping[str, Any]  # a command's flag values, by destination name ("job_queue")
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
    multiple: bool = False
    kind: Literal["text", "time"] = "text"
    metavar: str = "TEXT"
    validate_member: str | None = None  # input member whose min/max/pattern the value obeys
    # A pattern the value must match where the model states none (the API documents it),
    # and how to say it in an error.
    pattern: str | None = None
    pattern_help: str = ""

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
    # Flag values `jobctl all` gives this API ({"status": ("all",)}): all means every job.
    all_defaults: Mapping[str, Any] = field(default_factory=dict)
    # The API reference's page-size maximum, for APIs whose model states none (Batch).
    documented_max_page_size: int | None = None
    plan: Callable[[Values], Plan] | None = None
    # What this API can filter on the server with the very same result.
    push_down: Callable[[Values, Narrowing], Pushed] | None = None
    # Flags naming a parent (an app, a branch, a queue). When any is missing, `discover`
    # finds the parents (as flag values) and the plan runs once for each; an empty
    # assignment ({}) runs the plan with the flags as given.
    parents: tuple[str, ...] = ()
    discover: Discover | None = None
    # Discover even when every parent is named: the parent's kind decides whether this
    # API serves it (a Batch queue's type).
    always_discover: bool = False
    # For an API whose listing is not regional: the view a region's listing shows
    # ("us" for every US region of Snowball), or None where it shows its own region.
    # Regions of one view are listed once, and their jobs' `region` names the view.
    region_view: Callable[[str], str | None] | None = None

    def view_of(self, region: str) -> str | None:
        return self.region_view(region) if self.region_view is not None else None

    def state_of(self, status: Any) -> str:
        return state_of(status, self.states, any_case=self.states_any_case)

    def needs_discovery(self, values: Values) -> bool:
        if self.discover is None:
            return False
        return self.always_discover or any(not values.get(p) for p in self.parents)

    def max_page_size(self) -> int | None:
        from jobctl import model

        return (
            model.max_results(self.client, self.operation, self.limit_member)
            or self.documented_max_page_size
        )

    def make_plan(self, values: Values) -> Plan:
        """The calls for the flags the user gave; by default one call, flag for argument."""
        if self.plan is not None:
            return self.plan(values)
        params = {
            flag.param: values[flag.dest]
            for flag in self.flags
            if values.get(flag.dest) not in (None, ())
        }
        return Plan((Query("main", params),))

    def pushed(self, values: Values, narrowing: Narrowing) -> Pushed:
        if self.push_down is None:
            return Pushed(dict(values))
        return self.push_down(values, narrowing)


@dataclass(frozen=True)
class Part:
    """One API's share of a listing: its spec and its flag values."""

    spec: ServiceSpec
    values: Values
