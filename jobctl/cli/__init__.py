"""The root command: loads each subcommand lazily, and is the one way out.

`RootGroup.main` runs a command and maps whatever escapes it — a usage error click found,
a JobctlError, a botocore exception, a signal, a closed pipe, a bug — to one line on
stderr and one exit status. Nothing below the command layer exits the process.
"""

from __future__ import annotations

import importlib
import re
import sys
from typing import Any, NoReturn

import click

from jobctl import __version__, registry, signals
from jobctl.cli.context import Run
from jobctl.errors import (
    ExitStatus,
    Interrupted,
    JobctlError,
    classify,
    one_line,
    redact_url,
    voice,
)
from jobctl.output.streams import Streams, silence_stdout
from jobctl.output.text import terminal_safe

# Commands that are not services: name → "module:attribute".
_OTHER_COMMANDS: dict[str, str] = {
    "all": "jobctl.cli.all:all_command",
    "sandbox": "jobctl.cli.sandbox:sandbox",
}


class RootGroup(click.Group):
    """Imports a subcommand's module only when that command is used or listed, so
    `jobctl --help` and completion never import boto3 or rich."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*registry.commands(), *_OTHER_COMMANDS]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in registry.commands():
            from jobctl.cli.command import build_command
            from jobctl.services import specs_of

            return build_command(name, specs_of(name))
        if name in _OTHER_COMMANDS:
            module, _, attr = _OTHER_COMMANDS[name].partition(":")
            found = getattr(importlib.import_module(module), attr)
            assert isinstance(found, click.Command)
            return found
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

    def main(  # type: ignore[override]
        self,
        args: list[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> NoReturn:
        """Run the command line; exit with its status, whatever happened."""
        run = Run()
        status = _funnel(
            run,
            lambda: super(RootGroup, self).main(
                args, prog_name, complete_var, standalone_mode=False, obj=run, **extra
            ),
        )
        # A signal that arrived during the last words still ends the run as interrupted.
        late = signals.pending()
        sys.exit(int(late if late is not None else status))


def _funnel(run: Run, body: Any) -> int:
    """Run `body`; map every way it can end to an exit status and at most one line."""
    try:
        result = body()
        return int(result or 0)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        return ExitStatus.OK
    except click.UsageError as exc:
        _escape_message(exc)
        _show_usage_error(exc)
        return ExitStatus.USAGE
    except click.ClickException as exc:
        _escape_message(exc)
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        return ExitStatus.SIGINT
    except Interrupted as interrupt:
        return interrupt.status
    except KeyboardInterrupt:
        return ExitStatus.SIGINT
    except BrokenPipeError:
        silence_stdout()
        return ExitStatus.SIGPIPE
    except JobctlError as error:
        _stderr(run).report(error, run.debug, error)
        return error.status
    except Exception as exc:  # never a traceback without --debug
        failure = classify(exc, service=None)
        _stderr(run).report(failure, run.debug, exc)
        return failure.status


def _stderr(run: Run) -> Streams:
    return run.streams or Streams(sys.stdout, sys.stderr)


def _escape_message(exc: Any) -> None:
    """click quotes some arguments raw ("Got unexpected extra argument (...)") and strips
    only CSI sequences: make the message terminal-safe, keeping its line breaks."""
    exc.message = "\n".join(terminal_safe(line) for line in str(exc.message).split("\n"))


_SUGGESTION = re.compile(r"[.\s]*\(?\s*Did you mean (?:one of:\s*)?(?P<names>.*?)\?\)?\s*$")
_QUOTED_CHOICES = re.compile(r"(is not (?:one of )?)((?:'[^']*'(?:, )?)+)")


def _alternatives(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def usage_line(exc: click.UsageError) -> str:
    """A usage error click found, in jobctl's one voice: `jobctl: <command>: <what
    happened> (<what to do>)`, choices unquoted, a suggestion and the help to read
    as what to do."""
    message = redact_url(one_line(exc.format_message(), 2000))
    to_do = []
    found = _SUGGESTION.search(message)
    if found:
        names = re.findall(r"'([^']+)'", found.group("names")) or [found.group("names")]
        message = message[: found.start()]
        to_do.append(f"did you mean {_alternatives(names)}?")
    # click's "Got unexpected extra arguments (a b)": the names after a colon, so that
    # the only parenthesis is what to do.
    message = re.sub(
        r"^Got (unexpected extra arguments?) \((.*)\)$", r"\1: \2", message, flags=re.DOTALL
    )
    message = _QUOTED_CHOICES.sub(
        lambda m: m.group(1) + ", ".join(re.findall(r"'([^']*)'", m.group(2))), message
    )
    ctx = exc.ctx
    if ctx is not None:
        to_do.append(f"see '{ctx.command_path} --help'")
    subject = f"{ctx.info_name}: " if ctx is not None and ctx.parent is not None else ""
    hint = " ".join(to_do) if found else "; ".join(to_do)  # "did you mean x? see ..."
    return f"jobctl: {subject}{voice(message, hint or None)}"


def _show_usage_error(exc: click.UsageError) -> None:
    """One line, where click prints three ("Usage:", "Try", "Error:")."""
    print(usage_line(exc), file=sys.stderr)


@click.group(
    cls=RootGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="jobctl")
def cli(**_: Any) -> None:
    """List jobs from Amplify, AmplifyBackend, IoT, Batch and Snowball in one shape.

    Every listing command takes the same output, paging and AWS options; see
    `jobctl COMMAND --help`. Try it without an AWS account:

        jobctl batch --sandbox --job-queue ml-training-high --status all
    """
