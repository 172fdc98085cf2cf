"""Batch ListJobs (ECS, Fargate and EKS queues; array children; multi-node nodes) through
boto3, as botocore's model documents it, and the queue types DescribeJobQueues reports."""

from __future__ import annotations

import pytest
from boto_helpers import error_code, make_client, walk
from botocore.exceptions import ClientError

from jobctl import model
from jobctl.sandbox import DataError, Sandbox

STATUSES = model.enum_values("batch", "ListJobs", "jobStatus")
CONTAINER_TYPES = {"ECS", "ECS_FARGATE", "EKS", "ECS_MANAGED_INSTANCES"}


def busiest_queue(sb):
    return sb.parents()["batch-jobs"][0]


def stored(sb, predicate=lambda j: True, queue=None):
    jobs = sb.data.jobs("batch-jobs", parent=queue or busiest_queue(sb))
    return [j for j in jobs if predicate(j)]


def ids(jobs):
    return sorted(j["jobId"] for j in jobs)


def listed(client, sb, **kwargs):
    if not any(k in kwargs for k in ("arrayJobId", "multiNodeJobId")):
        kwargs.setdefault("jobQueue", busiest_queue(sb))
    return walk(client("batch"), "list_jobs", "jobSummaryList", **kwargs)


def one(name, value):
    return [{"name": name, "values": [value]}]


def definition_name(job):
    return job["jobDefinition"].rsplit("/", 1)[1].rsplit(":", 1)[0]


def test_describe_job_queues_reports_every_queues_type(sb, client):
    queues = walk(client("batch"), "describe_job_queues", "jobQueues")
    types = {q["jobQueueName"]: q["jobQueueType"] for q in queues}
    assert types == {
        "ml-training-high": "SAGEMAKER_TRAINING",
        "ml-training-default": "SAGEMAKER_TRAINING",
        "ml-experiments-spot": "SAGEMAKER_TRAINING",
        "etl-nightly": "ECS",
        "web-thumbnails": "ECS_FARGATE",
        "eks-inference": "EKS",
    }
    for queue in queues:
        if queue["jobQueueType"] == "SAGEMAKER_TRAINING":
            assert queue["serviceEnvironmentOrder"] and not queue["computeEnvironmentOrder"]
        else:
            (order,) = queue["computeEnvironmentOrder"]
            assert ":compute-environment/" in order["computeEnvironment"]
    assert sb.parents()["batch-jobs"] == ["etl-nightly", "web-thumbnails", "eks-inference"]


def test_the_busiest_queue_holds_every_status_of_the_model(sb):
    assert {j["status"] for j in stored(sb)} == set(STATUSES)


def test_jobs_look_like_container_jobs(sb):
    jobs = [j for q in sb.parents()["batch-jobs"] for j in stored(sb, queue=q)]
    revisions = {j["jobDefinition"].rsplit(":", 1)[1] for j in jobs}
    assert all(r.isdigit() for r in revisions) and len(revisions) > 3
    failed = [j for j in jobs if j["status"] == "FAILED" and "arrayProperties" not in j]
    assert {j["statusReason"] for j in failed} >= {"Essential container in task exited"}
    codes = {j["container"]["exitCode"] for j in failed if "exitCode" in j.get("container", {})}
    assert codes and 0 not in codes
    succeeded = [j for j in jobs if j["status"] == "SUCCEEDED" and "arrayProperties" not in j]
    assert {j["container"]["exitCode"] for j in succeeded} == {0}
    assert all(j["stoppedAt"] >= j["startedAt"] >= j["createdAt"] for j in succeeded)
    arrays = [j for j in jobs if "arrayProperties" in j]
    assert len(arrays) >= 3 and {j["status"] for j in arrays} >= {"SUCCEEDED", "FAILED", "PENDING"}
    (multi,) = [j for j in jobs if "nodeProperties" in j]
    assert multi["nodeProperties"] == {"numNodes": 4}


def test_without_status_or_filter_only_running_jobs_are_listed(sb, client):
    jobs = listed(client, sb)
    assert jobs and ids(jobs) == ids(stored(sb, lambda j: j["status"] == "RUNNING"))


@pytest.mark.parametrize("status", STATUSES)
def test_each_job_status(sb, client, status):
    jobs = listed(client, sb, jobStatus=status, PaginationConfig={"PageSize": 3})
    expected = stored(sb, lambda j: j["status"] == status)
    assert expected and ids(jobs) == ids(expected)
    created = [j["createdAt"] for j in jobs]
    assert created == sorted(created, reverse=True)  # newest first


