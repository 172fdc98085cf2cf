"""The end-to-end harness: the INSTALLED `jobctl` (and `aws`) as subprocesses against a
live sandbox over real HTTP, each output format parsed back into rows, and plain boto3
walks of the same sandbox as the truth to compare with.

Nothing here imports jobctl's listing code: what jobctl prints is checked against what
botocore's own paginators return, so the two can only agree if jobctl is right.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jobctl import model

BIN = Path(sys.executable).parent
JOBCTL = BIN / "jobctl"
AWS = BIN / "aws"
MOTO_SERVER = BIN / "moto_server"

# Every format that carries every normalized field (-o table shows a compact subset).
FORMATS = ("wide", "json", "jsonl", "csv", "tsv")
SERVICES = ("amplify", "amplify-backend", "iot", "batch", "snowball")
DEMO_REGIONS = ("us-east-1", "us-west-2", "eu-west-1")
HINT = re.compile(r"^jobctl: resume with --starting-token (\S+)$")
FAKE_CREDS = {"AWS_ACCESS_KEY_ID": "AKIAE2EFAKE000000001", "AWS_SECRET_ACCESS_KEY": "e2e-fake"}
# Every Batch status the ListServiceJobs model knows (ListJobs knows the same but SCHEDULED);
# the truth walks each one of its queue's API.
BATCH_STATUSES = model.enum_values("batch", "ListServiceJobs", "jobStatus")
CONTAINER_STATUSES = model.enum_values("batch", "ListJobs", "jobStatus")


# -- running the installed commands ------------------------------------------------------


@dataclass
class Run:
    args: list[str]
    status: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()

    @property
    def token(self) -> str | None:
        """The resume hint's token, which must then be stderr's last line."""
        lines = self.err_lines
        match = HINT.match(lines[-1]) if lines else None
        return match.group(1) if match else None

    def rows(self, fmt: str = "jsonl") -> list[dict[str, Any]]:
        return parse(fmt, self.out)

    def describe(self) -> str:
        return f"jobctl {' '.join(self.args)} -> {self.status}\nstderr:\n{self.err[-2000:]}"


def jobctl(
    *args: str,
    endpoint: str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
    attempts: int | None = None,
) -> Run:
    """Run the installed jobctl; ``endpoint`` adds --endpoint-url, ``attempts`` sets
    AWS_MAX_ATTEMPTS (1 where failures are expected, so retries do not wait)."""
    argv = [*args, *(["--endpoint-url", endpoint] if endpoint else [])]
    environ = dict(os.environ if env is None else env)
    if attempts is not None:
        environ["AWS_MAX_ATTEMPTS"] = str(attempts)
    done = subprocess.run(
        [str(JOBCTL), *argv],
        capture_output=True,
        text=True,
        env=environ,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    return Run(argv, done.returncode, done.stdout, done.stderr)


def jobctl_many(
    commands: Sequence[Sequence[str]], endpoint: str | None = None, **kwargs: Any
) -> list[Run]:
    """Independent runs side by side (each is mostly interpreter start-up)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda argv: jobctl(*argv, endpoint=endpoint, **kwargs), commands))


