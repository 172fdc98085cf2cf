"""The crafted data file of the end-to-end suite: a few jobs per service whose values sit
exactly where the tests need them.

us-east-1 holds every service, with Amplify job IDs unique across branches; eu-west-1
holds one Amplify app whose branches number their jobs from 1 each, as the real service
does (Amplify job IDs count per branch).
"""

from __future__ import annotations

from typing import Any

# Batch jobs created exactly on the boundaries the tests ask for.
BOUNDARY = "2026-11-10T00:00:00Z"
BEFORE_BOUNDARY = "2026-11-15T00:00:00Z"
QUEUE = "crafted-q"

# (jobId, jobName, status, createdAt, shareIdentifier): names in both cases, a name that
# is a prefix of others, every status, and shares on some jobs only.
BATCH_ROWS = [
    ("b-01", "train-alpha", "RUNNING", "2026-11-18T10:00:00Z", "teamA"),
    ("b-02", "Train-Beta", "SUCCEEDED", "2026-11-17T10:00:00Z", "teamB"),
    ("b-03", "TRAIN-alpha", "FAILED", BEFORE_BOUNDARY, "teamA"),
    ("b-04", "eval-alpha", "RUNNING", "2026-11-12T10:00:00Z", None),
    ("b-05", "train-gamma", "RUNNABLE", BOUNDARY, "teamA"),
    ("b-06", "train", "SUBMITTED", "2026-11-09T23:59:59Z", "teamB"),
    ("b-07", "Eval-Beta", "PENDING", "2026-11-05T10:00:00Z", "teamA"),
    ("b-08", "train-alpha", "SCHEDULED", "2026-11-04T10:00:00Z", None),
    ("b-09", "train-delta", "STARTING", "2026-11-03T10:00:00Z", "teamB"),
    ("b-10", "eval-gamma", "SUCCEEDED", "2026-11-02T10:00:00Z", "teamA"),
    ("b-11", "TRAIN-EPSILON", "FAILED", "2026-11-01T10:00:00Z", "teamA"),
    ("b-12", "trainer", "RUNNING", "2026-10-30T10:00:00Z", "teamA"),
]


def _batch_job(job_id: str, name: str, status: str, created: str, share: str | None) -> dict:
    job = {"jobId": job_id, "jobName": name, "status": status, "createdAt": created}
    return {**job, "shareIdentifier": share} if share else job


def _amplify_jobs(count: int, day: int, first_id: int) -> list[dict[str, Any]]:
    return [
        {
            "jobId": str(first_id + n),
            "status": "SUCCEED" if n % 3 else "FAILED",
            "startTime": f"2026-11-{day:02d}T{n:02d}:00:00Z",
            "commitMessage": f"commit {n} on day {day}\n\nbody",
        }
        for n in range(1, count + 1)
    ]


def _backend_job(job_id: str, operation: str, status: str, created: str) -> dict[str, Any]:
    return {"JobId": job_id, "Operation": operation, "Status": status, "CreateTime": created}


def _app(app_id: str, name: str, branches: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return {
        "appId": app_id,
        "name": name,
        "branches": [{"branchName": b, "jobs": jobs} for b, jobs in branches.items()],
    }


def _envs(app_id: str, envs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return {
        "appId": app_id,
        "environments": [{"environmentName": e, "jobs": jobs} for e, jobs in envs.items()],
    }


def _iot_job(job_id: str, status: str, target: str, created: str, **hidden: str) -> dict:
    return {
        "jobId": job_id,
        "status": status,
        "targetSelection": target,
        "createdAt": created,
        **hidden,
    }


CRAFTED: dict[str, Any] = {
    "regions": {
        "us-east-1": {
            "amplify": {
                "apps": [
                    _app(
                        "d1crafted",
                        "web",
                        {"main": _amplify_jobs(5, 10, 100), "feature/x": _amplify_jobs(3, 11, 200)},
                    ),
                    _app("d2crafted", "docs", {"main": _amplify_jobs(2, 12, 300)}),
                ]
            },
            "amplify-backend": {
                "apps": [
                    _envs(
                        "d1crafted",
                        {
                            "staging": [
                                _backend_job("be-1", "CreateBackend", "COMPLETED", "1762800000"),
                                _backend_job(
                                    "be-2", "UpdateBackendAuth", "completed", "1762810000"
                                ),
                                _backend_job("be-3", "CreateBackendAuth", "Failed", "1762820000"),
                            ],
                            "prod": [
                                _backend_job(
                                    "be-4", "createbackendauth", "IN_PROGRESS", "1762830000"
                                )
                            ],
                        },
                    ),
                    _envs(
                        "d2crafted",
                        {"dev": [_backend_job("be-5", "CloneBackend", "PENDING", "1762840000")]},
                    ),
                ]
            },
            "iot": {
                "thingGroups": [{"thingGroupName": "fleet-a", "thingGroupId": "gid-fleet-a"}],
                "jobs": [
                    _iot_job(
                        "ota-1",
                        "IN_PROGRESS",
                        "CONTINUOUS",
                        "2026-11-10T00:00:00Z",
                        thingGroupName="fleet-a",
                    ),
                    _iot_job(
                        "ota-2",
                        "COMPLETED",
                        "SNAPSHOT",
                        "2026-11-11T00:00:00Z",
                        thingGroupName="fleet-a",
                        namespaceId="greengrass",
                    ),
                    _iot_job(
                        "ota-3",
                        "IN_PROGRESS",
                        "SNAPSHOT",
                        "2026-11-12T00:00:00Z",
                        namespaceId="greengrass",
                    ),
                ],
            },
            "batch": {
                "queues": [{"jobQueueName": QUEUE, "jobs": [_batch_job(*r) for r in BATCH_ROWS]}]
            },
            "snowball": {
                "jobs": [
                    {
                        "JobId": "JID-1",
                        "JobState": "New",
                        "Description": "one",
                        "CreationDate": "2026-11-10T00:00:00Z",
                    },
                    {
                        "JobId": "JID-2",
                        "JobState": "Complete",
                        "CreationDate": "2026-11-11T00:00:00Z",
                    },
                ]
            },
        },
        # Per-branch job numbering, as in the real service: job 1 of main and job 1 of dev
        # are different jobs.
        "eu-west-1": {
            "amplify": {
                "apps": [
                    _app(
                        "d3collide",
                        "shop",
                        {"main": _amplify_jobs(4, 13, 0), "dev": _amplify_jobs(2, 14, 0)},
                    ),
                ]
            }
        },
    }
}
