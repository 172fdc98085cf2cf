"""AWS as it really behaves, through the installed command: Snowball's US view, regions an
account has not enabled, and a sandbox that lives in time (its demo data ends when it
starts, and a few jobs move through their states while it runs)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from e2e_support import fake_env, jobctl

from jobctl.sandbox import Sandbox

DISABLED = ("ap-east-1", "me-south-1")
NOTE = "jobctl: note: --region all: skipped 2 regions this account has not enabled: "


@pytest.fixture(scope="module")
def live() -> Iterator[Sandbox]:
    """A sandbox on a live clock, whose moving jobs finish within seconds."""
    with Sandbox(jobs_per_service=40, clock="live", move_scale=0.05) as sb:
        yield sb


@pytest.fixture
def regional() -> Iterator[Sandbox]:
    """A sandbox where two opt-in regions are not enabled for the account."""
    with Sandbox(jobs_per_service=20, disabled_regions=DISABLED) as sb:
        yield sb


def ids(run: object) -> list[tuple[str, str]]:
    return [(row["region"], row["id"]) for row in run.rows()]  # type: ignore[attr-defined]


# -- Snowball's US view --------------------------------------------------------------------


def test_snowball_over_two_us_regions_and_another_lists_each_job_once(demo: Sandbox) -> None:
    """A US region's ListJobs returns every US region's jobs: jobctl asks that view once,
    and labels its jobs 'us'; eu-west-1 lists its own."""
    run = jobctl(
        "snowball",
        "--region",
        "us-east-1,us-west-2,eu-west-1",
        "-o",
        "jsonl",
        endpoint=demo.endpoint_url,
    )
    assert run.status == 0, run.describe()
    listed = ids(run)
    assert len(listed) == len(set(listed))  # each job once
    us = {job_id for region, job_id in listed if region == "us"}
    eu = {job_id for region, job_id in listed if region == "eu-west-1"}
    assert {region for region, _ in listed} == {"us", "eu-west-1"}
    stored = {
        j["JobId"] for r in ("us-east-1", "us-west-2") for j in demo.data.jobs("snowball", region=r)
    }
    assert us == stored  # every job of both US regions, through one view
    assert eu == {j["JobId"] for j in demo.data.jobs("snowball", region="eu-west-1")}
    asked = {r.region for r in demo.requests if r.service == "snowball"}
    assert asked == {"us-east-1", "eu-west-1"}  # us-west-2's view was not asked again


def test_region_all_counts_each_snowball_job_once(demo: Sandbox) -> None:
    run = jobctl(
        "snowball", "--region", "all", "--summary", "-o", "json", endpoint=demo.endpoint_url
    )
    assert run.status == 0, run.describe()
    summary = json.loads(run.out)
    stored = sum(len(demo.data.jobs("snowball", region=r)) for r in demo.data.regions())
    assert summary["total"] == stored


# -- regions not enabled -------------------------------------------------------------------


def test_region_all_skips_the_regions_listregions_says_are_not_enabled(
    regional: Sandbox,
) -> None:
    run = jobctl("iot", "--region", "all", "-o", "jsonl", endpoint=regional.endpoint_url)
    assert run.status == 0, run.describe()
    assert run.err_lines == [
        NOTE + "ap-east-1, me-south-1 (enable a region in the account's settings to list it)"
    ]
    assert not {r.region for r in regional.requests if r.service == "iot"} & set(DISABLED)
    assert {region for region, _ in ids(run)} == {"us-east-1", "us-west-2", "eu-west-1"}


def test_without_listregions_the_not_enabled_answers_are_skipped_regions(
    regional: Sandbox,
) -> None:
    """The Account API denied: every region is tried, and the two answering "not
    enabled" are skipped (one note), not failed: exit 0, every other job listed."""
    regional.account.regions_api_denied = True
    run = jobctl("iot", "--region", "all", "-o", "jsonl", endpoint=regional.endpoint_url)
    assert run.status == 0, run.describe()
    assert run.err_lines == [
        NOTE + "ap-east-1, me-south-1 (enable a region in the account's settings to list it)"
    ]
    refused = {r.region for r in regional.requests if r.service == "iot" and r.status == 403}
    assert refused == set(DISABLED)
    assert {region for region, _ in ids(run)} == {"us-east-1", "us-west-2", "eu-west-1"}
    assert run.token is None  # nothing left to resume


