"""Issue 3: the real AWS CLI and jobctl, pointed at the same sandbox, list the same jobs in
the same order for each list API (Batch's ListServiceJobs and ListJobs both)."""

from __future__ import annotations

import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
from e2e_support import AWS, jobctl

pytestmark = pytest.mark.skipif(not AWS.exists(), reason=f"no AWS CLI at {AWS}")


def test_aws_cli_and_jobctl_list_the_same_jobs(demo):
    parents = demo.parents()
    (app, branch), (backend_app, env) = parents["amplify"][0], parents["amplify-backend"][0]
    queue, ecs_queue = parents["batch"][0], parents["batch-jobs"][0]
    # API: (aws arguments, result key, ID member, jobctl arguments)
    commands = {
        "amplify": (["amplify", "list-jobs", "--app-id", app, "--branch-name", branch],
                    "jobSummaries", "jobId", ["amplify", "--app-id", app, "--branch", branch]),
        "amplify-backend": (["amplifybackend", "list-backend-jobs", "--app-id", backend_app,
                             "--backend-environment-name", env],
                            "Jobs", "JobId",
                            ["amplify-backend", "--app-id", backend_app, "--env", env]),
        "iot": (["iot", "list-jobs"], "jobs", "jobId", ["iot"]),
        # The AWS CLI keeps the API's RUNNING-only default; jobctl lists every status
        # unless asked for RUNNING.
        "batch": (["batch", "list-service-jobs", "--job-queue", queue], "jobSummaryList",
                  "jobId", ["batch", "--job-queue", queue, "--status", "running"]),
        "batch-jobs": (["batch", "list-jobs", "--job-queue", ecs_queue, "--job-status",
                        "SUCCEEDED"], "jobSummaryList", "jobId",
                       ["batch", "--job-queue", ecs_queue, "--status", "SUCCEEDED"]),
        "snowball": (["snowball", "list-jobs"], "JobListEntries", "JobId", ["snowball"]),
    }  # fmt: skip
    environ = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": ""}

    def aws(args: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(AWS), *args, "--endpoint-url", demo.endpoint_url, "--output", "json"],
            capture_output=True, text=True, timeout=60, env=environ,
        )  # fmt: skip

    def ours(api: str) -> object:
        return jobctl(*commands[api][3], "-o", "jsonl", endpoint=demo.endpoint_url)

    with ThreadPoolExecutor(max_workers=4) as pool:
        aws_runs = dict(zip(commands, pool.map(aws, [c[0] for c in commands.values()]),
                            strict=True))  # fmt: skip
        jobctl_runs = dict(zip(commands, pool.map(ours, commands), strict=True))
    for service, (_, result_key, id_member, _) in commands.items():
        done, run = aws_runs[service], jobctl_runs[service]
        assert done.returncode == 0, f"aws {service}: {done.stderr}"
        assert run.status == 0, run.describe()
        aws_ids = [item[id_member] for item in json.loads(done.stdout)[result_key]]
        assert aws_ids, service
        assert [row["id"] for row in run.rows()] == aws_ids, service
        # The AWS CLI walked every page too: its own requests carry service tokens.
    by_service = {r.service for r in demo.requests if r.status == 200}
    assert by_service == set(commands)
