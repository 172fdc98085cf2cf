"""The declarative description of a service, and the builder that makes its command.

A service module holds data: its paginator, its flags and the `paginate()` argument each
maps to, its state table and how an item becomes a normalized job. Everything else
(options, paging, errors, output) is shared and lives elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import click

from jobctl.job import Job
from jobctl.options import Settings, listing_options, validate_time

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

Params = dict[str, Any]


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
class ServiceSpec:
    name: str  # the subcommand and the normalized `service` ("amplify-backend")
    client: str  # boto3 client name ("amplifybackend")
    operation: str  # model operation name ("ListBackendJobs")
    paginator: str  # boto3 paginator name ("list_backend_jobs")
    result_key: str  # where a page holds its items ("Jobs")
    limit_member: str  # the page-size input member ("MaxResults")
    summary: str
    flags: tuple[Flag, ...]
    to_job: Callable[[Mapping[str, Any], str], Job]
    description: str = ""
    # The API reference's page-size maximum, for APIs whose model states none (Batch).
    documented_max_page_size: int | None = None
    plan: Callable[[Mapping[str, Any]], Plan] | None = None
    epilog: str = ""
    # Flags naming a parent (an app, a branch, a queue). When any is missing, `discover`
    # finds the parents (as flag values) and the plan runs once for each.
    parents: tuple[str, ...] = ()
    discover: Callable[[Callable[[str], Any], Mapping[str, Any]], list[dict[str, str]]] | None = (
        None
    )
    extra: Mapping[str, Any] = field(default_factory=dict)

    def needs_discovery(self, values: Mapping[str, Any]) -> bool:
        return self.discover is not None and any(not values.get(p) for p in self.parents)

    def max_page_size(self) -> int | None:
        from jobctl import model

        return (
            model.max_results(self.client, self.operation, self.limit_member)
            or self.documented_max_page_size
        )

    def make_plan(self, values: Mapping[str, Any]) -> Plan:
        """The calls for the flags the user gave; by default one call, flag for argument."""
        if self.plan is not None:
            return self.plan(values)
        params = {
            flag.param: values[flag.dest]
            for flag in self.flags
            if values.get(flag.dest) not in (None, ())
        }
        return Plan((Query("main", params),))


class ModelChoice(click.Choice):
    """Choices read from botocore's model only when needed (help, parsing, completion),
    matched case-insensitively, and always shown and returned as the model spells them."""

    def __init__(self, client: str, operation: str, member: str, extra: Sequence[str] = ()):
        self._source = (client, operation, member)
        self._extra = tuple(extra)
        super().__init__((), case_sensitive=True)

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        from jobctl import model

        return model.enum_values(*self._source) + self._extra

    @choices.setter
    def choices(self, value: Sequence[str]) -> None:  # click's __init__ assigns it
        pass

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        by_folded = {choice.casefold(): choice for choice in self.choices}
        found = by_folded.get(str(value).strip().casefold())
        if found is None:
            self.fail(f"{value!r} is not one of {', '.join(self.choices)}", param, ctx)
        return found

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        # Matched as convert() matches (any case), offered as the model spells them, so
        # `--status in<TAB>` becomes IN_PROGRESS. click's own would match case-sensitively.
        from click.shell_completion import CompletionItem

        folded = incomplete.casefold()
        return [CompletionItem(c) for c in self.choices if c.casefold().startswith(folded)]


def _member_validator(spec: ServiceSpec, flag: Flag) -> Callable[..., Any]:
    """Check a value against the model's length and pattern before any request is sent."""

    def check(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is None:
            return value
        values = value if isinstance(value, tuple) else (value,)
        for item in values:
            _check_text(spec, flag, item)
        return value

    return check


def _check_text(spec: ServiceSpec, flag: Flag, value: str) -> None:
    if not value.strip():
        raise click.BadParameter("must not be empty")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise click.BadParameter("must not contain control characters")
    if flag.pattern and not re.fullmatch(flag.pattern, value):
        raise click.BadParameter(f"{value!r} is not valid: expected {flag.pattern_help}")
    if flag.validate_member is None:
        return
    from jobctl import model

    shape = model.member_shape(spec.client, spec.operation, flag.validate_member)
    low, high, pattern = shape.get("min"), shape.get("max"), shape.get("pattern")
    if low is not None and len(value) < low:
        raise click.BadParameter(f"must be at least {low} characters")
    if high is not None and len(value) > high:
        raise click.BadParameter(f"must be at most {high} characters")
    if pattern and not re.fullmatch(pattern, value):
        raise click.BadParameter(f"{value!r} is not a valid value (expected {pattern})")


def make_option(spec: ServiceSpec, flag: Flag) -> Callable[[Any], Any]:
    names = [flag.option, *flag.aliases, flag.dest]
    kwargs: dict[str, Any] = {
        "help": flag.help,
        "required": flag.required,
        "multiple": flag.multiple,
        "metavar": flag.metavar,
    }
    if flag.enum_member:
        kwargs["type"] = ModelChoice(
            spec.client, spec.operation, flag.enum_member, flag.extra_choices
        )
        kwargs.pop("metavar")
    elif flag.kind == "time":
        kwargs["callback"] = validate_time
        kwargs["metavar"] = "TIME"
    else:
        kwargs["callback"] = _member_validator(spec, flag)
    return click.option(*names, **kwargs)


# Runnable examples at the end of each command's --help, against the embedded sandbox's
# demo data (its apps, queues and statuses; tests/test_help_examples.py runs them all).
EXAMPLES: dict[str, tuple[tuple[str, str], ...]] = {
    "amplify": (
        ("The newest deployments of one branch", "--app-id dx9ixz05feh07i --branch main"),
        (
            "Failed deployments of every app and branch, longest first",
            "--state failed --sort -duration",
        ),
    ),
    "amplify-backend": (
        (
            "Running jobs of one environment",
            "--app-id dx9ixz05feh07i --env staging --state running",
        ),
        ("Every job of every app and environment, in every field", "-o wide --max-items 20"),
    ),
    "iot": (
        ("Jobs in progress", "--status IN_PROGRESS"),
        ("Cancelled jobs, newest first, every field", "--state cancelled --sort age -o wide"),
    ),
    "batch": (
        (
            "Every job of one queue, whatever its status",
            "--job-queue ml-training-high --status all",
        ),
        ("Failed jobs of every queue, as JSON lines", "--status all --state failed -o jsonl"),
        (
            "Fail a CI step if a job failed since a date",
            "--status all --created-after 2026-11-19 --fail-on failed",
        ),
    ),
    "snowball": (
        ("Devices on their way or with you", "--state running"),
        ("Every job as CSV, oldest first", "-o csv --sort created_at"),
    ),
    "all": (
        ("What is running anywhere, newest first", "--state running --sort age"),
        ("Counts by service and state", "--summary"),
        (
            "Failed or cancelled jobs of two services, every field",
            "--services iot,batch --state failed,cancelled -o wide",
        ),
    ),
}


def examples_epilog(command: str) -> str:
    """The examples section of a command's help; `\b` keeps click from rewrapping each
    paragraph."""
    paragraphs = ["Examples (the --sandbox demo data; drop --sandbox to list your AWS jobs):"]
    for what, args in EXAMPLES.get(command, ()):
        paragraphs.append(f"\b\n  # {what}\n  jobctl {command} --sandbox {args}")
    return "\n\n".join(paragraphs)


def build_command(spec: ServiceSpec) -> click.Command:
    """The click command of a service: its own flags plus every shared option."""

    def callback(**kwargs: Any) -> None:
        settings = Settings.pop_from(kwargs)
        from jobctl.run import run_service

        run_service(spec, kwargs, settings)

    # The service's own flags first in --help, then the shared options.
    command: Callable[..., Any] = listing_options(callback)
    for flag in reversed(spec.flags):
        command = make_option(spec, flag)(command)
    return click.command(
        spec.name,
        help=f"{spec.summary}\n\n{spec.description}".strip(),
        short_help=spec.summary,
        epilog="\n\n".join(x for x in (spec.epilog, examples_epilog(spec.name)) if x),
    )(command)
