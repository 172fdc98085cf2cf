"""Each fault switch, observed the way a client sees it: through boto3."""

from __future__ import annotations

import itertools
import threading
import time

import pytest
from boto_helpers import SERVICES, error_code, http_status, list_case, listing, make_client, walk
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    PaginationError,
    ReadTimeoutError,
)
from botocore.parsers import ResponseParserError

from jobctl.sandbox import Faults, Sandbox, catalog


def ids(case, jobs):
    return sorted(j[case["id"]] for j in jobs)


def test_latency_delays_every_response(sb):
    sb.faults.latency_ms = 250
    started = time.monotonic()
    make_client(sb, "iot").list_jobs(maxResults=1)
    assert time.monotonic() - started >= 0.25
    assert sb.requests[-1].faults == ["delay:0.25s"]


@pytest.mark.parametrize("service", SERVICES)
def test_throttling_is_the_services_own_error_and_retries_clear_it(sb, service, no_backoff):
    case = listing(sb, service)
    sb.faults = Faults(throttle_every=2)
    jobs = list_case(sb, case, page_size=20)
    assert ids(case, jobs) == ids(case, case["expected"])
    throttled = [r for r in sb.requests if r.faults == ["throttle"]]
    code, status = catalog.service(service).errors.throttle
    assert len(throttled) >= 2
    assert {(r.error, r.status) for r in throttled} == {(code, status)}


def test_throttling_without_retries_reaches_the_caller(sb):
    sb.faults = Faults(throttle_every=1)
    with pytest.raises(ClientError) as excinfo:
        make_client(sb, "iot", retries={"mode": "standard", "total_max_attempts": 1}).list_jobs()
    assert (error_code(excinfo), http_status(excinfo)) == ("ThrottlingException", 429)


@pytest.mark.parametrize("service", SERVICES)
def test_server_errors_are_retried_to_completion(sb, service, no_backoff):
    case = listing(sb, service)
    sb.faults = Faults(server_error_every=3)
    assert ids(case, list_case(sb, case, page_size=20)) == ids(case, case["expected"])
    failed = [r for r in sb.requests if r.faults == ["server-error"]]
    assert failed and {(r.error, r.status) for r in failed} == {
        catalog.service(service).errors.server_error
    }


def test_a_connection_reset_mid_response_is_retried(sb, no_backoff):
    case = listing(sb, "iot")
    sb.faults = Faults(reset_every=2)
    assert ids(case, list_case(sb, case, page_size=50)) == ids(case, case["expected"])
    assert sum(r.faults == ["reset"] for r in sb.requests) >= 3


def test_resets_from_page_k_exhaust_the_retries(sb, no_backoff):
    sb.faults = Faults(reset_from_page=2)
    iot = make_client(sb, "iot")
    with pytest.raises(ConnectionClosedError):
        walk(iot, "list_jobs", "jobs", PaginationConfig={"PageSize": 10})
    # Page 1, then page 2 once per attempt (3 attempts in total).
    assert [r.faults for r in sb.requests] == [[], ["reset"], ["reset"], ["reset"]]


