"""Issue 3: each failure gives its exit status and one line on stderr, never a traceback;
usage errors are caught before any request (the sandbox's request log shows none)."""

from __future__ import annotations

from typing import Any

import pytest
from e2e_support import SERVICES, jobctl, jobctl_many

# One named parent per service in the crafted data, so each command makes one call.
PARENT_ARGS = {
    "amplify": ["--app-id", "d1crafted", "--branch", "main"],
    "amplify-backend": ["--app-id", "d1crafted", "--env", "staging"],
    "iot": [],
    "batch": ["--job-queue", "crafted-q", "--status", "RUNNING"],
    "snowball": [],
}
# The most --page-size each command takes: Batch's ListJobs takes 1000 (ListServiceJobs,
# which the crafted queue needs, is then asked for its own maximum, 100).
MAX_PAGE = {"amplify": 50, "amplify-backend": 25, "iot": 250, "batch": 1000, "snowball": 100}


def one_error_line(run: Any, *needles: str) -> str:
    """stderr is one `jobctl: ...` line, what to do included."""
    lines = run.err_lines
    assert "Traceback" not in run.err, run.describe()
    assert len(lines) == 1, run.describe()
    assert lines[0].startswith("jobctl: ") and "hint:" not in lines[0], run.describe()
    for needle in needles:
        assert needle in lines[0], run.describe()
    return lines[0]


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["amplify", "--app-id", "dnosuchapp", "--branch", "main"],
         ["amplify", "NotFoundException", "dnosuchapp"]),
        (["amplify", "--app-id", "d1crafted", "--branch", "nosuchbranch"],
         ["amplify", "NotFoundException", "nosuchbranch"]),
        (["batch", "--job-queue", "no-such-queue"],
         ["batch: job queue no-such-queue does not exist (existing: crafted-q"]),
        (["iot", "--thing-group-name", "no-such-group"],
         ["iot", "ResourceNotFoundException", "no-such-group"]),
        (["amplify-backend", "--app-id", "d1crafted", "--env", "nosuchenv"],
         ["amplify-backend", "NotFoundException", "nosuchenv"]),
    ],
    ids=["amplify-app", "amplify-branch", "batch-queue", "iot-thing-group", "backend-env"],
)  # fmt: skip
def test_unknown_parent_is_a_usage_error(crafted, args, needles):
    run = jobctl(*args, endpoint=crafted.endpoint_url)
    assert run.status == 2, run.describe()
    assert run.out == ""
    one_error_line(run, *needles)
    assert len(crafted.requests) == 1  # with the default retry budget: a 4xx is not retried


@pytest.mark.parametrize(
    ("token", "needle"),
    [
        ("garbage", "not a jobctl token"),
        ("jc2.AAAA.AAAA", "damaged"),
        ("jc9.eNoDAAAAAAE", "version"),
    ],
)
def test_bad_token_fails_before_any_request(crafted, token, needle):
    run = jobctl("iot", "--starting-token", token, endpoint=crafted.endpoint_url)
    assert run.status == 2, run.describe()
    assert run.out == ""
    one_error_line(run, "--starting-token", needle)
    assert crafted.requests == []


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["batch", "--status", "bogus"], ["'--status'", "SUCCEEDED, FAILED, all"]),
        (["iot", "--status", "nope"], ["'--status'", "IN_PROGRESS"]),
        (["iot", "--statu", "x"], ["No such option", "did you mean", "--status?"]),
        (["iot", "--since", "yesterday"], ["'--since'", "ISO 8601"]),
        (["iot", "--page-size", "many"], ["'--page-size'", "many"]),
        (["iot", "extra"], ["unexpected extra argument"]),
        (["bat"], ["No such command 'bat' (did you mean batch? see 'jobctl --help')"]),
    ],
)
def test_usage_errors_click_finds_are_one_line_naming_the_help(crafted, args, needles):
    """click prints three lines (Usage, Try, Error); jobctl one, like its other errors."""
    run = jobctl(*args, endpoint=crafted.endpoint_url)
    assert run.status == 2, run.describe()
    assert run.out == ""
    line = one_error_line(run, *needles)
    command = "jobctl" if args == ["bat"] else f"jobctl {args[0]}"
    assert line.endswith(f"see '{command} --help')")
    assert line.count("(") == 1  # one parenthesis: what to do
    assert len(run.err_lines) == 1
    assert crafted.requests == []


