"""Issue 12, the output side, on the installed command against the sandbox: --sort with
several keys, --columns projecting json and jsonl (raw. paths with list indexes, one
warning for a path no job has), and --summary broken down by every dimension that
varies (--summary-by to choose)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from e2e_support import FORMATS, idents, jobctl, jobctl_many, parse
from test_fanout import profiles_config, profiles_env

from jobctl.job import FIELDS, STATES

HIGH = "ml-training-high"

# -- --sort: several keys ------------------------------------------------------------------


def _ms(stamp: str) -> str:
    body = stamp.removesuffix("Z")
    return body if "." in body else body + ".000"


def test_sort_by_several_keys_each_with_its_direction(demo):
    commas, repeated, unsorted = jobctl_many(
        [
            ["iot", "--sort", "state,-created_at", "-o", "jsonl"],
            ["iot", "--sort", "state", "--sort", "-created_at", "-o", "jsonl"],
            ["iot", "-o", "jsonl"],
        ],
        demo.endpoint_url,
    )
    assert commas.status == repeated.status == unsorted.status == 0, commas.describe()
    rows = commas.rows()
    assert rows == repeated.rows()
    assert idents(rows) == idents(unsorted.rows())
    keys = [(row["state"], row["created_at"]) for row in rows]
    assert [s for s, _ in keys] == sorted(s for s, _ in keys)  # first key ascending
    assert len({s for s, _ in keys}) > 2
    for state in {s for s, _ in keys}:  # within a state, the second key descending
        times = [_ms(t) for s, t in keys if s == state]
        assert times == sorted(times, reverse=True), state


def test_a_sort_is_stable_a_later_key_only_breaks_ties(demo):
    """--sort state keeps the listing's own order within a state."""
    by_state, unsorted = jobctl_many(
        [["snowball", "--sort", "state", "-o", "jsonl"], ["snowball", "-o", "jsonl"]],
        demo.endpoint_url,
    )
    order = [row["id"] for row in unsorted.rows()]
    for state in STATES:
        within = [row["id"] for row in by_state.rows() if row["state"] == state]
        assert within == [i for i in order if i in set(within)], state


def test_sort_keeps_age_numeric_under_another_key(demo):
    run = jobctl("batch", "--job-queue", HIGH, "--sort", "-state,age", "-o", "csv",
                 "--columns", "state,age,id", endpoint=demo.endpoint_url)  # fmt: skip
    assert run.status == 0, run.describe()
    rows = run.rows("csv")
    states = [row["state"] for row in rows]
    assert states == sorted(states, reverse=True)
    for state in set(states):
        ages = [int(row["age"]) for row in rows if row["state"] == state and row["age"]]
        assert ages == sorted(ages), state  # as numbers: 9 before 10


def test_a_sort_key_of_a_field_that_varies_in_no_listing_is_still_accepted(demo):
    """`--sort service,-created_at` once said "unknown column '-created_at'"."""
    run = jobctl("batch", "--job-queue", HIGH, "--sort", "service,-created_at", "-o", "jsonl",
                 endpoint=demo.endpoint_url)  # fmt: skip
    assert run.status == 0, run.describe()
    times = [_ms(row["created_at"]) for row in run.rows()]
    assert times == sorted(times, reverse=True)


def test_an_unknown_sort_key_is_a_usage_error_listing_the_valid_ones(demo):
    run = jobctl("iot", "--sort", "state,-colour", endpoint=demo.endpoint_url)
    assert run.status == 2
    assert run.err_lines == [
        "jobctl: iot: --sort: unknown key 'colour' (choose from service, region, id, name, "
        "status, state, created_at, started_at, ended_at, updated_at, arn, parent, profile, "
        "account, account_name, age, duration, raw.FIELD; -KEY sorts descending)"
    ]
    assert demo.requests == []


# -- --columns projects json and jsonl too --------------------------------------------------

