"""Issue 3: every subcommand in every output format parses, and lists exactly the jobs a
plain boto3 paginator walk of the same sandbox finds."""

from __future__ import annotations

import json
from typing import Any

import pytest
from e2e_support import (
    FORMATS,
    SERVICES,
    Run,
    fake_env,
    idents,
    jobctl_many,
    parse,
    truth_idents,
)

# Amplify is listed for one named branch here: without one it discovers every branch,
# which tests/e2e/test_discovery.py covers.
ARGS = {
    "amplify": lambda parents: ["--app-id", parents["amplify"][0][0],
                                "--branch", parents["amplify"][0][1]],
    "amplify-backend": lambda parents: [],
    "iot": lambda parents: [],
    "batch": lambda parents: ["--status", "all"],
    "snowball": lambda parents: [],
}  # fmt: skip
COLUMNS = ["service", "region", "id", "name", "status", "state", "created_at", "started_at",
           "ended_at", "updated_at", "arn"]  # fmt: skip
# Listed without naming their parents: each job names the parent jobctl discovered.
DISCOVERED = {"amplify-backend", "batch"}


@pytest.fixture(scope="session")
def format_runs(demo_sandbox: Any, e2e_tmp: Any) -> dict[tuple[str, str], Run]:
    """All 30 runs at once, side by side, before any test changes the sandbox."""
    parents = demo_sandbox.parents()
    cases = [(service, fmt) for service in SERVICES for fmt in (*FORMATS, "table")]
    commands = [[service, *ARGS[service](parents), "-o", fmt] for service, fmt in cases]
    runs = jobctl_many(commands, demo_sandbox.endpoint_url, env=fake_env(e2e_tmp))
    return dict(zip(cases, runs, strict=True))


@pytest.fixture(scope="session")
def expected(demo_sandbox: Any, demo_truth: Any) -> dict[str, list[tuple]]:
    app, branch = demo_sandbox.parents()["amplify"][0]
    return {
        "amplify": truth_idents("amplify", demo_truth.amplify(branches=[(app, branch)])),
        **{s: truth_idents(s, demo_truth.everything(s)) for s in SERVICES if s != "amplify"},
    }


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("service", SERVICES)
def test_format_lists_every_job(format_runs, expected, service, fmt):
    run = format_runs[service, fmt]
    assert run.status == 0, run.describe()
    assert run.err == "", run.describe()
    rows = parse(fmt, run.out)
    assert len(expected[service]) > 10  # several pages' worth for the small page sizes
    assert idents(rows) == expected[service]
    for row in rows:
        assert row["service"] == service
        # Snowball's US regions are one view: its jobs read "us" (README, Snowball).
        assert row["region"] == ("us" if service == "snowball" else "us-east-1")
        assert row["state"] in ("queued", "running", "succeeded", "failed", "cancelled")


@pytest.mark.parametrize("service", SERVICES)
def test_formats_carry_the_same_rows(format_runs, service):
    """The wide table, CSV and TSV show the same normalized values as JSON (nulls are '-'
    in the table and empty in CSV/TSV). Fanned-out parents arrive in any order between
    runs, so rows are compared in ID order."""

    def rows_of(fmt: str) -> list[dict[str, Any]]:
        return sorted(parse(fmt, format_runs[service, fmt].out), key=lambda r: (r["id"], r["arn"]))

    reference = rows_of("json")
    assert rows_of("jsonl") == reference
    columns = COLUMNS + (["parent"] if service in DISCOVERED else [])
    for fmt, null in (("csv", ""), ("tsv", ""), ("wide", "-")):
        rows = rows_of(fmt)
        assert [list(row) for row in rows] == [columns] * len(reference)
        for row, ref in zip(rows, reference, strict=True):
            assert row == {c: null if ref[c] is None else str(ref[c]) for c in columns}, fmt


@pytest.mark.parametrize("service", SERVICES)
def test_compact_table_lists_the_same_jobs(format_runs, service):
    """The default table: the job's own columns (a parent when one was discovered), every
    job once, its ID whole and its state the same as in JSON."""
    run = format_runs[service, "table"]
    assert (run.status, run.err) == (0, ""), run.describe()
    rows = parse("table", run.out)
    expected = ["id", "name", "status", "state", "age", "duration"]
    if service == "iot":
        expected.remove("name")  # IoT's name is its ID
    if service in DISCOVERED:
        expected.insert(0, "parent")
    assert [list(row) for row in rows] == [expected] * len(rows)
    reference = parse("json", format_runs[service, "json"].out)
    assert sorted((r["id"], r["state"]) for r in rows) == sorted(
        (r["id"], r["state"]) for r in reference
    )
    assert all(row["age"] != "-" for row in rows)  # every demo job has a creation time


def test_json_carries_raw_items_with_iso_times(format_runs):
    """JSON keeps the service's own item in `raw`; Batch's epoch-ms times become ISO text."""
    rows = json.loads(format_runs["batch", "json"].out)
    for row in rows:
        assert row["raw"]["jobId"] == row["id"]
        assert row["raw"]["createdAt"] == row["created_at"]
        assert row["created_at"].endswith("Z")
