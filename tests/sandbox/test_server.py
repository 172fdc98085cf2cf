"""The server itself: lifecycle, request log, routing and errors on the wire, concurrency."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import cbor2
import pytest
from boto_helpers import make_client
from botocore.exceptions import EndpointConnectionError

from jobctl.sandbox import Sandbox

CBOR_PATH = "/service/AWSIESnowballJobManagementService/operation/ListJobs"


def raw(sb, path, *, method="GET", body=None, headers=None):
    """(status, headers, body bytes) of a hand-made request: no SDK in the way."""
    request = urllib.request.Request(
        sb.endpoint_url + path, data=body, method=method, headers=headers or {}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_importing_the_package_and_the_command_stays_cheap():
    code = (
        "import sys, jobctl.sandbox, jobctl.cli.sandbox\n"
        "from jobctl.sandbox import Faults\n"
        "heavy = {'boto3', 'botocore', 'cbor2'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_lifecycle_errors_are_explicit():
    sb = Sandbox(jobs_per_service=1)
    with pytest.raises(RuntimeError, match="not running"):
        sb.endpoint_url  # noqa: B018
    with sb:
        with pytest.raises(RuntimeError, match="already running"):
            sb.start()
        assert sb.endpoint_url.startswith("http://127.0.0.1:")
    sb.stop()  # stopping twice is harmless


def test_a_stopped_sandbox_stops_answering_even_on_kept_alive_connections():
    with Sandbox(jobs_per_service=2) as sb:
        iot = make_client(sb, "iot", retries={"mode": "standard", "total_max_attempts": 1})
        assert len(iot.list_jobs()["jobs"]) == 2  # the connection is now pooled
    with pytest.raises(EndpointConnectionError):
        iot.list_jobs()


def test_the_request_log_records_what_was_asked(sb):
    iot = make_client(sb, "iot", region="eu-west-1")
    iot.list_jobs(status="COMPLETED", maxResults=3)
    (record,) = sb.requests
    assert (record.method, record.path, record.query) == (
        "GET",
        "/jobs",
        "status=COMPLETED&maxResults=3",
    )
    assert (record.service, record.operation, record.protocol) == ("iot", "ListJobs", "rest-json")
    assert record.region == "eu-west-1"
    assert record.params == {"status": "COMPLETED", "maxResults": 3}
    assert (record.status, record.error, record.faults) == (200, None, [])
    sb.clear_requests()
    assert sb.requests == []


def test_on_request_sees_every_finished_request():
    seen = []
    with Sandbox(jobs_per_service=2, on_request=seen.append) as sb:
        make_client(sb, "snowball").list_jobs()
        raw(sb, "/nowhere")
    assert [(r.operation, r.status) for r in seen] == [("ListJobs", 200), (None, 404)]


def test_an_unknown_route_is_a_404_in_the_rest_json_shape(sb):
    status, headers, body = raw(sb, "/nowhere")
    assert status == 404
    assert headers["x-amzn-ErrorType"] == "UnknownOperationException"
    assert "GET /nowhere" in json.loads(body)["message"]


def test_an_unknown_json_target_answers_in_the_json_shape(sb):
    status, headers, body = raw(
        sb, "/", method="POST", body=b"{}",
        headers={"X-Amz-Target": "AWSIESnowballJobManagementService.CreateJob"},
    )  # fmt: skip
    assert status == 404
    assert json.loads(body)["__type"] == "UnknownOperationException"
    assert headers["Content-Type"] == "application/x-amz-json-1.1"


def test_a_json_response_carries_epoch_second_timestamps(sb):
    status, _, body = raw(
        sb, "/", method="POST", body=json.dumps({"MaxResults": 1}).encode(),
        headers={"X-Amz-Target": "AWSIESnowballJobManagementService.ListJobs",
                 "Content-Type": "application/x-amz-json-1.1"},
    )  # fmt: skip
    assert status == 200
    (entry,) = json.loads(body)["JobListEntries"]
    assert isinstance(entry["CreationDate"], int) and entry["CreationDate"] > 1.7e9


def test_cbor_responses_use_tag_1_timestamps_and_the_smithy_header(sb):
    status, headers, body = raw(
        sb, CBOR_PATH, method="POST", body=cbor2.dumps({"MaxResults": 1}),
        headers={"smithy-protocol": "rpc-v2-cbor", "Content-Type": "application/cbor"},
    )  # fmt: skip
    assert status == 200
    assert headers["smithy-protocol"] == "rpc-v2-cbor"
    assert headers["Content-Type"] == "application/cbor"
    assert body[0] >> 5 == 5  # a CBOR map
    assert b"\xc1" in body  # tag 1 (epoch time) precedes CreationDate's value
    (entry,) = cbor2.loads(body)["JobListEntries"]
    assert entry["CreationDate"].year == 2026


def test_cbor_without_the_smithy_header_is_rejected_in_cbor(sb):
    status, _, body = raw(sb, CBOR_PATH, method="POST", body=cbor2.dumps({}))
    assert status == 400
    error = cbor2.loads(body)
    assert error["__type"] == "com.amazonaws.snowball#ValidationException"
    assert "smithy-protocol" in error["message"]


def test_a_malformed_body_is_the_services_validation_error(sb):
    status, headers, _ = raw(sb, "/v1/listservicejobs", method="POST", body=b"{oops")
    assert status == 400
    assert headers["x-amzn-ErrorType"] == "ClientException"


def test_unsigned_requests_use_the_default_region(sb):
    status, _, body = raw(sb, "/jobs?maxResults=1")
    assert status == 200 and len(json.loads(body)["jobs"]) == 1
    assert sb.requests[-1].region == "us-east-1"


def test_concurrent_clients_each_get_their_own_complete_answers(sb):
    def list_all(region: str) -> list[str]:
        client = make_client(sb, "snowball", region=region)
        pages = client.get_paginator("list_jobs").paginate(PaginationConfig={"PageSize": 25})
        return [j["JobId"] for page in pages for j in page["JobListEntries"]]

    regions = ["us-east-1", "us-west-2", "eu-west-1"] * 4
    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(list_all, regions))
    for region, ids in zip(regions, results, strict=True):
        listed = sb.data.listed_regions("snowball", region)  # a US region sees every US one
        expected = [j["JobId"] for r in listed for j in sb.data.jobs("snowball", region=r)]
        assert sorted(ids) == sorted(expected)
    assert len(sb.requests) == sum(-(-len(ids) // 25) for ids in results)


def test_parents_lists_what_to_ask_for(sb):
    parents = sb.parents()
    assert set(parents) == {"amplify", "amplify-backend", "batch", "batch-jobs", "iot-thing-groups"}
    app_id, branch = parents["amplify"][0]
    assert len(sb.data.jobs("amplify", parent=(app_id, branch))) == max(
        len(sb.data.jobs("amplify", parent=p)) for p in parents["amplify"]
    )
    assert parents["iot-thing-groups"] == [
        "cameras-lab",
        "fleet:canary",
        "gateways-prod",
        "thermostats-gen2",
    ]
    assert sb.parents("ap-south-1") == {
        "amplify": [], "amplify-backend": [], "batch": [], "batch-jobs": [],
        "iot-thing-groups": [],
    }  # fmt: skip
