"""Deterministic demo data: each API's module generates its own; this runs them and holds
the helpers they share.

Each (account, region, API) draws from its own seeded generator, so accounts and regions
differ but a run never does (the management account's seeds name no account, so its data
is what it was before accounts): the data is the same relative to the moment it ends (the
sandbox's clock when it started). Status values come from the botocore models, and the
busiest parent of every API holds each of them at least once, newest jobs in flight and
older ones finished, as in a real account.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from jobctl.sandbox import models, records
from jobctl.sandbox.service import ACCOUNT_ID, DemoContext, SandboxService

if TYPE_CHECKING:
    from jobctl.sandbox.store import Store

DEMO_REGIONS = ("us-east-1", "us-west-2", "eu-west-1")


def populate(data: Store, region: str, jobs_per_service: int) -> None:
    """Fills one region with ``jobs_per_service`` jobs for each API of the catalog."""
    account = "" if data.account_id == ACCOUNT_ID else f"{data.account_id}/"
    for service in data.catalog:
        if service.demo is not None:
            rng = random.Random(f"jobctl-sandbox/{account}{region}/{service.name}")
            service.demo(DemoContext(data, region, jobs_per_service, rng, data.anchor))


def model_statuses(service: SandboxService) -> tuple[str, ...]:
    """The statuses of a service's job, from its model's enum."""
    shape = records.job_shape(service).members[service.status_member]  # type: ignore[attr-defined]
    return models.enum_values(shape)


def in_flight(service: SandboxService) -> list[str]:
    return [s for s in model_statuses(service) if s not in service.terminal]


def statuses(
    rng: random.Random, in_flight: Sequence[str], terminal: Sequence[str], sizes: list[int]
) -> list[list[str]]:
    """Status plans per parent, newest job first. The first parent gets every status."""
    in_flight, terminal = list(in_flight), list(terminal)
    plans = []
    for index, size in enumerate(sizes):
        plan = []
        for position in range(size):
            recent = position < max(2, size // 10)
            if rng.random() < (0.6 if recent else 0.02):
                plan.append(rng.choice(in_flight))
            else:  # mostly successes, as in a healthy account
                plan.append(rng.choices(terminal, [6] + [1] * (len(terminal) - 1))[0])
        if index == 0:
            forced = rng.sample(in_flight, len(in_flight)) + rng.sample(terminal, len(terminal))
            plan[: len(forced)] = forced[:size]
        plans.append(plan)
    return plans


def split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` jobs over ``parts`` parents, the first one the busiest (about half)."""
    weights = [parts] + [rng.uniform(0.5, 1.5) for _ in range(parts - 1)]
    sizes = [int(total * w / sum(weights)) for w in weights]
    sizes[0] += total - sum(sizes)
    return sizes


def millis(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def uuid4(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def enum_of(service: SandboxService, member: str) -> tuple[str, ...]:
    """The enum values of one member of a service's job, from its model."""
    shape = records.job_shape(service).members[member]  # type: ignore[attr-defined]
    return models.enum_values(shape)
