"""Issue 4: fan-out. Statuses, discovered parents, regions, profiles and services listed
as one stream: the union of the parts, each job once, a failing part named while the
others are still written, and a resume that walks a whole fan-out to its end."""

from __future__ import annotations

import json
import signal
import subprocess
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import pytest
from e2e_support import (
    BATCH_STATUSES,
    DEMO_REGIONS,
    FAKE_CREDS,
    JOBCTL,
    fake_env,
    idents,
    jobctl,
    jobctl_many,
    row_ident,
    truth_idents,
    walk_to_end,
)

from jobctl.sandbox import Sandbox

THREE = ",".join(DEMO_REGIONS)
HINT_PREFIX = "jobctl: resume with --starting-token "


# -- statuses ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def status_runs(demo_sandbox, e2e_tmp):
    """`batch` over every discovered queue: --status all, each status alone, and three
    statuses together."""
    several = ("SUCCEEDED", "FAILED", "RUNNABLE")
    commands = {
        "all": ["batch", "--status", "all"],
        **{status: ["batch", "--status", status] for status in BATCH_STATUSES},
        "several": ["batch", *[x for s in several for x in ("--status", s)]],
    }
    runs = jobctl_many(
        [[*args, "-o", "jsonl"] for args in commands.values()],
        demo_sandbox.endpoint_url,
        env=fake_env(e2e_tmp),
    )
    for run in runs:
        assert run.status == 0, run.describe()
    return {name: run.rows() for name, run in zip(commands, runs, strict=True)}, several


def test_status_all_is_the_union_of_every_status(status_runs, demo_truth):
    rows, _ = status_runs
    every = [row_ident(row) for row in rows["all"]]
    assert len(every) == len(set(every))  # each job exactly once
    union: list[tuple] = []
    for status in BATCH_STATUSES:
        assert rows[status], f"no {status} job in the demo data"
        assert {row["status"] for row in rows[status]} == {status}
        union += idents(rows[status])
    assert len(union) == len(set(union))  # no job in two statuses
    assert sorted(every) == sorted(union) == truth_idents("batch", demo_truth.batch())


def test_several_statuses_are_the_union_of_each_alone(status_runs):
    rows, several = status_runs
    together = idents(rows["several"])
    assert len(together) == len(set(together))
    assert together == sorted(x for status in several for x in idents(rows[status]))


def test_batch_without_a_queue_lists_every_queue(status_runs, demo_truth):
    rows, _ = status_runs
    queue_of = {job["jobId"]: job["_queue"] for job in demo_truth.batch()}
    listed = Counter(queue_of[row["id"]] for row in rows["all"])
    assert set(listed) == set(demo_truth.queues())
    assert len(listed) == 6  # every type: ListServiceJobs and ListJobs queues
    # Batch's items do not name their queue: jobctl adds the queue it discovered.
    assert all(row["parent"] == queue_of[row["id"]] for row in rows["all"])


# -- discovered parents -----------------------------------------------------------------------


def test_amplify_discovers_every_app_and_branch(crafted, crafted_truth):
    run = jobctl("amplify", "-o", "jsonl", endpoint=crafted.endpoint_url)
    assert run.status == 0, run.describe()
    assert idents(run.rows()) == truth_idents("amplify", crafted_truth.amplify())
    listed = {(app, unquote(branch)) for app, branch in
              (row["arn"].split("/")[1:4:2] for row in run.rows())}  # fmt: skip
    assert listed == set(crafted_truth.branches())
    assert len(listed) == 3 and len({app for app, _ in listed}) == 2
    branch_of = {
        (j["_app"], j["jobId"]): f"{j['_app']}/{j['_branch']}" for j in crafted_truth.amplify()
    }
    assert all(
        row["parent"] == branch_of[row["arn"].split("/")[1], row["id"]] for row in run.rows()
    )


def test_amplify_discovers_every_branch_of_the_demo_data(demo, demo_truth):
    run = jobctl("amplify", "-o", "jsonl", endpoint=demo.endpoint_url)
    assert run.status == 0, run.describe()
    assert idents(run.rows()) == truth_idents("amplify", demo_truth.amplify())


def test_amplify_backend_discovers_every_environment(demo, demo_truth):
    app = demo.parents()["amplify-backend"][0][0]
    of_app, of_all = jobctl_many(
        [["amplify-backend", "--app-id", app, "-o", "jsonl"], ["amplify-backend", "-o", "jsonl"]],
        demo.endpoint_url,
    )
    for run in (of_app, of_all):
        assert run.status == 0, run.describe()
    envs = demo_truth.environments()
    mine = [(a, e) for a, e in envs if a == app]
    assert len(mine) == 2 and len(envs) == 6
    assert idents(of_app.rows()) == truth_idents("amplify-backend", demo_truth.backend(envs=mine))
    assert idents(of_all.rows()) == truth_idents("amplify-backend", demo_truth.backend())
    listed = {(r["raw"]["AppId"], r["raw"]["BackendEnvironmentName"]) for r in of_all.rows()}
    assert listed == set(envs)
    for row in of_all.rows():
        assert row["parent"] == f"{row['raw']['AppId']}/{row['raw']['BackendEnvironmentName']}"


