"""Fixtures: a live sandbox on a free port (the root conftest fakes the AWS environment)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from boto_helpers import make_client

from jobctl.sandbox import Faults, Sandbox
from jobctl.sandbox.clock import DEMO_ANCHOR


@pytest.fixture(scope="session")
def shared() -> Iterator[Sandbox]:
    """One sandbox with the default demo data, for tests that only read."""
    with Sandbox(clock=DEMO_ANCHOR) as sb:
        yield sb


@pytest.fixture
def sb(shared: Sandbox) -> Iterator[Sandbox]:
    """The shared sandbox, with faults off and an empty request log for each test."""
    shared.faults = Faults()
    shared.clear_requests()
    yield shared
    shared.faults = Faults()


@pytest.fixture
def fresh() -> Iterator[Sandbox]:
    """A sandbox of its own, for tests that change data."""
    with Sandbox(jobs_per_service=40, clock=DEMO_ANCHOR) as sandbox:
        yield sandbox


@pytest.fixture
def client(sb: Sandbox) -> Callable[..., Any]:
    """``client("iot", region=..., protocol=..., **botocore_config)`` for the shared sandbox."""
    return lambda service, **kw: make_client(sb, service, **kw)


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore's retry backoff without the sleeping, so retry tests stay fast."""
    from botocore.retries import standard

    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, ctx: 0)
