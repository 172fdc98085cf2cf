"""Every account of an Organization in one listing (--accounts), end to end: the installed
command against a sandbox that plays an Organization of 50 accounts over STS's and
Organizations' real protocols, checked against plain boto3 walks of each account (with
credentials assumed through STS, as an administrator would)."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from e2e_support import FAKE_CREDS, JOBCTL, fake_env, jobctl, walk_to_end

from jobctl.sandbox import Faults, Sandbox
from jobctl.sandbox.clock import DEMO_ANCHOR
from jobctl.sandbox.org import ACCOUNT_ID

REGIONS = ("us-east-1", "us-west-2")
ROLE = "OrganizationAccountAccessRole"
HINT = "jobctl: resume with --starting-token "


@pytest.fixture(scope="module")
def org() -> Iterator[Sandbox]:
    with Sandbox(accounts=50, jobs_per_service=12, clock=DEMO_ANCHOR, regions=REGIONS) as sb:
        yield sb


@pytest.fixture
def sb(org: Sandbox) -> Iterator[Sandbox]:
    org.faults = Faults()
    org.clear_requests()
    yield org
    org.faults = Faults()


def _client(sb: Sandbox, service: str, region: str, **creds: str) -> Any:
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=sb.endpoint_url,
        aws_access_key_id=creds.get("AccessKeyId", FAKE_CREDS["AWS_ACCESS_KEY_ID"]),
        aws_secret_access_key=creds.get("SecretAccessKey", FAKE_CREDS["AWS_SECRET_ACCESS_KEY"]),
        aws_session_token=creds.get("SessionToken"),
    )


def _iot_truth(sb: Sandbox, account: str) -> set[tuple[str, str, str]]:
    """Every IoT job of an account in REGIONS, walked with boto3's own paginator."""
    creds: dict[str, str] = {}
    if account != ACCOUNT_ID:
        sts = _client(sb, "sts", "us-east-1")
        arn = f"arn:aws:iam::{account}:role/{ROLE}"
        creds = sts.assume_role(RoleArn=arn, RoleSessionName="truth")["Credentials"]
    found = set()
    for region in REGIONS:
        iot = _client(sb, "iot", region, **creds)
        for page in iot.get_paginator("list_jobs").paginate():
            found |= {(account, region, job["jobId"]) for job in page["jobs"]}
    return found


