"""Amplify Studio backend jobs: `ListBackendJobs` of one app's backend environment."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jobctl.job import Job, TimeKind, state_of, with_iso_times
from jobctl.services import discovery
from jobctl.services.spec import Flag, Narrowing, Pushed, ServiceSpec, Values

# AmplifyBackend statuses are free text in any case; keys are upper case.
STATES = {
    "PENDING": "queued",
    "CREATED": "queued",
    "QUEUED": "queued",
    "IN_PROGRESS": "running",
    "RUNNING": "running",
    "COMPLETED": "succeeded",
    "SUCCEEDED": "succeeded",
    "SUCCESS": "succeeded",
    "FAILED": "failed",
    "CANCELLED": "cancelled",
    "CANCELED": "cancelled",
}
TIMESTAMPS: dict[str, TimeKind] = {"CreateTime": "text", "UpdateTime": "text"}


def to_job(item: Mapping[str, Any], region: str) -> Job:
    raw, times = with_iso_times(item, TIMESTAMPS)
    status = item.get("Status")
    return {
        "service": "amplify-backend",
        "region": region,
        "id": item.get("JobId"),
        "name": item.get("Operation"),
        "status": status,
        "state": state_of(status, STATES, any_case=True),
        "created_at": times["CreateTime"],
        "started_at": None,
        "ended_at": None,
        "updated_at": times["UpdateTime"],
        "arn": None,
        "raw": raw,
    }


def push_down(values: Values, narrowing: Narrowing) -> Pushed:
    """One --id becomes JobId, unless --job-id was given. Statuses are free text in any
    case, several per state: --state stays client-side."""
    pushed = dict(values)
    if len(narrowing.ids) == 1 and not values.get("job_id"):
        pushed["job_id"] = narrowing.ids[0]
    return Pushed(pushed)


SPEC = ServiceSpec(
    service="amplify-backend",
    name="amplify-backend",
    client="amplifybackend",
    operation="ListBackendJobs",
    paginator="list_backend_jobs",
    result_key="Jobs",
    limit_member="MaxResults",
    summary="List the jobs of an Amplify Studio backend environment.",
    description="The job name is its operation. AmplifyBackend statuses are free text; "
    "--status and --operation are matched by the service. Without --env, jobctl "
    "lists every backend environment of the app, or of every app.",
    flags=(
        Flag(
            "--app-id",
            "AppId",
            "The Amplify app ID; default: every app.",
            metavar="ID",
            # AmplifyBackend's model states no pattern; app IDs are Amplify's.
            pattern=r"d[a-z0-9]{1,19}",
            pattern_help="an Amplify app ID (d followed by up to 19 lowercase letters and digits)",
            multiple=True,
        ),
        Flag(
            "--env",
            "BackendEnvironmentName",
            "The backend environment whose jobs to list (in any app listed); default: "
            "every environment.",
            aliases=("--backend-environment-name",),
            metavar="NAME",
            multiple=True,
        ),
        Flag("--job-id", "JobId", "Only the job with this ID.", metavar="ID"),
        Flag(
            "--operation",
            "Operation",
            "Only jobs of this operation (for example CreateBackendAuth).",
            metavar="OP",
        ),
        Flag(
            "--status",
            "Status",
            "Only jobs with this status, as the service spells it (free text, any case).",
            metavar="S",
            multiple=True,
            any_case=True,
        ),
    ),
    examples=(
        (
            "Running jobs of one environment",
            "--app-id dx9ixz05feh07i --env staging --state running",
        ),
        ("Every job of every app and environment, in every field", "-o wide --max-items 20"),
    ),
    to_job=to_job,
    states=STATES,
    created_is_start=True,
    states_any_case=True,
    reason_field="Error",
    push_down=push_down,
    parents=("app_id", "env"),
    discover=discovery.backend_environments,
)