def fake_env(tmp: Path, **extra: str) -> dict[str, str]:
    """os.environ without real AWS settings, with fake keys: for fixtures set up before
    the autouse fixture of tests/conftest.py has patched the environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    (tmp / "empty").touch()
    env.update(
        FAKE_CREDS,
        AWS_REGION="us-east-1",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=str(tmp / "empty"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp / "empty"),
        AWS_EC2_METADATA_DISABLED="true",
        AWS_PAGER="",
    )
    env.update(extra)
    return env


def walk_to_end(
    args: Sequence[str], endpoint: str | None, max_rounds: int = 40, **kwargs: Any
) -> tuple[list[Run], list[dict[str, Any]]]:
    """Run a listing with --max-items, then resume with each printed token until jobctl
    prints none; returns the runs and every job written, in order."""
    runs: list[Run] = []
    rows: list[dict[str, Any]] = []
    token: str | None = None
    for _ in range(max_rounds):
        run = jobctl(
            *args, *(["--starting-token", token] if token else []), endpoint=endpoint, **kwargs
        )
        assert run.status == 0, run.describe()
        runs.append(run)
        rows += run.rows("jsonl")
        token = run.token
        if token is None:
            assert not any("resume" in line for line in run.err_lines), run.describe()
            return runs, rows
    raise AssertionError(f"no end after {max_rounds} resumes of {args}")


# -- parsing each output format back into rows --------------------------------------------


def parse(fmt: str, text: str) -> list[dict[str, Any]]:
    if fmt == "json":
        value = json.loads(text)
        assert isinstance(value, list)
        return value
    if fmt == "jsonl":
        return [json.loads(line) for line in text.splitlines()]
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(text, newline="")))
    if fmt == "tsv":
        lines = text.splitlines()
        header = lines[0].split("\t")
        rows = []
        for line in lines[1:]:
            cells = [_tsv_unescape(c) for c in line.split("\t")]
            assert len(cells) == len(header), line
            rows.append(dict(zip(header, cells, strict=True)))
        return rows
    if fmt in ("table", "wide"):
        return parse_table(text)
    raise ValueError(fmt)


def _tsv_unescape(value: str) -> str:
    escapes = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(0)), value)


def parse_table(text: str) -> list[dict[str, Any]]:
    """Plain text (stdout is not a terminal): cells are separated by two or more blanks
    (job data here never holds two blanks in a row, and an empty cell is "-"). Lines are
    not cut at the header's positions: a piped table widens its columns page by page,
    so a later page may sit right of the header."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return []
    header = lines[0].split()
    rows = []
    for line in lines[1:]:
        cells = re.split(r"  +", line.strip())
        assert len(cells) == len(header), f"cannot split a row under the header: {line!r}"
        rows.append(dict(zip(header, cells, strict=True)))
    return rows


# -- the truth: plain boto3 walks of the sandbox ------------------------------------------


def client(endpoint: str, service: str, region: str = "us-east-1") -> Any:
    import boto3
    from botocore.config import Config

    return boto3.session.Session(
        aws_access_key_id=FAKE_CREDS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDS["AWS_SECRET_ACCESS_KEY"],
        region_name=region,
    ).client(
        {"amplify-backend": "amplifybackend"}.get(service, service),
        endpoint_url=endpoint,
        config=Config(retries={"mode": "standard", "total_max_attempts": 2}),
    )


def paged(api: Any, operation: str, result_key: str, **params: Any) -> list[dict[str, Any]]:
    pages = api.get_paginator(operation).paginate(**params)
    return [item for page in pages for item in page[result_key]]


