"""`jobctl sandbox`: its flags (CliRunner) and a real server process stopped by a signal."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from click.testing import CliRunner

from jobctl.cli import sandbox as command
from jobctl.cli.sandbox import sandbox
from jobctl.sandbox import Faults

ORG_EXAMPLE = str(Path(__file__).parents[2] / "examples" / "sandbox-organization.json")


def run(*args: str) -> Any:
    return CliRunner().invoke(sandbox, list(args), prog_name="jobctl sandbox")


def test_help_lists_every_fault_flag():
    result = run("--help")
    assert result.exit_code == 0
    for flag in (
        "--latency-ms", "--throttle-every", "--server-error-every", "--reset-every",
        "--reset-from-page", "--bad-body [html|truncated|no-list]", "--bad-body-every",
        "--bad-body-from-page", "--token-loop [repeat|cycle]", "--slow-page", "--slow-seconds",
        "--expired-from-page", "--access-denied", "--fault-region", "--fault-service",
        "--fault-operation", "--print-env", "--port", "--jobs", "--data", "--region",
        "--clock", "--move-scale", "--disabled-regions", "--account-api-denied",
        "--accounts N", "--suspended SHARE|N|IDS", "--without-role", "--external-id-accounts",
        "--external-id", "--role-name", "--management-role", "--credential-ttl SECONDS",
        "--fault-account",
    ):  # fmt: skip
        assert flag in result.output, flag


def test_print_env_prints_only_shell_for_the_fixed_port():
    result = run("--print-env", "--port", "4600", "--region", "eu-west-1")
    assert result.exit_code == 0
    assert result.stdout == (
        "export AWS_ENDPOINT_URL=http://127.0.0.1:4600\n"
        "export AWS_ACCESS_KEY_ID=jobctl-sandbox\n"
        "export AWS_SECRET_ACCESS_KEY=sandbox\n"
        "export AWS_REGION=eu-west-1\n"
        "export AWS_DEFAULT_REGION=eu-west-1\n"
        "unset AWS_PROFILE AWS_SESSION_TOKEN\n"
    )


def test_print_env_needs_a_fixed_port():
    result = run("--print-env", "--port", "0")
    assert result.exit_code == 2
    assert "--print-env needs a fixed --port" in result.stderr


def test_jobs_and_data_are_exclusive(tmp_path):
    path = tmp_path / "data.json"
    path.write_text("{}")
    result = run("--data", str(path), "--jobs", "5", "--port", "0")
    assert result.exit_code == 2
    assert "--jobs and --data cannot be used together" in result.stderr


def test_a_bad_data_file_is_a_usage_error_naming_the_value(tmp_path):
    path = tmp_path / "data.json"
    path.write_text(json.dumps({"regions": {"us-east-1": {"iot": {"jobs": [{"jobId": 1}]}}}}))
    result = run("--data", str(path), "--port", "0")
    assert result.exit_code == 2
    assert "Invalid value for '--data'" in result.stderr
    assert "regions.us-east-1.iot.jobs[0].jobId: expected a string, got int" in result.stderr


def test_a_port_in_use_fails_with_a_hint():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = run("--port", port, "--jobs", "1")
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "pass --port 0 for a free port" in result.stderr


def test_fault_flags_become_a_faults_object(monkeypatch):
    seen: list[Faults] = []
    monkeypatch.setattr(command, "_serve", lambda options, faults: seen.append(faults))
    result = run(
        "--throttle-every", "3", "--bad-body", "html", "--bad-body-from-page", "2",
        "--slow-page", "4", "--slow-seconds", "1.5", "--access-denied",
        "--fault-region", "eu-west-1", "--fault-region", "us-east-1", "--fault-service", "iot",
        "--fault-operation", "ListApps", "--fault-operation", "DescribeJobQueues",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert seen == [
        Faults(
            throttle_every=3, bad_body="html", bad_body_from_page=2, slow_page=4,
            slow_seconds=1.5, access_denied=True, regions=("eu-west-1", "us-east-1"),
            services=("iot",), operations=("ListApps", "DescribeJobQueues"),
        )
    ]  # fmt: skip


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_serves_until_a_signal_then_exits_cleanly(stop_signal):
    process = subprocess.Popen(
        [sys.executable, "-m", "jobctl.sandbox", "--port", "0", "--jobs", "5",
         "--access-denied", "--fault-service", "iot"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        exports = {}
        for line in process.stdout:
            if line.startswith("export "):
                name, _, value = line[len("export ") :].strip().partition("=")
                exports[name] = value
            if line.startswith("#   aws snowball"):  # the last line of the banner
                break
        url = exports["AWS_ENDPOINT_URL"]
        assert url.startswith("http://127.0.0.1:")
        session = boto3.Session(
            aws_access_key_id=exports["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=exports["AWS_SECRET_ACCESS_KEY"],
            region_name=exports["AWS_REGION"],
        )
        jobs = session.client("snowball", endpoint_url=url).list_jobs()["JobListEntries"]
        assert len(jobs) == 10  # 5 in us-east-1 and 5 in us-west-2: Snowball's US view
        with pytest.raises(ClientError, match="AccessDeniedException"):
            session.client("iot", endpoint_url=url).list_jobs()
        process.send_signal(stop_signal)
        rest, err = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 0
    assert "Traceback" not in err
    assert "jobctl sandbox: serving on " + url in err
    assert "POST / snowball ListJobs us-east-1 -> 200" in err
    assert "GET /jobs iot ListJobs us-east-1 -> 403 AccessDeniedException [access-denied]" in err
    assert err.rstrip().endswith("jobctl sandbox: stopped")
    assert rest == ""  # nothing but the banner on stdout


def test_python_m_jobctl_sandbox_gives_one_line_usage_errors():
    run = subprocess.run(
        [sys.executable, "-m", "jobctl.sandbox", "--port", "x"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    [line] = run.stderr.splitlines()
    assert line.startswith("jobctl: sandbox: Invalid value for '--port': 'x'")
    assert line.endswith("(see 'jobctl sandbox --help')")


def test_organization_flags_need_accounts_and_are_checked():
    result = run("--suspended", "10%", "--port", "0")
    assert result.exit_code == 2
    assert "--suspended needs --accounts N" in result.stderr
    result = run("--accounts", "5", "--fault-account", "12345", "--port", "0")
    assert result.exit_code == 2
    assert "'12345' is not an account ID (12 digits)" in result.stderr
    result = run("--accounts", "5", "--without-role", "lots", "--port", "0")
    assert result.exit_code == 2
    assert "neither a share (5%, 0.05), a count nor account IDs" in result.stderr
    result = run("--accounts", "5", "--suspended", "999999999999", "--port", "0")
    assert result.exit_code == 2
    assert "999999999999 is no member account of the organization" in result.stderr


def test_organization_flags_reach_the_sandbox(monkeypatch):
    seen: list[tuple[dict, Faults]] = []
    monkeypatch.setattr(command, "_serve", lambda options, faults: seen.append((options, faults)))
    result = run(
        "--accounts", "300", "--suspended", "2%", "--without-role", "7",
        "--external-id-accounts", "210987654321,012345678901", "--external-id", "xyz-1",
        "--role-name", "JobctlReader", "--management-role", "--credential-ttl", "2.5",
        "--fault-account", "210987654321", "--throttle-every", "2",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    ((options, faults),) = seen
    assert {k: options[k] for k in command.ORGANIZATION_FLAGS} | {
        "accounts": options["accounts"],
        "credential_ttl": options["credential_ttl"],
    } == {
        "accounts": 300, "suspended": 0.02, "without_role": 7,
        "external_id_accounts": ["210987654321", "012345678901"], "external_id": "xyz-1",
        "role_name": "JobctlReader", "management_role": True, "credential_ttl": 2.5,
    }  # fmt: skip
    assert faults == Faults(throttle_every=2, accounts=("210987654321",))


def test_an_organization_banner_and_log():
    process = subprocess.Popen(
        [sys.executable, "-m", "jobctl.sandbox", "--port", "0", "--jobs", "2",
         "--accounts", "40", "--credential-ttl", "600"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        banner = []
        for line in process.stdout:
            banner.append(line)
            if line.startswith("#   aws sts assume-role"):  # the last line of the banner
                break
        url = next(line for line in banner if "AWS_ENDPOINT_URL" in line).split("=", 1)[1].strip()
        assert "#   jobctl all --accounts all --region us-east-1,us-west-2 --summary\n" in banner
        assert f"#   aws organizations list-accounts --endpoint-url {url}\n" in banner
        session = boto3.Session(
            aws_access_key_id="jobctl-sandbox", aws_secret_access_key="sandbox",
            region_name="us-east-1",
        )  # fmt: skip
        accounts = session.client("organizations", endpoint_url=url).list_accounts()
        member = accounts["Accounts"][1]["Id"]
        sts = session.client("sts", endpoint_url=url)
        credentials = sts.assume_role(
            RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole",
            RoleSessionName="banner",
        )["Credentials"]
        process.send_signal(signal.SIGTERM)
        rest, err = process.communicate(timeout=10)
        assert rest == ""
    finally:
        process.kill()
    assert process.returncode == 0
    assert (
        "jobctl sandbox: organization o-jobctlsandbox of 40 accounts (2 suspended, "
        "2 members and the management account without the role OrganizationAccountAccessRole, "
        "0 requiring an external ID); credentials expire after 600 s" in err
    )
    assert "POST / organizations ListAccounts us-east-1 123456789012 -> 200" in err
    assert f"POST / sts AssumeRole us-east-1 {member} -> 200" in err
    assert credentials["AccessKeyId"].startswith(f"ASIA{member}")


def test_a_data_files_organization_takes_the_role_name(monkeypatch):
    seen: list[dict] = []
    monkeypatch.setattr(command, "_serve", lambda options, faults: seen.append(options))
    result = run("--data", ORG_EXAMPLE, "--role-name", "Reader")
    assert result.exit_code == 0, result.output
    assert seen[0]["role_name"] == "Reader"
    result = run("--data", ORG_EXAMPLE, "--suspended", "1")
    assert result.exit_code == 2 and "--suspended needs --accounts N" in result.stderr


def test_a_data_files_organization_excludes_accounts():
    result = run("--data", ORG_EXAMPLE, "--accounts", "3", "--port", "0")
    assert result.exit_code == 2
    assert "the file lists the organization's accounts" in result.stderr