def test_named_parents_add_no_field_and_all_gives_every_job_one_shape(demo):
    app, branch = demo.parents()["amplify"][0]
    named, every = jobctl_many(
        [
            ["amplify", "--app-id", app, "--branch", branch, "-o", "jsonl"],
            ["all", "--services", "iot,batch", "-o", "csv"],
        ],
        demo.endpoint_url,
    )
    assert named.status == every.status == 0, every.describe()
    assert not any("parent" in row for row in named.rows())
    rows = every.rows("csv")
    assert every.out.splitlines()[0].endswith(",arn,parent")
    assert {row["parent"] for row in rows if row["service"] == "iot"} == {""}
    assert all(row["parent"] for row in rows if row["service"] == "batch")


# -- regions ----------------------------------------------------------------------------------


def test_regions_are_the_union_of_each_region_with_its_region_field(demo, demo_truth):
    commands = [
        ["iot", "--region", THREE],
        *[["iot", "--region", region] for region in DEMO_REGIONS],
        ["batch", "--status", "all", "--region", "us-east-1,eu-west-1"],
    ]
    runs = jobctl_many([[*c, "-o", "jsonl"] for c in commands], demo.endpoint_url)
    for run in runs:
        assert run.status == 0, run.describe()
    together, *alone, batch = (run.rows() for run in runs)
    truth = {r: truth_idents("iot", demo_truth.iot(r), r) for r in DEMO_REGIONS}
    for region, rows in zip(DEMO_REGIONS, alone, strict=True):
        assert idents(rows) == truth[region]  # ident carries the row's region field
    assert idents(together) == sorted(x for r in DEMO_REGIONS for x in truth[r])
    assert Counter(row["region"] for row in together) == {r: len(truth[r]) for r in truth}
    # Regions hold different data: the same listing in each region differs.
    assert len({frozenset(x[2] for x in t) for t in truth.values()}) == 3
    assert idents(batch) == sorted(
        truth_idents("batch", demo_truth.batch("us-east-1"), "us-east-1")
        + truth_idents("batch", demo_truth.batch("eu-west-1"), "eu-west-1")
    )
    # Each region's requests were signed for that region.
    signed = {(r.service, r.region) for r in demo.requests if r.status == 200}
    assert {("iot", region) for region in DEMO_REGIONS} <= signed


def test_region_all_lists_every_region(demo, demo_truth):
    import botocore.session

    offered = botocore.session.get_session().get_available_regions("iot")
    run = jobctl("iot", "--region", "all", "-o", "jsonl", endpoint=demo.endpoint_url)
    assert run.status == 0, run.describe()
    assert idents(run.rows()) == sorted(
        x for r in DEMO_REGIONS for x in truth_idents("iot", demo_truth.iot(r), r)
    )
    asked = {r.region for r in demo.requests if r.service == "iot"}
    assert asked == set(offered) and len(asked) > 10


def test_one_region_failing_is_named_and_the_others_are_written(demo, demo_truth):
    """us-west-2 answers 5xx to everything: the other regions' jobs are written, the
    failed target named on one line, exit 3, and the token resumes just that region."""
    truth = {r: truth_idents("iot", demo_truth.iot(r), r) for r in DEMO_REGIONS}
    demo.faults.server_error_every, demo.faults.regions = 1, ("us-west-2",)
    args = ["iot", "--region", THREE, "-o", "jsonl"]
    run = jobctl(*args, endpoint=demo.endpoint_url, attempts=1)
    assert run.status == 3, run.describe()
    healthy = truth["us-east-1"] + truth["eu-west-1"]
    assert idents(run.rows()) == sorted(healthy)
    failure, hint = run.err_lines
    assert failure.startswith("jobctl: iot us-west-2: ServiceUnavailableException")
    assert hint.startswith(HINT_PREFIX) and run.token
    demo.faults.server_error_every = 0
    rest = jobctl(*args, "--starting-token", run.token, endpoint=demo.endpoint_url)
    assert rest.status == 0 and rest.err == "", rest.describe()
    assert idents(rest.rows()) == truth["us-west-2"]