@pytest.mark.parametrize("kind", ["html", "truncated"])
def test_a_broken_200_body_parses_to_nothing_over_json_protocols(sb, kind):
    """botocore does not raise here: it reads the body as {"message": ...}, so the page
    simply lacks its result list. Clients must notice the missing key themselves."""
    sb.faults = Faults(bad_body=kind)
    for name, call in (("iot", "list_jobs"), ("snowball", "list_jobs")):
        page = getattr(make_client(sb, name), call)()
        assert set(page) == {"ResponseMetadata"}
        assert page["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert [r.faults for r in sb.requests] == [[f"bad-body:{kind}"]] * 2


@pytest.mark.parametrize("kind", ["html", "truncated"])
def test_a_broken_200_body_fails_to_parse_over_cbor(sb, kind):
    sb.faults = Faults(bad_body=kind)
    with pytest.raises(ResponseParserError):
        make_client(sb, "snowball", protocol="smithy-rpc-v2-cbor").list_jobs()


def test_a_body_without_its_result_list_keeps_the_token(sb):
    sb.faults = Faults(bad_body="no-list", bad_body_from_page=2)
    pages = (
        make_client(sb, "iot")
        .get_paginator("list_jobs")
        .paginate(PaginationConfig={"PageSize": 10, "MaxItems": 10_000})
    )
    first, second = itertools.islice(pages, 2)
    assert len(first["jobs"]) == 10
    assert "jobs" not in second and second["nextToken"]


def test_bad_body_every_n_hits_only_those_requests(sb):
    sb.faults = Faults(bad_body="no-list", bad_body_every=2)
    iot = make_client(sb, "iot")
    results = ["jobs" in iot.list_jobs(maxResults=1) for _ in range(4)]
    assert results == [True, False, True, False]


def test_a_repeating_token_trips_botocores_loop_check(sb):
    sb.faults = Faults(token_loop="repeat")
    with pytest.raises(PaginationError, match="same next token"):
        walk(make_client(sb, "iot"), "list_jobs", "jobs", PaginationConfig={"PageSize": 10})


def test_a_cycling_token_alternates_between_two_values(sb):
    """botocore only spots an immediate repeat; an A, B, A, B cycle runs until stopped."""
    sb.faults = Faults(token_loop="cycle")
    pages = (
        make_client(sb, "iot")
        .get_paginator("list_jobs")
        .paginate(PaginationConfig={"PageSize": 10})
    )
    tokens = [page["nextToken"] for page in itertools.islice(pages, 7)]
    a, b = tokens[0], tokens[1]  # A: page 1's token to page 2; B: page 2's to page 3
    assert a != b
    assert tokens == [a, b, a, b, a, b, a]


def test_a_slow_page_outlasts_the_read_timeout(sb):
    sb.faults = Faults(slow_page=2, slow_seconds=2)
    iot = make_client(
        sb, "iot", read_timeout=0.3, retries={"mode": "standard", "total_max_attempts": 1}
    )
    first = iot.list_jobs(maxResults=5)
    started = time.monotonic()
    with pytest.raises(ReadTimeoutError):
        iot.list_jobs(maxResults=5, nextToken=first["nextToken"])
    assert time.monotonic() - started < 1.5


def test_an_expired_token_from_page_k_on(sb):
    sb.faults = Faults(expired_from_page=3)
    iot = make_client(sb, "iot")
    with pytest.raises(ClientError) as excinfo:
        walk(iot, "list_jobs", "jobs", PaginationConfig={"PageSize": 10})
    assert (error_code(excinfo), http_status(excinfo)) == ("ExpiredTokenException", 403)
    assert [r.status for r in sb.requests] == [200, 200, 403]


@pytest.mark.parametrize("service", SERVICES)
def test_access_denied_on_every_service(sb, service):
    case = listing(sb, service)
    sb.faults = Faults(access_denied=True)
    with pytest.raises(ClientError) as excinfo:
        list_case(sb, case)
    assert (error_code(excinfo), http_status(excinfo)) == ("AccessDeniedException", 403)
    assert "is not authorized to perform" in excinfo.value.response["Error"]["Message"]


def test_faults_restricted_to_a_region_leave_the_others_alone(sb):
    sb.faults = Faults(access_denied=True, regions=("eu-west-1",))
    assert make_client(sb, "iot").list_jobs(maxResults=1)["jobs"]
    with pytest.raises(ClientError) as excinfo:
        make_client(sb, "iot", region="eu-west-1").list_jobs()
    assert error_code(excinfo) == "AccessDeniedException"


def test_faults_restricted_to_a_service_count_only_its_requests(sb):
    sb.faults = Faults(throttle_every=2, services=("iot",))
    snowball = make_client(sb, "snowball")
    iot = make_client(sb, "iot", retries={"mode": "standard", "total_max_attempts": 1})
    for _ in range(3):  # not counted: the faults do not apply to snowball
        snowball.list_jobs(MaxResults=1)
    iot.list_jobs(maxResults=1)
    with pytest.raises(ClientError) as excinfo:
        iot.list_jobs(maxResults=1)
    assert error_code(excinfo) == "ThrottlingException"


def test_faults_change_while_the_server_runs(sb):
    iot = make_client(sb, "iot")
    assert iot.list_jobs(maxResults=1)["jobs"]
    sb.faults.access_denied = True
    with pytest.raises(ClientError):
        iot.list_jobs(maxResults=1)
    sb.faults.access_denied = False
    assert iot.list_jobs(maxResults=1)["jobs"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("bad_body", "xml"),
        ("token_loop", "forever"),
        ("throttle_every", -1),
        ("services", ["s3"]),
        ("operations", ["ListBuckets"]),
    ],
)
def test_faults_reject_bad_values_when_set(field, value):
    with pytest.raises(ValueError, match=field):
        Faults(**{field: value})
    faults = Faults()
    with pytest.raises(ValueError, match=field):
        setattr(faults, field, value)


def test_faults_reject_unknown_fields_and_normalize_tuples():
    faults = Faults(regions="eu-west-1")
    assert faults.regions == ("eu-west-1",)
    with pytest.raises(AttributeError):
        faults.throttle_evry = 2  # a typo must not pass silently


def test_stop_does_not_wait_for_a_sleeping_slow_page():
    with Sandbox(jobs_per_service=5, faults=Faults(slow_page=1, slow_seconds=30)) as slow:
        iot = make_client(
            slow, "iot", read_timeout=60, retries={"mode": "standard", "total_max_attempts": 1}
        )
        outcome: list[object] = []

        def call() -> None:
            try:
                outcome.append(iot.list_jobs())
            except Exception as exc:  # the point: the call fails, it is not answered
                outcome.append(exc)

        caller = threading.Thread(target=call)
        caller.start()
        while not slow.requests:
            time.sleep(0.01)
        started = time.monotonic()
    assert time.monotonic() - started < 2
    caller.join(timeout=5)
    assert not caller.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], Exception)


