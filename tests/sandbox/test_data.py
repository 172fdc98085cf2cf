"""The data the sandbox serves: demo data, the JSON data file, and changes at runtime."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from boto_helpers import make_client, walk

from jobctl.sandbox import DataError, Sandbox, SandboxData, catalog, datafile, models, records
from jobctl.sandbox.clock import DEMO_ANCHOR

SERVICES = [service.name for service in catalog.services() if service.demo]

EXAMPLE = Path(__file__).parents[2] / "examples" / "sandbox-data.json"
# The AmplifyBackend statuses docs/reference.md maps, which the demo data must spell in mixed case.
BACKEND_STATUSES = {
    "PENDING", "CREATED", "QUEUED", "IN_PROGRESS", "RUNNING", "COMPLETED", "SUCCEEDED",
    "SUCCESS", "FAILED", "CANCELLED", "CANCELED",
}  # fmt: skip


def model_statuses(service: str) -> set[str]:
    spec = catalog.service(service)
    shape = records.job_shape(spec).members[spec.status_member]
    return set(models.enum_values(shape))


# -- demo data ---------------------------------------------------------------------------


def test_demo_data_is_identical_on_every_run():
    one, two = SandboxData(anchor=DEMO_ANCHOR), SandboxData(anchor=DEMO_ANCHOR)
    from jobctl.sandbox import demo

    demo.populate(one, "us-east-1", 50)
    demo.populate(two, "us-east-1", 50)
    for service in SERVICES:
        assert one.jobs(service) == two.jobs(service)
        assert len(one.jobs(service)) == 50
    assert one.parents() == two.parents()


@pytest.mark.parametrize("service", ["amplify", "iot", "batch", "snowball"])
def test_demo_data_covers_every_status_in_the_model(shared, service):
    served = {j[catalog.service(service).status_member] for j in shared.data.jobs(service)}
    assert served == model_statuses(service)


def test_the_busiest_parent_alone_shows_every_status(shared):
    parent = shared.parents()["batch"][0]
    served = {j["status"] for j in shared.data.jobs("batch", parent=parent)}
    assert served == model_statuses("batch")


def test_demo_backend_statuses_are_free_text_in_mixed_case(shared):
    statuses = {j["Status"] for j in shared.data.jobs("amplify-backend")}
    assert {s.upper() for s in statuses} == BACKEND_STATUSES
    assert any(s.islower() for s in statuses) and any(s.isupper() for s in statuses)
    assert any(s[0].isupper() and s[1:].islower() for s in statuses)
    times = {j["CreateTime"] for j in shared.data.jobs("amplify-backend")}
    assert any(t.isdigit() for t in times) and any(t.endswith("Z") for t in times)


def test_demo_data_looks_like_a_real_account(shared):
    parents = shared.parents()
    apps = {a for a, _ in parents["amplify"]}
    assert len(apps) == 3 and all(re.fullmatch(r"d[a-z0-9]{13}", a) for a in apps)
    assert len(parents["amplify"]) >= 6
    messages = [j["commitMessage"] for j in shared.data.jobs("amplify")]
    assert any("\n\n" in m for m in messages)
    queues = shared.data.resources("queue")
    assert len(queues) == 6 and all(":job-queue/" in q["jobQueueArn"] for q in queues.values())
    assert {q["jobQueueType"] for q in queues.values()} == {
        "SAGEMAKER_TRAINING", "ECS", "ECS_FARGATE", "EKS"
    }  # fmt: skip
    iot = shared.data.jobs("iot")
    assert {j["targetSelection"] for j in iot} == {"CONTINUOUS", "SNAPSHOT"}
    assert {j.get("namespaceId") for j in iot} == {None, "greengrass", "ota-team"}
    assert len({j.get("thingGroupName") for j in iot}) == 5  # four groups, and none


def test_jobs_per_service_applies_to_every_demo_region():
    sb = Sandbox(jobs_per_service=12, regions=("us-east-1", "eu-central-1"))
    for region in ("us-east-1", "eu-central-1"):
        for service in SERVICES:
            assert len(sb.data.jobs(service, region=region)) == 12
    assert sb.data.regions() == ["us-east-1", "eu-central-1"]


# -- the data file -----------------------------------------------------------------------


def test_the_example_file_is_served(tmp_path):
    with Sandbox(data_file=EXAMPLE) as sb:
        app_id, branch = "d2x7k4lq9wz1pe", "main"
        jobs = walk(
            make_client(sb, "amplify"), "list_jobs", "jobSummaries", appId=app_id, branchName=branch
        )
        assert [j["jobId"] for j in jobs] == ["42", "41", "40"]
        assert jobs[0]["startTime"] == datetime(2026, 11, 20, 11, tzinfo=timezone.utc)
        assert jobs[0]["jobArn"].endswith(f":apps/{app_id}/branches/main/jobs/42")
        batch = make_client(sb, "batch").list_service_jobs(
            jobQueue="ml-training-high", filters=[{"name": "JOB_NAME", "values": ["*"]}]
        )["jobSummaryList"]
        # ISO 8601 and epoch-millisecond createdAt values both arrive as epoch ms, newest first.
        assert [(j["jobName"], j["createdAt"]) for j in batch] == [
            ("bert-base-pretrain-0007", 1795169400000),
            ("resnet50-finetune-0042", 1795165200000),
            ("ResNet50-eval-0041", 1795118400000),
        ]
        etl = make_client(sb, "batch").list_jobs(
            jobQueue="etl-nightly", filters=[{"name": "AFTER_CREATED_AT", "values": ["0"]}]
        )["jobSummaryList"]
        assert [j["jobName"] for j in etl] == [
            "etl-extract-orders-0318",
            "cfd-mpi-0012",
            "etl-load-invoices-0317",
        ]
        assert etl[0]["arrayProperties"]["statusSummary"]["RUNNING"] == 1
        array_id = etl[0]["jobId"]
        running = make_client(sb, "batch").list_jobs(arrayJobId=array_id)["jobSummaryList"]
        assert [j["jobId"] for j in running] == [f"{array_id}:1"]
        nodes = make_client(sb, "batch").list_jobs(multiNodeJobId=etl[1]["jobId"])
        assert [n["nodeProperties"]["isMainNode"] for n in nodes["jobSummaryList"]] == [True, False]
        iot = make_client(sb, "iot").list_jobs(thingGroupName="thermostats-gen2")["jobs"]
        assert [j["jobId"] for j in iot] == ["rotate-device-certs-2026-11"]
        west = make_client(sb, "snowball", region="eu-west-1").list_jobs()["JobListEntries"]
        assert [j["JobState"] for j in west] == ["WithCustomer"]
        assert sb.data.jobs("amplify", region="us-west-2") == []  # no demo data alongside


def test_service_sections_at_the_top_level_fill_the_default_region(tmp_path):
    path = tmp_path / "data.json"
    path.write_text(
        json.dumps(
            {"iot": {"jobs": [{"jobId": "j1", "status": "SCHEDULED", "createdAt": "2026-01-01"}]}}
        )
    )
    sb = Sandbox(data_file=path, region="eu-west-1")
    assert [j["jobId"] for j in sb.data.jobs("iot", region="eu-west-1")] == ["j1"]
    assert sb.data.jobs("iot", region="eu-west-1")[0]["createdAt"] == datetime(
        2026, 1, 1, tzinfo=timezone.utc
    )


def iot_file(job: dict) -> dict:
    return {"regions": {"us-east-1": {"iot": {"jobs": [job]}}}}


GOOD_IOT = {"jobId": "j1", "status": "SCHEDULED", "createdAt": "2026-01-01T00:00:00Z"}


def in_region(service: str, section: dict) -> dict:
    return {"regions": {"us-east-1": {service: section}}}


def batch_file(queue: dict) -> dict:
    return in_region("batch", {"queues": [queue]})


BAD_BATCH_JOB = {"jobId": "a", "jobName": "n", "status": "RUNNING", "createdAt": "soon"}
INVALID_FILES = [
    pytest.param("{not json", r"not valid JSON: .* \(line 1, column 2\)", id="not-json"),
    pytest.param("[]", r"top level: expected an object, got list", id="not-an-object"),
    pytest.param(
        {"regions": {"us-east-1": {"s3": {}}}},
        r"regions\.us-east-1: unknown key\(s\) s3; "
        r"expected amplify, amplify-backend, batch, iot, snowball",
        id="unknown-service",
    ),
    pytest.param(
        {"regions": {"mars-1": {}}}, r"regions\.mars-1: 'mars-1' is not a region", id="bad-region"
    ),
    pytest.param(
        iot_file({**GOOD_IOT, "colour": "red"}),
        r"regions\.us-east-1\.iot\.jobs\[0\]: unknown field 'colour'; valid fields: jobArn,",
        id="unknown-field",
    ),
    pytest.param(
        iot_file({**GOOD_IOT, "isConcurrent": "yes"}),
        r"iot\.jobs\[0\]\.isConcurrent: expected true or false, got a string",
        id="wrong-type",
    ),
    pytest.param(
        iot_file({**GOOD_IOT, "createdAt": "last tuesday"}),
        r"iot\.jobs\[0\]\.createdAt: 'last tuesday' is not an ISO 8601 time",
        id="bad-time",
    ),
    pytest.param(
        iot_file({"jobId": "j1", "status": "SCHEDULED"}),
        r"iot\.jobs\[0\]: missing required field\(s\) createdAt",
        id="missing-required",
    ),
    pytest.param(
        iot_file({**GOOD_IOT, "thingGroupName": 7}),
        r"iot\.jobs\[0\]\.thingGroupName: expected a string, got int",
        id="bad-meta",
    ),
    pytest.param(
        in_region("amplify", {"apps": [{"appId": "MyApp"}]}),
        r"amplify\.apps\[0\]\.appId: expected an Amplify app ID like d1a2b3c4d5e6f7, got 'MyApp'",
        id="bad-app-id",
    ),
    pytest.param(
        batch_file({"jobQueueName": "q", "jobs": [BAD_BATCH_JOB]}),
        r"batch\.queues\[0\]\.jobs\[0\]\.createdAt: expected an integer or ISO 8601 time",
        id="bad-batch-time",
    ),
    pytest.param(
        batch_file({"jobs": []}),
        r"batch\.queues\[0\]: missing required field\(s\) jobQueueName",
        id="queue-name",
    ),
    pytest.param(
        in_region("iot", {"jobs": [GOOD_IOT, GOOD_IOT]}),
        r"iot\.jobs\[1\]: iot job 'j1' already exists",
        id="duplicate",
    ),
]


@pytest.mark.parametrize(("content", "message"), INVALID_FILES)
def test_invalid_files_fail_with_the_path_of_the_bad_value(tmp_path, content, message):
    path = tmp_path / "data.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    with pytest.raises(DataError, match=message) as excinfo:
        Sandbox(data_file=path)
    assert str(excinfo.value).startswith(f"{path}: ")


def test_a_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="cannot read"):
        Sandbox(data_file=tmp_path / "nope.json")


def test_loading_does_not_modify_the_callers_document():
    document = json.loads(EXAMPLE.read_text())
    before = json.dumps(document, sort_keys=True)
    datafile.load_document(document, SandboxData())
    assert json.dumps(document, sort_keys=True) == before


# -- changing data at runtime ------------------------------------------------------------


def test_update_job_is_seen_by_the_next_request(fresh):
    batch = make_client(fresh, "batch")
    queue = fresh.parents()["batch"][0]
    running = batch.list_service_jobs(jobQueue=queue)["jobSummaryList"]
    job_id = running[0]["jobId"]
    stopped = datetime(2026, 11, 21, tzinfo=timezone.utc)
    updated = fresh.data.update_job("batch", job_id, status="SUCCEEDED", stoppedAt=stopped)
    assert updated["stoppedAt"] == 1795219200000  # a datetime becomes Batch's epoch ms
    after = batch.list_service_jobs(jobQueue=queue)["jobSummaryList"]
    assert job_id not in {j["jobId"] for j in after}
    succeeded = walk(
        batch, "list_service_jobs", "jobSummaryList", jobQueue=queue, jobStatus="SUCCEEDED"
    )
    (served,) = [j for j in succeeded if j["jobId"] == job_id]
    assert served["stoppedAt"] == 1795219200000
    assert fresh.data.get_job("batch", job_id)["status"] == "SUCCEEDED"


def test_update_job_can_remove_a_member_and_set_unknown_statuses(fresh):
    job = fresh.data.jobs("snowball")[0]
    fresh.data.update_job("snowball", job["JobId"], JobState="Teleporting", Description=None)
    (served,) = [
        j
        for j in make_client(fresh, "snowball").list_jobs(MaxResults=100)["JobListEntries"]
        if j["JobId"] == job["JobId"]
    ]
    assert served["JobState"] == "Teleporting"
    assert "Description" not in served


def test_update_job_rejects_unknown_fields_and_id_changes(fresh):
    job_id = fresh.data.jobs("iot")[0]["jobId"]
    with pytest.raises(DataError, match="unknown field 'state'"):
        fresh.data.update_job("iot", job_id, state="done")
    with pytest.raises(DataError, match="cannot change jobId"):
        fresh.data.update_job("iot", job_id, jobId="other")
    with pytest.raises(KeyError, match="no iot job 'nope'"):
        fresh.data.update_job("iot", "nope", status="COMPLETED")


def test_an_id_found_under_two_parents_asks_for_the_parent(fresh):
    # Amplify job IDs count per branch, so "0000000001" exists on every branch.
    with pytest.raises(LookupError, match="pass parent="):
        fresh.data.update_job("amplify", "0000000001", status="FAILED")
    parent = fresh.parents()["amplify"][0]
    job = fresh.data.update_job("amplify", "0000000001", parent=parent, status="FAILED")
    assert job["status"] == "FAILED"


def test_add_job_creates_missing_parents_and_remove_job_takes_it_away(fresh):
    amplify = make_client(fresh, "amplify")
    added = fresh.data.add_job(
        "amplify",
        {"jobId": "1", "status": "PENDING", "startTime": "2026-11-22T08:00:00Z"},
        parent=("dnewapp1", "main"),
    )
    assert added["jobArn"].endswith("apps/dnewapp1/branches/main/jobs/1")
    assert "dnewapp1" in {a["appId"] for a in amplify.list_apps()["apps"]}
    jobs = amplify.list_jobs(appId="dnewapp1", branchName="main")["jobSummaries"]
    assert [j["jobId"] for j in jobs] == ["1"]
    fresh.data.remove_job("amplify", "1", parent=("dnewapp1", "main"))
    assert amplify.list_jobs(appId="dnewapp1", branchName="main")["jobSummaries"] == []


def test_add_job_in_another_region_and_with_iot_metadata(fresh):
    fresh.data.add_job(
        "iot",
        {"jobId": "ap-job", "status": "IN_PROGRESS", "createdAt": datetime.now(timezone.utc),
         "thingGroupName": "new-group", "namespaceId": "ns1"},
        region="ap-south-1",
    )  # fmt: skip
    iot = make_client(fresh, "iot", region="ap-south-1")
    assert [j["jobId"] for j in iot.list_jobs(thingGroupName="new-group")["jobs"]] == ["ap-job"]
    assert [j["jobId"] for j in iot.list_jobs(namespaceId="ns1")["jobs"]] == ["ap-job"]
    with pytest.raises(DataError, match="already exists"):
        fresh.data.add_job(
            "iot",
            {"jobId": "ap-job", "status": "X", "createdAt": "2026-01-01"},
            region="ap-south-1",
        )


@pytest.mark.parametrize("create_time", ["1e400", "9" * 30, "not a time"])
def test_backend_times_no_client_can_read_are_still_served(tmp_path, create_time):
    # AmplifyBackend times are free text: the sandbox serves them as given (jobctl's own
    # normalizer turns them into null) instead of failing every request.
    path = tmp_path / "data.json"
    env = {"environmentName": "dev", "jobs": [
        {"JobId": "b1", "Operation": "CreateBackend", "Status": "COMPLETED",
         "CreateTime": create_time},
        {"JobId": "b2", "Operation": "UpdateBackend", "Status": "FAILED",
         "CreateTime": "1795165200"},
    ]}  # fmt: skip
    path.write_text(
        json.dumps({"amplify-backend": {"apps": [{"appId": "dabc123", "environments": [env]}]}})
    )
    with Sandbox(data_file=path) as sb:
        jobs = walk(
            make_client(sb, "amplifybackend"),
            "list_backend_jobs",
            "Jobs",
            AppId="dabc123",
            BackendEnvironmentName="dev",
        )
    assert {job["JobId"]: job["CreateTime"] for job in jobs} == {
        "b1": create_time,
        "b2": "1795165200",
    }
