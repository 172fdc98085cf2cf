"""Batch ListServiceJobs (status default, filters, queue by name or ARN) and DescribeJobQueues."""

from __future__ import annotations

import pytest
from boto_helpers import error_code, walk
from botocore.exceptions import ClientError

from jobctl import model

STATUSES = model.enum_values("batch", "ListServiceJobs", "jobStatus")


def busiest_queue(sb):
    return sb.parents()["batch"][0]


def stored(sb, predicate=lambda j: True):
    return [j for j in sb.data.jobs("batch", parent=busiest_queue(sb)) if predicate(j)]


def ids(jobs):
    return sorted(j["jobId"] for j in jobs)


def listed(client, sb, **kwargs):
    kwargs.setdefault("jobQueue", busiest_queue(sb))
    return walk(client("batch"), "list_service_jobs", "jobSummaryList", **kwargs)


def name_filter(name, value):
    return [{"name": name, "values": [value]}]


def test_without_status_or_filter_only_running_jobs_are_listed(sb, client):
    jobs = listed(client, sb)
    assert ids(jobs) == ids(stored(sb, lambda j: j["status"] == "RUNNING"))
    assert jobs and {j["status"] for j in jobs} == {"RUNNING"}


@pytest.mark.parametrize("status", STATUSES)
def test_each_job_status(sb, client, status):
    jobs = listed(client, sb, jobStatus=status, PaginationConfig={"PageSize": 5})
    expected = stored(sb, lambda j: j["status"] == status)
    assert expected
    assert ids(jobs) == ids(expected)


def test_job_name_filter_is_case_insensitive_and_takes_a_prefix(sb, client):
    name = stored(sb)[0]["jobName"]
    exact = listed(client, sb, filters=name_filter("JOB_NAME", name.swapcase()))
    assert [j["jobName"] for j in exact] == [name]
    prefix = "resnet50-"
    jobs = listed(client, sb, filters=name_filter("JOB_NAME", prefix.upper() + "*"))
    expected = stored(sb, lambda j: j["jobName"].lower().startswith(prefix))
    assert ids(jobs) == ids(expected)
    # The demo data spells the same model both ways; the filter must catch both.
    assert {j["jobName"][:8] for j in jobs} == {"resnet50", "ResNet50"}
    # Any filter but SHARE_IDENTIFIER lists every status.
    assert len({j["status"] for j in jobs}) > 1


