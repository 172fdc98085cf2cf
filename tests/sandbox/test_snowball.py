"""Snowball ListJobs over both protocols its model lists: awsJson 1.1 and rpc-v2-cbor."""

from __future__ import annotations

import pytest
from boto_helpers import error_code, walk
from botocore.exceptions import ClientError

PROTOCOLS = {"json": None, "cbor": "smithy-rpc-v2-cbor"}


@pytest.fixture(params=list(PROTOCOLS))
def snowball(request, client):
    return client("snowball", protocol=PROTOCOLS[request.param], parameter_validation=False)


def test_botocore_picks_json_today_and_the_test_can_force_cbor(client):
    assert client("snowball").meta.service_model.resolved_protocol == "json"
    forced = client("snowball", protocol="smithy-rpc-v2-cbor")
    assert forced.meta.service_model.resolved_protocol == "smithy-rpc-v2-cbor"


def test_both_protocols_walk_every_job_and_agree(sb, client):
    stored = {j["JobId"]: j for j in sb.data.jobs("snowball")}
    results = {}
    for name, protocol in PROTOCOLS.items():
        jobs = walk(
            client("snowball", protocol=protocol),
            "list_jobs",
            "JobListEntries",
            PaginationConfig={"PageSize": 40},
        )
        assert len(jobs) == len(stored) == 300
        assert all(job == stored[job["JobId"]] for job in jobs)
        results[name] = jobs
    assert results["json"] == results["cbor"]
    by_protocol = {r.protocol: r.path for r in sb.requests}
    assert by_protocol == {
        "json": "/",
        "cbor": "/service/AWSIESnowballJobManagementService/operation/ListJobs",
    }


def test_every_job_state_of_the_model_is_served(sb, client):
    jobs = walk(client("snowball"), "list_jobs", "JobListEntries")
    model = client("snowball").meta.service_model.shape_for("JobState").enum
    assert {j["JobState"] for j in jobs} == set(model)


def test_garbage_token_is_invalid_next_token(snowball):
    with pytest.raises(ClientError) as excinfo:
        snowball.list_jobs(NextToken="not-a-token")
    assert error_code(excinfo) == "InvalidNextTokenException"


def test_max_results_above_100_is_a_validation_error(snowball):
    with pytest.raises(ClientError) as excinfo:
        snowball.list_jobs(MaxResults=101)
    assert error_code(excinfo) == "ValidationException"
    assert "less than or equal to 100" in excinfo.value.response["Error"]["Message"]


def test_max_results_zero_is_the_default_page_of_50(snowball):
    page = snowball.list_jobs(MaxResults=0)
    assert len(page["JobListEntries"]) == 50
    assert page["NextToken"]


def test_tokens_are_interchangeable_between_the_protocols(client):
    json_client = client("snowball")
    cbor_client = client("snowball", protocol="smithy-rpc-v2-cbor")
    first = json_client.list_jobs(MaxResults=3)
    via_cbor = cbor_client.list_jobs(MaxResults=3, NextToken=first["NextToken"])
    via_json = json_client.list_jobs(MaxResults=3, NextToken=first["NextToken"])
    assert via_cbor["JobListEntries"] == via_json["JobListEntries"]
    assert via_cbor["NextToken"] == via_json["NextToken"]
