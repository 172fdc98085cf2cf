"""AmplifyBackend ListBackendJobs: a POST with its filters in a JSON body."""

from __future__ import annotations

import json
import urllib.request

import pytest
from boto_helpers import error_code, http_status, walk
from botocore.exceptions import ClientError


def busiest_environment(sb):
    return sb.parents()["amplify-backend"][0]


def list_jobs(client, sb, **filters):
    app_id, env = busiest_environment(sb)
    return walk(
        client("amplifybackend"),
        "list_backend_jobs",
        "Jobs",
        AppId=app_id,
        BackendEnvironmentName=env,
        **filters,
    )


def test_walks_every_job_of_the_environment_once(sb, client):
    app_id, env = busiest_environment(sb)
    jobs = list_jobs(client, sb, PaginationConfig={"PageSize": 10})
    stored = sb.data.jobs("amplify-backend", parent=(app_id, env))
    assert sorted(j["JobId"] for j in jobs) == sorted(j["JobId"] for j in stored)
    assert len(jobs) > 25  # more than one default page
    assert {(j["AppId"], j["BackendEnvironmentName"]) for j in jobs} == {(app_id, env)}


def test_status_filter_matches_free_text_in_any_case(sb, client):
    app_id, env = busiest_environment(sb)
    stored = sb.data.jobs("amplify-backend", parent=(app_id, env))
    expected = sorted(j["JobId"] for j in stored if j["Status"].lower() == "completed")
    jobs = list_jobs(client, sb, Status="Completed")
    assert sorted(j["JobId"] for j in jobs) == expected
    assert {j["Status"] for j in jobs} == {"COMPLETED", "completed"}


def test_operation_and_job_id_filters(sb, client):
    app_id, env = busiest_environment(sb)
    stored = sb.data.jobs("amplify-backend", parent=(app_id, env))
    operation = stored[0]["Operation"]
    by_operation = list_jobs(client, sb, Operation=operation)
    assert sorted(j["JobId"] for j in by_operation) == sorted(
        j["JobId"] for j in stored if j["Operation"] == operation
    )
    (one,) = list_jobs(client, sb, JobId=stored[3]["JobId"])
    assert one == stored[3]


@pytest.mark.parametrize("size", [26, 100])
def test_max_results_above_25_is_a_bad_request(sb, client, size):
    app_id, env = busiest_environment(sb)
    with pytest.raises(ClientError) as excinfo:
        client("amplifybackend").list_backend_jobs(
            AppId=app_id, BackendEnvironmentName=env, MaxResults=size
        )
    assert (error_code(excinfo), http_status(excinfo)) == ("BadRequestException", 400)


def test_unknown_app_or_environment_is_not_found(sb, client):
    app_id, _ = busiest_environment(sb)
    backend = client("amplifybackend")
    for app, env in ((app_id, "nope"), ("dnosuchapp", "staging")):
        with pytest.raises(ClientError) as excinfo:
            backend.list_backend_jobs(AppId=app, BackendEnvironmentName=env)
        assert (error_code(excinfo), http_status(excinfo)) == ("NotFoundException", 404)


def test_a_token_is_bound_to_the_filters(sb, client):
    app_id, env = busiest_environment(sb)
    backend = client("amplifybackend")
    first = backend.list_backend_jobs(AppId=app_id, BackendEnvironmentName=env, MaxResults=2)
    with pytest.raises(ClientError) as excinfo:
        backend.list_backend_jobs(
            AppId=app_id, BackendEnvironmentName=env, Status="FAILED", NextToken=first["NextToken"]
        )
    assert error_code(excinfo) == "BadRequestException"


def test_wire_names_are_the_models_lower_camel_case(sb):
    """The model renames every member (Jobs -> jobs); the body must use the wire names."""
    app_id, env = busiest_environment(sb)
    request = urllib.request.Request(
        f"{sb.endpoint_url}/backend/{app_id}/job/{env}",
        data=json.dumps({"maxResults": 1, "status": "Completed"}).encode(),
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        body = json.loads(response.read())
    assert set(body) == {"jobs", "nextToken"}
    assert {"appId", "backendEnvironmentName", "jobId", "status"} <= set(body["jobs"][0])
    assert body["jobs"][0]["status"].lower() == "completed"
