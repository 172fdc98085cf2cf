"""Shared option decorators, stacked once and reused by every listing command."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
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


def _columns(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> tuple[str, ...] | None:
    if value is None:
        return None
    from jobctl.job import FIELDS

    names = tuple(part.strip() for part in value.split(",") if part.strip())
    if not names:
        raise click.BadParameter("name at least one column")
    unknown = [n for n in names if n not in FIELDS and n != "account" and not n.startswith("raw.")]
    if unknown:
        raise click.BadParameter(
            f"unknown column {', '.join(map(repr, unknown))}; choose from {', '.join(FIELDS)}, "
            "account, or raw.FIELD"
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
        help="Output format. json, jsonl, csv and tsv stream; table waits for the last "
        "job to size its columns.",
    ),
    click.option(
        "--columns",
        metavar="A,B,C",
        callback=_columns,
        help="Fields to show, in order, for table, csv and tsv (raw.FIELD for a field of "
        "the service's own item).",
    ),
    click.option("--no-headers", is_flag=True, help="Omit the header row (table, csv, tsv)."),
    click.option(
        "--csv-raw",
        is_flag=True,
        help="Do not neutralize csv/tsv cells that a spreadsheet would run as a formula.",
    ),
)

listing_options = _stack(aws_options, paging_options, output_options)


@dataclass(frozen=True)
class Settings:
    """The shared options of one listing command, as parsed."""

    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    sandbox: bool = False
    concurrency: int = 8
    debug: bool = False
    max_items: int | None = None
    page_size: int | None = None
    starting_token: str | None = None
    output: str = "table"
    columns: tuple[str, ...] | None = None
    no_headers: bool = False
    csv_raw: bool = False

    @classmethod
    def pop_from(cls, kwargs: dict[str, Any]) -> Settings:
        """Take the shared options out of a command's keyword arguments."""
        names = {f.name for f in fields(cls)}
        return cls(**{name: kwargs.pop(name) for name in list(kwargs) if name in names})