def _rows(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


def _listed(sb: Sandbox) -> list[str]:
    """The accounts jobctl can list: the management account and the members with the
    role (not suspended)."""
    return [ACCOUNT_ID, *(a for a in sb.organization.assumable() if a != ACCOUNT_ID)]


def test_every_job_of_every_account_once_with_its_account(sb: Sandbox) -> None:
    run = jobctl(
        "iot",
        "--accounts",
        "all",
        "--region",
        ",".join(REGIONS),
        "-o",
        "jsonl",
        endpoint=sb.endpoint_url,
    )
    organization = sb.organization
    role_less = [
        a
        for a in organization.without_role
        if a in organization.assumable() or (organization.account(a).active and a != ACCOUNT_ID)
    ]
    assert role_less, "the sandbox should have active members without the role"
    assert run.status == 3, run.describe()  # some accounts failed, the others listed
    rows = _rows(run.out)
    listed = {(row["account"], row["region"], row["id"]) for row in rows}
    assert len(listed) == len(rows), "a job was written twice"
    truth = set().union(*(_iot_truth(sb, account) for account in _listed(sb)))
    assert listed == truth
    assert {row["account"] for row in rows} == set(_listed(sb))
    names = {a.id: a.name for a in organization.accounts}
    assert all(row["account_name"] == names[row["account"]] for row in rows)
    # The ARN in each job names the account it came from: the right account on each.
    assert all(row["arn"].split(":")[4] == row["account"] for row in rows)

    lines = run.err_lines
    suspended = len(organization.suspended)
    assert (
        lines[0] == f"jobctl: {suspended} accounts are not ACTIVE (suspended or closing), skipped"
    )
    failed = [line for line in lines if "cannot assume" in line]
    assert sorted(line.split()[2] for line in failed) == sorted(role_less)
    for line in failed:
        assert line.endswith(
            f"cannot assume {ROLE}: AccessDenied (check that the role exists there and "
            "trusts your account, or leave the account out of --accounts)"
        )
    # The failed accounts are what a resume lists again: the token names them only.
    assert run.token is not None
    again = jobctl(
        "iot",
        "--accounts",
        "all",
        "--region",
        ",".join(REGIONS),
        "-o",
        "jsonl",
        "--starting-token",
        run.token,
        endpoint=sb.endpoint_url,
    )
    assert again.out == "" and again.status == 4, again.describe()
    assert sorted(line.split()[2] for line in again.err_lines if "cannot assume" in line) == (
        sorted(role_less)
    )


def test_the_callers_own_account_uses_the_callers_credentials(sb: Sandbox) -> None:
    run = jobctl(
        "snowball",
        "--accounts",
        f"{ACCOUNT_ID},{_listed(sb)[1]}",
        "-o",
        "jsonl",
        endpoint=sb.endpoint_url,
    )
    assert run.status == 0, run.describe()
    assert {row["account"] for row in _rows(run.out)} == {ACCOUNT_ID, _listed(sb)[1]}
    assumed = [r for r in sb.requests if r.operation == "AssumeRole"]
    assert len(assumed) == 1  # the member's role, once; never one in the caller's account
    member = _listed(sb)[1]
    assert assumed[0].account == member
    listed = [r for r in sb.requests if r.service == "snowball"]
    by_account = {r.account: r.caller for r in listed}
    assert set(by_account) == {ACCOUNT_ID, member}
    assert ":assumed-role/" not in by_account[ACCOUNT_ID]  # the caller's own keys
    assert by_account[member].startswith(f"arn:aws:sts::{member}:assumed-role/{ROLE}/jobctl-")


def test_one_account_has_no_account_field_several_have_a_column(sb: Sandbox) -> None:
    one = jobctl("iot", "--accounts", _listed(sb)[2], "-o", "jsonl", endpoint=sb.endpoint_url)
    assert one.status == 0, one.describe()
    assert one.out and all("account" not in row for row in _rows(one.out))
    two = jobctl("iot", "--accounts", ",".join(_listed(sb)[2:4]), endpoint=sb.endpoint_url)
    assert two.status == 0, two.describe()
    header = two.out.splitlines()[0].split()
    assert header[0] == "account"
    summary = jobctl(
        "iot",
        "--accounts",
        ",".join(_listed(sb)[2:5]),
        "--summary",
        "-o",
        "json",
        endpoint=sb.endpoint_url,
    )
    counts = json.loads(summary.out)
    assert sorted(row["account"] for row in counts["groups"]) == sorted(_listed(sb)[2:5])


def test_all_resumes_in_chunks_exactly_across_accounts(sb: Sandbox) -> None:
    accounts = ",".join(_listed(sb)[:6])
    args = ["all", "--accounts", accounts, "--region", ",".join(REGIONS), "-o", "jsonl"]
    whole = jobctl(*args, endpoint=sb.endpoint_url)
    assert whole.status == 0, whole.describe()
    runs, rows = walk_to_end([*args, "--max-items", "150"], sb.endpoint_url)
    assert len(runs) > 3

    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        return (row["account"], row["service"], row["region"], row.get("parent"), row["id"])

    assert Counter(map(key, rows)) == Counter(map(key, _rows(whole.out)))
    # A token names a few accounts' positions and a bit for each untouched one: small.
    assert max(len(run.token or "") for run in runs) < 2000


def test_sigint_mid_listing_resumes_exactly_across_accounts(sb: Sandbox, e2e_tmp: Path) -> None:
    env = fake_env(e2e_tmp)
    argv = [
        str(JOBCTL),
        "all",
        "--services",
        "iot,batch",
        "--accounts",
        "all",
        "--region",
        ",".join(REGIONS),
        "-o",
        "jsonl",
        "--endpoint-url",
        sb.endpoint_url,
    ]
    whole = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
    assert whole.returncode == 3, whole.stderr

    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        return (row["account"], row["service"], row["region"], row.get("parent"), row["id"])

    expected = Counter(map(key, _rows(whole.stdout)))
    sb.faults = Faults(latency_ms=4)
    began = time.monotonic()
    subprocess.run(argv, capture_output=True, env=env, timeout=120)
    took = time.monotonic() - began
    resumed = 0
    for share in (0.5, 0.8):  # in discovery or while writing
        sb.faults = Faults(latency_ms=4)
        child = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        time.sleep(took * share)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=120)
        assert child.returncode == 130, err
        assert "Traceback" not in err
        lines = err.splitlines()
        if not lines or not lines[-1].startswith(HINT):
            assert out == "", err  # stopped before any job was written: nothing to resume
            continue
        token = lines[-1][len(HINT) :]
        assert len(token) < 4000, len(token)
        resumed += 1
        sb.faults = Faults()
        rest = subprocess.run(
            [*argv, "--starting-token", token], capture_output=True, text=True, env=env, timeout=120
        )
        assert rest.returncode == 3, rest.stderr  # the role-less accounts, again
        got = Counter(map(key, _rows(out))) + Counter(map(key, _rows(rest.stdout)))
        assert got == expected, f"SIGINT at {share:.0%} of {took:.1f}s"
    assert resumed >= 1