@dataclass
class Truth:
    """boto3's view of one sandbox, per region; items carry their parent."""

    endpoint: str
    _clients: dict[tuple[str, str], Any] = field(default_factory=dict)

    def api(self, service: str, region: str) -> Any:
        key = (service, region)
        if key not in self._clients:
            self._clients[key] = client(self.endpoint, service, region)
        return self._clients[key]

    def branches(self, region: str = "us-east-1") -> list[tuple[str, str]]:
        amplify = self.api("amplify", region)
        return [
            (app["appId"], branch["branchName"])
            for app in paged(amplify, "list_apps", "apps")
            for branch in paged(amplify, "list_branches", "branches", appId=app["appId"])
        ]

    def environments(self, region: str = "us-east-1", app: str | None = None) -> list[tuple]:
        amplify = self.api("amplify", region)
        apps = [app] if app else [a["appId"] for a in paged(amplify, "list_apps", "apps")]
        found = []
        for app_id in apps:
            kwargs: dict[str, Any] = {}
            while True:
                page = amplify.list_backend_environments(appId=app_id, **kwargs)
                found += [(app_id, e["environmentName"]) for e in page["backendEnvironments"]]
                if not page.get("nextToken"):
                    break
                kwargs = {"nextToken": page["nextToken"]}
        return found

    def queues(self, region: str = "us-east-1") -> list[str]:
        return list(self.queue_types(region))

    def queue_types(self, region: str = "us-east-1") -> dict[str, str]:
        """Queue name → jobQueueType (absent on queues older than the field: ECS)."""
        batch = self.api("batch", region)
        return {
            q["jobQueueName"]: q.get("jobQueueType", "ECS")
            for q in paged(batch, "describe_job_queues", "jobQueues")
        }

    def amplify(
        self, region: str = "us-east-1", branches: Iterable[tuple[str, str]] | None = None
    ) -> list[dict[str, Any]]:
        amplify = self.api("amplify", region)
        return [
            {**job, "_app": app, "_branch": branch}
            for app, branch in (self.branches(region) if branches is None else branches)
            for job in paged(amplify, "list_jobs", "jobSummaries", appId=app, branchName=branch)
        ]

    def backend(
        self, region: str = "us-east-1", envs: Iterable[tuple[str, str]] | None = None
    ) -> list[dict[str, Any]]:
        backend = self.api("amplify-backend", region)
        return [
            {**job, "_app": app, "_env": env}
            for app, env in (self.environments(region) if envs is None else envs)
            for job in paged(
                backend, "list_backend_jobs", "Jobs", AppId=app, BackendEnvironmentName=env
            )
        ]

    def iot(self, region: str = "us-east-1", **filters: Any) -> list[dict[str, Any]]:
        return paged(self.api("iot", region), "list_jobs", "jobs", **filters)

    def batch(
        self, region: str = "us-east-1", queues: Iterable[str] | None = None
    ) -> list[dict[str, Any]]:
        """Every job of every status: one walk per (queue, status), as the API lists one
        status at a time without a filter."""
        batch = self.api("batch", region)
        types = self.queue_types(region)
        found = []
        for queue in types if queues is None else queues:
            # Each queue with the API of its type: SageMaker training queues list service
            # jobs, every other type container jobs.
            service_jobs = types.get(queue) == "SAGEMAKER_TRAINING"
            operation = "list_service_jobs" if service_jobs else "list_jobs"
            for status in BATCH_STATUSES if service_jobs else CONTAINER_STATUSES:
                found += [
                    {**job, "_queue": queue}
                    for job in paged(
                        batch, operation, "jobSummaryList", jobQueue=queue, jobStatus=status
                    )
                ]
        return found

    def snowball(self, region: str = "us-east-1") -> list[dict[str, Any]]:
        return paged(self.api("snowball", region), "list_jobs", "JobListEntries")

    def everything(self, service: str, region: str = "us-east-1") -> list[dict[str, Any]]:
        walk = {
            "amplify": self.amplify,
            "amplify-backend": self.backend,
            "iot": self.iot,
            "batch": self.batch,
            "snowball": self.snowball,
        }[service]
        return walk(region)


ID_MEMBER = {
    "amplify": "jobId",
    "amplify-backend": "JobId",
    "iot": "jobId",
    "batch": "jobId",
    "snowball": "JobId",
}


def ident(service: str, item: Mapping[str, Any], region: str = "us-east-1") -> tuple:
    """A job's identity across parents: Amplify job IDs count per branch, so an Amplify
    job is known by its ARN (which names the app and branch)."""
    if service == "amplify":
        return (service, region, item["jobArn"])
    if service == "snowball" and region.startswith("us-"):
        region = "us"  # a US region lists every US region's jobs: jobctl shows "us"
    return (service, region, item[ID_MEMBER[service]])


def row_ident(row: Mapping[str, Any]) -> tuple:
    """The same identity for a normalized row jobctl printed."""
    if row["service"] == "amplify":
        return (row["service"], row["region"], row["arn"])
    return (row["service"], row["region"], row["id"])


def idents(rows: Iterable[Mapping[str, Any]]) -> list[tuple]:
    return sorted(row_ident(row) for row in rows)


def truth_idents(service: str, items: Iterable[Mapping[str, Any]], region: str = "us-east-1"):
    return sorted(ident(service, item, region) for item in items)
