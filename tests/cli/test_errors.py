"""Every kind of failure: its exit status, its one-line message, never a traceback."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from cli_cases import CASES, NAMES, Case
from cli_harness import HINT, FakeAWS, Run, invoke


def first_page_then(aws: FakeAWS, case: Case, page_size: int = 2) -> None:
    """Page 1 (items 0, 1) and a token for page 2."""
    aws.page(case.client, case.method, case.response([0, 1], "t1"), case.request(page_size))


def ids(run: Run) -> list[str]:
    return [json.loads(line)["id"] for line in run.out.splitlines()]


def assert_clean(run: Run) -> None:
    assert "Traceback" not in run.err
    assert run.result.exception is None or isinstance(run.result.exception, SystemExit)


# -- before any job is written -------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "status", "message", "hint"),
    [
        (
            "AccessDeniedException",
            403,
            "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: "
            "batch:ListServiceJobs",
            "check your credentials and that they allow listing jobs; see --profile",
        ),
        (
            "ExpiredTokenException",
            400,
            "The security token included in the request is expired",
            "your session has expired: refresh your credentials, e.g. with aws sso login",
        ),
        (
            "UnrecognizedClientException",
            400,
            "The security token included in the request is invalid.",
            "check your credentials, and that the region is enabled for this account; "
            "or try --sandbox",
        ),
    ],
)
def test_credential_errors_exit_4(
    aws: FakeAWS, code: str, status: int, message: str, hint: str
) -> None:
    case = CASES["batch"]
    aws.error(case.client, case.method, code, message, status, case.request())
    run = invoke("batch", *case.args, "-o", "jsonl")
    assert run.status == 4
    assert run.out == ""
    # One line: what happened (the service's full stop dropped), then what to do.
    assert run.err_lines == [f"jobctl: batch: {code}: {message.rstrip('.')} ({hint})"]
    assert_clean(run)


@pytest.mark.parametrize(
    ("name", "code", "status", "message"),
    [
        ("iot", "ThrottlingException", 400, "Rate exceeded"),
        ("amplify-backend", "TooManyRequestsException", 429, "Too many requests"),
        ("amplify", "InternalFailureException", 500, "Internal failure"),
        ("iot", "ServiceUnavailableException", 503, "Service unavailable"),
        ("batch", "ServerException", 500, "Internal server error"),
        ("amplify-backend", "GatewayTimeoutException", 504, "Gateway timeout"),
    ],
)
def test_throttling_and_server_errors_exit_5(
    aws: FakeAWS, name: str, code: str, status: int, message: str
) -> None:
    case = CASES[name]
    aws.error(case.client, case.method, code, message, status, case.request(), attempts=4)
    run = invoke(name, *case.args, "-o", "jsonl")
    assert run.status == 5
    assert run.out == ""
    assert run.err_lines == [f"jobctl: {name}: {code}: {message} (after 5 attempts)"]
    assert_clean(run)


def test_unknown_app_exits_2(aws: FakeAWS) -> None:
    case = CASES["amplify"]
    message = "App d1a2b3 not found."
    aws.error(case.client, case.method, "NotFoundException", message, 404, case.request())
    run = invoke("amplify", *case.args, "-o", "jsonl")
    assert run.status == 2
    assert run.out == ""
    # Our lines never end with a full stop, the service's own included.
    assert run.err_lines == ["jobctl: amplify: NotFoundException: App d1a2b3 not found"]
    assert_clean(run)


def test_unknown_queue_exits_2(aws: FakeAWS) -> None:
    case = CASES["batch"]
    message = "jobQueue training not found"
    aws.error(case.client, case.method, "ClientException", message, 400, case.request())
    run = invoke("batch", *case.args, "-o", "csv")
    assert run.status == 2
    assert run.err_lines == [f"jobctl: batch: ClientException: {message}"]
    assert_clean(run)


@pytest.mark.parametrize(
    ("code", "status", "exit_status"),
    [("NotFoundException", 404, 2), ("AccessDeniedException", 403, 4), ("InternalFailure", 500, 5)],
)
def test_failed_table_listing_does_not_claim_no_jobs(
    aws: FakeAWS, code: str, status: int, exit_status: int
) -> None:
    case = CASES["amplify"]
    aws.error(case.client, case.method, code, "nope", status, case.request())
    run = invoke("amplify", *case.args)  # table, the default
    assert run.status == exit_status
    assert run.out == ""
    assert "No jobs found." not in run.err
    assert run.err_lines[0].startswith(f"jobctl: amplify: {code}: nope")
    assert len(run.err_lines) == 1


def test_multi_line_service_message_stays_on_one_line(aws: FakeAWS) -> None:
    case = CASES["snowball"]
    message = "first line\nsecond line\x1b[2J\tend"
    aws.error(case.client, case.method, "ServiceUnavailable", message, 503, case.request())
    run = invoke("snowball", "-o", "jsonl")
    assert run.status == 5
    assert len(run.err_lines) == 1
    assert "\x1b" not in run.err
    assert run.err.startswith("jobctl: snowball: ServiceUnavailable: first line second line")


# -- after some jobs were written -------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_failure_after_a_page_exits_3_keeps_rows_and_resumes(aws: FakeAWS, name: str) -> None:
    case = CASES[name]
    first_page_then(aws, case)
    aws.error(case.client, case.method, "ThrottlingException", "Rate exceeded", 400,
              case.request(2, "t1"))  # fmt: skip
    run = invoke(name, *case.args, "-o", "jsonl", "--page-size", "2")
    assert run.status == 3
    assert ids(run) == [case.job_id(0), case.job_id(1)]
    assert run.err_lines[:-1] == [f"jobctl: {name}: ThrottlingException: Rate exceeded"]
    assert HINT.match(run.err_lines[-1])
    assert_clean(run)
    token = run.token
    aws.reset()

    aws.page(case.client, case.method, case.response([2, 3]), case.request(2, "t1"))
    resumed = invoke(name, *case.args, "-o", "jsonl", "--page-size", "2", "--starting-token", token)
    assert (resumed.status, resumed.err) == (0, "")
    assert ids(resumed) == [case.job_id(2), case.job_id(3)]


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_partial_output_stays_well_formed(aws: FakeAWS, fmt: str) -> None:
    case = CASES["iot"]
    first_page_then(aws, case)
    aws.error(case.client, case.method, "InternalFailure", "boom", 500, case.request(2, "t1"))
    run = invoke("iot", "-o", fmt, "--page-size", "2", "--columns", "id,state")
    assert run.status == 3
    if fmt == "json":
        assert [job["id"] for job in json.loads(run.out)] == ["ota-0", "ota-1"]
    elif fmt == "csv":
        assert run.out == "id,state\nota-0,succeeded\nota-1,succeeded\n"
    else:
        assert run.out == "id     state\nota-0  succeeded\nota-1  succeeded\n"
    assert run.err_lines[0] == "jobctl: iot: InternalFailure: boom"
    assert HINT.match(run.err_lines[-1])


def test_expired_credentials_after_a_page_keep_rows_and_hint(aws: FakeAWS) -> None:
    case = CASES["snowball"]
    first_page_then(aws, case)
    aws.error(case.client, case.method, "ExpiredTokenException", "expired", 400,
              case.request(2, "t1"))  # fmt: skip
    run = invoke("snowball", "-o", "jsonl", "--page-size", "2")
    assert run.status in (3, 4)  # docs/reference.md: credentials (4) even after jobs were written
    assert ids(run) == ["JID0000", "JID0001"]
    assert HINT.match(run.err_lines[-1])


# -- a token the service rejects -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code", "message"),
    [
        ("iot", "InvalidRequestException", "The nextToken is invalid."),
        ("snowball", "InvalidNextTokenException", "The NextToken string was altered."),
        ("amplify", "BadRequestException", "Invalid nextToken"),
        ("batch", "ClientException", "Invalid pagination token"),
    ],
)
def test_token_rejected_by_the_service_exits_2(
    aws: FakeAWS, name: str, code: str, message: str
) -> None:
    case = CASES[name]
    first_page_then(aws, case)
    token = invoke(name, *case.args, "-o", "jsonl", "--max-items", "2").token
    aws.reset()

    aws.error(case.client, case.method, code, message, 400, case.request(None, "t1"))
    run = invoke(name, *case.args, "-o", "jsonl", "--starting-token", token)
    assert run.status == 2
    assert run.out == ""
    assert run.err_lines == [
        f"jobctl: {name}: the service rejected the starting token: {code}"
        " (rerun without --starting-token)"
    ]
    assert_clean(run)


def test_token_error_code_without_a_resume_is_a_service_error(aws: FakeAWS) -> None:
    case = CASES["snowball"]
    first_page_then(aws, case)
    aws.error(case.client, case.method, "InvalidNextTokenException", "bad", 400,
              case.request(2, "t1"))  # fmt: skip
    run = invoke("snowball", "-o", "jsonl", "--page-size", "2")
    assert run.status == 3  # a page was written; the token was the service's own
    assert "rerun without --starting-token" not in run.err


# -- no service at all -------------------------------------------------------------------------


def test_no_credentials_exits_4(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    run = invoke("iot", "--endpoint-url", "http://127.0.0.1:9", "-o", "jsonl")
    assert run.status == 4
    assert run.out == ""
    assert run.err_lines == [
        "jobctl: iot: Unable to locate credentials"
        " (configure credentials with aws configure or AWS_PROFILE, or try --sandbox)"
    ]
    assert_clean(run)


def test_connection_refused_exits_5(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    run = invoke("snowball", "--endpoint-url", "http://127.0.0.1:9", "-o", "json")
    assert run.status == 5
    assert run.err_lines == [
        'jobctl: snowball: cannot connect: Could not connect to the endpoint URL: "http://127.0.0.1:9/"'
    ]
    assert_clean(run)


def test_no_region_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION")
    run = invoke("iot", "--endpoint-url", "http://127.0.0.1:9")
    assert run.status == 2
    assert run.err_lines == [
        "jobctl: iot: no region given (pass --region or set AWS_REGION, or try --sandbox)"
    ]


# -- real retries over HTTP ------------------------------------------------------------------


class _Flaky(http.server.BaseHTTPRequestHandler):
    """Answers IoT ListJobs: the first `failures` requests get a 503, then one job."""

    failures = 0
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).seen.append(self.path)
        if len(type(self).seen) <= type(self).failures:
            body = json.dumps({"message": "Service unavailable"}).encode()
            self.send_response(503)
            self.send_header("x-amzn-ErrorType", "ServiceUnavailableException")
        else:
            body = json.dumps({"jobs": [{"jobId": "ota-0", "status": "COMPLETED"}]}).encode()
            self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def flaky(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, type[_Flaky]]]:
    # botocore's backoff sleeps up to a second before a retry: no sleeping here.
    from botocore.retries import standard

    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, ctx: 0)
    handler = type("Flaky", (_Flaky,), {"failures": 0, "seen": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


def test_a_5xx_is_retried(flaky: tuple[str, type[_Flaky]], monkeypatch: pytest.MonkeyPatch) -> None:
    url, handler = flaky
    handler.failures = 2
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "3")
    run = invoke("iot", "--endpoint-url", url, "-o", "jsonl", "--columns", "id")
    assert (run.status, run.err) == (0, "")
    assert [json.loads(line)["id"] for line in run.out.splitlines()] == ["ota-0"]
    assert len(handler.seen) == 3


def test_5xx_after_retries_exits_5_naming_the_attempts(
    flaky: tuple[str, type[_Flaky]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, handler = flaky
    handler.failures = 99
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    run = invoke("iot", "--endpoint-url", url, "-o", "jsonl")
    assert run.status == 5
    assert run.out == ""
    assert run.err_lines == [
        "jobctl: iot: ServiceUnavailableException: Service unavailable (after 2 attempts)"
    ]
    assert len(handler.seen) == 2


# -- odd data never crashes a listing ------------------------------------------------------------


def test_huge_batch_timestamp_does_not_fail_the_listing(aws: FakeAWS) -> None:
    case = CASES["batch"]
    item = {**case.item(0), "createdAt": 10**400}
    aws.page(case.client, case.method, {case.result_key: [item]}, case.request())
    run = invoke("batch", *case.args, "-o", "jsonl")
    assert (run.status, run.err) == (0, "")
    assert json.loads(run.out)["created_at"] is None