def test_job_name_filter_is_case_insensitive_and_takes_a_prefix(sb, client):
    name = stored(sb)[0]["jobName"]
    assert [j["jobName"] for j in listed(client, sb, filters=one("JOB_NAME", name.upper()))] == [
        name
    ]
    jobs = listed(client, sb, filters=one("JOB_NAME", "ETL-EXTRACT*"))
    expected = stored(sb, lambda j: j["jobName"].lower().startswith("etl-extract"))
    assert expected and ids(jobs) == ids(expected)
    assert len({j["status"] for j in jobs}) > 1  # a filter lists every status


def test_job_definition_filter_by_name_prefix_and_arn(sb, client):
    job = stored(sb, lambda j: j["jobName"].startswith("etl-transform"))[0]
    name = definition_name(job)
    by_name = listed(client, sb, filters=one("JOB_DEFINITION", name))
    assert ids(by_name) == ids(stored(sb, lambda j: definition_name(j) == name))
    by_prefix = listed(client, sb, filters=one("JOB_DEFINITION", "etl-*"))
    assert ids(by_prefix) == ids(stored(sb, lambda j: definition_name(j).startswith("etl-")))
    assert len(by_prefix) > len(by_name)
    by_arn = listed(client, sb, filters=one("JOB_DEFINITION", job["jobDefinition"]))
    assert ids(by_arn) == ids(stored(sb, lambda j: j["jobDefinition"] == job["jobDefinition"]))
    other_revision = job["jobDefinition"].rsplit(":", 1)[0] + ":999"
    assert listed(client, sb, filters=one("JOB_DEFINITION", other_revision)) == []
    assert listed(client, sb, filters=one("JOB_DEFINITION", name.upper())) == []  # case-sensitive
    with pytest.raises(ClientError) as excinfo:
        client("batch").list_jobs(
            jobQueue=busiest_queue(sb), filters=one("JOB_DEFINITION", job["jobDefinition"] + "*")
        )
    assert error_code(excinfo) == "ClientException"


def test_created_at_filters_are_strict_bounds_in_epoch_millis(sb, client):
    jobs = stored(sb)
    middle = sorted(j["createdAt"] for j in jobs)[len(jobs) // 2]
    before = listed(client, sb, filters=one("BEFORE_CREATED_AT", str(middle)))
    after = listed(client, sb, filters=one("AFTER_CREATED_AT", str(middle)))
    assert ids(before) == ids([j for j in jobs if j["createdAt"] < middle])
    assert ids(after) == ids([j for j in jobs if j["createdAt"] > middle])
    assert len(before) + len(after) == len(jobs) - 1


def test_filters_other_than_share_identifier_ignore_job_status(sb, client):
    name = stored(sb, lambda j: j["status"] == "SUCCEEDED")[0]["jobName"]
    jobs = listed(client, sb, jobStatus="FAILED", filters=one("JOB_NAME", name))
    assert [j["status"] for j in jobs] == ["SUCCEEDED"]


def test_share_identifier_alone_lists_every_status_and_combines_with_job_status(sb, client):
    share = next(j["shareIdentifier"] for j in stored(sb) if j.get("shareIdentifier"))
    everything = listed(client, sb, filters=one("SHARE_IDENTIFIER", share))
    assert ids(everything) == ids(stored(sb, lambda j: j.get("shareIdentifier") == share))
    assert len({j["status"] for j in everything}) > 1
    running = listed(client, sb, jobStatus="SUCCEEDED", filters=one("SHARE_IDENTIFIER", share))
    expected = stored(
        sb, lambda j: j.get("shareIdentifier") == share and j["status"] == "SUCCEEDED"
    )
    assert expected and ids(running) == ids(expected)


@pytest.mark.parametrize(
    "filters",
    [
        one("JOB_NAME", "a") + one("SHARE_IDENTIFIER", "analytics"),
        one("QUOTA_SHARE_NAME", "q"),  # ListServiceJobs's, not ListJobs's
        [{"name": "JOB_NAME", "values": ["a", "b"]}],
        one("AFTER_CREATED_AT", "yesterday"),
    ],
    ids=["two-filters", "service-jobs-filter", "two-values", "not-epoch-millis"],
)
def test_bad_filters_are_client_exceptions(sb, client, filters):
    with pytest.raises(ClientError) as excinfo:
        client("batch").list_jobs(jobQueue=busiest_queue(sb), filters=filters)
    assert error_code(excinfo) == "ClientException"


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"jobQueue": "etl-nightly", "arrayJobId": "x"},
        {"arrayJobId": "x", "multiNodeJobId": "y"},
    ],
    ids=["none", "queue-and-array", "array-and-nodes"],
)
def test_exactly_one_of_queue_array_and_multi_node(sb, client, kwargs):
    with pytest.raises(ClientError) as excinfo:
        client("batch").list_jobs(**kwargs)
    assert error_code(excinfo) == "ClientException"
    assert "exactly one of jobQueue, arrayJobId or multiNodeJobId" in str(excinfo.value)


