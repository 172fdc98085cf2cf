"""IoT in the sandbox: ListJobs of the account and region, with its filters.

Thing groups are defined here: a job may name one (``thingGroupName``) and a namespace
(``namespaceId``); the API filters on both but returns neither, so they are kept as the
job's meta.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from jobctl.sandbox import datafile, demo
from jobctl.sandbox.records import DataError
from jobctl.sandbox.service import (
    ACCOUNT_ID,
    Call,
    DemoContext,
    Errors,
    Example,
    JobPlace,
    Kind,
    MoveContext,
    Moving,
    Operation,
    SandboxService,
    Section,
    Selection,
    Store,
    StoredJob,
)

TERMINAL = ("COMPLETED", "CANCELED")
THING_GROUPS = ("thermostats-gen2", "gateways-prod", "cameras-lab", "fleet:canary")
JOB_NAMES = (
    "ota-firmware-v2-4-1",
    "rotate-device-certs",
    "reboot-gateways",
    "push-config",
    "upload-logs",
)


def _complete_group(
    group: dict[str, Any],
    region: str,
    container: dict[str, Any] | None,
    anchor: datetime,
    account: str,
) -> dict[str, Any]:
    """A thing group's ID defaults to one derived from its name (and its account, but for
    the management account's, which keep the IDs they had before accounts)."""
    name = group["thingGroupName"]
    seed = f"thinggroup/{name}" if account == ACCOUNT_ID else f"thinggroup/{account}/{name}"
    return {"thingGroupId": str(uuid.uuid5(uuid.NAMESPACE_URL, seed)), **group}


THING_GROUP = Kind("thing-group", "thingGroupName", None, _complete_group, keep_existing=True)


def _complete(job: dict[str, Any], place: JobPlace) -> dict[str, Any]:
    if "thingGroupName" in place.meta:
        group = {"thingGroupName": place.meta["thingGroupName"]}
        if job.get("thingGroupId"):
            group["thingGroupId"] = job["thingGroupId"]
        added = place.data.add_resource("thing-group", group, region=place.region)
        job.setdefault("thingGroupId", added["thingGroupId"])
    arn = f"arn:aws:iot:{place.region}:{place.account}:job/{job['jobId']}"
    return {"jobArn": arn, "lastUpdatedAt": job["createdAt"], **job}


def _list_jobs(call: Call) -> Selection:
    params = call.params
    groups = call.resources("thing-group")
    group_name = params.get("thingGroupName")
    if group_name is not None and group_name not in groups:
        raise call.not_found(f"Thing group {group_name} does not exist.")
    checks: dict[str, Callable[[StoredJob], bool]] = {
        "status": lambda j: j.item.get("status") == params["status"],
        "targetSelection": lambda j: j.item.get("targetSelection") == params["targetSelection"],
        "thingGroupName": lambda j: j.meta.get("thingGroupName") == group_name,
        "thingGroupId": lambda j: j.item.get("thingGroupId") == params["thingGroupId"],
        "namespaceId": lambda j: j.meta.get("namespaceId") == params["namespaceId"],
    }
    active = [check for name, check in checks.items() if params.get(name) is not None]
    jobs = [j for j in call.jobs() if all(c(j) for c in active)]
    scope = {name: params[name] for name in checks if params.get(name) is not None}
    return Selection(scope, call.newest_first(jobs))


