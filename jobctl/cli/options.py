"""Shared option decorators, stacked once and reused by every listing command."""

from __future__ import annotations

import re
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
            if name.lower().startswith(word) and name.lower() not in given
        ]

    return complete


def usage_error(ctx: click.Context | None, what: str, fix: str) -> Exception:
    """A usage error in jobctl's one-line shape, `jobctl: <command>: <what> (<fix>)`,
    raised from option parsing (the funnel in cli/__init__.py prints it, exit 2)."""
    from jobctl.errors import UsageError

    command = ctx.info_name if ctx is not None and ctx.info_name else "jobctl"
    return UsageError(f"{command}: {what} ({fix})")


def split_values(text: str) -> list[str]:
    """One occurrence of a list flag: its comma-separated values, stripped. `\\,` is a
    comma inside a value (an Amplify branch may hold one)."""
    parts = re.split(r"(?<!\\),", text)
    return [part.replace("\\,", ",").strip() for part in parts]


class ListOption(click.Option):
    """The one rule for a flag that takes several values: repeat it (`--status A --status
    B`), separate values with commas (`--status A,B`), or both. Each value is stripped and
    converted by the option's type (a value of its choices, in any case), a value given
    twice is kept once, in the order first given, and an empty value is a usage error.
    The command receives a tuple, empty when the flag was not given; the option's callback,
    if any, then sees the whole list (to check the values together).

    Every multi-valued flag is one of these: the services' flags that declare
    `multiple` (cli/command.py) and the shared options below."""

    def __init__(
        self, *args: Any, fold_case: bool = False, once: str | None = None, **kwargs: Any
    ) -> None:
        # fold_case: values that differ only in case are one value (the service matches
        # them in any case), kept as first typed. once: a value given twice is a usage
        # error saying what to name once (a column twice is a slip, not a wish).
        self.fold_case = fold_case
        self.once = once
        kwargs["multiple"] = True
        item_type = click.types.convert_type(kwargs.pop("type", None))
        if isinstance(item_type, click.Choice) and "shell_complete" not in kwargs:
            # The choices for the last comma-separated value (`--status running,su<TAB>`).
            kwargs["shell_complete"] = complete_list(lambda: tuple(map(str, item_type.choices)))
        self.item_type = item_type
        super().__init__(*args, **kwargs)

    def type_cast_value(self, ctx: click.Context, value: Any) -> tuple[Any, ...]:
        if value is None:
            return ()
        occurrences = value if isinstance(value, list | tuple) else (value,)
        parts: list[str] = []
        for occurrence in occurrences:
            text = str(occurrence)
            split = split_values(text)
            if "" in split:
                raise usage_error(
                    ctx,
                    f"{self.opts[0]}: an empty value in {text!r}",
                    "separate values with one comma",
                )
            parts += split
        found = [self.item_type.convert(part, self, ctx) for part in parts]
        repeated = list(dict.fromkeys(v for v in found if found.count(v) > 1))
        if self.once and repeated:
            raise usage_error(
                ctx,
                f"{self.opts[0]}: {', '.join(map(str, repeated))} named twice",
                f"name each {self.once} once",
            )
        if self.fold_case:
            firsts = {str(v).casefold(): v for v in reversed(found)}
            return tuple(dict.fromkeys(firsts[str(v).casefold()] for v in found))
        return tuple(dict.fromkeys(found))

    def make_metavar(self, ctx: click.Context) -> str:
        if self.metavar is None and isinstance(self.item_type, click.Choice):
            # click's [A|B|C] for one value of the choices, then "and more".
            return f"[{'|'.join(map(str, self.item_type.choices))}][,...]"
        return super().make_metavar(ctx)


def list_option(*names: str, **kwargs: Any) -> Callable[[F], F]:
    """A shared option that follows the one rule for lists (ListOption)."""
    return click.option(*names, cls=kwargs.pop("cls", ListOption), **kwargs)


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


