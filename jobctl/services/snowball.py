"""AWS Snow Family jobs: `ListJobs` of the account and region."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jobctl.job import Job, TimeKind, state_of, with_iso_times
from jobctl.services.spec import ServiceSpec

STATES = {
    "New": "queued",
    "PreparingAppliance": "queued",
    "PreparingShipment": "queued",
    "Pending": "queued",
    "InTransitToCustomer": "running",
    "WithCustomer": "running",
    "InTransitToAWS": "running",
    "WithAWSSortingFacility": "running",
    "WithAWS": "running",
    "InProgress": "running",
    "Listing": "running",
    "Complete": "succeeded",
    "Cancelled": "cancelled",
}
TIMESTAMPS: dict[str, TimeKind] = {"CreationDate": "datetime"}


def to_job(item: Mapping[str, Any], region: str) -> Job:
    raw, times = with_iso_times(item, TIMESTAMPS)
    status = item.get("JobState")
    return {
        "service": "snowball",
        "region": region,
        "id": item.get("JobId"),
        "name": item.get("Description"),
        "status": status,
        "state": state_of(status, STATES),
        "created_at": times["CreationDate"],
        "started_at": None,
        "ended_at": None,
        "updated_at": None,
        "arn": None,
        "raw": raw,
    }


SPEC = ServiceSpec(
    service="snowball",
    name="snowball",
    client="snowball",
    operation="ListJobs",
    paginator="list_jobs",
    result_key="JobListEntries",
    limit_member="MaxResults",
    summary="List AWS Snow Family jobs.",
    description="Every Snowball job of the account and region; the API takes no filter.",
    flags=(),
    examples=(
        ("Devices on their way or with you", "--state running"),
        ("Every job as CSV, oldest first", "-o csv --sort created_at"),
    ),
    to_job=to_job,
    states=STATES,
)
