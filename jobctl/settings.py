"""The shared options of one listing command, as parsed: the typed seam between the
command layer (click) and everything below it."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class Settings:
    """The shared options of one listing command, as parsed."""

    # Several-valued options are tuples, in the order given, each value once (the one
    # rule for lists: cli/options.py ListOption); empty when not given.
    profile: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    # An Organization's accounts: `all`, or 12-digit IDs; the role assumed in each.
    accounts: tuple[str, ...] = ()
    role_name: str | None = None
    role_arn_template: str | None = None
    external_id: str | None = None
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
    # filters, checks, summaries and --watch (jobctl/checks.py, jobctl/watch.py)
    state: tuple[str, ...] | None = None
    since: str | None = None
    until: str | None = None
    ids: tuple[str, ...] = ()
    sort: tuple[str, ...] | None = None  # keys, each FIELD or -FIELD
    summary: bool = False
    summary_by: tuple[str, ...] | None = None  # None: by what varies in the listing
    table_format: str | None = None
    fail_on: tuple[str, ...] | None = None
    expect: tuple[str, ...] | None = None
    watch: bool = False
    interval: float | None = None
    timeout: float | None = None

    @classmethod
    def pop_from(cls, kwargs: dict[str, Any]) -> Settings:
        """Take the shared options out of a command's keyword arguments."""
        names = {f.name for f in fields(cls)}
        given = {name: kwargs.pop(name) for name in list(kwargs) if name in names}
        if given.get("summary_by"):
            given["summary"] = True  # --summary-by implies --summary
        return cls(**given)