@pytest.mark.parametrize("size", [0, 1001])
def test_max_results_outside_1_to_1000_is_a_client_exception(sb, client, size):
    with pytest.raises(ClientError) as excinfo:
        client("batch").list_jobs(jobQueue=busiest_queue(sb), maxResults=size)
    assert error_code(excinfo) == "ClientException"


def test_pages_hold_up_to_1000_with_a_status_and_100_with_a_filter(sb, client):
    batch = client("batch")
    queue = busiest_queue(sb)
    succeeded = stored(sb, lambda j: j["status"] == "SUCCEEDED")
    assert len(succeeded) > 100
    page = batch.list_jobs(jobQueue=queue, jobStatus="SUCCEEDED", maxResults=1000)
    assert len(page["jobSummaryList"]) == len(succeeded) and "nextToken" not in page
    filtered = batch.list_jobs(
        jobQueue=queue, filters=one("AFTER_CREATED_AT", "0"), maxResults=1000
    )
    assert len(filtered["jobSummaryList"]) == 100 and filtered["nextToken"]
    every = listed(client, sb, filters=one("AFTER_CREATED_AT", "0"))
    assert ids(every) == ids(stored(sb))


def test_a_queue_of_another_type_lists_none_of_these_jobs(sb, client):
    batch = client("batch")
    assert (
        batch.list_jobs(jobQueue="ml-training-high", jobStatus="SUCCEEDED")["jobSummaryList"] == []
    )
    service_jobs = batch.list_service_jobs(jobQueue="etl-nightly", jobStatus="SUCCEEDED")
    assert service_jobs["jobSummaryList"] == []
    with pytest.raises(ClientError, match="does not exist"):
        batch.list_jobs(jobQueue="no-such-queue")


# -- array children and multi-node nodes ----------------------------------------------------


def array_jobs(sb, status=None):
    return [
        j
        for q in sb.parents()["batch-jobs"]
        for j in stored(sb, queue=q)
        if "children" in j and "arrayProperties" in j and status in (None, j["status"])
    ]


def test_array_children_by_status_match_the_status_summary(sb, client):
    (pending,) = array_jobs(sb, "PENDING")
    summary = pending["arrayProperties"]["statusSummary"]
    assert set(summary) == set(STATUSES)
    assert sum(summary.values()) == pending["arrayProperties"]["size"] == len(pending["children"])
    assert summary["RUNNING"] > 0
    seen = []
    for status in STATUSES:
        children = listed(client, sb, arrayJobId=pending["jobId"], jobStatus=status)
        assert len(children) == summary[status], status
        seen += children
    assert sorted(c["arrayProperties"]["index"] for c in seen) == list(range(len(seen)))
    assert {c["jobId"] for c in seen} == {f"{pending['jobId']}:{i}" for i in range(len(seen))}
    assert {c["jobName"] for c in seen} == {pending["jobName"]}
    # Without a status, RUNNING children only, in index order.
    running = listed(client, sb, arrayJobId=pending["jobId"])
    assert [c["status"] for c in running] == ["RUNNING"] * summary["RUNNING"]
    indexes = [c["arrayProperties"]["index"] for c in running]
    assert indexes == sorted(indexes)


def test_filters_do_not_apply_to_children(sb, client):
    (failed,) = [j for j in array_jobs(sb, "FAILED")][:1]
    everything = listed(client, sb, arrayJobId=failed["jobId"], jobStatus="SUCCEEDED")
    with_filter = listed(
        client,
        sb,
        arrayJobId=failed["jobId"],
        jobStatus="SUCCEEDED",
        filters=one("JOB_NAME", "matches-nothing"),
    )
    assert everything and with_filter == everything