def test_token_of_another_listing_fails_before_any_request(crafted):
    first = jobctl("iot", "--max-items", "1", "-o", "jsonl", endpoint=crafted.endpoint_url)
    assert first.status == 0 and first.token, first.describe()
    crafted.clear_requests()
    for args in (["iot", "--status", "COMPLETED"], ["snowball"], ["iot", "--region", "eu-west-1"]):
        run = jobctl(*args, "--starting-token", first.token, endpoint=crafted.endpoint_url)
        assert run.status == 2, run.describe()
        one_error_line(run, "--starting-token")
    assert crafted.requests == []


@pytest.mark.parametrize("service", SERVICES)
def test_page_size_over_the_maximum_fails_before_any_request(crafted, service):
    over = jobctl(service, *PARENT_ARGS[service], "--page-size", str(MAX_PAGE[service] + 1),
                  endpoint=crafted.endpoint_url)  # fmt: skip
    assert over.status == 2, over.describe()
    one_error_line(over, "--page-size", f"maximum of {MAX_PAGE[service]}")
    assert crafted.requests == []
    at_max = jobctl(service, *PARENT_ARGS[service], "--page-size", str(MAX_PAGE[service]),
                    endpoint=crafted.endpoint_url)  # fmt: skip
    assert at_max.status == 0, at_max.describe()
    assert crafted.requests
    if service == "batch":
        [listed] = [r for r in crafted.requests if r.operation == "ListServiceJobs"]
        assert listed.params["maxResults"] == 100


def test_throttled_beyond_retries_exits_5(crafted):
    """Every request throttled (each service's own code, Snowball's a 400): after the
    retries, exit 5 with one line saying how many attempts were made."""
    crafted.faults.throttle_every = 1
    runs = jobctl_many(
        [[s, *PARENT_ARGS[s], "-o", "json"] for s in SERVICES],
        crafted.endpoint_url,
        attempts=2,
    )
    for service, run in zip(SERVICES, runs, strict=True):
        assert run.status == 5, run.describe()
        assert run.out == "[]\n"  # JSON stays valid, empty
        one_error_line(run, service, "(after 2 attempts)")
        assert "resume" not in run.err  # nothing was written: nothing to resume
    attempts = [r for r in crafted.requests if r.faults == ["throttle"]]
    assert len(attempts) == 2 * len(SERVICES)


def test_html_body_exits_5(crafted):
    """A 200 with an HTML page: botocore parses it as an empty page; jobctl must not
    pass it off as an empty listing."""
    crafted.faults.bad_body = "html"
    runs = jobctl_many(
        [[s, *PARENT_ARGS[s], "-o", "csv"] for s in SERVICES], crafted.endpoint_url, attempts=1
    )
    for service, run in zip(SERVICES, runs, strict=True):
        assert run.status == 5, run.describe()
        assert run.out.count("\n") == 1  # the CSV header only
        one_error_line(run, service)


def test_html_body_mid_listing_exits_3_and_resumes(demo):
    """Page 3 is an HTML page: the jobs of pages 1 and 2 are written, exit 3, and the
    printed token resumes exactly at page 3 once the endpoint is healthy again."""
    demo.faults.bad_body, demo.faults.bad_body_from_page = "html", 3
    args = ["snowball", "-o", "jsonl", "--page-size", "10"]
    broken = jobctl(*args, endpoint=demo.endpoint_url, attempts=1)
    assert broken.status == 3, broken.describe()
    assert len(broken.rows()) == 20
    assert len(broken.err_lines) == 2 and broken.token, broken.describe()
    assert "snowball" in broken.err_lines[0]
    demo.faults.bad_body = None
    rest = jobctl(*args, "--starting-token", broken.token, endpoint=demo.endpoint_url)
    whole = jobctl(*args, endpoint=demo.endpoint_url)
    assert rest.status == 0 and whole.status == 0, rest.describe()
    assert broken.rows() + rest.rows() == whole.rows()


def test_access_denied_exits_4(crafted):
    crafted.faults.access_denied = True
    run = jobctl("iot", endpoint=crafted.endpoint_url, attempts=1)
    assert run.status == 4, run.describe()
    line = one_error_line(run, "iot", "AccessDeniedException")
    assert "not authorized" in line
    assert line.endswith("(check your credentials and that they allow listing jobs; see --profile)")
