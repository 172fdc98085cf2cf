"""One listing per service: its command line, its API call, its items, and the normalized
jobs they must become (written out from docs/reference.md, not computed with jobctl's own
normalizer), so every CLI test can run against all five services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

T0 = datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc)
T0_EPOCH = 1714557600  # T0 as epoch seconds


def iso(minutes: int) -> str:
    return (T0 + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Case:
    name: str  # the subcommand
    args: tuple[str, ...]  # the flags that name what to list
    client: str  # boto3 client name
    method: str  # boto3 method the paginator calls
    params: dict[str, Any]  # what those flags send
    limit: str  # page-size member
    token_in: str
    token_out: str
    result_key: str
    max_page_size: int
    region: str = "us-east-1"
    # The most --page-size the command takes, when another API of it takes more (Batch:
    # ListJobs 1000; ListServiceJobs asks for at most its own 100).
    command_max_page_size: int | None = None

    @property
    def page_size_limit(self) -> int:
        return self.command_max_page_size or self.max_page_size

    def item(self, i: int) -> dict[str, Any]:
        return ITEMS[self.name](i)

    def job_id(self, i: int) -> str:
        return JOB_IDS[self.name](i)

    def job_name(self, i: int) -> str:
        return JOB_NAMES[self.name](i)

    def request(self, page_size: int | None = None, token: str | None = None) -> dict[str, Any]:
        params = {**self.params, self.limit: page_size or self.max_page_size}
        if token is not None:
            params[self.token_in] = token
        return params

    def response(self, items: list[int], token: str | None = None) -> dict[str, Any]:
        response: dict[str, Any] = {self.result_key: [self.item(i) for i in items]}
        if token is not None:
            response[self.token_out] = token
        return response


ACCOUNT = "123456789012"

ITEMS = {
    "amplify": lambda i: {
        "jobArn": f"arn:aws:amplify:us-east-1:{ACCOUNT}:apps/d1a2b3/branches/main/jobs/{i}",
        "jobId": str(i),
        "commitId": f"c{i:04d}",
        "commitMessage": f"Commit {i}\n\nLonger text",
        "commitTime": T0,
        "startTime": T0 + timedelta(minutes=i),
        "status": "SUCCEED",
        "jobType": "RELEASE",
    },
    "amplify-backend": lambda i: {
        "AppId": "d1a2b3",
        "BackendEnvironmentName": "staging",
        "JobId": f"job-{i}",
        "Operation": f"CreateBackendAuth{i}",
        "Status": "completed",
        "CreateTime": str(T0_EPOCH + 60 * i),
        "UpdateTime": iso(i),
    },
    "iot": lambda i: {
        "jobArn": f"arn:aws:iot:us-east-1:{ACCOUNT}:job/ota-{i}",
        "jobId": f"ota-{i}",
        "targetSelection": "SNAPSHOT",
        "status": "COMPLETED",
        "createdAt": T0 + timedelta(minutes=i),
    },
    "batch": lambda i: {
        "jobArn": f"arn:aws:batch:us-east-1:{ACCOUNT}:service-job/sj-{i}",
        "jobId": f"sj-{i}",
        "jobName": f"train-{i}",
        "serviceJobType": "SAGEMAKER_TRAINING",
        "status": "RUNNING",
        "createdAt": (T0_EPOCH + 60 * i) * 1000,
    },
    "snowball": lambda i: {
        "JobId": f"JID{i:04d}",
        "JobState": "Complete",
        "JobType": "IMPORT",
        "SnowballType": "EDGE",
        "CreationDate": T0 + timedelta(minutes=i),
        "Description": f"Move {i}",
    },
}
JOB_IDS = {
    "amplify": str,
    "amplify-backend": lambda i: f"job-{i}",
    "iot": lambda i: f"ota-{i}",
    "batch": lambda i: f"sj-{i}",
    "snowball": lambda i: f"JID{i:04d}",
}
JOB_NAMES = {
    "amplify": lambda i: f"Commit {i}",
    "amplify-backend": lambda i: f"CreateBackendAuth{i}",
    "iot": lambda i: f"ota-{i}",
    "batch": lambda i: f"train-{i}",
    "snowball": lambda i: f"Move {i}",
}

CASES = {
    case.name: case
    for case in (
        Case(
            "amplify",
            ("--app-id", "d1a2b3", "--branch", "main"),
            "amplify",
            "list_jobs",
            {"appId": "d1a2b3", "branchName": "main"},
            "maxResults",
            "nextToken",
            "nextToken",
            "jobSummaries",
            50,
        ),
        Case(
            "amplify-backend",
            ("--app-id", "d1a2b3", "--env", "staging"),
            "amplifybackend",
            "list_backend_jobs",
            {"AppId": "d1a2b3", "BackendEnvironmentName": "staging"},
            "MaxResults",
            "NextToken",
            "NextToken",
            "Jobs",
            25,
        ),
        Case(
            "iot",
            (),
            "iot",
            "list_jobs",
            {},
            "maxResults",
            "nextToken",
            "nextToken",
            "jobs",
            250,
        ),
        Case(
            "batch",
            ("--job-queue", "training"),
            "batch",
            "list_service_jobs",
            # Every status: one stream ordered by creation time, not the API's RUNNING only.
            {"jobQueue": "training", "filters": [{"name": "AFTER_CREATED_AT", "values": ["0"]}]},
            "maxResults",
            "nextToken",
            "nextToken",
            "jobSummaryList",
            100,
            command_max_page_size=1000,
        ),
        Case(
            "snowball",
            (),
            "snowball",
            "list_jobs",
            {},
            "MaxResults",
            "NextToken",
            "NextToken",
            "JobListEntries",
            100,
        ),
    )
}
NAMES = list(CASES)


def expected_job(service: str, i: int) -> dict[str, Any]:
    if service == "amplify":
        arn = f"arn:aws:amplify:us-east-1:{ACCOUNT}:apps/d1a2b3/branches/main/jobs/{i}"
        return {
            "service": "amplify",
            "region": "us-east-1",
            "id": str(i),
            "name": f"Commit {i}",
            "status": "SUCCEED",
            "state": "succeeded",
            "created_at": iso(i),
            "started_at": iso(i),
            "ended_at": None,
            "updated_at": None,
            "arn": arn,
            "raw": {
                "jobArn": arn,
                "jobId": str(i),
                "commitId": f"c{i:04d}",
                "commitMessage": f"Commit {i}\n\nLonger text",
                "commitTime": iso(0),
                "startTime": iso(i),
                "status": "SUCCEED",
                "jobType": "RELEASE",
            },
        }
    if service == "amplify-backend":
        return {
            "service": "amplify-backend",
            "region": "us-east-1",
            "id": f"job-{i}",
            "name": f"CreateBackendAuth{i}",
            "status": "completed",
            "state": "succeeded",
            "created_at": iso(i),
            "started_at": None,
            "ended_at": None,
            "updated_at": iso(i),
            "arn": None,
            "raw": {
                "AppId": "d1a2b3",
                "BackendEnvironmentName": "staging",
                "JobId": f"job-{i}",
                "Operation": f"CreateBackendAuth{i}",
                "Status": "completed",
                "CreateTime": iso(i),
                "UpdateTime": iso(i),
            },
        }
    if service == "iot":
        arn = f"arn:aws:iot:us-east-1:{ACCOUNT}:job/ota-{i}"
        return {
            "service": "iot",
            "region": "us-east-1",
            "id": f"ota-{i}",
            "name": f"ota-{i}",
            "status": "COMPLETED",
            "state": "succeeded",
            "created_at": iso(i),
            "started_at": None,
            "ended_at": None,
            "updated_at": None,
            "arn": arn,
            "raw": {
                "jobArn": arn,
                "jobId": f"ota-{i}",
                "targetSelection": "SNAPSHOT",
                "status": "COMPLETED",
                "createdAt": iso(i),
            },
        }
    if service == "batch":
        arn = f"arn:aws:batch:us-east-1:{ACCOUNT}:service-job/sj-{i}"
        return {
            "service": "batch",
            "region": "us-east-1",
            "id": f"sj-{i}",
            "name": f"train-{i}",
            "status": "RUNNING",
            "state": "running",
            "created_at": iso(i),
            "started_at": None,
            "ended_at": None,
            "updated_at": None,
            "arn": arn,
            "raw": {
                "jobArn": arn,
                "jobId": f"sj-{i}",
                "jobName": f"train-{i}",
                "serviceJobType": "SAGEMAKER_TRAINING",
                "status": "RUNNING",
                "createdAt": iso(i),
            },
        }
    if service == "snowball":
        return {
            "service": "snowball",
            # A US region lists every US region's Snowball jobs: their region is "us".
            "region": "us",
            "id": f"JID{i:04d}",
            "name": f"Move {i}",
            "status": "Complete",
            "state": "succeeded",
            "created_at": iso(i),
            "started_at": None,
            "ended_at": None,
            "updated_at": None,
            "arn": None,
            "raw": {
                "JobId": f"JID{i:04d}",
                "JobState": "Complete",
                "JobType": "IMPORT",
                "SnowballType": "EDGE",
                "CreationDate": iso(i),
                "Description": f"Move {i}",
            },
        }
    raise KeyError(service)
