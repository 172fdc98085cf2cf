"""jobctl against the sandbox's page-K and rejected-token switches: the server-side
cases of issue 6 driven by the sandbox's own faults, as a user testing a pipeline would."""

from __future__ import annotations

import json

import pytest
from e2e_support import jobctl

from jobctl.sandbox import Faults, Sandbox


@pytest.fixture(scope="module")
def small_sandbox():
    with Sandbox(jobs_per_service=60) as sb:
        yield sb


@pytest.fixture
def sb(small_sandbox):
    small_sandbox.faults = Faults()
    small_sandbox.clear_requests()
    yield small_sandbox
    small_sandbox.faults = Faults()


@pytest.mark.parametrize("switch", ["throttle_from_page", "server_error_from_page"])
def test_errors_from_page_two_keep_page_one_and_resume_exactly(sb, switch):
    everything = jobctl("iot", "-o", "jsonl", endpoint=sb.endpoint_url)
    assert everything.status == 0
    sb.faults = Faults(**{switch: 2})
    run = jobctl("iot", "-o", "jsonl", "--page-size", "10", endpoint=sb.endpoint_url, attempts=2)
    assert run.status == 3, run.describe()
    assert [json.loads(line)["id"] for line in run.out.splitlines()] == [
        json.loads(line)["id"] for line in everything.out.splitlines()[:10]
    ]
    assert run.err_lines[0].startswith("jobctl: iot: ")
    assert run.token is not None  # the resume hint is stderr's last line
    sb.faults = Faults()
    rest = jobctl(
        "iot", "-o", "jsonl", "--page-size", "10", "--starting-token", run.token,
        endpoint=sb.endpoint_url,
    )  # fmt: skip
    assert rest.status == 0
    assert run.out + rest.out == everything.out


def test_a_token_the_service_rejects_is_a_usage_error(sb):
    first = jobctl("iot", "-o", "jsonl", "--max-items", "5", endpoint=sb.endpoint_url)
    assert first.status == 0 and first.token
    sb.faults = Faults(reject_tokens=True)
    sb.clear_requests()
    run = jobctl("iot", "-o", "jsonl", "--starting-token", first.token, endpoint=sb.endpoint_url)
    assert run.status == 2, run.describe()
    assert run.out == ""
    assert "rerun without --starting-token" in run.err
    assert [r.faults for r in sb.requests] == [["invalid-token"]]