class _FieldsListOption(ListOption, _FieldsOption):
    """A list option whose help lists the field names (--columns, --sort)."""


def _columns(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> tuple[str, ...] | None:
    if not value:
        return None
    known = _column_names()
    broken = [n for n in value if n.startswith("raw.") and "" in n[4:].split(".")]
    if broken:
        raise click.BadParameter(
            f"{', '.join(broken)}: name a field of the service's item after raw. "
            "(raw.FIELD, raw.FIELD.SUBFIELD or raw.LIST.0.FIELD)"
        )
    unknown = [n for n in value if n not in known and not n.startswith("raw.")]
    if unknown:
        raise click.BadParameter(
            f"unknown column {', '.join(map(repr, unknown))}; choose from {', '.join(known)}, "
            "or raw.FIELD"
        )
    return value


_ACCOUNT_ID = re.compile(r"^\d{12}$")
_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
_EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}$")


def _accounts(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> tuple[str, ...]:
    if "all" in value and len(value) > 1:
        raise usage_error(
            ctx, "--accounts all cannot be combined with account IDs", "give one or the other"
        )
    wrong = [v for v in value if v != "all" and not _ACCOUNT_ID.match(v)]
    if wrong:
        raise usage_error(
            ctx,
            f"--accounts: {', '.join(wrong)} is not an AWS account ID",
            "12 digits, like 123456789012, or all",
        )
    return value


def _matching(
    pattern: re.Pattern[str], what: Callable[[str], str], fix: str
) -> Callable[[click.Context, click.Parameter, str | None], str | None]:
    """A callback refusing a value that does not match `pattern`: one line saying what
    the value is not (`what(value)`) and what to give instead."""

    def check(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value is not None and not pattern.match(value):
            raise usage_error(ctx, what(value), fix)
        return value

    return check


_role_name = _matching(
    _ROLE_NAME,
    lambda value: f"--role-name: {value!r} is not an IAM role name",
    "up to 64 letters, digits and +=,.@_-",
)
_role_arn_template = _matching(
    re.compile(r"^arn:.*:role/.*\{account\}|^arn:.*\{account\}.*:role/"),
    lambda value: f"--role-arn-template: {value!r} is not a role ARN with {{account}} in it",
    "like 'arn:aws:iam::{account}:role/JobLister'",
)
_external_id = _matching(
    _EXTERNAL_ID,
    lambda value: "--external-id: not an STS external ID",
    "2 to 1224 letters, digits and +=,.@:/_-",
)


aws_options = _stack(
    list_option(
        "--profile",
        metavar="NAME[,NAME]",
        help="AWS profile(s) to use, comma-separated or repeated (default: AWS_PROFILE, "
        "then the default profile).",
    ),
    list_option(
        "--region",
        metavar="REGION[,REGION]",
        help="AWS region(s), comma-separated or repeated, or 'all' for every region of "
        "the service that the account has enabled (default: AWS_REGION, "
        "AWS_DEFAULT_REGION, then the profile's; a job queue ARN's own region).",
    ),
    list_option(
        "--accounts",
        metavar="all|ID[,ID]",
        callback=_accounts,
        help="List these accounts of your AWS Organization: 'all' (its ACTIVE accounts, "
        "from Organizations ListAccounts) or 12-digit IDs. Your own account is listed with "
        "your credentials, the others through --role-name.",
    ),
    click.option(
        "--role-name",
        metavar="NAME",
        callback=_role_name,
        help="The role assumed in each account of --accounts "
        "(default: OrganizationAccountAccessRole).",
    ),
    click.option(
        "--role-arn-template",
        metavar="ARN",
        callback=_role_arn_template,
        help="The role to assume as an ARN with {account} in it, for other layouts than "
        "--role-name's (arn:aws:iam::{account}:role/JobLister).",
    ),
    click.option(
        "--external-id",
        metavar="ID",
        callback=_external_id,
        help="The external ID the roles of --accounts require.",
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
        help="Requests in flight at once when a listing spans several accounts, regions, "
        "profiles, parents or statuses.",
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
    list_option(
        "--columns",
        metavar="A,B,C",
        cls=_FieldsListOption,
        once="column",
        callback=_columns,
        shell_complete=complete_list(_column_names),
        help="Fields to show, in order, in every format (json and jsonl: only these "
        "keys): {fields}, or raw.FIELD for a field of the service's own item "
        "(raw.LIST.0.FIELD for an item of a list). profile appears with several "
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
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> tuple[str, ...] | None:
    if not value:
        return None
    from jobctl.job import STATES

    names = tuple(dict.fromkeys(name.lower() for name in value))
    unknown = [name for name in names if name not in STATES]
    if unknown:
        raise click.BadParameter(
            f"unknown state {', '.join(map(repr, unknown))}; choose from {', '.join(STATES)}"
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


def _sort(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> tuple[str, ...] | None:
    """Sort keys, each `FIELD` or `-FIELD` (descending): the first decides, the next
    break its ties."""
    if not value:
        return None
    known = _column_names()
    bad = [
        name
        for key in value
        if not (
            (name := key.removeprefix("-")) in known
            or (name.startswith("raw.") and "" not in name[4:].split("."))
        )
    ]
    if bad:
        raise usage_error(
            ctx,
            f"--sort: unknown key {', '.join(map(repr, bad))}",
            f"choose from {', '.join(known)}, raw.FIELD; -KEY sorts descending",
        )
    return value


def _summary_dims() -> Sequence[str]:
    from jobctl.output.summary import DIMENSIONS

    return DIMENSIONS


def _summary_by(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> tuple[str, ...] | None:
    if not value:
        return None
    known = _summary_dims()
    names = tuple(dict.fromkeys(name.lower() for name in value))
    unknown = [name for name in names if name not in known]
    if unknown:
        raise usage_error(
            ctx,
            f"--summary-by: unknown dimension {', '.join(map(repr, unknown))}",
            f"choose from {', '.join(known)}",
        )
    return names


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
    """An option taking normalized states, comma-separated or repeated (--state,
    --fail-on, --expect)."""
    return list_option(
        name,
        metavar="STATES",
        callback=_states,
        shell_complete=complete_list(_state_names),
        help=help_text,
    )


check_options = _stack(
    _states_option(
        "--state",
        "Only jobs in these states, comma-separated or repeated: queued, running, "
        "succeeded, failed, cancelled, unknown.",
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
    list_option(
        "--id",
        "ids",
        metavar="ID[,ID]",
        help="Only the jobs with these IDs, comma-separated or repeated. With --watch, "
        "an ID not listed yet is waited for.",
    ),
    list_option(
        "--sort",
        metavar="[-]KEY[,KEY]",
        callback=_sort,
        shell_complete=complete_list(_column_names, prefixes="-"),
        cls=_FieldsListOption,
        help="Sort the jobs by these keys, comma-separated or repeated: the first "
        "decides, the next break its ties; -KEY sorts descending; empty values last. "
        "Keys: {fields}, or raw.FIELD. age and duration sort by their seconds (--sort "
        "age: newest first). Sorting holds every job until the last arrives; no other "
        "option does.",
    ),
    click.option(
        "--summary",
        is_flag=True,
        help="Print counts by state instead of the jobs, in the chosen output format: "
        "a row for each service and region, and for each profile and parent when the "
        "listing spans several (see --summary-by).",
    ),
    list_option(
        "--summary-by",
        metavar="DIM[,DIM]",
        callback=_summary_by,
        shell_complete=complete_list(_summary_dims),
        help="With --summary (implied): count by exactly these dimensions, comma-"
        "separated or repeated: service, region, profile, account (from the job's "
        "ARN), parent.",
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
