"""Issue 3: every filter flag, alone and combined, lists exactly what a boto3 walk of the
whole sandbox, filtered in Python with the API's documented semantics, gives.

The cases run side by side once (a module fixture); each test then checks one case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from e2e_data import BEFORE_BOUNDARY, BOUNDARY, QUEUE
from e2e_support import Run, Truth, fake_env, idents, jobctl_many, truth_idents

Expect = Callable[[Truth, Any], list[tuple]]


@dataclass(frozen=True)
class Case:
    name: str
    where: str  # "demo" or "crafted"
    args: tuple[str, ...]
    expect: Expect
    bug: str | None = None


def _ms(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


# -- Amplify ---------------------------------------------------------------------------------


def amplify(app: str | None = None, branch: str | None = None, region: str = "us-east-1") -> Expect:
    def expect(truth: Truth, sb: Any) -> list[tuple]:
        pairs = [
            (a, b) for a, b in truth.branches(region) if app in (None, a) and branch in (None, b)
        ]
        assert pairs
        return truth_idents("amplify", truth.amplify(region, branches=pairs), region)

    return expect


# -- AmplifyBackend (statuses and operations are free text, matched in any case) ------------


def backend(app: str | None = None, env: str | None = None, **wanted: str) -> Expect:
    def expect(truth: Truth, sb: Any) -> list[tuple]:
        envs = [(a, e) for a, e in truth.environments() if app in (None, a) and env in (None, e)]
        jobs = [
            job
            for job in truth.backend(envs=envs)
            if all(
                job[k] == v if k == "JobId" else str(job.get(k, "")).lower() == v.lower()
                for k, v in wanted.items()
            )
        ]
        assert jobs
        return truth_idents("amplify-backend", jobs)

    return expect


# -- IoT (thing group name and namespace are not returned: read them from the sandbox) --------


def iot(**wanted: str) -> Expect:
    def expect(truth: Truth, sb: Any) -> list[tuple]:
        hidden = {job["jobId"]: job for job in sb.data.jobs("iot")}
        jobs = [
            job
            for job in truth.iot()
            if all(
                (hidden[job["jobId"]] if k in ("thingGroupName", "namespaceId") else job).get(k)
                == v
                for k, v in wanted.items()
            )
        ]
        assert jobs
        return truth_idents("iot", jobs)

    return expect


def first_group_id(sb: Any) -> str:
    return next(job["thingGroupId"] for job in sb.data.jobs("iot") if "thingGroupId" in job)


# -- Batch -----------------------------------------------------------------------------------


def batch(
    *statuses: str,
    queue: str | None = None,
    name: str | None = None,
    after: str | None = None,
    before: str | None = None,
    share: str | None = None,
    quota: str | None = None,
) -> Expect:
    """The API's semantics: RUNNING only when neither a status nor a filter is given; the
    job name case-insensitive, `prefix*` a prefix; created-after/-before inclusive."""

    def expect(truth: Truth, sb: Any) -> list[tuple]:
        if "all" in statuses or (not statuses and any((name, after, before, share, quota))):
            wanted = None
        else:
            wanted = set(statuses or ("RUNNING",))

        def keep(job: dict[str, Any]) -> bool:
            job_name, pattern = job["jobName"].lower(), (name or "").lower()
            return (
                (wanted is None or job["status"] in wanted)
                and (
                    name is None
                    or (job_name.startswith(pattern[:-1]) if pattern.endswith("*") else
                        job_name == pattern)
                )
                and (after is None or job["createdAt"] >= _ms(after))
                and (before is None or job["createdAt"] <= _ms(before))
                and (share is None or job.get("shareIdentifier") == share)
                and (quota is None or job.get("quotaShareName") == quota)
            )  # fmt: skip

        jobs = [job for job in truth.batch(queues=[queue] if queue else None) if keep(job)]
        assert jobs
        return truth_idents("batch", jobs)

    return expect


Q = QUEUE


def cases(demo: Any) -> list[Case]:
    parents = demo.parents()
    app, branch = parents["amplify"][0]
    backend_app, env = parents["amplify-backend"][0]
    backend_job = demo.data.jobs("amplify-backend", parent=(backend_app, env))[0]["JobId"]
    busy_queue = parents["batch"][0]
    group_id = first_group_id(demo)
    return [
        # Amplify: one branch, an app's branches, a branch name across apps. Where job IDs
        # repeat across branches (as the real service numbers them), the fan-out loses jobs.
        Case("amplify-app-branch", "demo", ("amplify", "--app-id", app, "--branch", branch),
             amplify(app, branch)),
        Case("amplify-branch-name-alias", "crafted",
             ("amplify", "--app-id", "d1crafted", "--branch-name", "feature/x"),
             amplify("d1crafted", "feature/x")),
        Case("amplify-app-only", "crafted", ("amplify", "--app-id", "d1crafted"),
             amplify("d1crafted")),
        Case("amplify-branch-only", "crafted", ("amplify", "--branch", "main"),
             amplify(branch="main")),
        Case("amplify-app-per-branch-ids", "crafted",
             ("amplify", "--app-id", "d3collide", "--region", "eu-west-1"),
             amplify("d3collide", region="eu-west-1")),
        Case("amplify-branch-across-apps-demo", "demo", ("amplify", "--branch", "main"),
             amplify(branch="main")),
        # AmplifyBackend
        Case("backend-app-env", "demo", ("amplify-backend", "--app-id", backend_app,
                                         "--env", env), backend(backend_app, env)),
        Case("backend-app-every-env", "demo", ("amplify-backend", "--app-id", backend_app),
             backend(backend_app)),
        Case("backend-job-id", "demo", ("amplify-backend", "--job-id", backend_job),
             backend(JobId=backend_job)),
        Case("backend-operation", "demo", ("amplify-backend", "--operation",
                                           "CreateBackendAuth"),
             backend(Operation="CreateBackendAuth")),
        Case("backend-status-any-case", "demo", ("amplify-backend", "--status", "completed"),
             backend(Status="completed")),
        Case("backend-operation-status", "crafted",
             ("amplify-backend", "--app-id", "d1crafted", "--operation", "CREATEBACKENDAUTH",
              "--status", "FAILED"),
             backend("d1crafted", Operation="CreateBackendAuth", Status="failed")),
        # IoT
        Case("iot-status", "demo", ("iot", "--status", "IN_PROGRESS"),
             iot(status="IN_PROGRESS")),
        Case("iot-status-any-case", "demo", ("iot", "--status", "completed"),
             iot(status="COMPLETED")),
        Case("iot-target-selection", "demo", ("iot", "--target-selection", "SNAPSHOT"),
             iot(targetSelection="SNAPSHOT")),
        Case("iot-thing-group-name", "demo", ("iot", "--thing-group-name", "fleet:canary"),
             iot(thingGroupName="fleet:canary")),
        Case("iot-thing-group-id", "demo", ("iot", "--thing-group-id", group_id),
             iot(thingGroupId=group_id)),
        Case("iot-namespace", "demo", ("iot", "--namespace-id", "greengrass"),
             iot(namespaceId="greengrass")),
        Case("iot-combined", "demo",
             ("iot", "--status", "COMPLETED", "--target-selection", "CONTINUOUS",
              "--thing-group-name", "gateways-prod"),
             iot(status="COMPLETED", targetSelection="CONTINUOUS",
                 thingGroupName="gateways-prod")),
        Case("iot-combined-crafted", "crafted",
             ("iot", "--status", "IN_PROGRESS", "--namespace-id", "greengrass"),
             iot(status="IN_PROGRESS", namespaceId="greengrass")),
        # Batch: statuses
        # No --status: every status (the API alone would list RUNNING only).
        Case("batch-default-every-status", "demo", ("batch", "--job-queue", busy_queue),
             batch("all", queue=busy_queue)),
        Case("batch-running-is-the-api-default", "demo",
             ("batch", "--job-queue", busy_queue, "--status", "running"),
             batch(queue=busy_queue)),
        Case("batch-one-status", "demo", ("batch", "--job-queue", busy_queue,
                                          "--status", "FAILED"),
             batch("FAILED", queue=busy_queue)),
        Case("batch-several-statuses", "demo",
             ("batch", "--job-queue", busy_queue, "--status", "SUCCEEDED", "--status", "failed",
              "--status", "RUNNABLE"),
             batch("SUCCEEDED", "FAILED", "RUNNABLE", queue=busy_queue)),
        Case("batch-all-statuses", "demo", ("batch", "--job-queue", busy_queue,
                                            "--status", "all"),
             batch("all", queue=busy_queue)),
        # Batch: names
        Case("batch-name-exact-any-case", "crafted", ("batch", "--job-queue", Q,
                                                      "--job-name", "TRAIN-ALPHA"),
             batch(queue=Q, name="TRAIN-ALPHA")),
        Case("batch-name-exact-is-not-prefix", "crafted",
             ("batch", "--job-queue", Q, "--job-name", "train"), batch(queue=Q, name="train")),
        Case("batch-name-prefix", "crafted", ("batch", "--job-queue", Q, "--job-name", "Train*"),
             batch(queue=Q, name="Train*")),
        Case("batch-name-prefix-demo", "demo",
             ("batch", "--job-queue", busy_queue, "--job-name", "resnet50*"),
             batch(queue=busy_queue, name="resnet50*")),
        # Batch: times and shares
        Case("batch-created-after", "crafted",
             ("batch", "--job-queue", Q, "--created-after", "2026-11-10T00:00:01Z"),
             batch(queue=Q, after="2026-11-10T00:00:01Z")),
        Case("batch-created-before", "crafted",
             ("batch", "--job-queue", Q, "--created-before", "2026-11-14"),
             batch(queue=Q, before="2026-11-14T00:00:00Z")),
        Case("batch-created-after-inclusive", "crafted",
             ("batch", "--job-queue", Q, "--created-after", BOUNDARY),
             batch(queue=Q, after=BOUNDARY)),
        Case("batch-created-before-inclusive", "crafted",
             ("batch", "--job-queue", Q, "--created-before", BEFORE_BOUNDARY),
             batch(queue=Q, before=BEFORE_BOUNDARY)),
        Case("batch-created-window", "crafted",
             ("batch", "--job-queue", Q, "--created-after", "2026-11-03T12:00:00Z",
              "--created-before", "2026-11-17T12:00:00Z"),
             batch(queue=Q, after="2026-11-03T12:00:00Z", before="2026-11-17T12:00:00Z")),
        Case("batch-share", "crafted", ("batch", "--job-queue", Q, "--share-identifier",
                                        "teamA"), batch(queue=Q, share="teamA")),
        Case("batch-share-status", "crafted",
             ("batch", "--job-queue", Q, "--share-identifier", "teamA", "--status", "RUNNING"),
             batch("RUNNING", queue=Q, share="teamA")),
        Case("batch-share-several-statuses", "crafted",
             ("batch", "--job-queue", Q, "--share-identifier", "teamA", "--status", "RUNNING",
              "--status", "FAILED"),
             batch("RUNNING", "FAILED", queue=Q, share="teamA")),
        Case("batch-quota-share", "demo",
             ("batch", "--job-queue", busy_queue, "--quota-share-name", "teamA-quota"),
             batch(queue=busy_queue, quota="teamA-quota")),
        Case("batch-quota-share-statuses", "demo",
             ("batch", "--job-queue", busy_queue, "--quota-share-name", "research-quota",
              "--status", "SUCCEEDED", "--status", "RUNNING"),
             batch("SUCCEEDED", "RUNNING", queue=busy_queue, quota="research-quota")),
        Case("batch-share-and-quota", "demo",
             ("batch", "--job-queue", busy_queue, "--share-identifier", "teamB",
              "--quota-share-name", "teamB-quota", "--status", "SUCCEEDED")  ,
             batch("SUCCEEDED", queue=busy_queue, share="teamB", quota="teamB-quota")),
        # Batch: combinations the API cannot take in one call (jobctl filters the rest)
        Case("batch-name-status", "crafted",
             ("batch", "--job-queue", Q, "--job-name", "train*", "--status", "FAILED"),
             batch("FAILED", queue=Q, name="train*")),
        Case("batch-name-window-share", "crafted",
             ("batch", "--job-queue", Q, "--job-name", "train*", "--created-after",
              "2026-11-01T12:00:00Z", "--created-before", "2026-11-18T00:00:00Z",
              "--share-identifier", "teamA"),
             batch(queue=Q, name="train*", after="2026-11-01T12:00:00Z",
                   before="2026-11-18T00:00:00Z", share="teamA")),
        Case("batch-name-after-inclusive", "crafted",
             ("batch", "--job-queue", Q, "--job-name", "train*", "--created-after", BOUNDARY),
             batch(queue=Q, name="train*", after=BOUNDARY)),
        Case("batch-all-name", "crafted",
             ("batch", "--job-queue", Q, "--status", "all", "--job-name", "eval*"),
             batch("all", queue=Q, name="eval*")),
        Case("batch-statuses-after-share", "demo",
             ("batch", "--job-queue", busy_queue, "--status", "SUCCEEDED", "--status", "FAILED",
              "--created-after", "2026-11-15T00:00:00Z", "--share-identifier", "teamB"),
             batch("SUCCEEDED", "FAILED", queue=busy_queue, after="2026-11-15T00:00:00Z",
                   share="teamB")),
    ]  # fmt: skip


CASE_NAMES = [
    "amplify-app-branch", "amplify-branch-name-alias", "amplify-app-only",
    "amplify-branch-only", "amplify-app-per-branch-ids", "amplify-branch-across-apps-demo",
    "backend-app-env", "backend-app-every-env", "backend-job-id",
    "backend-operation", "backend-status-any-case", "backend-operation-status", "iot-status",
    "iot-status-any-case", "iot-target-selection", "iot-thing-group-name",
    "iot-thing-group-id", "iot-namespace", "iot-combined", "iot-combined-crafted",
    "batch-default-every-status", "batch-running-is-the-api-default", "batch-one-status",
    "batch-several-statuses",
    "batch-all-statuses", "batch-name-exact-any-case", "batch-name-exact-is-not-prefix",
    "batch-name-prefix", "batch-name-prefix-demo", "batch-created-after",
    "batch-created-before", "batch-created-after-inclusive", "batch-created-before-inclusive",
    "batch-created-window", "batch-share", "batch-share-status",
    "batch-share-several-statuses", "batch-quota-share", "batch-quota-share-statuses",
    "batch-share-and-quota", "batch-name-status", "batch-name-window-share",
    "batch-name-after-inclusive", "batch-all-name", "batch-statuses-after-share",
]  # fmt: skip
BUGS: dict[str, str] = {}  # case name -> the bug a strict xfail documents


@pytest.fixture(scope="module")
def filter_runs(
    demo_sandbox, crafted_sandbox, demo_truth, crafted_truth, e2e_tmp
) -> dict[str, tuple[Case, Run, Any, Truth]]:
    sandboxes = {"demo": (demo_sandbox, demo_truth), "crafted": (crafted_sandbox, crafted_truth)}
    all_cases = cases(demo_sandbox)
    assert [c.name for c in all_cases] == CASE_NAMES
    assert {c.name: c.bug for c in all_cases if c.bug} == BUGS
    env = fake_env(e2e_tmp)
    runs: dict[str, tuple[Case, Run, Any, Truth]] = {}
    for where, (sb, truth) in sandboxes.items():
        mine = [c for c in all_cases if c.where == where]
        done = jobctl_many([[*c.args, "-o", "jsonl"] for c in mine], sb.endpoint_url, env=env)
        runs |= {c.name: (c, run, sb, truth) for c, run in zip(mine, done, strict=True)}
    return runs


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=BUGS[n])) if n in BUGS else n
        for n in CASE_NAMES
    ],
)
def test_filter(filter_runs, name):
    case, run, sb, truth = filter_runs[name]
    assert run.status == 0, run.describe()
    expected = case.expect(truth, sb)
    assert idents(run.rows()) == expected
