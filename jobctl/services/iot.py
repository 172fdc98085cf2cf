"""AWS IoT jobs: `ListJobs`, optionally narrowed by status, target and thing group."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jobctl.job import Job, TimeKind, state_of, with_iso_times
from jobctl.services.spec import Flag, Narrowing, Pushed, ServiceSpec, Values

STATES = {
    "SCHEDULED": "queued",
    "IN_PROGRESS": "running",
    "DELETION_IN_PROGRESS": "running",
    "COMPLETED": "succeeded",
    "CANCELED": "cancelled",
}
TIMESTAMPS: dict[str, TimeKind] = {
    "createdAt": "datetime",
    "lastUpdatedAt": "datetime",
    "completedAt": "datetime",
}


def to_job(item: Mapping[str, Any], region: str) -> Job:
    raw, times = with_iso_times(item, TIMESTAMPS)
    status = item.get("status")
    job_id = item.get("jobId")
    return {
        "service": "iot",
        "region": region,
        "id": job_id,
        # IoT jobs have no separate display name; the job ID is chosen by people.
        "name": job_id,
        "status": status,
        "state": state_of(status, STATES),
        "created_at": times["createdAt"],
        "started_at": None,
        "ended_at": times["completedAt"],
        "updated_at": times["lastUpdatedAt"],
        "arn": item.get("jobArn"),
        "raw": raw,
    }


def push_down(values: Values, narrowing: Narrowing) -> Pushed:
    """One --state that exactly one IoT status holds (queued, succeeded, cancelled)
    becomes --status, unless --status was given. Not under --watch, where a watched job
    leaves its first state."""
    pushed = dict(values)
    if len(narrowing.states) == 1 and not narrowing.watch and not values.get("status"):
        matches = [status for status, state in STATES.items() if state == narrowing.states[0]]
        if len(matches) == 1:
            pushed["status"] = (matches[0],)
    notes: tuple[str, ...] = ()
    if values.get("thing_group_name") or values.get("thing_group_id"):
        # AWS's own filter, which AWS documents as leaving SCHEDULED jobs out: say so,
        # rather than let the listing narrow silently.
        notes = (
            "jobctl: iot: note: AWS leaves SCHEDULED jobs out of a thing-group listing "
            "(list without --thing-group-name/--thing-group-id to see them)",
        )
    return Pushed(pushed, notes)


SPEC = ServiceSpec(
    service="iot",
    name="iot",
    client="iot",
    operation="ListJobs",
    paginator="list_jobs",
    result_key="jobs",
    limit_member="maxResults",
    summary="List AWS IoT jobs.",
    description="Without flags, every job of the account and region.",
    flags=(
        Flag(
            "--status",
            "status",
            "Only jobs with this status.",
            enum_member="status",
            multiple=True,
        ),
        Flag(
            "--target-selection",
            "targetSelection",
            "Only continuous or snapshot jobs.",
            enum_member="targetSelection",
        ),
        Flag(
            "--thing-group-name",
            "thingGroupName",
            "Only jobs targeting this thing group.",
            metavar="NAME",
            validate_member="thingGroupName",
        ),
        Flag(
            "--thing-group-id",
            "thingGroupId",
            "Only jobs targeting the thing group with this ID.",
            metavar="ID",
            validate_member="thingGroupId",
        ),
        Flag(
            "--namespace-id",
            "namespaceId",
            "Only jobs in this namespace (AWS IoT FleetWise and other managed namespaces).",
            metavar="NS",
            validate_member="namespaceId",
        ),
    ),
    examples=(
        ("Jobs in progress or scheduled", "--status IN_PROGRESS,SCHEDULED"),
        ("Cancelled jobs, newest first, every field", "--state cancelled --sort age -o wide"),
    ),
    to_job=to_job,
    states=STATES,
    created_is_start=True,
    push_down=push_down,
)