def test_one_region_failing_discovery_is_named_and_resumed(demo, demo_truth):
    """Batch's queue discovery fails in eu-west-1: the other regions are listed, and the
    token rediscovers eu-west-1's queues on resume."""
    truth = {r: truth_idents("batch", demo_truth.batch(r), r) for r in DEMO_REGIONS}
    demo.faults.server_error_every, demo.faults.regions = 1, ("eu-west-1",)
    args = ["batch", "--status", "all", "--region", THREE, "-o", "jsonl"]
    run = jobctl(*args, endpoint=demo.endpoint_url, attempts=1)
    assert run.status == 3, run.describe()
    assert idents(run.rows()) == sorted(truth["us-east-1"] + truth["us-west-2"])
    failure, hint = run.err_lines
    assert failure.startswith("jobctl: batch eu-west-1: ServerException")
    assert hint.startswith(HINT_PREFIX)
    demo.faults.server_error_every = 0
    rest = jobctl(*args, "--starting-token", run.token, endpoint=demo.endpoint_url)
    assert rest.status == 0, rest.describe()
    assert idents(rest.rows()) == truth["eu-west-1"]


def test_a_fan_out_reads_each_service_model_once(demo):
    several = [x for status in BATCH_STATUSES for x in ("--status", status)]
    queue = demo.parents()["batch"][0]
    run = jobctl("batch", "--job-queue", queue, *several, "--concurrency", "8", "--debug",
                 "-o", "jsonl", endpoint=demo.endpoint_url)  # fmt: skip
    assert run.status == 0, run.describe()
    assert len(run.rows()) == len({row["id"] for row in run.rows()}) > 0
    loads = [line for line in run.err_lines if "Loading JSON file" in line]
    assert sum("/batch/" in line and "service-2" in line for line in loads) == 1


# -- resuming a fan-out -----------------------------------------------------------------------


def test_resume_walks_jobctl_all_to_the_end(crafted, crafted_truth):
    args = ["all", "-o", "jsonl", "--page-size", "4"]
    runs, rows = walk_to_end([*args, "--max-items", "7"], crafted.endpoint_url)
    whole = jobctl(*args, endpoint=crafted.endpoint_url)
    assert whole.status == 0, whole.describe()
    resumed = [row_ident(row) for row in rows]
    assert len(runs) >= 4
    assert len(resumed) == len(set(resumed))
    expected = sorted(
        x for s in ("amplify", "amplify-backend", "iot", "batch", "snowball")
        for x in truth_idents(s, crafted_truth.everything(s))
    )  # fmt: skip
    assert sorted(resumed) == idents(whole.rows()) == expected


def test_resume_walks_three_regions_to_the_end(demo, demo_truth):
    args = ["iot", "--region", THREE, "-o", "jsonl", "--page-size", "30"]
    runs, rows = walk_to_end([*args, "--max-items", "100"], demo.endpoint_url)
    whole = jobctl(*args, endpoint=demo.endpoint_url)
    assert whole.status == 0, whole.describe()
    resumed = [row_ident(row) for row in rows]
    assert len(runs) == 4  # 360 jobs, 100 at a time
    assert len(resumed) == len(set(resumed))
    assert sorted(resumed) == idents(whole.rows())
    assert sorted(resumed) == sorted(
        x for r in DEMO_REGIONS for x in truth_idents("iot", demo_truth.iot(r), r)
    )


