"""Pipes and signals, with PYTHONUNBUFFERED unset as in a user's shell: `| head -1` ends
jobctl silently with 141 and no further requests; a closed or full stdout is one line and
exit 1; SIGINT and SIGTERM mid-listing flush what was fetched, close the JSON, print where
to resume and exit 130 / 143."""

from __future__ import annotations

import csv
import io
import json
import signal
from collections.abc import Iterator
from typing import Any

import pytest
from hardening_support import command_line, interrupt_after, jobctl, list_requests, sandbox, shell

FORMATS = ["json", "jsonl", "csv", "tsv", "table"]
JOBS = 2000
PAGE = 20  # 100 pages
FIRST_LINE = {
    "json": "[",
    "jsonl": '{"service":"iot"',
    "csv": "service,region,id",
    "tsv": "service\tregion\tid",
    "table": "id ",
}


@pytest.fixture(scope="module")
def many() -> Iterator[Any]:
    with sandbox(jobs_per_service=JOBS, regions=("us-east-1",)) as running:
        yield running


@pytest.fixture
def sb(many: Any) -> Iterator[Any]:
    from jobctl.sandbox import Faults

    many.faults = Faults()
    many.clear_requests()
    yield many
    many.faults = Faults()


def _listing(sb: Any, output: str) -> list[str]:
    return ["iot", "--endpoint-url", sb.endpoint_url, "--page-size", str(PAGE), "-o", output]


@pytest.mark.parametrize("output", FORMATS)
def test_head_1_ends_silently_with_141_and_no_more_requests(sb: Any, output: str) -> None:
    script = (
        f"set -o pipefail; {command_line(*_listing(sb, output))} | head -1; "
        'echo "status=${PIPESTATUS[0]}" >&2'
    )
    run = shell(script)
    assert run.err == "status=141\n"  # nothing from jobctl: no traceback, no hint
    assert len(run.lines) == 1
    assert run.lines[0].startswith(FIRST_LINE[output])
    pages = len(list_requests(sb))
    # Every format streams (the table too: its first page sets the widths), so the
    # listing stops as soon as the reader leaves.
    assert pages <= 8, f"{pages} requests after the reader left"


@pytest.mark.parametrize("output", ["json", "jsonl", "csv", "table"])
def test_stdout_closed_is_one_line_and_exit_1(sb: Any, output: str) -> None:
    run = shell(f"{command_line(*_listing(sb, output))} >&-")
    assert run.status == 1
    assert run.err_lines == ["jobctl: cannot write output: stdout is closed"]
    assert list_requests(sb) == []  # found before listing anything


@pytest.mark.parametrize("output", FORMATS)
def test_stdout_full_is_one_line_and_exit_1(sb: Any, output: str) -> None:
    run = shell(f"{command_line(*_listing(sb, output))} > /dev/full")
    assert run.status == 1, run.err
    assert run.err_lines == ["jobctl: cannot write output: No space left on device"]


# -- signals ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def slow() -> Iterator[Any]:
    with sandbox(jobs_per_service=40, regions=("us-east-1",)) as running:
        yield running


SIGNALS = [(signal.SIGINT, 130), (signal.SIGTERM, 143)]


@pytest.mark.parametrize(("sig", "status"), SIGNALS, ids=["SIGINT", "SIGTERM"])
def test_a_signal_mid_listing_closes_the_json_and_resumes_exactly(
    slow: Any, sig: signal.Signals, status: int
) -> None:
    args = ["iot", "--endpoint-url", slow.endpoint_url, "--page-size", "5", "-o", "json"]
    slow.clear_requests()
    slow.faults.latency_ms = 400
    try:
        run = interrupt_after(args, slow, requests=3, sig=sig)
    finally:
        slow.faults.latency_ms = 0
    assert run.status == status, run.err
    fetched = [job["id"] for job in json.loads(run.out)]  # closed: it parses
    assert len(fetched) in (10, 15)  # pages 1 and 2 (and 3 if it had just arrived)
    lines = run.err_lines
    assert len(lines) == 1, run.err
    token = run.hint_token
    assert token is not None

    rest = jobctl(*args, "--starting-token", token)
    assert (rest.status, rest.err) == (0, "")
    everything = jobctl(*args)
    assert fetched + rest.ids == everything.ids


@pytest.mark.parametrize(
    ("output", "sig", "status"),
    [
        ("jsonl", signal.SIGTERM, 143),
        ("csv", signal.SIGINT, 130),
        ("tsv", signal.SIGTERM, 143),
        ("table", signal.SIGINT, 130),
    ],
    ids=["jsonl-SIGTERM", "csv-SIGINT", "tsv-SIGTERM", "table-SIGINT"],
)
def test_a_signal_mid_listing_flushes_every_format(
    slow: Any, output: str, sig: signal.Signals, status: int
) -> None:
    args = ["iot", "--endpoint-url", slow.endpoint_url, "--page-size", "5", "-o", output]
    slow.clear_requests()
    slow.faults.latency_ms = 400
    try:
        run = interrupt_after(args, slow, requests=3, sig=sig)
    finally:
        slow.faults.latency_ms = 0
    assert run.status == status, run.err
    if output == "csv":
        rows = list(csv.reader(io.StringIO(run.out, newline="")))[1:]
    else:
        rows = run.lines[0 if output == "jsonl" else 1 :]
    assert len(rows) in (10, 15), run.out
    assert len(run.err_lines) == 1 and run.hint_token is not None, run.err


def test_stderr_closed_never_puts_messages_on_stdout(sb: Any) -> None:
    """With stderr closed (`2>&-`) messages are lost, but stdout stays data only and the
    exit status stays the listing's."""
    stopped = shell(f"{command_line(*_listing(sb, 'jsonl'), '--max-items', '2')} 2>&-")
    assert stopped.status == 0
    assert [json.loads(line)["service"] for line in stopped.lines] == ["iot", "iot"]
    failed = shell(f"{command_line('iot', '--endpoint-url', 'http://127.0.0.1:9')} 2>&-")
    assert (failed.status, failed.out) == (5, "")
    usage = shell(f"{command_line('iot', '--page-size', '0')} 2>&-")
    assert (usage.status, usage.out) == (2, "")
