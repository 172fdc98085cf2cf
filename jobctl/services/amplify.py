"""Amplify Hosting deployments: `ListJobs` of one app's branch."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jobctl.job import Job, TimeKind, first_line, state_of, with_iso_times
from jobctl.services import discovery
from jobctl.services.spec import Flag, ServiceSpec

STATES = {
    "CREATED": "queued",
    "PENDING": "queued",
    "PROVISIONING": "queued",
    "RUNNING": "running",
    "CANCELLING": "running",
    "SUCCEED": "succeeded",
    "FAILED": "failed",
    "CANCELLED": "cancelled",
}
TIMESTAMPS: dict[str, TimeKind] = {
    "commitTime": "datetime",
    "startTime": "datetime",
    "endTime": "datetime",
}


def to_job(item: Mapping[str, Any], region: str) -> Job:
    raw, times = with_iso_times(item, TIMESTAMPS)
    status = item.get("status")
    return {
        "service": "amplify",
        "region": region,
        "id": item.get("jobId"),
        "name": first_line(item.get("commitMessage")),
        "status": status,
        "state": state_of(status, STATES),
        # An Amplify job is created when it starts; it has no separate update time.
        "created_at": times["startTime"],
        "started_at": times["startTime"],
        "ended_at": times["endTime"],
        "updated_at": None,
        "arn": item.get("jobArn"),
        "raw": raw,
    }


SPEC = ServiceSpec(
    service="amplify",
    name="amplify",
    client="amplify",
    operation="ListJobs",
    paginator="list_jobs",
    result_key="jobSummaries",
    limit_member="maxResults",
    summary="List the deployment jobs of an Amplify Hosting branch.",
    description="Newest first, as Amplify returns them. The job name is the first line "
    "of its commit message. Without --app-id or --branch, jobctl finds every app and "
    "branch (ListApps, ListBranches) and lists them all.",
    flags=(
        Flag(
            "--app-id",
            "appId",
            "The Amplify app ID (d followed by letters and digits); default: every app.",
            metavar="ID",
            validate_member="appId",
            multiple=True,
        ),
        Flag(
            "--branch",
            "branchName",
            "The branch whose jobs to list (in any app listed); default: every branch. "
            "A comma inside a name is written \\,.",
            aliases=("--branch-name",),
            metavar="NAME",
            validate_member="branchName",
            multiple=True,
        ),
    ),
    examples=(
        ("The newest deployments of one branch", "--app-id dx9ixz05feh07i --branch main"),
        (
            "Failed deployments of every app and branch, longest first",
            "--state failed --sort -duration",
        ),
    ),
    to_job=to_job,
    states=STATES,
    parents=("app_id", "branch"),
    discover=discovery.amplify_branches,
)
