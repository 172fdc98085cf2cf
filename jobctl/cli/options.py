"""Shared option decorators, stacked once and reused by every listing command."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from jobctl.output.formats import FORMATS

F = TypeVar("F", bound=Callable[..., Any])


def _stack(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    def apply(func: F) -> F:
        for decorator in reversed(decorators):
            func = decorator(func)
        return func

    return apply


def _positive(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    if value is not None and value < 1:
        raise click.BadParameter(f"must be at least 1, not {value}")
    return value


def complete_list(values: Callable[[], Sequence[str]], prefixes: str = "") -> Any:
    """Completion for a comma-separated value: offers the names for its last item, in
    any case, without the ones already given (`--state running,su<TAB>`)."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem

        head, comma, last = incomplete.rpartition(",")
        given = {part.lstrip(prefixes).lower() for part in head.split(",")} if comma else set()
        sign = last[: len(last) - len(last.lstrip(prefixes))]
        word = last[len(sign) :].lower()
        return [
            CompletionItem(f"{head}{comma}{sign}{name}")
            for name in values()
            if name.lower().startswith(word) and name not in given
        ]

    return complete


def _state_names() -> Sequence[str]:
    from jobctl.job import STATES

    return STATES


def _column_names() -> Sequence[str]:
    from jobctl.job import EXTRA_FIELDS, FIELDS
    from jobctl.output.human import COMPUTED

    return (*FIELDS, *EXTRA_FIELDS, *COMPUTED)


class _FieldsOption(click.Option):
    """An option whose help lists the field names, read when help is shown."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        if self.help and "{fields}" in self.help:
            self.help = self.help.replace("{fields}", ", ".join(_column_names()))
        return super().get_help_record(ctx)


def _columns(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> tuple[str, ...] | None:
    if value is None:
        return None
    known = _column_names()
    names = tuple(part.strip() for part in value.split(","))
    if not any(names):
        raise click.BadParameter("name at least one column")
    if "" in names:
        raise click.BadParameter(
            f"an empty column name in {value!r}: separate names with one comma"
        )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise click.BadParameter(f"{', '.join(repeated)} named twice: name each column once")
    broken = [n for n in names if n.startswith("raw.") and "" in n[4:].split(".")]
    if broken:
        raise click.BadParameter(
            f"{', '.join(broken)}: name a field of the service's item after raw. "
            "(raw.FIELD or raw.FIELD.SUBFIELD)"
        )
    unknown = [n for n in names if n not in known and not n.startswith("raw.")]
    if unknown:
        raise click.BadParameter(
            f"unknown column {', '.join(map(repr, unknown))}; choose from {', '.join(known)}, "
            "or raw.FIELD"
        )
    return names


aws_options = _stack(
    click.option(
        "--profile",
        metavar="NAME[,NAME]",
        help="AWS profile(s) to use, comma-separated (default: AWS_PROFILE, then the "
        "default profile).",
    ),
    click.option(
        "--region",
        metavar="REGION[,REGION]",
        help="AWS region(s), comma-separated, or 'all' for every region the service is "
        "offered in (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile's).",
    ),
    click.option(
        "--endpoint-url",
        metavar="URL",
        help="Send requests to this endpoint instead of AWS (default: AWS_ENDPOINT_URL).",
    ),
    click.option(
        "--sandbox",
        is_flag=True,
        help="List the demo jobs of jobctl's embedded local endpoint; no AWS account needed.",
    ),
    click.option(
        "--concurrency",
        type=int,
        metavar="N",
        default=8,
        show_default=True,
        callback=_positive,
        help="Requests in flight at once when a listing spans several regions, profiles, "
        "parents or statuses.",
    ),
    click.option(
        "--debug",
        is_flag=True,
        help="Print tracebacks and request logs on stderr (secrets redacted).",
    ),
)

paging_options = _stack(
    click.option(
        "--max-items",
        type=int,
        metavar="N",
        callback=_positive,
        help="Stop after N jobs and print a token to resume from.",
    ),
    click.option(
        "--page-size",
        type=int,
        metavar="N",
        callback=_positive,
        help="Jobs per API call (default and upper bound: the API's maximum).",
    ),
    click.option(
        "--starting-token",
        metavar="TOKEN",
        help="Resume a listing from the token jobctl printed when it stopped early.",
    ),
)

output_options = _stack(
    click.option(
        "-o",
        "--output",
        type=click.Choice(FORMATS, case_sensitive=False),
        default="table",
        show_default=True,
        help="Output format: table (the columns that matter here, one line per job on a "
        "terminal), wide (a table of every field), json, jsonl, csv or tsv. Each writes "
        "the jobs page by page, as they arrive.",
    ),
    click.option(
        "--columns",
        metavar="A,B,C",
        cls=_FieldsOption,
        callback=_columns,
        shell_complete=complete_list(_column_names),
        help="Fields to show, in order, for table, wide, csv and tsv: {fields}, or "
        "raw.FIELD for a field of the service's own item. profile appears with several "
        "profiles, parent with discovered parents; age and duration are computed (a "
        "table shows 5m, 3h, 2d; csv, tsv and json give seconds).",
    ),
    click.option("--no-headers", is_flag=True, help="Omit the header row (table, csv, tsv)."),
    click.option(
        "--csv-raw",
        is_flag=True,
        help="Do not neutralize csv/tsv cells that a spreadsheet would run as a formula.",
    ),
)


def _states(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> tuple[str, ...] | None:
    if value is None:
        return None
    from jobctl.job import STATES

    names = tuple(dict.fromkeys(p.strip().lower() for p in value.split(",") if p.strip()))
    unknown = [name for name in names if name not in STATES]
    if unknown or not names:
        raise click.BadParameter(
            f"unknown state {', '.join(map(repr, unknown)) or repr(value)}; choose from "
            f"{', '.join(STATES)}"
        )
    return names


def validate_time(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from jobctl.timeparse import parse_time

    try:
        parse_time(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    # Kept as text: an age resolves against the moment the listing (or, on resume, the
    # first listing) began, as the services' own time flags do.
    return value


def _sort(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        _columns(ctx, param, value.strip().removeprefix("-"))
    return value.strip() if value is not None else None


def _duration(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    if value is None:
        return None
    from jobctl.timeparse import parse_duration

    try:
        return parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _table_formats() -> tuple[str, ...]:
    from tabulate import tabulate_formats

    return tuple(tabulate_formats)


class _LazyChoice(click.Choice):
    """Choices (tabulate's formats) loaded only when a value is parsed or completed, so
    help and completion of every other option never import tabulate."""

    def __init__(self, load: Callable[[], tuple[str, ...]]):
        self._load = load
        super().__init__((), case_sensitive=False)

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        return self._load()

    @choices.setter
    def choices(self, value: Any) -> None:  # click's __init__ assigns it
        pass


class _TableFormatOption(click.Option):
    """--table-format's help lists tabulate's formats, read when help is shown."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        self.help = (
            "Render -o table through tabulate in this format, even on a terminal "
            "(github for a pull-request or job summary). One of: "
            + ", ".join(_table_formats())
            + "."
        )
        return super().get_help_record(ctx)