def test_batch_discovery_in_a_region_not_enabled_is_skipped_too(regional: Sandbox) -> None:
    regional.account.regions_api_denied = True
    run = jobctl("batch", "--region", "all", "-o", "jsonl", endpoint=regional.endpoint_url)
    assert run.status == 0, run.describe()
    assert run.err_lines[-1].startswith(NOTE)


def test_an_explicitly_named_region_that_is_not_enabled_stays_an_error(
    regional: Sandbox,
) -> None:
    run = jobctl(
        "iot", "--region", "us-east-1,ap-east-1", "-o", "jsonl", endpoint=regional.endpoint_url
    )
    assert run.status == 3, run.describe()  # us-east-1 listed, ap-east-1 failed
    assert any(
        "ap-east-1" in line and "UnrecognizedClientException" in line for line in run.err_lines
    )


def test_credentials_refused_everywhere_are_not_read_as_regions_not_enabled(
    regional: Sandbox,
) -> None:
    """Every region answering "not enabled" means the credentials are wrong: no region is
    skipped, the failures are reported, exit 4."""
    import boto3

    regional.account.regions_api_denied = True
    regional.account.disabled_regions = frozenset(boto3.Session().get_available_regions("iot"))
    run = jobctl("iot", "--region", "all", "-o", "jsonl", endpoint=regional.endpoint_url)
    assert run.status == 4, run.describe()
    assert not any(line.startswith(NOTE[:30]) for line in run.err_lines)


# -- a sandbox that lives in time ----------------------------------------------------------


@pytest.mark.parametrize("service", ["amplify", "amplify-backend", "iot", "batch", "snowball"])
def test_since_24h_finds_jobs_on_any_day(service: str, e2e_tmp: object) -> None:
    """The embedded sandbox's data ends when the listing starts: recent jobs exist today,
    whatever today is (the demo data once ended on 2026-11-20)."""
    env = {**fake_env(e2e_tmp), "JOBCTL_SANDBOX_CLOCK": "live"}
    run = jobctl(service, "--sandbox", "--since", "24h", "-o", "jsonl", env=env)
    assert run.status == 0, run.describe()
    assert run.rows(), f"{service}: no job in the last 24 hours"


def test_watch_against_the_live_sandbox_ends_as_the_moving_jobs_finish(live: Sandbox) -> None:
    """The moving jobs of a live sandbox go queued → running → done (IoT: COMPLETED or
    CANCELED): a --watch of them ends, within its timeout, with 0 (all succeeded) or 6
    (one did not)."""
    moving = live.moving_jobs("iot")
    assert moving
    args = [arg for job in moving for arg in ("--id", job.id)]
    run = jobctl(
        "iot",
        *args,
        "--watch",
        "--interval",
        "0.5s",
        "--timeout",
        "50s",
        "--expect",
        "succeeded",
        "-o",
        "jsonl",
        endpoint=live.endpoint_url,
        timeout=90,
    )
    assert run.status in (0, 6), run.describe()
    events = [json.loads(line) for line in run.out.splitlines()]
    assert events[-1]["event"] == "summary" and events[-1]["outcome"] == "done"
    finished = {e["id"] for e in events if e.get("to") in ("succeeded", "failed", "cancelled")}
    assert finished == {job.id for job in moving}


def test_since_2m_watch_recipe_of_the_readme_works(live: Sandbox) -> None:
    """README's recipe against `jobctl sandbox`: watch the jobs of the last minutes."""
    run = jobctl(
        "iot", "--since", "2m", "--watch", "--interval", "0.5s", "--timeout", "50s",
        "-o", "jsonl", endpoint=live.endpoint_url, timeout=90,
    )  # fmt: skip
    assert run.status == 0, run.describe()
    events = [json.loads(line) for line in run.out.splitlines()]
    assert events[-1]["outcome"] == "done" and events[-1]["total"] >= 1
