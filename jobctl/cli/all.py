"""`jobctl all`: every service, every discovered parent, every target, one stream."""

from __future__ import annotations

from typing import Any

import click

from jobctl.cli.command import examples_epilog
from jobctl.cli.options import complete_list, list_option, listing_options
from jobctl.registry import commands
from jobctl.settings import Settings

# Runnable examples at the end of --help, against the sandbox's demo data
# (tests/test_help_examples.py runs them all).
EXAMPLES = (
    ("What is running anywhere, newest first", "--state running --sort age"),
    ("Counts by service and state", "--summary"),
    (
        "Failed or cancelled jobs of two services, every field",
        "--services iot,batch --state failed,cancelled -o wide",
    ),
)


def _services(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> list[str]:
    if not value:
        return list(commands())
    unknown = [name for name in value if name not in commands()]
    if unknown:
        raise click.BadParameter(
            f"unknown service {', '.join(map(repr, unknown))}; choose from {', '.join(commands())}"
        )
    return list(value)


@click.command(
    "all",
    short_help="List the jobs of every service, parent and region in one stream.",
    epilog=examples_epilog("all", EXAMPLES),
)
@list_option(
    "--services",
    metavar="A,B",
    callback=_services,
    shell_complete=complete_list(lambda: tuple(commands())),
    help=f"Only these services, comma-separated or repeated (default: all of "
    f"{', '.join(commands())}).",
)
@listing_options
def all_command(services: list[str], **kwargs: Any) -> None:
    """List the jobs of every service, parent and region in one stream.

    Amplify apps and branches, backend environments and Batch job queues are discovered;
    Batch lists every status. Combine with --region a,b or --region all, --profile a,b,
    and --accounts all (every account of your AWS Organization) to cover several regions
    and accounts; a target or account that fails is named on stderr while the others are
    still listed (exit 3).
    """
    from jobctl.cli.context import current_run
    from jobctl.listing.run import run_parts
    from jobctl.services import specs_of
    from jobctl.services.spec import Part

    settings = Settings.pop_from(kwargs)
    run = current_run()
    run.debug = settings.debug
    # What `all` asks of each API is everything it has (its spec's all_defaults).
    parts = [Part(spec, dict(spec.all_defaults)) for name in services for spec in specs_of(name)]
    click.get_current_context().exit(int(run_parts(parts, settings, run.io())))
