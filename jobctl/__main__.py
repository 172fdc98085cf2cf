"""Entry point: `jobctl` and `python -m jobctl`.

The command layer's root group (`jobctl.cli.RootGroup.main`) is the one way out; this
module only prepares the process for it: signals first, then stderr, then completion.
"""

from __future__ import annotations

import signal

# The first thing jobctl does: a signal from here on is recorded, never a traceback
# (jobctl.signals raises it where unwinding is safe).
_early: list[int] = []
signal.signal(signal.SIGINT, lambda signum, frame: _early.append(signum))
signal.signal(signal.SIGTERM, lambda signum, frame: _early.append(signum))

import os  # noqa: E402
import sys  # noqa: E402


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
    from jobctl import signals
    from jobctl.errors import ExitStatus

    signals.install()
    for signum in _early:
        signals.record(ExitStatus.SIGTERM if signum == signal.SIGTERM else ExitStatus.SIGINT)
    if sys.stderr is None:
        # Started with stderr closed (`2>&-`): messages are lost, but must never fall back
        # to stdout (print(file=None) writes there) nor fail and change the exit status.
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 -- lives as long as the process
    if os.environ.get("_JOBCTL_COMPLETE", "").startswith("fish"):
        _fish_keeps_commas()
    from jobctl.cli import cli

    cli.main(args=argv, prog_name="jobctl")


if __name__ == "__main__":
    main()