def _demo(ctx: DemoContext) -> None:
    rng, count = ctx.rng, ctx.count
    for name in THING_GROUPS:
        group = {"thingGroupName": name, "thingGroupId": str(demo.uuid4(rng))}
        ctx.data.add_resource("thing-group", group, region=ctx.region)
    (plan,) = demo.statuses(rng, demo.in_flight(SANDBOX), TERMINAL, [count])
    for number, (status, created) in enumerate(
        zip(plan, ctx.timeline(count, (30, 900)), strict=True)
    ):
        job: dict[str, Any] = {
            "jobId": f"{rng.choice(JOB_NAMES)}-{created:%Y%m%d}-{count - number:04d}",
            "status": status,
            "targetSelection": rng.choice(("CONTINUOUS", "SNAPSHOT")),
            "createdAt": created,
            "lastUpdatedAt": created + timedelta(minutes=rng.randrange(1, 600)),
            "isConcurrent": status == "IN_PROGRESS" and rng.random() < 0.3,
        }
        if rng.random() < 0.8:  # the rest target individual things, not a group
            job["thingGroupName"] = rng.choice(THING_GROUPS)
        if rng.random() < 0.25:
            job["namespaceId"] = rng.choice(("greengrass", "ota-team"))
        if status in TERMINAL:
            job["completedAt"] = job["lastUpdatedAt"]
        ctx.data.add_job(SANDBOX.name, job, region=ctx.region)


def _moving(ctx: MoveContext) -> Moving:
    """A rollout to a thing group: scheduled, in progress, then completed (or canceled)."""
    rng = ctx.rng
    created = ctx.at(0)
    number = ctx.existing + ctx.number + 1
    job: dict[str, Any] = {
        "jobId": f"{rng.choice(JOB_NAMES)}-{created:%Y%m%d}-{number:04d}",
        "status": "SCHEDULED",
        "targetSelection": "SNAPSHOT",
        "createdAt": created,
        "lastUpdatedAt": created,
        "isConcurrent": False,
        "thingGroupName": rng.choice(THING_GROUPS),
    }
    started = rng.uniform(10, 25)
    done = started + rng.uniform(45, 90)
    final = "COMPLETED" if rng.random() < 0.8 else "CANCELED"
    steps = (
        (started, {"status": "IN_PROGRESS", "lastUpdatedAt": ctx.at(started)}),
        (done, {"status": final, "lastUpdatedAt": ctx.at(done), "completedAt": ctx.at(done)}),
    )
    return Moving(None, job, steps)


def _load(data: Store, region: str, section: dict[str, Any], path: str) -> None:
    datafile.only(section, {"thingGroups", "jobs"}, path)
    for i, group in enumerate(datafile.items(section, "thingGroups", path)):
        where = f"{path}.thingGroups[{i}]"
        datafile.only(group, {"thingGroupName", "thingGroupId"}, where)
        name = group.get("thingGroupName")
        if not isinstance(name, str) or not name:
            raise DataError(f"{where}: missing required field(s) thingGroupName")
        datafile.wrap(where, data.add_resource, "thing-group", group, region=region)
    datafile.add_jobs(data, SANDBOX.name, section.get("jobs", []), None, region, path)


def _thing_groups(data: Store, region: str) -> dict[str, list[Any]]:
    return {"iot-thing-groups": sorted(data.resources("thing-group", region=region))}


def _examples(parents: Mapping[str, list[Any]]) -> list[Example]:
    return [Example("jobctl iot --status IN_PROGRESS", "aws iot list-jobs --status IN_PROGRESS")]


SANDBOX = SandboxService(
    name="iot",
    botocore_name="iot",
    list_operation="ListJobs",
    id_member="jobId",
    status_member="status",
    created_member="createdAt",
    errors=Errors(
        validation="InvalidRequestException",
        token="InvalidRequestException",
        not_found=("ResourceNotFoundException", 404),
        throttle=("ThrottlingException", 429),
        server_error=("ServiceUnavailableException", 503),
    ),
    operations=(Operation("ListJobs", _list_jobs, default_page_size=50),),
    required=("jobId", "status", "createdAt"),
    kinds=(THING_GROUP,),
    meta_fields=("thingGroupName", "namespaceId"),
    complete=_complete,
    terminal=TERMINAL,
    demo=_demo,
    section=Section("iot", _load),
    moving=_moving,
    examples=_examples,
    extra_parents=_thing_groups,
)
