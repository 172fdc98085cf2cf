"""Entry point: `jobctl` and `python -m jobctl`.

The command layer's root group (`jobctl.cli.RootGroup.main`) is the one way out; this
module only prepares the process for it: signals first, then stderr, then completion.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any


def _on_signal(signum: int, frame: Any) -> None:
    from jobctl.errors import ExitStatus, Interrupted

    raise Interrupted(ExitStatus.SIGTERM if signum == signal.SIGTERM else ExitStatus.SIGINT)


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
    # SIGINT and SIGTERM both unwind the listing, so fetched jobs are flushed and the
    # resume hint printed; exit 130 / 143 as a shell would report them.
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    if sys.stderr is None:
        # Started with stderr closed (`2>&-`): messages are lost, but must never fall back
        # to stdout (print(file=None) writes there) nor fail and change the exit status.
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 -- lives as long as the process
    from jobctl.errors import Interrupted

    try:
        if os.environ.get("_JOBCTL_COMPLETE", "").startswith("fish"):
            _fish_keeps_commas()
        from jobctl.cli import cli
    except Interrupted as interrupt:  # a signal while loading the command
        sys.exit(int(interrupt.status))
    cli.main(args=argv, prog_name="jobctl")


if __name__ == "__main__":
    main()
