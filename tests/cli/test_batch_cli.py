"""Batch through the CLI against a simulated ListServiceJobs that honours the API's
documented filter semantics: several statuses, `all`, stream-side filters, resume."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cli_harness import FakeAWS, Run, invoke

T0_MS = 1714557600000  # 2024-05-01T10:00:00Z
STATUSES = ["SUBMITTED", "RUNNABLE", "RUNNING", "SUCCEEDED", "FAILED"]


def make_jobs() -> list[dict[str, Any]]:
    """23 jobs: statuses in turn, names train-N / eval-N, two shares, a minute apart."""
    return [
        {
            "jobId": f"sj-{i:02d}",
            "jobName": f"{'train' if i % 3 else 'eval'}-{i}",
            "jobArn": f"arn:aws:batch:us-east-1:123456789012:service-job/sj-{i:02d}",
            "serviceJobType": "SAGEMAKER_TRAINING",
            "status": STATUSES[i % len(STATUSES)],
            "shareIdentifier": "team-a" if i % 2 else "team-b",
            "createdAt": T0_MS + 60_000 * i,
        }
        for i in range(23)
    ]


class BatchService:
    """ListServiceJobs as documented: one filter at a time; jobStatus ignored with a
    filter except SHARE_IDENTIFIER; RUNNING only with neither; offset tokens."""

    def __init__(self, jobs: list[dict[str, Any]]):
        self.jobs = jobs
        self.calls: list[dict[str, Any]] = []

    def __call__(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        assert operation == "ListServiceJobs"
        self.calls.append(params)
        filters = params.get("filters") or []
        assert len(filters) <= 1, "the API takes one filter"
        status = params.get("jobStatus")
        selected = self.jobs
        if filters:
            name, value = filters[0]["name"], filters[0]["values"][0]
            if name == "SHARE_IDENTIFIER":
                selected = [j for j in selected if j["shareIdentifier"] == value]
                if status:
                    selected = [j for j in selected if j["status"] == status]
            elif name == "JOB_NAME":
                wanted = value.lower()
                if wanted.endswith("*"):
                    selected = [j for j in selected if j["jobName"].lower().startswith(wanted[:-1])]
                else:
                    selected = [j for j in selected if j["jobName"].lower() == wanted]
            elif name == "AFTER_CREATED_AT":
                selected = [j for j in selected if j["createdAt"] >= int(value)]
            elif name == "BEFORE_CREATED_AT":
                selected = [j for j in selected if j["createdAt"] <= int(value)]
            else:
                raise AssertionError(f"unknown filter {name}")
        else:
            selected = [j for j in selected if j["status"] == (status or "RUNNING")]
        start = int(params.get("nextToken") or 0)
        end = min(start + params["maxResults"], len(selected))
        response: dict[str, Any] = {"jobSummaryList": selected[start:end]}
        if end < len(selected):
            response["nextToken"] = str(end)
        return response


@pytest.fixture
def batch(aws: FakeAWS) -> BatchService:
    service = BatchService(make_jobs())
    aws.simulate("batch", service)
    return service


def ids(run: Run) -> list[str]:
    return [json.loads(line)["id"] for line in run.out.splitlines()]


def where(predicate: Any) -> list[str]:
    return [j["jobId"] for j in make_jobs() if predicate(j)]


def listing(*args: str) -> Run:
    run = invoke("batch", "--job-queue", "q", "-o", "jsonl", *args)
    assert (run.status, run.err) == (0, ""), run.err
    return run


def test_no_status_lists_every_status(batch: BatchService) -> None:
    """The API alone lists RUNNING jobs only; jobctl lists every job, as for every other
    service, so a --fail-on failed check can fail."""
    assert sorted(ids(listing())) == sorted(where(lambda j: True))
    assert batch.calls[-1]["filters"] == [{"name": "AFTER_CREATED_AT", "values": ["0"]}]


def test_status_running_asks_for_the_api_default(batch: BatchService) -> None:
    assert ids(listing("--status", "running")) == where(lambda j: j["status"] == "RUNNING")


@pytest.mark.parametrize("concurrency", ["1", "8"])
def test_several_statuses(batch: BatchService, concurrency: str) -> None:
    run = listing("--status", "failed", "--status", "SUBMITTED", "--concurrency", concurrency)
    assert sorted(ids(run)) == where(lambda j: j["status"] in ("FAILED", "SUBMITTED"))
    assert sorted(call.get("jobStatus") for call in batch.calls) == ["FAILED", "SUBMITTED"]


def test_all_is_every_status_in_one_stream(batch: BatchService) -> None:
    run = listing("--status", "all", "--page-size", "5")
    assert ids(run) == where(lambda j: True)
    assert all(call["filters"][0]["name"] == "AFTER_CREATED_AT" for call in batch.calls)
    assert len(batch.calls) == 5


def test_job_name_and_status(batch: BatchService) -> None:
    run = listing("--job-name", "TRAIN*", "--status", "RUNNING", "--status", "FAILED")
    expected = where(
        lambda j: j["jobName"].startswith("train") and j["status"] in ("RUNNING", "FAILED")
    )
    assert ids(run) == expected
    assert len(expected) >= 3


def test_created_after_and_before(batch: BatchService) -> None:
    run = listing(
        "--created-after", "2024-05-01T10:05:00Z", "--created-before", "2024-05-01T10:15:00Z"
    )
    expected = where(lambda j: T0_MS + 5 * 60_000 <= j["createdAt"] <= T0_MS + 15 * 60_000)
    assert ids(run) == expected
    assert len(expected) == 11


def test_share_and_status_both_on_the_server(batch: BatchService) -> None:
    run = listing("--share-identifier", "team-a", "--status", "RUNNING")
    assert ids(run) == where(
        lambda j: j["shareIdentifier"] == "team-a" and j["status"] == "RUNNING"
    )
    assert batch.calls[0]["jobStatus"] == "RUNNING"
    assert batch.calls[0]["filters"] == [{"name": "SHARE_IDENTIFIER", "values": ["team-a"]}]


def test_share_and_job_name(batch: BatchService) -> None:
    run = listing("--share-identifier", "team-b", "--job-name", "eval*")
    assert ids(run) == where(
        lambda j: j["shareIdentifier"] == "team-b" and j["jobName"].startswith("eval")
    )


def test_stream_side_filter_with_max_items_resumes_exactly(batch: BatchService) -> None:
    """A client-side filter skips items: resume positions count items, not jobs."""
    wanted = where(lambda j: j["jobName"].startswith("train") and j["status"] != "RUNNING")
    args = ["--job-name", "train*", "--status", "SUBMITTED", "--status", "RUNNABLE"]
    args += ["--status", "SUCCEEDED", "--status", "FAILED", "--page-size", "4"]
    seen: list[str] = []
    token: list[str] = []
    for _ in range(20):
        run = invoke("batch", "--job-queue", "q", "-o", "jsonl", *args, "--max-items", "3", *token)
        assert run.status == 0, run.err
        seen += ids(run)
        if not run.err:
            break
        token = ["--starting-token", run.token]
    assert seen == wanted


@pytest.mark.parametrize("concurrency", ["1", "8"])
def test_several_statuses_resume_without_loss_or_repeat(
    batch: BatchService, concurrency: str
) -> None:
    statuses = ["--status", "RUNNABLE", "--status", "FAILED", "--status", "SUCCEEDED"]
    wanted = where(lambda j: j["status"] in ("RUNNABLE", "FAILED", "SUCCEEDED"))
    seen: list[str] = []
    token: list[str] = []
    for _ in range(20):
        run = invoke(
            "batch", "--job-queue", "q", "-o", "jsonl", *statuses,
            "--page-size", "2", "--max-items", "3", "--concurrency", concurrency, *token,
        )  # fmt: skip
        assert run.status == 0, run.err
        seen += ids(run)
        if not run.err:
            break
        token = ["--starting-token", run.token]
    assert sorted(seen) == sorted(wanted)
    assert len(seen) == len(set(seen))