PROJECTED = ("id", "state", "raw.capacityUsage.0.quantity", "age", "raw.jobName")


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_columns_project_json_to_those_keys_in_that_order(demo, fmt):
    projected, whole = jobctl_many(
        [
            # A SageMaker queue: its running service jobs report their capacity usage.
            [
                "batch",
                "--job-queue",
                "ml-training-high",
                "--status",
                "running",
                "-o",
                fmt,
                "--columns",
                ",".join(PROJECTED),
            ],
            ["batch", "--job-queue", "ml-training-high", "--status", "running", "-o", fmt],
        ],
        demo.endpoint_url,
    )
    assert projected.status == whole.status == 0, projected.describe()
    rows, full = parse(fmt, projected.out), {job["id"]: job for job in parse(fmt, whole.out)}
    assert rows and all(list(row) == list(PROJECTED) for row in rows)
    for row in rows:
        job = full[row["id"]]
        assert row["state"] == job["state"] == "running"
        assert row["raw.capacityUsage.0.quantity"] == job["raw"]["capacityUsage"][0]["quantity"]
        assert isinstance(row["raw.capacityUsage.0.quantity"], float)  # the JSON value
        assert row["raw.jobName"] == job["raw"]["jobName"]
        assert isinstance(row["age"], int)
    # without --columns, json keeps every field and the service's own item
    for job in full.values():
        assert list(job)[: len(FIELDS)] == list(FIELDS)
        assert set(job) == {*FIELDS, "raw"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_raw_list_index_is_a_column_in_every_format(demo, fmt):
    run = jobctl("batch", "--job-queue", HIGH, "--status", "running", "-o", fmt, "--columns",
                 "id,raw.capacityUsage.0.quantity", endpoint=demo.endpoint_url)  # fmt: skip
    assert run.status == 0, run.describe()
    values = {str(row["raw.capacityUsage.0.quantity"]) for row in parse(fmt, run.out)}
    assert values and values <= {"1.0", "2.0", "4.0"}


def test_a_raw_path_no_job_has_gets_one_warning_at_the_end(demo):
    run = jobctl("iot", "-o", "csv", "--page-size", "20", "--columns", "id,raw.nosuch,raw.Status",
                 endpoint=demo.endpoint_url)  # fmt: skip
    assert run.status == 0, run.describe()
    assert len(run.rows("csv")) > 40  # several pages, one warning
    assert run.err_lines == [
        "jobctl: warning: --columns raw.nosuch, raw.Status matched no job (field names are "
        "case-sensitive: see a job's raw fields with -o json)"
    ]


def test_the_warning_comes_before_the_resume_hint_and_only_for_paths_no_job_has(demo):
    # raw.completedAt: only finished IoT jobs have it; the first jobs listed may not.
    stopped = jobctl("iot", "-o", "jsonl", "--max-items", "60", "--columns",
                     "id,raw.completedAt,raw.nosuch", endpoint=demo.endpoint_url)  # fmt: skip
    assert stopped.status == 0, stopped.describe()
    assert any(row["raw.completedAt"] is None for row in stopped.rows())
    assert any(row["raw.completedAt"] is not None for row in stopped.rows())
    assert stopped.err_lines[0] == (
        "jobctl: warning: --columns raw.nosuch matched no job (field names are "
        "case-sensitive: see a job's raw fields with -o json)"
    )
    assert stopped.token and len(stopped.err_lines) == 2


# -- --summary breaks down by what varies ---------------------------------------------------


def _two_profiles(tmp_path: Path, demo, crafted) -> dict[str, str]:
    """Profile a lists the demo sandbox, b the crafted one: two accounts' worth of jobs."""
    endpoints = {"a": demo.endpoint_url, "b": crafted.endpoint_url}
    return profiles_env(profiles_config(tmp_path / "config", endpoints))


def _summary(run, fmt: str) -> list[dict]:
    if fmt == "json":
        return json.loads(run.out)["groups"]
    rows = parse(fmt, run.out)
    return rows[:-1] if len(rows) > 1 else rows


def test_two_profiles_are_two_rows_in_every_format(demo, crafted, demo_truth, crafted_truth,
                                                   tmp_path: Path):  # fmt: skip
    config = profiles_config(
        tmp_path / "config", {"a": demo.endpoint_url, "b": crafted.endpoint_url}
    )
    env = profiles_env(config)
    fmts = ("table", "json", "jsonl", "csv", "tsv")
    runs = jobctl_many(
        [["iot", "--profile", "a,b", "--summary", "-o", fmt] for fmt in fmts], env=env
    )
    expected = {"a": len(demo_truth.iot()), "b": len(crafted_truth.iot())}
    for fmt, run in zip(fmts, runs, strict=True):
        assert run.status == 0, run.describe()
        rows = _summary(run, fmt)
        assert {row["profile"]: int(row["total"]) for row in rows} == expected, fmt
        assert list(rows[0])[:3] == ["service", "region", "profile"], fmt
    assert json.loads(runs[1].out)["by"] == ["service", "region", "profile"]
    assert json.loads(runs[1].out)["total"] == sum(expected.values())


def test_summary_by_account_merges_two_profiles_of_one_account(demo, crafted, tmp_path: Path):
    config = profiles_config(
        tmp_path / "config", {"a": demo.endpoint_url, "b": crafted.endpoint_url}
    )
    env = profiles_env(config)
    by_account, jobs = jobctl_many(
        [["iot", "--profile", "a,b", "--summary-by", "account", "-o", "csv"],
         ["iot", "--profile", "a,b", "-o", "jsonl"]],
        env=env,
    )  # fmt: skip
    assert by_account.status == jobs.status == 0, by_account.describe()
    accounts = Counter(row["arn"].split(":")[4] for row in jobs.rows())
    rows = list(csv.DictReader(io.StringIO(by_account.out)))
    assert list(rows[0]) == ["service", "region", "account", *STATES, "total"]
    assert {row["account"]: int(row["total"]) for row in rows} == dict(accounts)
    assert len(rows) == 1  # the sandboxes share one account ID: one row, both profiles


def test_discovered_parents_are_rows_that_add_up(demo, demo_truth):
    run, per_service = jobctl_many(
        [["batch", "--summary", "-o", "jsonl"], ["all", "--summary-by", "service", "-o", "csv"]],
        demo.endpoint_url,
    )
    assert run.status == per_service.status == 0, run.describe()
    rows = run.rows()
    truth = Counter(item["_queue"] for item in demo_truth.batch())
    assert {row["parent"]: row["total"] for row in rows[:-1]} == dict(truth)
    assert rows[-1] == {**rows[-1], "service": "all", "region": "all", "parent": "all"}
    assert rows[-1]["total"] == sum(truth.values())
    services = list(csv.DictReader(io.StringIO(per_service.out)))
    assert [row["service"] for row in services] == [
        "amplify", "amplify-backend", "batch", "iot", "snowball", "all",
    ]  # fmt: skip
    assert int(services[2]["total"]) == sum(truth.values())


def test_regions_are_rows_and_a_single_listing_is_one_row(demo, demo_truth):
    regions, one = jobctl_many(
        [["snowball", "--region", "us-east-1,eu-west-1", "--summary", "-o", "csv"],
         ["snowball", "--summary", "-o", "csv"]],
        demo.endpoint_url,
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(regions.out)))
    # Snowball's US regions are one view, its jobs' region "us" (a US region lists them all)
    assert [(row["region"], int(row["total"])) for row in rows] == [
        ("eu-west-1", len(demo_truth.snowball("eu-west-1"))),
        ("us", len(demo_truth.snowball("us-east-1"))),
        ("all", len(demo_truth.snowball("eu-west-1")) + len(demo_truth.snowball("us-east-1"))),
    ]
    assert one.out.splitlines() == [
        "service,region,queued,running,succeeded,failed,cancelled,unknown,total",
        one.out.splitlines()[1],
    ]
    assert one.out.splitlines()[1].startswith("snowball,us,")