def _small_org(accounts: int) -> Sandbox:
    """An Organization whose every member can be listed."""
    return Sandbox(
        accounts=accounts, jobs_per_service=30, clock=DEMO_ANCHOR, suspended=0, without_role=0
    )


def test_a_token_is_refused_when_the_accounts_change(e2e_tmp: Path) -> None:
    env = fake_env(e2e_tmp)
    first_five = ["iot", "--accounts", "all", "--max-items", "5", "-o", "jsonl"]
    with _small_org(6) as small:
        first = jobctl(*first_five, endpoint=small.endpoint_url, env=env)
        assert first.status == 0 and first.token, first.describe()
    with _small_org(7) as grown:
        again = jobctl(
            *first_five, "--starting-token", first.token, endpoint=grown.endpoint_url, env=env
        )
    assert again.status == 2, again.describe()
    assert again.out == ""
    assert again.err_lines == [
        "jobctl: --starting-token: the accounts have changed since this token was printed "
        "(one joined or left the Organization, or is no longer ACTIVE) (list again without "
        "--starting-token, or name the accounts with --accounts ID,...)"
    ]


def test_external_id_and_role_template(e2e_tmp: Path) -> None:
    env = fake_env(e2e_tmp)
    with Sandbox(
        accounts=4,
        jobs_per_service=5,
        clock=DEMO_ANCHOR,
        suspended=0,
        without_role=0,
        external_id_accounts=1,
        role_name="JobLister",
    ) as small:
        needs = small.organization.requiring_external_id[0]
        template = "arn:aws:iam::{account}:role/JobLister"
        without = jobctl(
            "iot",
            "--accounts",
            needs,
            "--role-arn-template",
            template,
            endpoint=small.endpoint_url,
            env=env,
        )
        assert without.status == 4, without.describe()
        assert f"account {needs}: cannot assume JobLister: AccessDenied" in without.err
        with_id = jobctl(
            "iot",
            "--accounts",
            needs,
            "--role-name",
            "JobLister",
            "--external-id",
            "jobctl-sandbox-external-id",
            "-o",
            "jsonl",
            endpoint=small.endpoint_url,
            env=env,
        )
        assert with_id.status == 0, with_id.describe()
        assert len(with_id.out.splitlines()) == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--accounts", "12345"],
            "jobctl: iot: --accounts: 12345 is not an AWS account ID "
            "(12 digits, like 123456789012, or all)",
        ),
        (
            ["--accounts", "all,123456789012"],
            "jobctl: iot: --accounts all cannot be combined "
            "with account IDs (give one or the other)",
        ),
        (
            ["--role-name", "X"],
            "jobctl: --role-name is for the roles of --accounts (add --accounts)",
        ),
        (
            ["--accounts", "all", "--role-arn-template", "arn:aws:iam::1:role/X"],
            "jobctl: iot: --role-arn-template: 'arn:aws:iam::1:role/X' is not a role ARN with "
            "{account} in it (like 'arn:aws:iam::{account}:role/JobLister')",
        ),
        (
            ["--accounts", "all", "--role-name", "bad name"],
            "jobctl: iot: --role-name: "
            "'bad name' is not an IAM role name (up to 64 letters, digits and +=,.@_-)",
        ),
        (
            ["--accounts", "all", "--profile", "a,b"],
            "jobctl: --accounts lists one "
            "Organization, with one profile's credentials (give one --profile)",
        ),
    ],
)
def test_bad_account_flags_are_one_line_and_exit_2(
    sb: Sandbox, args: list[str], message: str
) -> None:
    run = jobctl("iot", *args, endpoint=sb.endpoint_url)
    assert run.status == 2, run.describe()
    assert run.err_lines == [message]
    assert sb.requests == [] or all(r.operation != "ListJobs" for r in sb.requests)