def test_created_at_filters_are_strict_bounds_in_epoch_millis(sb, client):
    jobs = stored(sb)
    middle = sorted(j["createdAt"] for j in jobs)[len(jobs) // 2]
    before = listed(client, sb, filters=name_filter("BEFORE_CREATED_AT", str(middle)))
    after = listed(client, sb, filters=name_filter("AFTER_CREATED_AT", str(middle)))
    assert ids(before) == ids([j for j in jobs if j["createdAt"] < middle])
    assert ids(after) == ids([j for j in jobs if j["createdAt"] > middle])
    assert len(before) + len(after) == len(jobs) - 1
    created = [j["createdAt"] for j in after]
    assert created == sorted(created, reverse=True)  # newest first


def test_filters_other_than_share_identifier_ignore_job_status(sb, client):
    name = stored(sb, lambda j: j["status"] == "SUCCEEDED")[0]["jobName"]
    jobs = listed(client, sb, jobStatus="FAILED", filters=name_filter("JOB_NAME", name))
    assert [j["status"] for j in jobs] == ["SUCCEEDED"]


def test_share_identifier_alone_lists_every_status_and_combines_with_job_status(sb, client):
    everything = listed(client, sb, filters=name_filter("SHARE_IDENTIFIER", "teamA"))
    assert ids(everything) == ids(stored(sb, lambda j: j.get("shareIdentifier") == "teamA"))
    assert len({j["status"] for j in everything}) > 2
    succeeded = listed(
        client, sb, jobStatus="SUCCEEDED", filters=name_filter("SHARE_IDENTIFIER", "teamA")
    )
    expected = stored(
        sb, lambda j: j.get("shareIdentifier") == "teamA" and j["status"] == "SUCCEEDED"
    )
    assert ids(succeeded) == ids(expected) and expected


@pytest.mark.parametrize(
    "filters",
    [
        [{"name": "JOB_NAME", "values": ["a"]}, {"name": "SHARE_IDENTIFIER", "values": ["teamA"]}],
        [{"name": "JOB_STATUS", "values": ["RUNNING"]}],
        [{"name": "JOB_NAME", "values": ["a", "b"]}],
        [{"name": "AFTER_CREATED_AT", "values": ["2026-01-01"]}],
    ],
    ids=["two-filters", "unknown-name", "two-values", "not-epoch-millis"],
)
def test_bad_filters_are_client_exceptions(sb, client, filters):
    with pytest.raises(ClientError) as excinfo:
        client("batch").list_service_jobs(jobQueue=busiest_queue(sb), filters=filters)
    assert error_code(excinfo) == "ClientException"


def test_a_queue_is_named_by_name_or_arn_and_tokens_work_across_both(sb, client):
    name = busiest_queue(sb)
    arn = sb.data.resources("queue")[name]["jobQueueArn"]
    assert arn == f"arn:aws:batch:us-east-1:123456789012:job-queue/{name}"
    batch = client("batch")
    by_name = batch.list_service_jobs(jobQueue=name, jobStatus="SUCCEEDED", maxResults=3)
    by_arn = batch.list_service_jobs(jobQueue=arn, jobStatus="SUCCEEDED", maxResults=3)
    assert by_name["jobSummaryList"] == by_arn["jobSummaryList"]
    follow = batch.list_service_jobs(
        jobQueue=arn, jobStatus="SUCCEEDED", maxResults=3, nextToken=by_name["nextToken"]
    )
    assert len(follow["jobSummaryList"]) == 3
    assert not set(ids(follow["jobSummaryList"])) & set(ids(by_name["jobSummaryList"]))


@pytest.mark.parametrize(
    "queue", ["no-such-queue", "arn:aws:batch:us-east-1:123456789012:job-queue/nope"]
)
def test_unknown_queue_is_a_client_exception(sb, client, queue):
    with pytest.raises(ClientError) as excinfo:
        client("batch").list_service_jobs(jobQueue=queue)
    assert error_code(excinfo) == "ClientException"
    assert "does not exist" in excinfo.value.response["Error"]["Message"]


def test_missing_queue_is_a_client_exception(sb, client):
    with pytest.raises(ClientError) as excinfo:
        client("batch").list_service_jobs()
    assert error_code(excinfo) == "ClientException"


@pytest.mark.parametrize("size", [0, 101])
def test_max_results_outside_1_to_100_is_a_client_exception(sb, client, size):
    with pytest.raises(ClientError) as excinfo:
        client("batch").list_service_jobs(jobQueue=busiest_queue(sb), maxResults=size)
    assert error_code(excinfo) == "ClientException"


def test_garbage_token_is_a_client_exception(sb, client):
    with pytest.raises(ClientError) as excinfo:
        client("batch").list_service_jobs(jobQueue=busiest_queue(sb), nextToken="abc")
    assert error_code(excinfo) == "ClientException"


def test_items_carry_epoch_millis_and_the_models_newer_members(sb, client):
    name = stored(sb, lambda j: j["status"] == "SUCCEEDED")[0]["jobName"]
    (job,) = listed(client, sb, filters=name_filter("JOB_NAME", name))
    assert isinstance(job["createdAt"], int) and job["createdAt"] > 1_700_000_000_000
    assert job["isTerminated"] is True
    assert job["latestAttempt"]["serviceResourceId"]["name"] == "TrainingJobArn"
    assert job["stoppedAt"] > job["startedAt"] > job["createdAt"]


def test_describe_job_queues_lists_names_and_arns_and_filters_by_either(sb, client):
    batch = client("batch")
    queues = walk(batch, "describe_job_queues", "jobQueues", PaginationConfig={"PageSize": 1})
    every_type = sb.parents()["batch"] + sb.parents()["batch-jobs"]
    assert sorted(q["jobQueueName"] for q in queues) == sorted(every_type)
    assert len(sb.requests) == 6
    first, second = queues[0], queues[1]
    picked = batch.describe_job_queues(
        jobQueues=[first["jobQueueName"], second["jobQueueArn"], "nope"]
    )
    assert sorted(q["jobQueueName"] for q in picked["jobQueues"]) == sorted(
        [first["jobQueueName"], second["jobQueueName"]]
    )
