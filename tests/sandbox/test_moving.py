"""Moving jobs: on a live clock a few jobs of every API go from queued to running to a final
status while the sandbox runs; on a fixed clock nothing moves.

Most tests drive the clock themselves (`Sandbox(clock=callable)`), so they take no time;
one runs on the real clock with the schedule scaled down to seconds."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from boto_helpers import make_client, walk
from click.testing import CliRunner

from jobctl import registry
from jobctl.cli import cli
from jobctl.sandbox import Sandbox
from jobctl.sandbox.clock import CLOCK_VARIABLE, DEMO_ANCHOR, SCALE_VARIABLE, ClockError
from jobctl.sandbox.live import PER_WAVE, WAVE_SECONDS
from jobctl.services import all_specs

APIS = ("amplify", "amplify-backend", "iot", "batch", "batch-jobs", "snowball")
STATES = {spec.name: spec for spec in all_specs()}


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = DEMO_ANCHOR

    def __call__(self):
        return self.now

    def forward(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def live(clock):
    with Sandbox(jobs_per_service=40, clock=clock) as sb:
        yield sb


def status_of(sb, job):
    spec = sb.data.service(job.service)
    return sb.data.get_job(job.service, job.id, parent=job.parent)[spec.status_member]


def state_of(api, status):
    return STATES[api].state_of(status)


def test_a_fixed_clock_moves_nothing():
    sb = Sandbox(jobs_per_service=20, clock=DEMO_ANCHOR)
    assert sb.moving_jobs() == []
    before = {api: sb.data.jobs(api) for api in APIS}
    time.sleep(0.05)
    assert {api: sb.data.jobs(api) for api in APIS} == before


def test_a_few_jobs_of_every_api_move_in_its_busiest_parent(live):
    parents = live.parents()
    for api in APIS:
        moving = live.moving_jobs(api)
        assert len(moving) == PER_WAVE, api
        for job in moving:
            assert job.region == "us-east-1"
            assert job.parent == (parents[api][0] if api in parents else None)
            # queued, then running, then a final status, within one to two minutes
            states = [state_of(api, status) for status in job.statuses]
            assert states[0] == "queued" and "running" in states, (api, job.statuses)
            assert states[-1] in ("succeeded", "failed", "cancelled"), (api, job.statuses)
            assert 45 <= (job.done_at - job.created).total_seconds() <= 130
            assert job.created <= live.clock.start
    assert live.moving_jobs() == [j for api in APIS for j in live.moving_jobs(api)]


def test_moving_jobs_take_their_statuses_as_the_clock_moves(live, clock):
    jobs = live.moving_jobs()
    seen = {job.id: [status_of(live, job)] for job in jobs}
    for _ in range(30):
        clock.forward(5)
        for job in jobs:
            status = status_of(live, job)
            assert status == job.status_at(clock.now)
            if status != seen[job.id][-1]:
                seen[job.id].append(status)
    for job in jobs:
        # The statuses seen, in the schedule's order (5 s apart, a quick one may be missed),
        # ending with the final one.
        remaining = iter(job.statuses)
        assert all(status in remaining for status in seen[job.id]), (seen[job.id], job)
        assert seen[job.id][-1] == job.statuses[-1]
    newest = [job for job in jobs if job.created == live.clock.start]
    assert all(len(seen[job.id]) == len(job.statuses) for job in newest)


def test_a_client_sees_the_moves(live, clock):
    (job, *_) = live.moving_jobs("batch-jobs")
    batch = make_client(live, "batch")

    def listed_status():
        found = batch.list_jobs(
            jobQueue=job.parent, filters=[{"name": "JOB_NAME", "values": ["*"]}], maxResults=5
        )["jobSummaryList"]
        return next(j["status"] for j in found if j["jobId"] == job.id)

    assert listed_status() == "SUBMITTED"
    clock.forward((job.done_at - clock.now).total_seconds())
    final = listed_status()
    assert final == job.statuses[-1] in ("SUCCEEDED", "FAILED")
    item = live.data.get_job("batch-jobs", job.id, parent=job.parent)
    assert item["stoppedAt"] >= item["startedAt"] >= item["createdAt"]
    assert item["container"]["exitCode"] == (0 if final == "SUCCEEDED" else 1)


def test_a_new_wave_comes_every_five_minutes(live, clock):
    clock.forward(WAVE_SECONDS + 1)
    assert len(live.moving_jobs("iot")) == 2 * PER_WAVE
    newest = live.moving_jobs("iot")[-1]
    assert newest.created > live.clock.start + timedelta(seconds=WAVE_SECONDS - 60)
    assert live.data.get_job("iot", newest.id)["status"] == newest.status_at(clock.now)


@pytest.mark.parametrize(
    ("api", "operation", "result", "kwargs"),
    [
        ("iot", "list_jobs", "jobs", {}),
        (
            "batch-jobs",
            "list_jobs",
            "jobSummaryList",
            {"filters": [{"name": "AFTER_CREATED_AT", "values": ["0"]}]},
        ),
        ("snowball", "list_jobs", "JobListEntries", {}),
    ],
)
def test_a_paginating_client_neither_loses_nor_repeats_a_moving_job(
    live, clock, api, operation, result, kwargs
):
    spec = live.data.service(api)
    if spec.parent is not None:
        kwargs = {**kwargs, "jobQueue": live.parents()[api][0]}
    client = make_client(live, spec.botocore_name)
    everything = walk(client, operation, result, **kwargs)
    before = [job[spec.id_member] for job in everything]
    seen: list[str] = []
    token_name = "NextToken" if api == "snowball" else "nextToken"
    limit = "MaxResults" if api == "snowball" else "maxResults"
    token = None
    while True:
        page = getattr(client, operation)(
            **kwargs, **{limit: 1}, **({token_name: token} if token else {})
        )
        seen += [job[spec.id_member] for job in page[result]]
        clock.forward(140 / len(before))  # every moving job ends during the walk
        token = page.get(token_name)
        if not token:
            break
    assert len(seen) == len(set(seen))
    assert seen == before
    moving = {job.id for job in live.moving_jobs(api)}
    assert moving <= set(seen)
    assert all(
        status_of(live, job) == job.statuses[-1] for job in live.moving_jobs(api)
    )  # they all moved to the end meanwhile


def test_on_the_real_clock_a_scaled_schedule_takes_seconds(monkeypatch):
    monkeypatch.setenv(SCALE_VARIABLE, "0.02")
    with Sandbox(jobs_per_service=20, clock="live") as sb:
        jobs = sb.moving_jobs()
        assert jobs and max(job.done_at - sb.clock.start for job in jobs) < timedelta(seconds=3)
        first = {job.id: status_of(sb, job) for job in jobs}
        time.sleep(max((job.done_at - sb.clock.now()).total_seconds() for job in jobs) + 0.05)
        iot = make_client(sb, "iot")
        listed = {j["jobId"]: j["status"] for j in walk(iot, "list_jobs", "jobs")}
        for job in sb.moving_jobs("iot"):
            assert listed[job.id] == job.statuses[-1]
        assert any(first[job.id] != job.statuses[-1] for job in jobs)


@pytest.mark.parametrize("value", ["0", "-1", "fast"])
def test_a_bad_scale_is_a_usage_error(monkeypatch, value):
    monkeypatch.setenv(SCALE_VARIABLE, value)
    with pytest.raises(ClockError, match=SCALE_VARIABLE):
        Sandbox(jobs_per_service=1, clock="live")
    with pytest.raises(ClockError):
        Sandbox(jobs_per_service=1, clock="live", move_scale=0)


def test_no_job_moves_without_demo_data(tmp_path):
    path = tmp_path / "data.json"
    path.write_text('{"iot": {"jobs": []}}')
    assert Sandbox(data_file=path, clock="live").moving_jobs() == []
    assert Sandbox(jobs_per_service=0, clock="live").moving_jobs() == []


# -- what a jobctl user sees ----------------------------------------------------------------


def jobctl(*args):
    result = CliRunner().invoke(cli, list(args), prog_name="jobctl")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.mark.parametrize("command", registry.commands())
def test_since_1h_finds_jobs_of_every_service_on_a_live_clock(monkeypatch, command):
    monkeypatch.setenv(CLOCK_VARIABLE, "live")
    extra = ["--status", "all"] if command == "batch" else []
    result = jobctl(command, "--sandbox", "--since", "1h", *extra, "-o", "jsonl")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip(), command


@pytest.mark.parametrize("since", ["24h", "7d"])
def test_since_a_day_or_a_week_finds_jobs_of_every_service(monkeypatch, since):
    monkeypatch.setenv(CLOCK_VARIABLE, "live")
    result = jobctl("all", "--sandbox", "--since", since, "--summary", "-o", "json")
    assert result.exit_code == 0, result.stderr
    groups = json.loads(result.stdout)["groups"]
    services = {group["service"] for group in groups if group["total"]}
    assert set(registry.commands()) <= services


def test_watch_follows_moving_jobs_to_their_end(monkeypatch):
    """`jobctl iot --sandbox --watch`: the jobs created in the last minutes are the moving
    ones; the watch ends when each has reached its final state."""
    monkeypatch.setenv(CLOCK_VARIABLE, "live")
    monkeypatch.setenv(SCALE_VARIABLE, "0.04")
    started = time.monotonic()
    result = jobctl(
        "iot", "--sandbox", "--watch", "--since", "5m", "--interval", "0.2", "--timeout", "60s",
        "-o", "jsonl",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert time.monotonic() - started < 30
    events = [json.loads(line) for line in result.stdout.splitlines()]
    changes = [e for e in events if e["event"] == "state_change"]
    paths: dict[str, list[str]] = {}
    for event in changes:
        paths.setdefault(event["id"], []).append(event["to"])
    assert len(paths) == PER_WAVE
    # Seen changing (the newest job's first change is half a second away at this scale; an
    # older one may already be done when first listed on a busy machine).
    assert any(path[0] in ("queued", "running") and len(path) > 1 for path in paths.values())
    assert all(path[-1] in ("succeeded", "cancelled") for path in paths.values())
    assert events[-1]["event"] == "summary" and events[-1]["outcome"] == "done"


def test_jobs_move_only_where_the_default_region_has_demo_data():
    elsewhere = Sandbox(jobs_per_service=5, clock="live", regions=("eu-central-1",))
    assert elsewhere.moving_jobs() == []
    assert elsewhere.data.jobs("iot", region="us-east-1") == []
