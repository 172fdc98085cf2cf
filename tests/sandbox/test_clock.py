"""The sandbox's clock: live by default (the demo data ends when it starts), fixed with
`clock=`, `--clock` or JOBCTL_SANDBOX_CLOCK (the same data on every run)."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from jobctl.cli import cli
from jobctl.errors import UsageError
from jobctl.sandbox import Sandbox
from jobctl.sandbox.clock import CLOCK_VARIABLE, DEMO_ANCHOR, ClockError, resolve
from jobctl.sandbox.service import created_millis

APIS = ("amplify", "amplify-backend", "iot", "batch", "batch-jobs", "snowball")


def newest(sb, api, region=None):
    spec = sb.data.service(api)
    return max(created_millis(job[spec.created_member]) for job in sb.data.jobs(api, region=region))


def by_creation(sb, api):
    spec = sb.data.service(api)
    jobs = sb.data.jobs(api)
    return sorted(
        jobs, key=lambda job: (created_millis(job[spec.created_member]), job[spec.id_member])
    )


def test_a_fixed_clock_gives_the_same_data_on_every_run():
    one, two = (
        Sandbox(jobs_per_service=30, clock=DEMO_ANCHOR),
        Sandbox(jobs_per_service=30, clock="2026-11-20T12:00:00Z"),
    )
    for api in APIS:
        assert one.data.jobs(api) == two.data.jobs(api), api
    assert one.clock.fixed and one.clock.now() == DEMO_ANCHOR
    assert one.parents() == two.parents()


def test_the_data_is_the_same_relative_to_the_clock():
    later = DEMO_ANCHOR + timedelta(days=13, hours=5, seconds=7)
    one, two = (
        Sandbox(jobs_per_service=30, clock=DEMO_ANCHOR),
        Sandbox(jobs_per_service=30, clock=later),
    )
    shift = int((later - DEMO_ANCHOR).total_seconds() * 1000)
    for api in ("snowball", "batch", "batch-jobs"):
        spec = one.data.service(api)
        a, b = by_creation(one, api), by_creation(two, api)
        assert [j[spec.id_member] for j in a] == [j[spec.id_member] for j in b]
        assert [created_millis(j[spec.created_member]) + shift for j in a] == [
            created_millis(j[spec.created_member]) for j in b
        ]
    for api in APIS:
        assert newest(two, api) <= later.timestamp() * 1000


def test_the_variable_fixes_the_clock_of_a_sandbox_given_none(monkeypatch):
    monkeypatch.setenv(CLOCK_VARIABLE, "2025-01-02T03:04:05+01:00")
    sb = Sandbox(jobs_per_service=10)
    assert sb.clock.fixed and sb.clock.start == datetime(2025, 1, 2, 2, 4, 5, tzinfo=timezone.utc)
    assert all(newest(sb, api) <= sb.clock.start.timestamp() * 1000 for api in APIS)
    # "live" and an explicit clock win over the variable.
    assert not Sandbox(jobs_per_service=1, clock="live").clock.fixed
    assert Sandbox(jobs_per_service=1, clock=DEMO_ANCHOR).clock.start == DEMO_ANCHOR


def test_a_live_clock_ends_the_demo_data_when_the_sandbox_starts(monkeypatch):
    monkeypatch.delenv(CLOCK_VARIABLE)
    before = datetime.now(timezone.utc).replace(microsecond=0)
    sb = Sandbox(jobs_per_service=60)
    assert not sb.clock.fixed
    assert before <= sb.clock.start <= datetime.now(timezone.utc)
    start_ms = sb.clock.start.timestamp() * 1000
    day = 86_400_000
    for api in APIS:
        # Each API's newest job within three days of the start (Snowball's are the sparsest).
        assert start_ms - 3 * day < newest(sb, api, region="us-west-2") <= start_ms, api
    oldest = min(
        created_millis(job[sb.data.service(api).created_member])
        for api in APIS
        for job in sb.data.jobs(api, region="us-west-2")
    )
    assert oldest < start_ms - 14 * day  # and weeks of history before it


def test_a_callable_is_a_live_clock_on_that_time():
    moments = iter([DEMO_ANCHOR, DEMO_ANCHOR + timedelta(minutes=5)])
    clock = resolve(lambda: next(moments))
    assert not clock.fixed and clock.start == DEMO_ANCHOR
    assert clock.now() == DEMO_ANCHOR + timedelta(minutes=5)


@pytest.mark.parametrize("value", ["tomorrow", "2026-13-01", ""])
def test_a_bad_clock_is_a_usage_error(value):
    with pytest.raises(ClockError) as excinfo:
        resolve(value)
    assert isinstance(excinfo.value, UsageError) and isinstance(excinfo.value, ValueError)


def test_a_bad_variable_is_one_usage_line_from_a_sandbox_listing(monkeypatch):
    monkeypatch.setenv(CLOCK_VARIABLE, "soon")
    result = CliRunner().invoke(cli, ["iot", "--sandbox"], prog_name="jobctl")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "jobctl: JOBCTL_SANDBOX_CLOCK: 'soon' is not an ISO 8601 time "
        "(like 2026-11-20T12:00:00Z) or 'live'"
    ]


def test_the_command_takes_a_clock_and_refuses_a_bad_one():
    run = subprocess.run(
        [sys.executable, "-m", "jobctl.sandbox", "--clock", "noon", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert "Invalid value for '--clock': 'noon' is not an ISO 8601 time" in run.stderr