def _states_option(name: str, help_text: str) -> Callable[[F], F]:
    """An option taking normalized states, comma-separated (--state, --fail-on, --expect)."""
    return click.option(
        name,
        metavar="STATES",
        callback=_states,
        shell_complete=complete_list(_state_names),
        help=help_text,
    )


check_options = _stack(
    _states_option(
        "--state",
        "Only jobs in these states, comma-separated: queued, running, succeeded, "
        "failed, cancelled, unknown.",
    ),
    click.option(
        "--since",
        metavar="TIME",
        callback=validate_time,
        help="Only jobs created at or after TIME (ISO 8601, or an age: 90m, 6h, 7d).",
    ),
    click.option(
        "--until",
        metavar="TIME",
        callback=validate_time,
        help="Only jobs created at or before TIME (ISO 8601, or an age: 90m, 6h, 7d).",
    ),
    click.option(
        "--id",
        "ids",
        metavar="ID",
        multiple=True,
        help="Only the job with this ID; repeat for several. With --watch, an ID not "
        "listed yet is waited for.",
    ),
    click.option(
        "--sort",
        metavar="[-]FIELD",
        callback=_sort,
        shell_complete=complete_list(_column_names, prefixes="-"),
        cls=_FieldsOption,
        help="Sort the jobs by FIELD (-FIELD: descending; empty values last): {fields}, "
        "or raw.FIELD. age and duration sort by their seconds (--sort age: newest "
        "first). Sorting holds every job until the last arrives; no other option does.",
    ),
    click.option(
        "--summary",
        is_flag=True,
        help="Print counts by state (and by service and region when several appear) "
        "instead of the jobs, in the chosen output format.",
    ),
    click.option(
        "--table-format",
        metavar="FMT",
        cls=_TableFormatOption,
        type=_LazyChoice(_table_formats),
        help="Render -o table through tabulate in this format (github for a job summary).",
    ),
    _states_option(
        "--fail-on", "Exit 6 if any listed job is in one of these states (comma-separated)."
    ),
    _states_option(
        "--expect",
        "Exit 6 unless at least one job is listed and every listed job is in one of "
        "these states (comma-separated).",
    ),
    click.option(
        "--watch",
        is_flag=True,
        help="List again every --interval until every job is succeeded, failed or "
        "cancelled, then apply --fail-on and --expect.",
    ),
    click.option(
        "--interval",
        metavar="DURATION",
        callback=_duration,
        help="With --watch: the wait between listings (5s, 1m, or seconds)  [default: 10s]",
    ),
    click.option(
        "--timeout",
        metavar="DURATION",
        callback=_duration,
        help="With --watch: give up after DURATION and exit 7 (default: wait as long as it takes).",
    ),
)

listing_options = _stack(aws_options, paging_options, output_options, check_options)
