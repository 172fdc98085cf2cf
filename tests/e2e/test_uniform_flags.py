"""Issue 12: flags that behave the same everywhere, on the installed command against the
sandbox. Every flag that takes several values takes repeats and comma lists alike, and
where the API takes one value per call jobctl fans out one stream per value (listed,
resumed and deduplicated like regions); a named parent that does not exist is exit 2;
a queue ARN pins its region. (--sort keys, --columns for json and --summary's breakdown:
test_uniform_output.py.)"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from e2e_support import (
    idents,
    jobctl,
    jobctl_many,
    row_ident,
    truth_idents,
    walk_to_end,
)

HIGH, DEFAULT, SPOT = "ml-training-high", "ml-training-default", "ml-experiments-spot"
STOREFRONT, ADMIN, DOCS = "dx9ixz05feh07i", "d7r2r5tpzn6y06", "dgmrz1n8hx9j0v"
ACCOUNT = "123456789012"


def arn(queue: str, region: str) -> str:
    return f"arn:aws:batch:{region}:{ACCOUNT}:job-queue/{queue}"


def list_requests(sandbox, operation: str) -> list:
    return [r for r in sandbox.requests if r.operation == operation]


# -- repeats and comma lists are one rule ---------------------------------------------------

# (command, flag, the values, the job field that tells them apart)
LIST_FLAGS = {
    "iot-status": (["iot"], "--status", ["IN_PROGRESS", "COMPLETED"], "status"),
    "batch-status": (["batch"], "--status", ["RUNNING", "FAILED"], "status"),
    "backend-status": (["amplify-backend"], "--status", ["COMPLETED", "FAILED"], "status"),
    "queues": (["batch"], "--job-queue", [HIGH, DEFAULT], "parent"),
    "apps": (["amplify"], "--app-id", [STOREFRONT, ADMIN], "parent"),
    "branches": (["amplify"], "--branch", ["develop", "staging"], "parent"),
    "environments": (["amplify-backend", "--app-id", DOCS], "--env", ["prod", "staging"], "parent"),
    "regions": (["snowball"], "--region", ["us-east-1", "eu-west-1"], "region"),
    "states": (["iot"], "--state", ["running", "cancelled"], "state"),
    "ids": (["snowball"], "--id", [], "id"),  # two IDs of the listing, filled in below
    "services": (["all"], "--services", ["iot", "snowball"], "service"),
}


@pytest.mark.parametrize("case", list(LIST_FLAGS))
def test_repeats_and_comma_lists_list_the_same_jobs(demo, case):
    command, flag, values, field = LIST_FLAGS[case]
    if case == "ids":
        rows = jobctl("snowball", "--max-items", "5", "-o", "jsonl", endpoint=demo.endpoint_url)
        values = [rows.rows()[0]["id"], rows.rows()[4]["id"]]
    repeated = [*command, *(x for v in values for x in (flag, v)), "-o", "jsonl"]
    commas = [*command, flag, ",".join(values), "-o", "jsonl"]
    runs = jobctl_many(
        [repeated, commas, *([*command, flag, v, "-o", "jsonl"] for v in values)],
        demo.endpoint_url,
    )
    for run in runs:
        assert run.status == 0, run.describe()
    both_repeated, both_commas, *each = runs
    assert idents(both_repeated.rows()) == idents(both_commas.rows())
    # the union of each value alone: nothing lost, nothing twice
    union = [row_ident(row) for run in each for row in run.rows()]
    assert len(union) == len(set(union)) > 0
    assert idents(both_commas.rows()) == sorted(union)
    seen = Counter(str(row[field]) for row in both_commas.rows())
    assert len(seen) >= 2, seen  # both values are in the listing


@pytest.mark.parametrize(
    ("args", "values"),
    [
        (["iot", "--status", "completed,COMPLETED", "--status", "Completed"],
         ["iot", "--status", "COMPLETED"]),
        (["batch", "--job-queue", f"{HIGH},{HIGH}"], ["batch", "--job-queue", HIGH]),
        (["amplify", "--app-id", STOREFRONT, "--app-id", STOREFRONT],
         ["amplify", "--app-id", STOREFRONT]),
        (["amplify-backend", "--app-id", DOCS, "--env", "prod", "--status", "failed,FAILED"],
         ["amplify-backend", "--app-id", DOCS, "--env", "prod", "--status", "failed"]),
        (["iot", "--region", "us-west-2,us-west-2"], ["iot", "--region", "us-west-2"]),
    ],
    ids=["iot-status-any-case", "queue", "app", "backend-status-any-case", "region"],
)  # fmt: skip
def test_a_value_given_twice_is_listed_once(demo, args, values):
    twice, once = jobctl_many([[*args, "-o", "jsonl"], [*values, "-o", "jsonl"]], demo.endpoint_url)
    assert twice.status == once.status == 0, twice.describe()
    assert once.rows()
    # the same jobs with the same fields (streams of several parents interleave freely)
    assert sorted(map(json.dumps, twice.rows())) == sorted(map(json.dumps, once.rows()))


def test_a_queue_named_by_name_and_by_arn_is_listed_once(demo, demo_truth):
    run = jobctl("batch", "--job-queue", f"{HIGH},{arn(HIGH, 'us-east-1')}", "-o", "jsonl",
                 endpoint=demo.endpoint_url)  # fmt: skip
    assert run.status == 0, run.describe()
    assert idents(run.rows()) == truth_idents("batch", demo_truth.batch(queues=[HIGH]))
    assert {row["parent"] for row in run.rows()} == {HIGH}


# -- one stream per value, as per region --------------------------------------------------


def test_iot_statuses_are_one_query_each_and_their_union(demo, demo_truth):
    run = jobctl("iot", "--status", "IN_PROGRESS", "--status", "COMPLETED", "-o", "jsonl",
                 endpoint=demo.endpoint_url)  # fmt: skip
    assert run.status == 0, run.describe()
    expected = demo_truth.iot(status="IN_PROGRESS") + demo_truth.iot(status="COMPLETED")
    assert idents(run.rows()) == truth_idents("iot", expected)
    assert Counter(row["status"] for row in run.rows()) == Counter(
        item["status"] for item in expected
    )
    asked = Counter(r.params.get("status") for r in list_requests(demo, "ListJobs"))
    assert set(asked) == {"IN_PROGRESS", "COMPLETED"}  # never a call without a status


def test_several_queues_are_listed_each_with_its_parent(demo, demo_truth):
    run = jobctl("batch", "--job-queue", f"{HIGH},{SPOT}", "--status", "all", "-o", "jsonl",
                 endpoint=demo.endpoint_url)  # fmt: skip
    assert run.status == 0, run.describe()
    assert idents(run.rows()) == truth_idents("batch", demo_truth.batch(queues=[HIGH, SPOT]))
    truth = {item["jobId"]: item["_queue"] for item in demo_truth.batch(queues=[HIGH, SPOT])}
    assert all(row["parent"] == truth[row["id"]] for row in run.rows())
    queues = {r.params.get("jobQueue") for r in list_requests(demo, "ListServiceJobs")}
    assert queues == {HIGH, SPOT}


def test_several_apps_and_branches_are_every_pair_that_exists(demo, demo_truth):
    run = jobctl("amplify", "--app-id", f"{STOREFRONT},{DOCS}", "--branch", "main,staging",
                 "-o", "jsonl", endpoint=demo.endpoint_url)  # fmt: skip
    assert run.status == 0, run.describe()
    pairs = [(STOREFRONT, "main"), (DOCS, "main"), (DOCS, "staging")]  # storefront has no staging
    assert idents(run.rows()) == truth_idents("amplify", demo_truth.amplify(branches=pairs))
    assert {row["parent"] for row in run.rows()} == {f"{a}/{b}" for a, b in pairs}


def test_several_environments_of_every_app(demo, demo_truth):
    run = jobctl("amplify-backend", "--env", "prod,staging", "-o", "jsonl",
                 endpoint=demo.endpoint_url)  # fmt: skip
    assert run.status == 0, run.describe()
    assert idents(run.rows()) == truth_idents("amplify-backend", demo_truth.backend())


def test_one_value_of_each_parent_keeps_the_shape_without_parent(demo):
    for args in (["batch", "--job-queue", HIGH], ["amplify", "--app-id", DOCS, "--branch", "main"]):
        run = jobctl(*args, "--max-items", "3", "-o", "jsonl", endpoint=demo.endpoint_url)
        assert run.status == 0, run.describe()
        assert all("parent" not in row for row in run.rows())


# -- resume of the new fan-outs -------------------------------------------------------------

RESUMED = {
    "iot-statuses": ["iot", "--status", "IN_PROGRESS,COMPLETED", "--status", "CANCELED",
                     "--page-size", "25"],
    "queues": ["batch", "--job-queue", f"{HIGH},{DEFAULT},{SPOT}", "--page-size", "20",
               "--concurrency", "2"],
    "apps-and-branches": ["amplify", "--app-id", f"{STOREFRONT},{ADMIN}", "--branch",
                          "main,develop,release/2026.11", "--page-size", "10"],
    "environments": ["amplify-backend", "--app-id", f"{DOCS},{ADMIN}", "--env", "prod,staging",
                     "--page-size", "7"],
}  # fmt: skip


@pytest.mark.parametrize("case", list(RESUMED))
def test_resume_walks_a_fan_out_of_values_to_the_end(demo, case):
    args = [*RESUMED[case], "-o", "jsonl"]
    whole = jobctl(*args, endpoint=demo.endpoint_url)
    assert whole.status == 0, whole.describe()
    runs, rows = walk_to_end([*args, "--max-items", "15"], demo.endpoint_url)
    resumed = [row_ident(row) for row in rows]
    assert len(runs) >= 3, len(runs)
    assert len(resumed) == len(set(resumed))  # every job exactly once
    assert sorted(resumed) == idents(whole.rows())
    # each stop in the middle printed a token that named more than one stream
    assert all(run.token for run in runs[:-1])


def test_every_iot_status_at_once_is_the_whole_listing_once(demo, demo_truth):
    """Every status named: one query each, and together exactly the unfiltered listing.
    (A job changing status between two of them: tests/cli/test_list_flags.py.)"""
    statuses = ",".join(sorted({item["status"] for item in demo_truth.iot()}))
    run = jobctl("iot", "--status", statuses, "-o", "jsonl", endpoint=demo.endpoint_url)
    assert run.status == 0, run.describe()
    ids = [row["id"] for row in run.rows()]
    assert len(ids) == len(set(ids))
    assert idents(run.rows()) == truth_idents("iot", demo_truth.iot())


# -- a named parent that does not exist ---------------------------------------------------

MISSING = {
    "branch": (
        ["amplify", "--branch", "nosuch"],
        "jobctl: amplify: branch nosuch does not exist in any app "
        "(existing: develop, feature/checkout-v2, main, release/2026.11, staging)",
    ),
    "branches": (
        ["amplify", "--branch", "maine", "--branch", "nosuch,main"],
        "jobctl: amplify: branches maine, nosuch do not exist in any app (did you mean main?)",
    ),
    "branch-of-apps": (
        ["amplify", "--app-id", f"{STOREFRONT},{DOCS}", "--branch", "release/2026.11"],
        f"jobctl: amplify: branch release/2026.11 does not exist in {STOREFRONT}, {DOCS} "
        "(existing: develop, feature/checkout-v2, main, staging)",
    ),
    "apps": (
        ["amplify", "--app-id", f"dx9ixz05feh07,{DOCS},dzzzzzzz", "--branch", "main"],
        f"jobctl: amplify: apps dx9ixz05feh07, dzzzzzzz do not exist (did you mean {STOREFRONT}?)",
    ),
    "environment": (
        ["amplify-backend", "--env", "stagin"],
        "jobctl: amplify-backend: backend environment stagin does not exist in any app "
        "(did you mean staging?)",
    ),
    "environments": (
        ["amplify-backend", "--app-id", DOCS, "--env", "prod,dev,qa"],
        f"jobctl: amplify-backend: backend environments dev, qa do not exist in {DOCS} "
        "(existing: prod, staging)",
    ),
    "queue": (
        ["batch", "--job-queue", "ml-traning-high"],
        f"jobctl: batch: job queue ml-traning-high does not exist (did you mean {HIGH}, "
        f"{DEFAULT}?)",
    ),
    "queues": (
        ["batch", "--job-queue", f"{HIGH},nosuch,{arn('ml-trainin-default', 'us-east-1')}"],
        f"jobctl: batch: job queues nosuch, {arn('ml-trainin-default', 'us-east-1')} do not "
        f"exist (did you mean {DEFAULT}, {HIGH}?)",
    ),
}

LISTINGS = {"ListJobs", "ListBackendJobs", "ListServiceJobs"}


@pytest.mark.parametrize("case", list(MISSING))
def test_a_named_parent_that_does_not_exist_is_exit_2_naming_every_one(demo, case):
    args, line = MISSING[case]
    run = jobctl(*args, "-o", "jsonl", endpoint=demo.endpoint_url)
    assert run.status == 2, run.describe()
    assert run.out == ""
    assert run.err_lines == [line]
    assert not [r for r in demo.requests if r.operation in LISTINGS]  # no job listed


def test_a_missing_queue_in_one_of_two_regions_names_that_region(demo):
    """A queue name applies in every region asked; where it is missing, that region says
    so and the others are still listed (exit 3), as for any failing part of a fan-out."""
    run = jobctl("batch", "--job-queue", HIGH, "--region", "us-east-1,ap-south-1", "-o", "jsonl",
                 endpoint=demo.endpoint_url)  # fmt: skip
    assert run.status == 3, run.describe()
    assert run.rows() and {row["region"] for row in run.rows()} == {"us-east-1"}
    assert f"jobctl: batch ap-south-1: job queue {HIGH} does not exist" in run.err


# -- a queue ARN pins its region ------------------------------------------------------------


def test_a_queue_arn_is_listed_in_its_own_region_without_region(demo, demo_truth):
    run = jobctl("batch", "--job-queue", arn(HIGH, "us-west-2"), "--status", "all", "-o",
                 "jsonl", endpoint=demo.endpoint_url)  # fmt: skip
    assert run.status == 0, run.describe()
    expected = demo_truth.batch("us-west-2", queues=[HIGH])
    assert idents(run.rows()) == truth_idents("batch", expected, "us-west-2")
    assert {r.region for r in demo.requests} == {"us-west-2"}  # AWS_REGION is us-east-1


@pytest.mark.parametrize("regions", ["us-east-1,us-west-2,eu-west-1", "all"])
def test_a_listing_of_queue_arns_asks_only_their_regions(demo, demo_truth, regions):
    queues = f"{arn(HIGH, 'us-west-2')},{arn(SPOT, 'eu-west-1')}"
    run = jobctl("batch", "--job-queue", queues, "--region", regions, "-o", "jsonl",
                 endpoint=demo.endpoint_url)  # fmt: skip
    assert run.status == 0, run.describe()
    expected = truth_idents("batch", demo_truth.batch("us-west-2", queues=[HIGH]), "us-west-2")
    expected += truth_idents("batch", demo_truth.batch("eu-west-1", [SPOT]), "eu-west-1")
    assert idents(run.rows()) == sorted(expected)
    # (--region all also asks the Account API, a global service, which regions are enabled)
    listed = {r.region for r in demo.requests if r.service != "account"}
    assert listed <= {"us-west-2", "eu-west-1"}
    assert "us-east-1" not in listed


def test_a_queue_arn_whose_region_is_left_out_is_a_usage_error(demo):
    run = jobctl("batch", "--job-queue", arn(HIGH, "us-west-2"), "--region", "us-east-1",
                 endpoint=demo.endpoint_url)  # fmt: skip
    assert run.status == 2, run.describe()
    assert run.err_lines == [
        f"jobctl: batch: --job-queue {arn(HIGH, 'us-west-2')} is in us-west-2, which --region "
        "leaves out (add us-west-2 to --region, or leave out --region)"
    ]
    assert demo.requests == []


def test_a_queue_name_still_applies_to_every_region_beside_an_arn(demo, demo_truth):
    run = jobctl("batch", "--job-queue", f"{DEFAULT},{arn(HIGH, 'us-west-2')}", "--region",
                 "us-east-1,us-west-2", "-o", "jsonl", endpoint=demo.endpoint_url)  # fmt: skip
    assert run.status == 0, run.describe()
    expected = truth_idents("batch", demo_truth.batch("us-east-1", [DEFAULT]), "us-east-1")
    expected += truth_idents("batch", demo_truth.batch("us-west-2", [DEFAULT, HIGH]), "us-west-2")
    assert idents(run.rows()) == sorted(expected)
    assert Counter((row["region"], row["parent"]) for row in run.rows()).keys() == {
        ("us-east-1", DEFAULT),
        ("us-west-2", DEFAULT),
        ("us-west-2", HIGH),
    }


def test_batch_statuses_fan_out_only_where_asked(demo, demo_truth):
    """Control for the rule: Batch's every-status default is still one stream per queue."""
    run = jobctl("batch", "--job-queue", HIGH, "-o", "jsonl", endpoint=demo.endpoint_url)
    assert run.status == 0, run.describe()
    assert len(list_requests(demo, "ListServiceJobs")) >= 1
    assert {r.params.get("jobStatus") for r in list_requests(demo, "ListServiceJobs")} == {None}
    assert idents(run.rows()) == truth_idents("batch", demo_truth.batch(queues=[HIGH]))
