"""What one invocation shares between the root group and the command it runs."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import click

from jobctl.errors import JobctlError
from jobctl.output.streams import Streams


@dataclass
class Run:
    """One invocation's context, shared by every command through click's `obj`: the
    streams it writes to, and whether --debug asked for tracebacks."""

    streams: Streams | None = None
    debug: bool = False

    def io(self) -> Streams:
        """The invocation's streams, made on first use (after click parsed the options,
        so a usage error never touches stdout)."""
        if self.streams is None:
            if sys.stdout is None:  # started with stdout closed (`>&-`): before any request
                raise JobctlError("cannot write output: stdout is closed")
            self.streams = Streams.from_process()
        return self.streams


def current_run() -> Run:
    ctx = click.get_current_context()
    found = ctx.find_object(Run)
    return found if found is not None else ctx.ensure_object(Run)
