"""`jobctl all`: every service, every discovered parent, every target, one stream."""

from __future__ import annotations

from typing import Any

import click

from jobctl.options import Settings, complete_list, listing_options
from jobctl.services import SERVICE_MODULES
from jobctl.spec import examples_epilog


def _services(ctx: click.Context, param: click.Parameter, value: str | None) -> list[str]:
    if value is None:
        return list(SERVICE_MODULES)
    names = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [name for name in names if name not in SERVICE_MODULES]
    if unknown or not names:
        raise click.BadParameter(
            f"unknown service {', '.join(map(repr, unknown)) or repr(value)}; choose from "
            f"{', '.join(SERVICE_MODULES)}"
        )
    return list(dict.fromkeys(names))


# What `all` asks of each service: everything it has. Batch lists every status, not the
# API's RUNNING-only default, so "what failed anywhere?" has an answer.
_DEFAULT_VALUES: dict[str, dict[str, Any]] = {"batch": {"status": ("all",)}}


@click.command(
    "all",
    short_help="List the jobs of every service, parent and region in one stream.",
    epilog=examples_epilog("all"),
)
@click.option(
    "--services",
    metavar="A,B",
    callback=_services,
    shell_complete=complete_list(lambda: tuple(SERVICE_MODULES)),
    help=f"Only these services (default: all of {', '.join(SERVICE_MODULES)}).",
)
@listing_options
def all_command(services: list[str], **kwargs: Any) -> None:
    """List the jobs of every service, parent and region in one stream.

    Amplify apps and branches, backend environments and Batch job queues are discovered;
    Batch lists every status. Combine with --region a,b or --region all and
    --profile a,b to cover several regions and accounts; a target that fails is named on
    stderr while the others are still listed (exit 3).
    """
    settings = Settings.pop_from(kwargs)
    from jobctl.fanout import Part
    from jobctl.run import run_parts
    from jobctl.services import get_spec

    parts = [Part(get_spec(name), dict(_DEFAULT_VALUES.get(name, {}))) for name in services]
    run_parts(parts, settings)
