"""Snowball in the sandbox: ListJobs of the account, over awsJson 1.1 and rpc-v2-cbor (its
model lists both protocols).

botocore's model says of ListJobs: "Calling this API action in one of the US regions will
return jobs from the list of all jobs associated with this account in all US regions." So
a request signed for any US region lists the jobs of every US region, as one listing (one
token scope: a token from us-east-1 goes on in us-west-2); other regions list their own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from jobctl.sandbox import datafile, demo
from jobctl.sandbox.service import (
    Call,
    DemoContext,
    Errors,
    Example,
    MoveContext,
    Moving,
    Operation,
    SandboxService,
    Section,
    Selection,
    Store,
)

TERMINAL = ("Complete", "Cancelled")
DESCRIPTIONS = (
    "Datacenter migration batch {n}",
    "Genomics archive import",
    "Important Photos 2026-08-11",
    "Edge compute for field site {n}",
    "Media library export",
)


US_REGION = re.compile(r"us-(east|west)-\d+")  # the commercial US regions, not GovCloud


def _view(region: str, known: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """A US region sees every US region's jobs; another region its own."""
    if not US_REGION.fullmatch(region):
        return region, (region,)
    regions = {name for name in known if US_REGION.fullmatch(name)} | {region}
    return "us", tuple(sorted(regions))


def _list_jobs(call: Call) -> Selection:
    return Selection([], call.newest_first(call.jobs()))


def _demo(ctx: DemoContext) -> None:
    rng, count = ctx.rng, ctx.count
    (plan,) = demo.statuses(rng, demo.in_flight(SANDBOX), TERMINAL, [count])
    snowball_types = demo.enum_of(SANDBOX, "SnowballType")
    for status, created in zip(plan, ctx.timeline(count, (600, 4000)), strict=True):
        job_type = rng.choices(("IMPORT", "EXPORT", "LOCAL_USE"), (6, 2, 2))[0]
        job: dict[str, Any] = {
            "JobId": f"JID{demo.uuid4(rng)}",
            "JobState": status,
            "IsMaster": job_type == "EXPORT" and rng.random() < 0.5,
            "JobType": job_type,
            "SnowballType": rng.choice(snowball_types),
            "CreationDate": created,
        }
        if rng.random() < 0.9:
            job["Description"] = rng.choice(DESCRIPTIONS).format(n=rng.randrange(1, 9))
        ctx.data.add_job(SANDBOX.name, job, region=ctx.region)


# A device's round trip, compressed into a minute or two.
ROUND_TRIP = (
    "PreparingAppliance",
    "PreparingShipment",
    "InTransitToCustomer",
    "WithCustomer",
    "InTransitToAWS",
    "WithAWS",
    "InProgress",
    "Complete",
)


def _moving(ctx: MoveContext) -> Moving:
    """An import job: ordered, shipped, filled, shipped back and imported (or cancelled
    before the device leaves)."""
    rng = ctx.rng
    job = {
        "JobId": f"JID{demo.uuid4(rng)}",
        "JobState": "New",
        "IsMaster": False,
        "JobType": "IMPORT",
        "SnowballType": rng.choice(demo.enum_of(SANDBOX, "SnowballType")),
        "CreationDate": ctx.at(0),
        "Description": rng.choice(DESCRIPTIONS).format(n=rng.randrange(1, 9)),
    }
    if rng.random() < 0.2:
        return Moving(None, job, ((rng.uniform(20, 40), {"JobState": "Cancelled"}),))
    moments = sorted(rng.uniform(5, 100) for _ in ROUND_TRIP[:-1])
    moments.append(moments[-1] + rng.uniform(10, 20))
    steps = tuple((at, {"JobState": state}) for at, state in zip(moments, ROUND_TRIP, strict=True))
    return Moving(None, job, steps)


def _load(data: Store, region: str, section: dict[str, Any], path: str) -> None:
    datafile.only(section, {"jobs"}, path)
    datafile.add_jobs(data, SANDBOX.name, section.get("jobs", []), None, region, path)


def _examples(parents: Mapping[str, list[Any]]) -> list[Example]:
    return [Example("jobctl snowball", "aws snowball list-jobs")]


SANDBOX = SandboxService(
    name="snowball",
    botocore_name="snowball",
    list_operation="ListJobs",
    id_member="JobId",
    status_member="JobState",
    created_member="CreationDate",
    errors=Errors(
        validation="ValidationException",
        token="InvalidNextTokenException",
        not_found=("ValidationException", 400),
        # awsJson services send ThrottlingException as a 400; botocore still retries it.
        throttle=("ThrottlingException", 400),
        server_error=("InternalFailure", 500),
    ),
    operations=(Operation("ListJobs", _list_jobs, default_page_size=50),),
    required=("JobId", "JobState"),
    terminal=TERMINAL,
    demo=_demo,
    section=Section("snowball", _load),
    moving=_moving,
    examples=_examples,
    view=_view,
)