def test_accounts_all_outside_an_organization(demo: Sandbox) -> None:
    run = jobctl("iot", "--accounts", "all", endpoint=demo.endpoint_url)
    assert run.status == 2, run.describe()
    assert run.err_lines == [
        "jobctl: --accounts all: your account is not in an AWS Organization (name the "
        "accounts with --accounts ID,ID)"
    ]


def test_accounts_all_from_a_member_is_denied_exit_4(sb: Sandbox, e2e_tmp: Path) -> None:
    member = _listed(sb)[1]
    sts = _client(sb, "sts", "us-east-1")
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{member}:role/{ROLE}", RoleSessionName="member")[
        "Credentials"
    ]
    env = fake_env(
        e2e_tmp,
        AWS_ACCESS_KEY_ID=creds["AccessKeyId"],
        AWS_SECRET_ACCESS_KEY=creds["SecretAccessKey"],
        AWS_SESSION_TOKEN=creds["SessionToken"],
    )
    run = jobctl("iot", "--accounts", "all", endpoint=sb.endpoint_url, env=env)
    assert run.status == 4, run.describe()
    assert len(run.err_lines) == 1
    assert run.err_lines[0].startswith(
        "jobctl: --accounts all: cannot list the Organization's accounts: "
    )


def test_chunks_across_batches_of_accounts_list_every_job_once(sb: Sandbox) -> None:
    """47 accounts are listed 16 at a time: stops inside a batch and between batches,
    with role-less accounts failing in each run, still list every job exactly once."""
    args = ["iot", "--accounts", "all", "--region", ",".join(REGIONS), "-o", "jsonl"]
    whole = jobctl(*args, endpoint=sb.endpoint_url)
    assert whole.status == 3, whole.describe()

    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        return (row["account"], row["region"], row["id"])

    rows: list[dict[str, Any]] = []
    token: str | None = None
    for _ in range(20):
        run = jobctl(
            *args,
            "--max-items",
            "250",
            *(["--starting-token", token] if token else []),
            endpoint=sb.endpoint_url,
        )
        # 3 while accounts are listed; 4 once only the role-less ones are left
        assert run.status in (0, 3) or (run.status == 4 and not run.out), run.describe()
        if not run.out:
            # Only the role-less accounts were left: nothing listed, and the token used
            # still names them (a failure before any job prints none of its own).
            assert run.token is None or run.token == token
            break
        assert run.token is not None, run.describe()
        token = run.token
        rows += _rows(run.out)
    else:
        raise AssertionError("no end")
    assert Counter(map(key, rows)) == Counter(map(key, _rows(whole.out)))
    assert len(rows) > 1000


def test_a_token_stays_small_at_a_thousand_accounts(e2e_tmp: Path) -> None:
    """Stopped early in a 1,000-account Organization, the token names one batch's
    positions and a bit per account left: a few hundred characters, not a position per
    stream (a command-line argument may hold 128 KiB on Linux)."""
    env = fake_env(e2e_tmp)
    with Sandbox(accounts=1000, jobs_per_service=3, clock=DEMO_ANCHOR, regions=REGIONS) as big:
        args = ["all", "--accounts", "all", "--region", ",".join(REGIONS), "-o", "jsonl"]
        first = jobctl(*args, "--max-items", "40", endpoint=big.endpoint_url, env=env)
        assert first.status in (0, 3), first.describe()  # 3: a role-less account met
        assert first.token is not None
        assert len(first.token) < 1500, len(first.token)
        again = jobctl(
            *args,
            "--max-items",
            "40",
            "--starting-token",
            first.token,
            endpoint=big.endpoint_url,
            env=env,
        )
        assert again.status in (0, 3), again.describe()
        ids = {
            (r["account"], r["service"], r["region"], r.get("parent"), r["id"])
            for r in _rows(first.out)
        }
        assert not ids & {
            (r["account"], r["service"], r["region"], r.get("parent"), r["id"])
            for r in _rows(again.out)
        }
        assert again.token is not None and len(again.token) < 1500, len(again.token or "")
