"""Entry point: `jobctl` and `python -m jobctl`."""

from __future__ import annotations

import os
import signal
import sys
from typing import Any


def _on_signal(signum: int, frame: Any) -> None:
    from jobctl.errors import ExitStatus, Interrupted

    raise Interrupted(ExitStatus.SIGTERM if signum == signal.SIGTERM else ExitStatus.SIGINT)


def _escape_message(exc: Any) -> None:
    """click quotes some arguments raw ("Got unexpected extra argument (...)") and strips
    only CSI sequences: make the message terminal-safe, keeping its line breaks."""
    from jobctl.output.text import terminal_safe

    exc.message = "\n".join(terminal_safe(line) for line in str(exc.message).split("\n"))


def _show_usage_error(exc: Any) -> None:
    """One line in jobctl's own form, where click prints three ("Usage:", "Try", "Error:"):
    `jobctl: Invalid value for '--status': … (see 'jobctl batch --help')`."""
    from jobctl.errors import one_line

    where = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
    print(f"jobctl: {one_line(exc.format_message(), 2000)}{where}", file=sys.stderr)


def _fish_keeps_commas() -> None:
    """click's fish script splits "plain,VALUE" at every comma, cutting a comma-separated
    value (`--state running,failed`) to its first item: split at the first comma only."""
    from click.shell_completion import FishComplete, add_completion_class

    class FishCompleteCommas(FishComplete):
        source_template = FishComplete.source_template.replace(
            '(string split "," $completion)', '(string split --max 1 "," $completion)'
        )

    add_completion_class(FishCompleteCommas, "fish")


def main(argv: list[str] | None = None) -> None:
    if sys.stderr is None:
        # Started with stderr closed (`2>&-`): messages are lost, but must never fall back
        # to stdout (print(file=None) writes there) nor fail and change the exit status.
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 -- lives as long as the process
    # SIGINT and SIGTERM both unwind the listing, so fetched jobs are flushed and the
    # resume hint printed; exit 130 / 143 as a shell would report them.
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)

    import click

    if os.environ.get("_JOBCTL_COMPLETE", "").startswith("fish"):
        _fish_keeps_commas()

    from jobctl.cli import cli
    from jobctl.errors import ExitStatus, Interrupted

    try:
        status = cli.main(args=argv, prog_name="jobctl", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        status = 0
    except click.UsageError as exc:
        _escape_message(exc)
        _show_usage_error(exc)
        status = ExitStatus.USAGE
    except click.ClickException as exc:
        _escape_message(exc)
        exc.show()
        status = exc.exit_code
    except click.exceptions.Exit as exc:
        status = exc.exit_code
    except click.Abort:
        status = ExitStatus.SIGINT
    except Interrupted as interrupt:
        status = interrupt.status
    except BrokenPipeError:
        from jobctl.run import silence_stdout

        silence_stdout()
        status = ExitStatus.SIGPIPE
    except Exception as exc:  # never a traceback without --debug
        if "--debug" in (argv if argv is not None else sys.argv):
            import traceback

            from jobctl.output.text import terminal_safe

            for line in traceback.format_exc().splitlines():
                print(terminal_safe(line), file=sys.stderr)
        from jobctl.errors import one_line

        print(
            f"jobctl: internal error: {type(exc).__name__}: {one_line(str(exc))}", file=sys.stderr
        )
        status = ExitStatus.INTERNAL
    sys.exit(int(status or 0))


if __name__ == "__main__":
    main()