@pytest.mark.parametrize(
    ("switch", "label"),
    [("throttle_from_page", "throttle"), ("server_error_from_page", "server-error")],
)
def test_errors_from_page_k_persist_past_the_retries(sb, switch, label, no_backoff):
    sb.faults = Faults(**{switch: 2})
    iot = make_client(sb, "iot", retries={"mode": "standard", "total_max_attempts": 2})
    pages = iot.get_paginator("list_jobs").paginate(PaginationConfig={"PageSize": 10})
    iterator = iter(pages)
    assert len(next(iterator)["jobs"]) == 10  # page 1 is served
    with pytest.raises(ClientError):
        next(iterator)
    assert [r.faults for r in sb.requests] == [[], [label], [label]]


def test_reject_tokens_answers_any_token_with_the_services_invalid_token_error(sb):
    sb.faults = Faults(reject_tokens=True)
    iot = make_client(sb, "iot")
    first = iot.list_jobs(maxResults=5)
    assert len(first["jobs"]) == 5  # no token: served
    with pytest.raises(ClientError) as excinfo:
        iot.list_jobs(maxResults=5, nextToken=first["nextToken"])
    assert (error_code(excinfo), http_status(excinfo)) == ("InvalidRequestException", 400)
    assert sb.requests[-1].faults == ["invalid-token"]


# -- faults scoped to an operation: the discovery calls -------------------------------------

DISCOVERY = {
    "ListApps": ("amplify", "list_apps", "apps", lambda sb: {}),
    "ListBranches": (
        "amplify",
        "list_branches",
        "branches",
        lambda sb: {"appId": sb.parents()["amplify"][0][0]},
    ),
    "ListBackendEnvironments": (
        "amplify",
        "list_backend_environments",
        "backendEnvironments",
        lambda sb: {"appId": sb.parents()["amplify"][0][0]},
    ),
    "DescribeJobQueues": ("batch", "describe_job_queues", "jobQueues", lambda sb: {}),
}


@pytest.mark.parametrize("kind", ["html", "truncated", "no-list"])
@pytest.mark.parametrize("operation", list(DISCOVERY))
def test_a_broken_body_in_one_discovery_call_only(sb, operation, kind):
    client_name, method, result, kwargs = DISCOVERY[operation]
    service = "batch" if client_name == "batch" else "amplify"
    sb.faults = Faults(bad_body=kind, services=(service,), operations=(operation,))
    client = make_client(sb, client_name)
    broken = getattr(client, method)(**kwargs(sb))
    assert result not in broken  # what a client must notice: a 200 without its list
    # The same service's other calls answer as ever.
    if service == "amplify":
        app, branch = sb.parents()["amplify"][0]
        assert client.list_jobs(appId=app, branchName=branch)["jobSummaries"]
        if operation != "ListApps":
            assert client.list_apps()["apps"]
    else:
        queue = sb.parents()["batch"][0]
        assert client.list_service_jobs(jobQueue=queue, jobStatus="SUCCEEDED")["jobSummaryList"]
    faulted = [r for r in sb.requests if r.faults]
    assert [(r.operation, r.faults) for r in faulted] == [(operation, [f"bad-body:{kind}"])]


def test_operation_scoping_counts_only_that_operations_requests(sb):
    sb.faults = Faults(throttle_every=2, operations=("DescribeJobQueues",))
    batch = make_client(sb, "batch", retries={"mode": "standard", "total_max_attempts": 1})
    queue = sb.parents()["batch"][0]
    for _ in range(3):  # not counted: ListServiceJobs is another operation
        batch.list_service_jobs(jobQueue=queue, maxResults=1)
    batch.describe_job_queues()
    with pytest.raises(ClientError) as excinfo:
        batch.describe_job_queues()
    assert error_code(excinfo) == "TooManyRequestsException"


def test_an_operation_name_scopes_every_service_serving_it_unless_a_service_is_named(sb):
    sb.faults = Faults(access_denied=True, operations=("ListJobs",))
    for name in ("iot", "snowball"):
        with pytest.raises(ClientError, match="AccessDeniedException"):
            make_client(sb, name).list_jobs()
    sb.faults = Faults(access_denied=True, operations=("ListJobs",), services=("batch-jobs",))
    assert make_client(sb, "iot").list_jobs(maxResults=1)["jobs"]
    with pytest.raises(ClientError, match="AccessDeniedException"):
        make_client(sb, "batch").list_jobs(jobQueue=sb.parents()["batch-jobs"][0])


def test_fault_choices_come_from_what_the_sandbox_serves():
    from jobctl import registry
    from jobctl.sandbox import catalog, faults

    assert set(faults.SERVICES) >= {m.replace("_", "-") for m in registry.APIS}
    assert set(faults.SERVICES) == set(catalog.names())
    assert {"ListApps", "ListBranches", "ListBackendEnvironments", "DescribeJobQueues"} <= set(
        faults.OPERATIONS
    )
    with pytest.raises(ValueError, match="operations"):
        Faults(operations=("ListEverything",))
