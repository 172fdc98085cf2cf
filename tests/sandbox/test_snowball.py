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
    stored = {
        j["JobId"]: j
        for region in ("us-east-1", "us-west-2")  # a US region lists every US region's jobs
        for j in sb.data.jobs("snowball", region=region)
    }
    results = {}
    for name, protocol in PROTOCOLS.items():
        jobs = walk(
            client("snowball", protocol=protocol),
            "list_jobs",
            "JobListEntries",
            PaginationConfig={"PageSize": 40},
        )
        assert len(jobs) == len(stored) == 600
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


# -- the US view: "Calling this API action in one of the US regions will return jobs from the
# list of all jobs associated with this account in all US regions." (botocore's model)


def ids_of(jobs):
    return [j["JobId"] for j in jobs]


def test_every_us_region_lists_the_jobs_of_every_us_region(sb, client):
    east = walk(client("snowball"), "list_jobs", "JobListEntries")
    west = walk(client("snowball", region="us-west-2"), "list_jobs", "JobListEntries")
    empty_us = walk(client("snowball", region="us-east-2"), "list_jobs", "JobListEntries")
    assert ids_of(east) == ids_of(west) == ids_of(empty_us)  # one listing, one order
    stored = {
        region: ids_of(sb.data.jobs("snowball", region=region))
        for region in ("us-east-1", "us-west-2", "eu-west-1")
    }
    assert sorted(ids_of(east)) == sorted(stored["us-east-1"] + stored["us-west-2"])
    created = [j["CreationDate"] for j in east]
    assert created == sorted(created, reverse=True)  # newest first across both regions
    europe = walk(client("snowball", region="eu-west-1"), "list_jobs", "JobListEntries")
    assert sorted(ids_of(europe)) == sorted(stored["eu-west-1"])  # its own only


def test_a_us_token_goes_on_in_another_us_region_but_not_outside(sb, client):
    first = client("snowball").list_jobs(MaxResults=5)
    west = client("snowball", region="us-west-2").list_jobs(
        MaxResults=5, NextToken=first["NextToken"]
    )
    again = client("snowball").list_jobs(MaxResults=5, NextToken=first["NextToken"])
    assert west["JobListEntries"] == again["JobListEntries"]
    with pytest.raises(ClientError) as excinfo:
        client("snowball", region="eu-west-1").list_jobs(NextToken=first["NextToken"])
    assert error_code(excinfo) == "InvalidNextTokenException"


def test_a_job_added_in_one_us_region_is_listed_from_the_others(fresh):
    from boto_helpers import make_client

    fresh.data.add_job(
        "snowball",
        {"JobId": "JID-oregon", "JobState": "New", "CreationDate": "2030-01-01T00:00:00Z"},
        region="us-west-2",
    )
    newest = make_client(fresh, "snowball").list_jobs(MaxResults=1)["JobListEntries"]
    assert ids_of(newest) == ["JID-oregon"]
    assert fresh.data.listed_regions("snowball", "us-east-1") == ("us-east-1", "us-west-2")
    assert fresh.data.listed_regions("snowball", "eu-west-1") == ("eu-west-1",)
    assert fresh.data.listed_regions("iot", "us-east-1") == ("us-east-1",)
