"""Issue 12, the one rule for lists, at the seam with the API: what each value sends, a
job seen by two per-value queries written once, and the shared parsing of every list
flag (empties, escapes, the message shape)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cli_harness import FakeAWS, invoke

T = "2026-11-01T10:00:00Z"


def _iot_job(job_id: str, status: str, minute: int) -> dict[str, Any]:
    return {"jobId": job_id, "status": status, "createdAt": f"2026-11-01T10:{minute:02d}:00Z"}


def test_a_job_that_changes_status_between_two_status_queries_is_written_once(
    aws: FakeAWS,
) -> None:
    """`--status IN_PROGRESS,COMPLETED` is two queries; job x finished between them, so
    both list it. The queries of one listing share a dedupe scope: x is written once, as
    first seen."""
    asked: list[str] = []

    def iot(operation: str, params: dict[str, Any]) -> dict[str, Any]:
        assert operation == "ListJobs"
        asked.append(params["status"])
        jobs = {
            "IN_PROGRESS": [_iot_job("x", "IN_PROGRESS", 3), _iot_job("y", "IN_PROGRESS", 2)],
            "COMPLETED": [_iot_job("x", "COMPLETED", 3), _iot_job("z", "COMPLETED", 1)],
        }[params["status"]]
        return {"jobs": jobs}

    aws.simulate("iot", iot)
    run = invoke("iot", "--status", "in_progress,completed", "--concurrency", "1", "-o", "jsonl")
    assert (run.status, run.err) == (0, "")
    jobs = [json.loads(line) for line in run.out.splitlines()]
    assert [(job["id"], job["status"]) for job in jobs] == [
        ("x", "IN_PROGRESS"),
        ("y", "IN_PROGRESS"),
        ("z", "COMPLETED"),
    ]
    assert asked == ["IN_PROGRESS", "COMPLETED"]


def test_without_the_shared_scope_each_value_would_list_it(aws: FakeAWS) -> None:
    """The control: listed one status at a time (two listings), x appears in both."""

    def iot(operation: str, params: dict[str, Any]) -> dict[str, Any]:
        status = params["status"]
        return {"jobs": [_iot_job("x", status, 3)]}

    aws.simulate("iot", iot)
    first = invoke("iot", "--status", "IN_PROGRESS", "-o", "jsonl")
    second = invoke("iot", "--status", "COMPLETED", "-o", "jsonl")
    assert len(first.out.splitlines()) == len(second.out.splitlines()) == 1


def test_amplify_backend_statuses_are_one_query_each_as_typed(aws: FakeAWS) -> None:
    asked: list[str] = []

    def backend(operation: str, params: dict[str, Any]) -> dict[str, Any]:
        asked.append(params["Status"])
        status = params["Status"]
        job = {"JobId": f"j-{status}", "Operation": "CreateBackend", "Status": status}
        return {"Jobs": [{**job, "AppId": "d1", "BackendEnvironmentName": "prod", "CreateTime": T}]}

    aws.simulate("amplifybackend", backend)
    run = invoke(
        "amplify-backend", "--app-id", "d1", "--env", "prod",
        "--status", "Failed,COMPLETED", "--status", "failed", "-o", "jsonl",
    )  # fmt: skip
    assert (run.status, run.err) == (0, "")
    assert sorted(asked) == ["COMPLETED", "Failed"]  # failed is Failed, in any case
    assert sorted(json.loads(line)["id"] for line in run.out.splitlines()) == [
        "j-COMPLETED",
        "j-Failed",
    ]


def test_an_escaped_comma_is_part_of_a_value(aws: FakeAWS) -> None:
    """Git allows a comma in a branch name: `\\,` keeps it in one value."""
    params = {"appId": "d1a2b3", "branchName": "feat,x", "maxResults": 50}
    aws.page("amplify", "list_jobs", {"jobSummaries": []}, params)
    run = invoke("amplify", "--app-id", "d1a2b3", "--branch", "feat\\,x", "-o", "json")
    assert (run.status, run.out, run.err) == (0, "[]\n", "")


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["iot", "--status", "IN_PROGRESS,,COMPLETED"],
         "jobctl: iot: --status: an empty value in 'IN_PROGRESS,,COMPLETED' (separate values "
         "with one comma)"),
        (["batch", "--job-queue", "q,"],
         "jobctl: batch: --job-queue: an empty value in 'q,' (separate values with one comma)"),
        (["all", "--services", ",iot"],
         "jobctl: all: --services: an empty value in ',iot' (separate values with one comma)"),
        (["snowball", "--profile", "a", "--profile", ""],
         "jobctl: snowball: --profile: an empty value in '' (separate values with one comma)"),
        (["iot", "--summary-by", "service,acount"],
         "jobctl: iot: --summary-by: unknown dimension 'acount' (choose from service, region, "
         "profile, account, parent)"),
    ],
    ids=["status", "queue", "services", "profile", "summary-by"],
)  # fmt: skip
def test_list_flag_mistakes_are_one_line_in_jobctls_shape(
    aws: FakeAWS, args: list[str], line: str
) -> None:
    run = invoke(*args)
    assert run.status == 2
    assert (run.out, run.err_lines) == ("", [line])
    assert aws.requests == []


@pytest.mark.parametrize(
    "args",
    [
        ["iot", "--status", "IN_PROGRESS", "--status", "nope,COMPLETED"],
        ["batch", "--job-queue", "q", "--status", "running,nope"],
    ],
)
def test_each_value_is_checked_against_the_choices(aws: FakeAWS, args: list[str]) -> None:
    run = invoke(*args)
    assert run.status == 2
    assert "Invalid value for '--status': 'nope' is not one of " in run.err
    assert aws.requests == []
