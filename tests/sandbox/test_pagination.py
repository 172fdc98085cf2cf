"""Pagination across all five services: complete walks, bound tokens, stable order, regions."""

from __future__ import annotations

import pytest
from boto_helpers import SERVICES, error_code, listing, make_client, walk
from botocore.exceptions import ClientError

from jobctl.sandbox import Sandbox, catalog


@pytest.mark.parametrize("service", SERVICES)
def test_small_pages_walk_every_job_exactly_once(sb, service):
    case = listing(sb, service)
    client = make_client(sb, case["client"])
    jobs = walk(
        client,
        case["operation"],
        case["result"],
        **case["kwargs"],
        PaginationConfig={"PageSize": 7},
    )
    seen = [j[case["id"]] for j in jobs]
    assert len(seen) == len(set(seen)) == len(case["expected"]) > 7
    assert sorted(seen) == sorted(j[case["id"]] for j in case["expected"])


@pytest.mark.parametrize("service", SERVICES)
def test_a_token_replayed_in_another_region_is_rejected(sb, service):
    case = listing(sb, service)
    east = make_client(sb, case["client"])
    page = getattr(east, case["operation"])(**case["kwargs"], **{case["limit"]: 2})
    # Snowball's US regions are one listing: its other region is outside the US.
    other = "eu-west-1" if service == "snowball" else "us-west-2"
    west = make_client(sb, case["client"], region=other)
    west_case = listing(sb, service, other)
    with pytest.raises(ClientError) as excinfo:
        getattr(west, case["operation"])(
            **west_case["kwargs"], **{case["token"]: page[case["token"]]}
        )
    assert error_code(excinfo) == catalog.service(service).errors.token


def test_a_token_from_another_service_is_rejected(sb):
    iot_token = make_client(sb, "iot").list_jobs(maxResults=1)["nextToken"]
    with pytest.raises(ClientError) as excinfo:
        make_client(sb, "snowball").list_jobs(NextToken=iot_token)
    assert error_code(excinfo) == "InvalidNextTokenException"


def test_tokens_survive_a_restart_of_the_sandbox(sb):
    """jobctl prints resume tokens that wrap these; a new --sandbox run must accept them."""
    first = make_client(sb, "iot").list_jobs(maxResults=5)
    with Sandbox() as again:
        resumed = make_client(again, "iot").list_jobs(maxResults=5, nextToken=first["nextToken"])
    expected = make_client(sb, "iot").list_jobs(maxResults=5, nextToken=first["nextToken"])
    assert resumed["jobs"] == expected["jobs"]


def test_jobs_added_or_removed_between_pages_neither_repeat_nor_skip_the_rest(fresh):
    iot = make_client(fresh, "iot")
    first = iot.list_jobs(maxResults=10)
    seen = [j["jobId"] for j in first["jobs"]]
    newest = max(j["createdAt"] for j in fresh.data.jobs("iot"))
    fresh.data.add_job("iot", {"jobId": "brand-new", "status": "SCHEDULED", "createdAt": newest})
    removed = fresh.data.remove_job("iot", seen[3])["jobId"]
    rest = walk(iot, "list_jobs", "jobs", PaginationConfig={"StartingToken": first["nextToken"]})
    later = [j["jobId"] for j in rest]
    assert "brand-new" not in later  # it sorts before the resume point
    assert removed not in later
    everything = {j["jobId"] for j in fresh.data.jobs("iot")} - {"brand-new"}
    assert set(seen) | set(later) == everything | {removed}
    assert len(seen) + len(later) == len(set(seen) | set(later))


def test_each_region_has_its_own_data(sb):
    east, west = sb.parents("us-east-1"), sb.parents("eu-west-1")
    assert {a for a, _ in east["amplify"]}.isdisjoint({a for a, _ in west["amplify"]})
    app_id, branch = west["amplify"][0]
    east_client = make_client(sb, "amplify")
    west_client = make_client(sb, "amplify", region="eu-west-1")
    jobs = west_client.list_jobs(appId=app_id, branchName=branch)["jobSummaries"]
    assert jobs and jobs[0]["jobArn"].startswith("arn:aws:amplify:eu-west-1:")
    with pytest.raises(ClientError) as excinfo:
        east_client.list_jobs(appId=app_id, branchName=branch)
    assert error_code(excinfo) == "NotFoundException"
    assert [r.region for r in sb.requests] == ["eu-west-1", "us-east-1"]


def test_a_region_without_demo_data_is_an_empty_account(sb):
    assert make_client(sb, "iot", region="ap-south-1").list_jobs()["jobs"] == []
    assert make_client(sb, "snowball", region="ap-south-1").list_jobs()["JobListEntries"] == []
    assert make_client(sb, "amplify", region="ap-south-1").list_apps()["apps"] == []
    with pytest.raises(ClientError) as excinfo:
        make_client(sb, "batch", region="ap-south-1").list_service_jobs(jobQueue="ml-training-high")
    assert error_code(excinfo) == "ClientException"
