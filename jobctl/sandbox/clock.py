"""The sandbox's clock: when its demo data ends, and what time it is for its moving jobs.

A **live** clock (the default) reads the time: the demo data ends at the moment the
sandbox starts (jobs from minutes to weeks before it) and a few jobs move through their
states while it runs. A **fixed** clock is a moment: the data ends there, exactly the same
on every run, and nothing moves — for golden tests. ``JOBCTL_SANDBOX_CLOCK`` (an ISO 8601
time) fixes the clock of a sandbox that is given none, so ``--sandbox`` listings can be
made golden too.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from jobctl.errors import UsageError

CLOCK_VARIABLE = "JOBCTL_SANDBOX_CLOCK"
SCALE_VARIABLE = "JOBCTL_SANDBOX_MOVE_SCALE"
# The moment the demo data of the golden tests (README's examples among them) ends at.
DEMO_ANCHOR = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
LIVE = "live"


class ClockError(UsageError, ValueError):
    """A clock that is neither an ISO 8601 time nor "live"."""


@dataclass(frozen=True)
class Clock:
    start: datetime  # when the sandbox started: where its demo data ends
    source: Callable[[], datetime] | None = None  # None: a fixed clock

    @property
    def fixed(self) -> bool:
        return self.source is None

    def now(self) -> datetime:
        return self.start if self.source is None else _aware(self.source())

    def describe(self) -> str:
        moment = self.start.isoformat().replace("+00:00", "Z")
        return f"fixed at {moment}" if self.fixed else f"live, started {moment}"


# What a sandbox may be given as its clock (see resolve).
ClockSpec = datetime | str | Callable[[], datetime] | Clock | None


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def live(source: Callable[[], datetime] | None = None) -> Clock:
    """A clock that reads ``source`` (the time of day by default), started now (to the
    second, so the demo data's times are whole seconds before it)."""
    source = source or utc_now
    return Clock(_aware(source()).replace(microsecond=0), source)


def fixed(moment: datetime) -> Clock:
    return Clock(_aware(moment))


def resolve(spec: ClockSpec = None) -> Clock:
    """The clock a sandbox runs on: a datetime or ISO 8601 text (fixed), "live", a
    callable returning the time (live, on that time), or None: ``JOBCTL_SANDBOX_CLOCK``
    when it is set, else live."""
    if isinstance(spec, Clock):
        return spec
    if spec is None:
        text = os.environ.get(CLOCK_VARIABLE, "").strip()
        return parse(text, CLOCK_VARIABLE) if text else live()
    if isinstance(spec, datetime):
        return fixed(spec)
    if isinstance(spec, str):
        return parse(spec, "clock")
    if callable(spec):
        return live(spec)
    raise ClockError(f"clock: expected a time, {LIVE!r} or a callable, not {spec!r}")


def parse(text: str, source: str) -> Clock:
    """``text`` as a clock: "live", or an ISO 8601 time (UTC unless it says otherwise)."""
    if text.strip().lower() == LIVE:
        return live()
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ClockError(
            f"{source}: {text!r} is not an ISO 8601 time (like 2026-11-20T12:00:00Z) or {LIVE!r}"
        ) from None
    return fixed(moment)


def move_scale(value: float | None) -> float:
    """How fast moving jobs move: ``value``, else ``JOBCTL_SANDBOX_MOVE_SCALE``, else 1.
    Their schedule (one to two minutes a job) is multiplied by it."""
    source = "move_scale"
    if value is None:
        text = os.environ.get(SCALE_VARIABLE, "").strip()
        if not text:
            return 1.0
        source = SCALE_VARIABLE
        try:
            value = float(text)
        except ValueError:
            raise ClockError(
                f"{source}: expected a number above 0 (like 0.05), not {text!r}"
            ) from None
    if not (isinstance(value, (int, float)) and 0 < value <= 1000):
        raise ClockError(f"{source}: expected a number above 0 (like 0.05), not {value!r}")
    return float(value)


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
