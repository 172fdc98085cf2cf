"""Helpers for tests that run `jobctl` in-process (CliRunner) against the embedded sandbox
over real HTTP, with jobs crafted per test."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from jobctl.cli import cli

NOW = datetime.now(timezone.utc).replace(microsecond=0)


def ago(minutes: float) -> str:
    return (NOW - timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def batch_job(job_id: str, status: str, minutes_ago: float, **extra: Any) -> dict[str, Any]:
    return {
        "jobId": job_id,
        "jobName": extra.pop("jobName", f"name-{job_id}"),
        "status": status,
        "createdAt": ago(minutes_ago),
        **extra,
    }


def iot_job(job_id: str, status: str, minutes_ago: float) -> dict[str, Any]:
    return {"jobId": job_id, "status": status, "createdAt": ago(minutes_ago)}


def amplify_job(job_id: str, status: str, minutes_ago: float, message: str) -> dict[str, Any]:
    return {
        "jobId": job_id,
        "status": status,
        "startTime": ago(minutes_ago),
        "commitMessage": message,
    }


def document(
    *,
    queues: dict[str, list[dict[str, Any]]] | None = None,
    iot: list[dict[str, Any]] | None = None,
    branches: dict[str, list[dict[str, Any]]] | None = None,
    backend: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A sandbox data file's content: Batch queues, IoT jobs, Amplify branches of app
    d1app, AmplifyBackend jobs of d1app's `staging` environment."""
    region: dict[str, Any] = {}
    if queues:
        region["batch"] = {
            "queues": [{"jobQueueName": name, "jobs": jobs} for name, jobs in queues.items()]
        }
    if iot:
        region["iot"] = {"jobs": iot}
    if branches:
        region["amplify"] = {
            "apps": [
                {
                    "appId": "d1app",
                    "name": "web",
                    "branches": [
                        {"branchName": name, "jobs": jobs} for name, jobs in branches.items()
                    ],
                }
            ]
        }
    if backend:
        region["amplify-backend"] = {
            "apps": [
                {
                    "appId": "d1app",
                    "environments": [{"environmentName": "staging", "jobs": backend}],
                }
            ]
        }
    return {"regions": {"us-east-1": region}}


@contextmanager
def sandbox(tmp_path: Path, content: dict[str, Any], **kwargs: Any) -> Iterator[Any]:
    from jobctl.sandbox import Sandbox

    path = tmp_path / f"data-{id(content)}.json"
    path.write_text(json.dumps(content))
    with Sandbox(data_file=path, **kwargs) as sb:
        yield sb


@dataclass
class Run:
    status: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()

    @property
    def jsonl(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.out.splitlines()]


def invoke(*args: str) -> Run:
    result = CliRunner().invoke(cli, list(args), prog_name="jobctl")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"jobctl raised {result.exception!r}") from result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


@pytest.fixture(scope="module", autouse=False)
def shared_model_loader() -> Iterator[None]:
    """One botocore loader for every boto3 session of the module's runs (each run makes a
    session; re-reading service models each time would make runs several times slower)."""
    import botocore.loaders
    import botocore.session

    loaders: dict[Any, Any] = {}

    def create_loader(search_path_string: Any = None) -> Any:
        if search_path_string not in loaders:
            loaders[search_path_string] = botocore.loaders.create_loader(search_path_string)
        return loaders[search_path_string]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.session, "create_loader", create_loader)
        yield