def test_ctrl_c_mid_fan_out_exits_130_with_valid_json_and_a_hint(demo, demo_truth, tmp_path):
    everything = sorted(x for r in DEMO_REGIONS for x in truth_idents("iot", demo_truth.iot(r), r))
    demo.faults.latency_ms = 100  # each page takes a while: Ctrl-C lands mid-listing
    args = ["iot", "--region", THREE, "-o", "json", "--page-size", "5"]
    stderr = (tmp_path / "stderr").open("w+")
    child = subprocess.Popen(
        [str(JOBCTL), *args, "--endpoint-url", demo.endpoint_url],
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    try:
        assert child.stdout is not None
        opened = child.stdout.readline()  # the array opens with the first page
        assert opened == "[\n"
        child.send_signal(signal.SIGINT)
        rest = child.stdout.read()  # the same buffered reader: nothing read is lost
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    stderr.seek(0)
    err = stderr.read()
    assert child.returncode == 130, err
    assert "Traceback" not in err
    rows = json.loads(opened + rest)  # valid JSON: the array was closed
    assert 0 < len(rows) < len(everything)
    last = err.splitlines()[-1]
    assert last.startswith(HINT_PREFIX), err
    demo.faults.latency_ms = 0
    token = last[len(HINT_PREFIX) :]
    rest_run = jobctl(*args, "--starting-token", token, endpoint=demo.endpoint_url)
    assert rest_run.status == 0, rest_run.describe()
    resumed = [row_ident(row) for row in rows + rest_run.rows("json")]
    assert len(resumed) == len(set(resumed))  # what was written is not written again
    assert sorted(resumed) == everything


# -- profiles and services --------------------------------------------------------------------


def profiles_config(path: Path, endpoints: dict[str, str]) -> Path:
    """Profiles with fake static keys, each pointed at its own endpoint (as two accounts)."""
    path.write_text(
        "".join(
            f"[profile {name}]\naws_access_key_id = AKIA{name.upper()}FAKE\n"
            f"aws_secret_access_key = fake-{name}\nregion = us-east-1\nendpoint_url = {url}\n"
            for name, url in endpoints.items()
        )
    )
    return path


def profiles_env(config: Path) -> dict[str, str]:
    env = fake_env(config.parent, AWS_CONFIG_FILE=str(config))
    for name in (*FAKE_CREDS, "AWS_REGION", "AWS_DEFAULT_REGION"):
        env.pop(name)
    return env


def test_profiles_add_the_profile_field(demo, crafted, demo_truth, crafted_truth, tmp_path):
    config = profiles_config(
        tmp_path / "config", {"a": demo.endpoint_url, "b": crafted.endpoint_url}
    )
    env = profiles_env(config)
    jsonl, csv = jobctl_many(
        [["iot", "--profile", "a,b", "-o", "jsonl"], ["iot", "--profile", "a,b", "-o", "csv"]],
        env=env,
    )
    assert jsonl.status == 0 and csv.status == 0, jsonl.describe()
    by_profile = {p: [r for r in jsonl.rows() if r["profile"] == p] for p in ("a", "b")}
    assert idents(by_profile["a"]) == truth_idents("iot", demo_truth.iot())
    assert idents(by_profile["b"]) == truth_idents("iot", crafted_truth.iot())
    assert len(jsonl.rows()) == len(by_profile["a"]) + len(by_profile["b"])
    assert csv.out.splitlines()[0].endswith(",arn,profile")
    assert Counter(row["profile"] for row in csv.rows("csv")) == {
        p: len(rows) for p, rows in by_profile.items()
    }
    # Each profile's requests went to its own endpoint, signed with its own keys.
    assert {r.service for r in demo.requests} == {r.service for r in crafted.requests} == {"iot"}


def test_profile_is_a_column_and_a_sort_key(demo, crafted, tmp_path):
    config = profiles_config(
        tmp_path / "config", {"a": demo.endpoint_url, "b": crafted.endpoint_url}
    )
    run = jobctl("iot", "--profile", "b,a", "-o", "csv", "--columns", "profile,id",
                 "--sort", "-profile", env=profiles_env(config))  # fmt: skip
    assert run.status == 0, run.describe()
    lines = run.out.splitlines()
    assert lines[0] == "profile,id"
    profiles = [line.split(",")[0] for line in lines[1:]]
    assert set(profiles) == {"a", "b"}
    assert profiles == sorted(profiles, reverse=True)


def test_profiles_keep_same_id_jobs_of_two_accounts(demo, tmp_path):
    first = demo.data.jobs("iot")[0]
    shared_id = first["jobId"]
    data = tmp_path / "other-account.json"
    data.write_text(json.dumps({"iot": {"jobs": [
        {"jobId": shared_id, "status": "CANCELED", "createdAt": "2026-11-01T00:00:00Z"},
        {"jobId": "only-in-b", "status": "COMPLETED", "createdAt": "2026-11-02T00:00:00Z"},
    ]}}))  # fmt: skip
    with Sandbox(data_file=data) as other:
        endpoints = {"a": demo.endpoint_url, "b": other.endpoint_url}
        run = jobctl("iot", "--profile", "a,b", "-o", "jsonl",
                     env=profiles_env(profiles_config(tmp_path / "config", endpoints)))  # fmt: skip
    assert run.status == 0, run.describe()
    assert ("b", "only-in-b") in {(r["profile"], r["id"]) for r in run.rows()}
    # Whichever account's page arrives first, both jobs named shared_id must be listed.
    same = sorted((r["profile"], r["status"]) for r in run.rows() if r["id"] == shared_id)
    assert same == [("a", first["status"]), ("b", "CANCELED")]


def test_all_with_services_lists_only_those(demo, demo_truth):
    run = jobctl("all", "--services", "iot,snowball", "-o", "jsonl", endpoint=demo.endpoint_url)
    assert run.status == 0, run.describe()
    assert {row["service"] for row in run.rows()} == {"iot", "snowball"}
    assert idents(run.rows()) == sorted(
        truth_idents("iot", demo_truth.iot()) + truth_idents("snowball", demo_truth.snowball())
    )
    assert {r.service for r in demo.requests} == {"iot", "snowball"}  # no discovery calls
