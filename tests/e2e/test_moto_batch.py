"""The sandbox's Batch ListJobs cross-checked against moto's: the same jobs, made in moto's
server through boto3, loaded into a sandbox, then listed from both with the same requests.

moto's Batch runs jobs in Docker unless its config says otherwise: the fixture sets
`{"batch": {"use_docker": false}}` through moto's `/moto-api/config` (the server-mode form
of `@mock_aws(config=...)`), which makes every submitted job SUCCEEDED at once
(`MOTO_SIMPLE_BATCH_FAIL_AFTER` in the server's environment would fail them instead).

Where moto departs from botocore's model, the test states it rather than compares:
moto lists every status when neither jobStatus nor a filter is given (the model: RUNNING
only), lists an array job's children with the queue's jobs, applies filters to an array
job's children (the model: they do not apply), returns no arrayProperties on the array
job, and lets filters it does not implement (JOB_DEFINITION, BEFORE/AFTER_CREATED_AT,
SHARE_IDENTIFIER) match every job.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from e2e_support import client

from jobctl.sandbox import Sandbox

REGION = "eu-central-1"  # test_moto.py expects moto's us-east-1 to have no queue
QUEUE = "etl-nightly"
NAMES = ("etl-extract-orders", "ETL-Extract-Customers", "load-invoices", "Etl-transform")


def _configure_moto(endpoint: str) -> None:
    body = json.dumps({"batch": {"use_docker": False}}).encode()
    request = urllib.request.Request(f"{endpoint}/moto-api/config", data=body, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.loads(response.read())["batch"] == {"use_docker": False}


@pytest.fixture(scope="module")
def pair(moto_endpoint, tmp_path_factory):
    """(moto's batch client, the sandbox's, the array job's ID), both holding the same jobs."""
    _configure_moto(moto_endpoint)
    iam = client(moto_endpoint, "iam", REGION)
    role = iam.create_role(RoleName="e2e-batch", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    moto = client(moto_endpoint, "batch", REGION)
    environment = moto.create_compute_environment(
        computeEnvironmentName="etl-ce", type="UNMANAGED", state="ENABLED", serviceRole=role
    )
    moto.create_job_queue(
        jobQueueName=QUEUE,
        state="ENABLED",
        priority=1,
        computeEnvironmentOrder=[
            {"order": 1, "computeEnvironment": environment["computeEnvironmentArn"]}
        ],
    )
    container = {"image": "busybox", "vcpus": 1, "memory": 128, "command": ["true"]}
    for _ in range(2):  # two revisions
        moto.register_job_definition(
            jobDefinitionName="etl", type="container", containerProperties=container
        )
    for name in NAMES:
        moto.submit_job(jobName=name, jobQueue=QUEUE, jobDefinition="etl")
    array = moto.submit_job(
        jobName="etl-fanout", jobQueue=QUEUE, jobDefinition="etl:1", arrayProperties={"size": 3}
    )["jobId"]

    listed = moto.list_jobs(jobQueue=QUEUE, jobStatus="SUCCEEDED")["jobSummaryList"]
    children = moto.list_jobs(arrayJobId=array, jobStatus="SUCCEEDED")["jobSummaryList"]
    jobs = [job for job in listed if ":" not in job["jobId"]]  # children are listed apart
    for job in jobs:
        if job["jobId"] == array:
            job["children"] = children
    path = tmp_path_factory.mktemp("moto-batch") / "data.json"
    queue = {"jobQueueName": QUEUE, "jobQueueType": "ECS", "jobs": jobs}
    path.write_text(json.dumps({"regions": {REGION: {"batch": {"queues": [queue]}}}}))
    with Sandbox(data_file=path) as sb:
        yield moto, client(sb.endpoint_url, "batch", REGION), array


def ids(page: dict[str, Any]) -> list[str]:
    return sorted(job["jobId"] for job in page["jobSummaryList"])


def queue_ids(page: dict[str, Any]) -> list[str]:
    """A queue's jobs without the array children moto lists with them."""
    return sorted(job["jobId"] for job in page["jobSummaryList"] if ":" not in job["jobId"])


def one(name: str, value: str) -> list[dict[str, Any]]:
    return [{"name": name, "values": [value]}]


CASES = {
    "status": {"jobStatus": "SUCCEEDED"},
    "other-status": {"jobStatus": "RUNNING"},
    "name-prefix-any-case": {"filters": one("JOB_NAME", "ETL*")},
    "name-exact-any-case": {"filters": one("JOB_NAME", "etl-extract-customers")},
    "name-ignores-status": {"jobStatus": "RUNNING", "filters": one("JOB_NAME", "load-*")},
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_queue_lists_the_same_jobs(pair, case):
    moto, sandbox, _ = pair
    kwargs = {"jobQueue": QUEUE, **CASES[case]}
    assert ids(sandbox.list_jobs(**kwargs)) == queue_ids(moto.list_jobs(**kwargs))


def test_a_queue_named_by_its_arn_lists_the_same_jobs(pair):
    moto, sandbox, _ = pair
    arn = moto.describe_job_queues(jobQueues=[QUEUE])["jobQueues"][0]["jobQueueArn"]
    kwargs = {"jobQueue": arn, "jobStatus": "SUCCEEDED"}
    served = sandbox.list_jobs(**kwargs)
    assert ids(served) == queue_ids(moto.list_jobs(**kwargs))
    assert len(served["jobSummaryList"]) == len(NAMES) + 1


def test_the_array_jobs_children_are_the_same(pair):
    moto, sandbox, array = pair
    kwargs = {"arrayJobId": array, "jobStatus": "SUCCEEDED"}
    served, expected = sandbox.list_jobs(**kwargs), moto.list_jobs(**kwargs)
    assert ids(served) == ids(expected) == [f"{array}:{i}" for i in range(3)]


def test_the_items_are_moto_s_with_what_the_model_adds(pair):
    moto, sandbox, array = pair
    served = {j["jobId"]: j for j in sandbox.list_jobs(jobQueue=QUEUE, jobStatus="SUCCEEDED")[
        "jobSummaryList"]}  # fmt: skip
    for job in moto.list_jobs(jobQueue=QUEUE, jobStatus="SUCCEEDED")["jobSummaryList"]:
        if ":" in job["jobId"]:
            continue
        mine = served[job["jobId"]]
        assert {k: mine[k] for k in job} == job
    # The array job carries its size and status summary, counted from its children.
    assert served[array]["arrayProperties"]["size"] == 3
    assert served[array]["arrayProperties"]["statusSummary"]["SUCCEEDED"] == 3
    revisions = {job["jobDefinition"].rsplit(":", 1)[1] for job in served.values()}
    assert revisions == {"1", "2"}


def test_where_moto_departs_from_the_model(pair):
    """Stated, not compared: if moto changes, this says so."""
    moto, sandbox, array = pair
    # Without jobStatus or a filter the model lists RUNNING jobs only; moto lists every job.
    assert sandbox.list_jobs(jobQueue=QUEUE)["jobSummaryList"] == []
    assert len(queue_ids(moto.list_jobs(jobQueue=QUEUE))) == len(NAMES) + 1
    # moto lists the array's children with the queue's jobs.
    listed = moto.list_jobs(jobQueue=QUEUE, jobStatus="SUCCEEDED")["jobSummaryList"]
    assert sum(job["jobId"].startswith(f"{array}:") for job in listed) == 3
    # The model: filters do not apply to an array's children; moto applies them.
    filtered = {"arrayJobId": array, "filters": one("JOB_NAME", "nothing-matches")}
    assert len(sandbox.list_jobs(**filtered, jobStatus="SUCCEEDED")["jobSummaryList"]) == 3
    assert moto.list_jobs(**filtered, jobStatus="SUCCEEDED")["jobSummaryList"] == []
    # moto lets a filter it does not implement match every job.
    unknown = {"jobQueue": QUEUE, "filters": one("JOB_DEFINITION", "no-such-definition")}
    assert sandbox.list_jobs(**unknown)["jobSummaryList"] == []
    assert len(queue_ids(moto.list_jobs(**unknown))) == len(NAMES) + 1
