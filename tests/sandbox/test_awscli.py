"""The real AWS CLI, unmodified, lists each API's jobs from the sandbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

AWS = Path(sys.executable).parent / "aws"
pytestmark = pytest.mark.skipif(not AWS.exists(), reason=f"no AWS CLI at {AWS}")


def test_every_list_command(shared):
    sb = shared
    parents = sb.parents()
    (app, branch), (backend_app, env) = parents["amplify"][0], parents["amplify-backend"][0]
    queue, ecs_queue = parents["batch"][0], parents["batch-jobs"][0]
    commands = {
        "amplify": (
            ["amplify", "list-jobs", "--app-id", app, "--branch-name", branch],
            "jobSummaries", "jobId",
        ),
        "amplify-backend": (
            ["amplifybackend", "list-backend-jobs", "--app-id", backend_app,
             "--backend-environment-name", env],
            "Jobs", "JobId",
        ),
        "iot": (["iot", "list-jobs", "--status", "IN_PROGRESS"], "jobs", "jobId"),
        "batch": (["batch", "list-service-jobs", "--job-queue", queue], "jobSummaryList", "jobId"),
        "batch-jobs": (["batch", "list-jobs", "--job-queue", ecs_queue], "jobSummaryList", "jobId"),
        "batch-jobs-every": (
            ["batch", "list-jobs", "--job-queue", ecs_queue, "--page-size", "40",
             "--filters", "name=AFTER_CREATED_AT,values=0"],
            "jobSummaryList", "jobId",
        ),
        "snowball": (["snowball", "list-jobs"], "JobListEntries", "JobId"),
    }  # fmt: skip
    expected = {
        "amplify": sb.data.jobs("amplify", parent=(app, branch)),
        "amplify-backend": sb.data.jobs("amplify-backend", parent=(backend_app, env)),
        "iot": [j for j in sb.data.jobs("iot") if j["status"] == "IN_PROGRESS"],
        "batch": [j for j in sb.data.jobs("batch", parent=queue) if j["status"] == "RUNNING"],
        "batch-jobs": [
            j for j in sb.data.jobs("batch-jobs", parent=ecs_queue) if j["status"] == "RUNNING"
        ],
        "batch-jobs-every": sb.data.jobs("batch-jobs", parent=ecs_queue),
        # A US region lists every US region's Snowball jobs.
        "snowball": [
            j
            for r in sb.data.listed_regions("snowball")
            for j in sb.data.jobs("snowball", region=r)
        ],
    }
    env_vars = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": ""}

    def aws(args: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(AWS), *args, "--endpoint-url", sb.endpoint_url, "--output", "json"],
            capture_output=True, text=True, timeout=60, env=env_vars,
        )  # fmt: skip

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = dict(zip(commands, pool.map(aws, [c[0] for c in commands.values()]), strict=True))
    for service, (_, result_key, id_key) in commands.items():
        done = results[service]
        assert done.returncode == 0, f"{service}: {done.stderr}"
        items = json.loads(done.stdout)[result_key]
        assert sorted(i[id_key] for i in items) == sorted(j[id_key] for j in expected[service])
        assert items, service
    # The CLI walked several pages of Snowball's 600 US jobs (50 a page) with real tokens,
    # and of the ECS queue's jobs (40 a page).
    snowball_calls = [r for r in sb.requests if r.service == "snowball"]
    assert len(snowball_calls) == 12
    every = [r for r in sb.requests if r.service == "batch-jobs" and r.params.get("filters")]
    assert len(every) == -(-len(expected["batch-jobs-every"]) // 40) > 1
    assert all(r.status == 200 for r in sb.requests)


def test_an_organization_through_the_cli():
    """sts get-caller-identity, organizations list-accounts (the CLI pages through it),
    sts assume-role, and a listing with the role's credentials in the environment."""
    from jobctl.sandbox import Sandbox
    from jobctl.sandbox.org import ACCOUNT_ID

    with Sandbox(accounts=45, jobs_per_service=5) as sb:
        env_vars = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": ""}

        def aws(*args: str, env: dict[str, str] = env_vars) -> dict:
            done = subprocess.run(
                [str(AWS), *args, "--endpoint-url", sb.endpoint_url, "--output", "json"],
                capture_output=True, text=True, timeout=60, env=env,
            )  # fmt: skip
            assert done.returncode == 0, done.stderr
            return json.loads(done.stdout)

        identity = aws("sts", "get-caller-identity")
        assert identity["Account"] == ACCOUNT_ID
        assert identity["Arn"] == f"arn:aws:iam::{ACCOUNT_ID}:user/sandbox"
        accounts = aws("organizations", "list-accounts")["Accounts"]
        assert [a["Id"] for a in accounts] == sb.organization.ids
        assert len([r for r in sb.requests if r.operation == "ListAccounts"]) == 3  # 20 a page
        member = sb.organization.assumable()[2]
        role = f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole"
        credentials = aws("sts", "assume-role", "--role-arn", role, "--role-session-name", "cli")[
            "Credentials"
        ]
        assumed = {
            **env_vars,
            "AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
            "AWS_SESSION_TOKEN": credentials["SessionToken"],
        }
        assert aws("sts", "get-caller-identity", env=assumed)["Account"] == member
        jobs = aws("iot", "list-jobs", env=assumed)["jobs"]
        assert jobs and all(f":{member}:job/" in job["jobArn"] for job in jobs)
        assert sb.requests[-1].account == member
