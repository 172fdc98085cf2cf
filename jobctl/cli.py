"""The root command: loads each subcommand lazily, and nothing else."""

from __future__ import annotations

import importlib
from typing import Any

import click

from jobctl import __version__
from jobctl.services import SERVICE_MODULES

# Commands that are not services: name → "module:attribute".
_OTHER_COMMANDS: dict[str, str] = {
    "all": "jobctl.all_services:all_command",
    "sandbox": "jobctl.sandbox.command:sandbox",
}


class LazyGroup(click.Group):
    """Imports a subcommand's module only when that command is used or listed, so
    `jobctl --help` and completion never import boto3 or rich."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*SERVICE_MODULES, *_OTHER_COMMANDS]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in SERVICE_MODULES:
            from jobctl.services import get_spec
            from jobctl.spec import build_command

            return build_command(get_spec(name))
        if name in _OTHER_COMMANDS:
            module, _, attr = _OTHER_COMMANDS[name].partition(":")
            return getattr(importlib.import_module(module), attr)  # type: ignore[no-any-return]
        return None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list with each command's whole summary (click cuts a summary it
        derives from the help to the width left, ending in "...")."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as error:
            # click suggests near options but not near commands: `jobctl bat` → batch.
            import difflib

            near = difflib.get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if not near:
                raise
            raise click.UsageError(
                f"{error.message} Did you mean {' or '.join(map(repr, near))}?", ctx
            ) from None


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="jobctl")
def cli(**_: Any) -> None:
    """List jobs from Amplify, AmplifyBackend, IoT, Batch and Snowball in one shape.

    Every listing command takes the same output, paging and AWS options; see
    `jobctl COMMAND --help`. Try it without an AWS account:

        jobctl batch --sandbox --job-queue ml-training-high --status all
    """