def test_multi_node_nodes(sb, client):
    (multi,) = [j for j in stored(sb) if "nodeProperties" in j]
    nodes = listed(client, sb, multiNodeJobId=multi["jobId"])
    assert [n["jobId"] for n in nodes] == [f"{multi['jobId']}#{i}" for i in range(4)]
    assert [n["nodeProperties"]["isMainNode"] for n in nodes] == [True, False, False, False]
    # An array job is no multi-node job, a multi-node job no array job; unknown IDs list nothing.
    assert listed(client, sb, arrayJobId=multi["jobId"]) == []
    assert (
        listed(client, sb, multiNodeJobId=array_jobs(sb)[0]["jobId"], jobStatus="SUCCEEDED") == []
    )
    assert listed(client, sb, arrayJobId="no-such-job") == []


# -- data ---------------------------------------------------------------------------------


def test_data_file_queues_carry_their_type_and_jobs_their_shape(tmp_path):
    import json

    path = tmp_path / "data.json"
    job = {
        "jobId": "c1",
        "jobName": "etl",
        "status": "RUNNING",
        "createdAt": "2026-11-20T10:00:00Z",
    }
    container = {
        **job,
        "jobDefinition": "arn:aws:batch:us-east-1:123456789012:job-definition/etl:3",
    }
    path.write_text(
        json.dumps(
            {
                "batch": {
                    "queues": [
                        {"jobQueueName": "cpu", "jobQueueType": "ECS_FARGATE", "jobs": [container]},
                        {"jobQueueName": "ml", "jobs": [{**job, "jobId": "s1"}]},
                    ]
                }
            }
        )
    )
    with Sandbox(data_file=path) as sb:
        batch = make_client(sb, "batch")
        (listed_job,) = batch.list_jobs(jobQueue="cpu")["jobSummaryList"]
        assert listed_job["jobDefinition"].endswith("job-definition/etl:3")
        assert listed_job["jobArn"] == "arn:aws:batch:us-east-1:123456789012:job/c1"
        (service_job,) = batch.list_service_jobs(jobQueue="ml")["jobSummaryList"]
        assert service_job["serviceJobType"] == "SAGEMAKER_TRAINING"
        types = {
            q["jobQueueName"]: q["jobQueueType"] for q in batch.describe_job_queues()["jobQueues"]
        }
        assert types == {"cpu": "ECS_FARGATE", "ml": "SAGEMAKER_TRAINING"}
    # A service job's member on a container queue's job is an unknown field, and back.
    eks = {"jobQueueName": "cpu", "jobQueueType": "EKS", "jobs": [{**job, "serviceJobType": "X"}]}
    path.write_text(json.dumps({"batch": {"queues": [eks]}}))
    with pytest.raises(DataError, match=r"queues\[0\]\.jobs\[0\]: unknown field 'serviceJobType'"):
        Sandbox(data_file=path)
    path.write_text(
        json.dumps({"batch": {"queues": [{"jobQueueName": "ml", "jobs": [container]}]}})
    )
    with pytest.raises(DataError, match=r"queues\[0\]\.jobs\[0\]: unknown field 'jobDefinition'"):
        Sandbox(data_file=path)


def test_add_job_makes_an_ecs_queue_and_refuses_a_queue_of_the_other_type(fresh):
    job = {"jobId": "n1", "jobName": "n", "status": "RUNNABLE", "createdAt": "2026-11-20T10:00:00Z"}
    added = fresh.data.add_job("batch-jobs", job, parent="new-queue")
    assert added["jobArn"].endswith(":job/n1")
    assert fresh.data.resources("queue")["new-queue"]["jobQueueType"] == "ECS"
    with pytest.raises(DataError, match="ListJobs lists ECS, ECS_FARGATE, EKS"):
        fresh.data.add_job("batch-jobs", {**job, "jobId": "n2"}, parent="ml-training-high")


def test_children_given_in_data_are_completed_and_summarized(fresh):
    parent = {
        "jobId": "arr",
        "jobName": "render",
        "status": "PENDING",
        "createdAt": "2026-11-20T10:00:00Z",
        "children": [{"status": "RUNNING"}, {"status": "SUCCEEDED"}, {"status": "RUNNING"}],
    }
    added = fresh.data.add_job("batch-jobs", parent, parent="etl-nightly")
    assert added["arrayProperties"]["size"] == 3
    assert added["arrayProperties"]["statusSummary"]["RUNNING"] == 2
    client = make_client(fresh, "batch")
    running = client.list_jobs(arrayJobId="arr")["jobSummaryList"]
    assert [c["jobId"] for c in running] == ["arr:0", "arr:2"]
    with pytest.raises(DataError, match=r"job\.children\[0\]: missing required field\(s\) status"):
        fresh.data.add_job("batch-jobs", {**parent, "jobId": "bad", "children": [{}]}, parent="q2")
