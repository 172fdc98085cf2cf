"""Amplify ListJobs and its discovery operations, through a real boto3 client."""

from __future__ import annotations

import pytest
from boto_helpers import error_code, http_status, walk
from botocore.exceptions import ClientError


def busiest_branch(sb):
    return sb.parents()["amplify"][0]


def test_list_jobs_walks_every_job_of_the_branch_once_newest_first(sb, client):
    app_id, branch = busiest_branch(sb)
    jobs = walk(
        client("amplify"),
        "list_jobs",
        "jobSummaries",
        appId=app_id,
        branchName=branch,
        PaginationConfig={"PageSize": 7},
    )
    stored = sb.data.jobs("amplify", parent=(app_id, branch))
    assert len(jobs) == len(stored) > 50
    assert sorted(j["jobId"] for j in jobs) == sorted(j["jobId"] for j in stored)
    starts = [j["startTime"] for j in jobs]
    assert starts == sorted(starts, reverse=True)
    # More than one page was walked: 7 jobs per request.
    assert len(sb.requests) == -(-len(stored) // 7)


def test_job_items_round_trip_with_datetimes_and_multiline_messages(sb, client):
    app_id, branch = busiest_branch(sb)
    stored = {j["jobId"]: j for j in sb.data.jobs("amplify", parent=(app_id, branch))}
    page = client("amplify").list_jobs(appId=app_id, branchName=branch, maxResults=50)
    for job in page["jobSummaries"]:
        assert job == stored[job["jobId"]]
    assert any("\n" in j["commitMessage"] for j in page["jobSummaries"])


def test_branch_names_with_slashes_travel_percent_encoded(sb, client):
    app_id, branch = next(p for p in sb.parents()["amplify"] if "/" in p[1])
    jobs = walk(client("amplify"), "list_jobs", "jobSummaries", appId=app_id, branchName=branch)
    assert len(jobs) == len(sb.data.jobs("amplify", parent=(app_id, branch))) > 0
    assert "%2F" in sb.requests[0].path


def test_max_results_zero_means_the_default_page_of_50(sb, client):
    app_id, branch = busiest_branch(sb)
    page = client("amplify").list_jobs(appId=app_id, branchName=branch, maxResults=0)
    assert len(page["jobSummaries"]) == 50
    assert "nextToken" in page


@pytest.mark.parametrize("size", [51, 1000])
def test_max_results_above_50_is_a_bad_request(sb, client, size):
    app_id, branch = busiest_branch(sb)
    with pytest.raises(ClientError) as excinfo:
        client("amplify").list_jobs(appId=app_id, branchName=branch, maxResults=size)
    assert error_code(excinfo) == "BadRequestException"
    assert http_status(excinfo) == 400
    assert "less than or equal to 50" in excinfo.value.response["Error"]["Message"]


def test_unknown_app_and_branch_are_not_found(sb, client):
    app_id, _ = busiest_branch(sb)
    amplify = client("amplify")
    with pytest.raises(ClientError) as excinfo:
        amplify.list_jobs(appId="dnosuchapp", branchName="main")
    assert (error_code(excinfo), http_status(excinfo)) == ("NotFoundException", 404)
    with pytest.raises(ClientError) as excinfo:
        amplify.list_jobs(appId=app_id, branchName="no-such-branch")
    assert (error_code(excinfo), http_status(excinfo)) == ("NotFoundException", 404)


def test_app_id_outside_the_model_pattern_is_a_bad_request(sb, client):
    with pytest.raises(ClientError) as excinfo:
        client("amplify").list_jobs(appId="APP-1", branchName="main")
    assert error_code(excinfo) == "BadRequestException"
    assert "regular expression pattern" in excinfo.value.response["Error"]["Message"]


def test_a_token_is_bound_to_its_branch(sb, client):
    (app_id, branch), (other_app, other_branch) = sb.parents()["amplify"][:2]
    amplify = client("amplify")
    token = amplify.list_jobs(appId=app_id, branchName=branch, maxResults=2)["nextToken"]
    with pytest.raises(ClientError) as excinfo:
        amplify.list_jobs(appId=other_app, branchName=other_branch, nextToken=token)
    assert error_code(excinfo) == "BadRequestException"
    # The same token still works where it came from.
    page = amplify.list_jobs(appId=app_id, branchName=branch, maxResults=2, nextToken=token)
    assert len(page["jobSummaries"]) == 2


def test_list_apps_pages_through_every_app(sb, client):
    apps = walk(client("amplify"), "list_apps", "apps", PaginationConfig={"PageSize": 1})
    assert sorted(a["appId"] for a in apps) == sorted({p[0] for p in sb.parents()["amplify"]})
    assert len(sb.requests) == len(apps) == 3
    for app in apps:
        assert app["appArn"].endswith(f":apps/{app['appId']}")
        assert app["defaultDomain"] == f"{app['appId']}.amplifyapp.com"


def test_list_branches_counts_each_branchs_jobs(sb, client):
    app_id, _ = busiest_branch(sb)
    branches = walk(client("amplify"), "list_branches", "branches", appId=app_id)
    expected = sorted(b for a, b in sb.parents()["amplify"] if a == app_id)
    assert sorted(b["branchName"] for b in branches) == expected
    for branch in branches:
        jobs = sb.data.jobs("amplify", parent=(app_id, branch["branchName"]))
        assert branch["totalNumberOfJobs"] == str(len(jobs))
        assert branch["activeJobId"] == max(j["jobId"] for j in jobs)


def test_list_branches_of_an_unknown_app_is_not_found(sb, client):
    with pytest.raises(ClientError) as excinfo:
        client("amplify").list_branches(appId="dnosuchapp")
    assert error_code(excinfo) == "NotFoundException"


def test_list_backend_environments_and_its_name_filter(sb, client):
    app_id, _ = busiest_branch(sb)
    amplify = client("amplify")
    envs = amplify.list_backend_environments(appId=app_id)["backendEnvironments"]
    assert sorted(e["environmentName"] for e in envs) == ["prod", "staging"]
    assert all(e["backendEnvironmentArn"].endswith(e["environmentName"]) for e in envs)
    only = amplify.list_backend_environments(appId=app_id, environmentName="prod")
    assert [e["environmentName"] for e in only["backendEnvironments"]] == ["prod"]
