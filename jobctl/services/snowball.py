"""AWS Snow Family jobs: `ListJobs` of the account and region.

What botocore's model says of ListJobs, relied on here: "Calling this API action in one of
the US regions will return jobs from the list of all jobs associated with this account in
all US regions." So the US regions are one view: jobctl lists it once (through us-east-1
when it is asked, else the first US region asked), and a job listed there has the region
`us` — the API does not say which US region it lives in, and naming the region asked
would be wrong for the jobs of the others. Other regions list their own jobs.
"""

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


def region_view(region: str) -> str | None:
    """Every commercial US region shows the same jobs (GovCloud is its own partition)."""
    return "us" if region.startswith("us-") and not region.startswith("us-gov-") else None


SPEC = ServiceSpec(
    service="snowball",
    name="snowball",
    client="snowball",
    operation="ListJobs",
    paginator="list_jobs",
    result_key="JobListEntries",
    limit_member="MaxResults",
    summary="List AWS Snow Family jobs.",
    description="Every Snowball job of the account and region; the API takes no filter. "
    "A US region lists the jobs of every US region: jobctl lists them once, with the "
    "region 'us'.",
    flags=(),
    examples=(
        ("Devices on their way or with you", "--state running"),
        ("Every job as CSV, oldest first", "-o csv --sort created_at"),
    ),
    to_job=to_job,
    region_view=region_view,
    states=STATES,
    created_is_start=True,
)
