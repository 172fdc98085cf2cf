"""IoT ListJobs: GET /jobs with every query filter."""

from __future__ import annotations

import pytest
from boto_helpers import error_code, http_status, walk
from botocore.exceptions import ClientError


def expected_ids(sb, predicate):
    return sorted(j["jobId"] for j in sb.data.jobs("iot") if predicate(j))


def listed_ids(client, **filters):
    return sorted(j["jobId"] for j in walk(client("iot"), "list_jobs", "jobs", **filters))


def test_walks_every_job_once_newest_first(sb, client):
    jobs = walk(client("iot"), "list_jobs", "jobs", PaginationConfig={"PageSize": 33})
    assert sorted(j["jobId"] for j in jobs) == expected_ids(sb, lambda j: True)
    assert len({j["jobId"] for j in jobs}) == len(jobs) == 300
    created = [j["createdAt"] for j in jobs]
    assert created == sorted(created, reverse=True)


@pytest.mark.parametrize(
    "status", ["IN_PROGRESS", "CANCELED", "COMPLETED", "DELETION_IN_PROGRESS", "SCHEDULED"]
)
def test_status_filter(sb, client, status):
    expected = expected_ids(sb, lambda j: j["status"] == status)
    assert expected
    assert listed_ids(client, status=status) == expected


@pytest.mark.parametrize("selection", ["CONTINUOUS", "SNAPSHOT"])
def test_target_selection_filter(sb, client, selection):
    expected = expected_ids(sb, lambda j: j["targetSelection"] == selection)
    assert 0 < len(expected) < 300
    assert listed_ids(client, targetSelection=selection) == expected


def test_thing_group_filters_by_name_and_by_id(sb, client):
    group = "fleet:canary"
    by_name = expected_ids(sb, lambda j: j.get("thingGroupName") == group)
    assert by_name
    assert listed_ids(client, thingGroupName=group) == by_name
    group_id = sb.data.resources("thing-group")[group]["thingGroupId"]
    assert listed_ids(client, thingGroupId=group_id) == by_name


def test_namespace_filter_combines_with_status(sb, client):
    expected = expected_ids(
        sb, lambda j: j.get("namespaceId") == "greengrass" and j["status"] == "COMPLETED"
    )
    assert expected
    assert listed_ids(client, namespaceId="greengrass", status="COMPLETED") == expected


def test_jobs_aimed_at_single_things_carry_no_group(sb, client):
    jobs = walk(client("iot"), "list_jobs", "jobs")
    assert any("thingGroupId" not in j for j in jobs)
    assert any("thingGroupId" in j for j in jobs)


def test_unknown_thing_group_is_resource_not_found(sb, client):
    with pytest.raises(ClientError) as excinfo:
        client("iot").list_jobs(thingGroupName="no-such-group")
    assert (error_code(excinfo), http_status(excinfo)) == ("ResourceNotFoundException", 404)


@pytest.mark.parametrize("size", [0, 251])
def test_max_results_outside_1_to_250_is_an_invalid_request(sb, client, size):
    # botocore checks the minimum itself; switch that off to see the service's answer.
    iot = client("iot", parameter_validation=False)
    with pytest.raises(ClientError) as excinfo:
        iot.list_jobs(maxResults=size)
    assert (error_code(excinfo), http_status(excinfo)) == ("InvalidRequestException", 400)


def test_max_results_250_is_one_page_of_250(sb, client):
    page = client("iot").list_jobs(maxResults=250)
    assert len(page["jobs"]) == 250 and "nextToken" in page


def test_a_status_outside_the_enum_is_an_invalid_request(sb, client):
    with pytest.raises(ClientError) as excinfo:
        client("iot").list_jobs(status="RUNNING")
    assert error_code(excinfo) == "InvalidRequestException"
    assert "enum value set" in excinfo.value.response["Error"]["Message"]


@pytest.mark.parametrize("token", ["garbage", "eyJzIjoiYSJ9.AAAA", ""])
def test_a_garbage_token_is_an_invalid_request(sb, client, token):
    iot = client("iot")
    if not token:  # a real token with one character changed
        real = iot.list_jobs(maxResults=1)["nextToken"]
        token = real[:-1] + ("A" if real[-1] != "A" else "B")
    with pytest.raises(ClientError) as excinfo:
        iot.list_jobs(nextToken=token)
    assert (error_code(excinfo), http_status(excinfo)) == ("InvalidRequestException", 400)


def test_a_token_is_bound_to_the_filters(sb, client):
    iot = client("iot")
    token = iot.list_jobs(maxResults=1, status="COMPLETED")["nextToken"]
    with pytest.raises(ClientError) as excinfo:
        iot.list_jobs(nextToken=token, status="CANCELED")
    assert error_code(excinfo) == "InvalidRequestException"
    assert iot.list_jobs(nextToken=token, status="COMPLETED", maxResults=1)["jobs"]
