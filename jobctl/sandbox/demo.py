"""Deterministic demo data: realistic jobs for all five services, identical on every run.

Each region draws from its own seeded generator, so regions differ but never change. Status
values come from the botocore models, and the busiest parent of every service holds each
of them at least once, newest jobs in flight and older ones finished, as in a real account.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta
from typing import Any

from jobctl.sandbox import models, records
from jobctl.sandbox.specs import ACCOUNT_ID, DEMO_ANCHOR, SERVICES
from jobctl.sandbox.store import SandboxData

DEMO_REGIONS = ("us-east-1", "us-west-2", "eu-west-1")

# Statuses after which a job no longer changes; every other model value is "in flight".
TERMINAL = {
    "amplify": ("SUCCEED", "FAILED", "CANCELLED"),
    "iot": ("COMPLETED", "CANCELED"),
    "batch": ("SUCCEEDED", "FAILED"),
    "snowball": ("Complete", "Cancelled"),
}
# AmplifyBackend statuses are free text; the service is not consistent about case.
BACKEND_IN_FLIGHT = ("PENDING", "created", "Queued", "IN_PROGRESS", "in_progress", "Running")
BACKEND_TERMINAL = (
    "COMPLETED",
    "completed",
    "Succeeded",
    "SUCCESS",
    "FAILED",
    "Failed",
    "CANCELLED",
    "canceled",
)

APPS = {
    "storefront-web": ("main", "develop", "feature/checkout-v2"),
    "docs-portal": ("main", "staging"),
    "admin-console": ("main", "release/2026.11"),
}
COMMITS = (
    "Fix rounding of cart totals",
    "Add dark mode toggle",
    "Bump next from 14.2.3 to 14.2.5",
    "Merge pull request #{n} from example-org/feature/search",
    "Refactor product grid into server components",
    "Update amplify.yml to cache node_modules",
    'Revert "Enable edge middleware"',
    "Translate checkout into German and French",
    "chore: lint",
    "Improve LCP on the landing page",
)
COMMIT_BODIES = (
    "The previous float arithmetic drifted by a cent on some baskets.\nUse integer cents.",
    "Closes #{n}.",
    "Co-authored-by: Dana Lee <dana@example.com>",
    "Signed-off-by: Sam Park <sam@example.com>\n\nRefs: JIRA-{n}",
)
BACKEND_OPERATIONS = (
    "CreateBackend",
    "CreateBackendAuth",
    "UpdateBackendAuth",
    "CreateBackendAPI",
    "UpdateBackendAPI",
    "CreateBackendStorage",
    "ImportBackendAuth",
    "CloneBackend",
    "GenerateBackendAPIModels",
    "DeleteBackend",
)
THING_GROUPS = ("thermostats-gen2", "gateways-prod", "cameras-lab", "fleet:canary")
IOT_JOBS = (
    "ota-firmware-v2-4-1",
    "rotate-device-certs",
    "reboot-gateways",
    "push-config",
    "upload-logs",
)
BATCH_QUEUES = ("ml-training-high", "ml-training-default", "ml-experiments-spot")
BATCH_MODELS = (
    "resnet50-finetune",
    "ResNet50-eval",
    "bert-base-pretrain",
    "Llama3-8B-sft",
    "xgboost-churn-tune",
)
SHARES = ("teamA", "teamB", "research")
SNOWBALL_DESCRIPTIONS = (
    "Datacenter migration batch {n}",
    "Genomics archive import",
    "Important Photos 2026-08-11",
    "Edge compute for field site {n}",
    "Media library export",
)


def populate(data: SandboxData, region: str, jobs_per_service: int) -> None:
    """Fills one region with ``jobs_per_service`` jobs for each of the five services."""
    for service in SERVICES:
        rng = random.Random(f"jobctl-sandbox/{region}/{service}")
        GENERATORS[service](data, region, jobs_per_service, rng)


def _amplify(data: SandboxData, region: str, count: int, rng: random.Random) -> None:
    parents = []
    for app_name, branches in APPS.items():
        app_id = "d" + "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=13))
        data.add_app(
            {
                "appId": app_id,
                "name": app_name,
                "description": f"{app_name.replace('-', ' ').title()} ({region})",
                "repository": f"https://github.com/example-org/{app_name}",
                "platform": "WEB_COMPUTE" if app_name == "storefront-web" else "WEB",
                "createTime": DEMO_ANCHOR - timedelta(days=400 + rng.randrange(300)),
                "tags": {"team": "web"},
            },
            region=region,
        )
        parents += [(app_id, branch) for branch in branches]
        for env in ("staging", "prod"):
            data.add_environment(app_id, {"environmentName": env}, region=region)
    statuses = _statuses(rng, "amplify", _split(count, len(parents), rng))
    for (app_id, branch), plan in zip(parents, statuses, strict=True):
        times = _timeline(rng, len(plan), minutes=(20, 600))
        for number, (status, start) in enumerate(zip(plan, times, strict=True)):
            job: dict[str, Any] = {
                "jobId": f"{len(plan) - number:010d}",  # newest job has the highest ID
                "status": status,
                "startTime": start,
                "commitTime": start - timedelta(minutes=rng.randrange(1, 90)),
                "jobType": rng.choices(("WEB_HOOK", "RELEASE", "RETRY", "MANUAL"), (14, 2, 2, 2))[
                    0
                ],
            }
            if job["jobType"] == "MANUAL":
                job |= {"commitId": "HEAD", "commitMessage": "Manual deployment"}
                zipped = rng.random() < 0.5
                job["sourceUrlType"] = "ZIP" if zipped else "BUCKET_PREFIX"
                job["sourceUrl"] = (
                    f"https://deploy.example.com/{app_id}/build-{number}.zip"
                    if zipped
                    else f"s3://example-deploys/{app_id}/{branch}/"
                )
            else:
                job |= {"commitId": f"{rng.getrandbits(160):040x}", "commitMessage": _commit(rng)}
            if status in TERMINAL["amplify"]:
                job["endTime"] = start + timedelta(seconds=rng.randrange(90, 1500))
            data.add_job("amplify", job, region=region, parent=(app_id, branch))


def _amplify_backend(data: SandboxData, region: str, count: int, rng: random.Random) -> None:
    parents = list(data.region(region).environments)
    plans = _statuses(rng, "amplify-backend", _split(count, len(parents), rng))
    for parent, plan in zip(parents, plans, strict=True):
        times = _timeline(rng, len(plan), minutes=(60, 2880))
        for status, created in zip(plan, times, strict=True):
            updated = created + timedelta(seconds=rng.randrange(5, 900))
            job = {
                "JobId": str(_uuid(rng)),
                "Operation": rng.choice(BACKEND_OPERATIONS),
                "Status": status,
                # The service returns times as strings, sometimes epoch seconds, sometimes ISO.
                "CreateTime": _backend_time(created, rng),
                "UpdateTime": _backend_time(updated, rng),
            }
            if status.upper() == "FAILED":
                job["Error"] = "Resource is not in the state stackUpdateComplete"
            data.add_job("amplify-backend", job, region=region, parent=parent)


def _iot(data: SandboxData, region: str, count: int, rng: random.Random) -> None:
    for name in THING_GROUPS:
        data.add_thing_group(name, str(_uuid(rng)), region=region)
    (plan,) = _statuses(rng, "iot", [count])
    for number, (status, created) in enumerate(
        zip(plan, _timeline(rng, count, (30, 900)), strict=True)
    ):
        job: dict[str, Any] = {
            "jobId": f"{rng.choice(IOT_JOBS)}-{created:%Y%m%d}-{count - number:04d}",
            "status": status,
            "targetSelection": rng.choice(("CONTINUOUS", "SNAPSHOT")),
            "createdAt": created,
            "lastUpdatedAt": created + timedelta(minutes=rng.randrange(1, 600)),
            "isConcurrent": status == "IN_PROGRESS" and rng.random() < 0.3,
        }
        if rng.random() < 0.8:  # the rest target individual things, not a group
            job["thingGroupName"] = rng.choice(THING_GROUPS)
        if rng.random() < 0.25:
            job["namespaceId"] = rng.choice(("greengrass", "ota-team"))
        if status in TERMINAL["iot"]:
            job["completedAt"] = job["lastUpdatedAt"]
        data.add_job("iot", job, region=region)


def _batch(data: SandboxData, region: str, count: int, rng: random.Random) -> None:
    for name in BATCH_QUEUES:
        queue: dict[str, Any] = {"jobQueueName": name, "priority": 10 - BATCH_QUEUES.index(name)}
        if name.endswith("spot"):
            queue["state"] = "DISABLED"
        data.add_queue(queue, region=region)
    plans = _statuses(rng, "batch", _split(count, len(BATCH_QUEUES), rng))
    progress = ("SUBMITTED", "PENDING", "RUNNABLE", "SCHEDULED", "STARTING", "RUNNING")
    for queue_name, plan in zip(BATCH_QUEUES, plans, strict=True):
        times = _timeline(rng, len(plan), minutes=(10, 300))
        for number, (status, created) in enumerate(zip(plan, times, strict=True)):
            name = f"{rng.choice(BATCH_MODELS)}-{len(plan) - number:04d}"
            ms = _millis(created)
            job: dict[str, Any] = {
                "jobId": str(_uuid(rng)),
                "jobName": name,
                "status": status,
                "createdAt": ms,
                "serviceJobType": "SAGEMAKER_TRAINING",
            }
            if rng.random() < 0.6:
                job["shareIdentifier"] = rng.choice(SHARES)
                # Derived, not drawn: the demo data stays what it was before quota shares.
                job["quotaShareName"] = f"{job['shareIdentifier']}-quota"
            reached = progress.index(status) if status in progress else len(progress)
            if reached >= progress.index("SCHEDULED"):
                job["scheduledAt"] = ms + rng.randrange(1_000, 120_000)
            if reached >= progress.index("RUNNING"):
                job["startedAt"] = job["scheduledAt"] + rng.randrange(30_000, 600_000)
                training = f"arn:aws:sagemaker:{region}:{ACCOUNT_ID}:training-job/{name.lower()}"
                job["latestAttempt"] = {
                    "serviceResourceId": {"name": "TrainingJobArn", "value": training}
                }
            if status == "RUNNING":
                job["capacityUsage"] = [
                    {"capacityUnit": "NUM_INSTANCES", "quantity": rng.choice((1.0, 2.0, 4.0))}
                ]
            if status in TERMINAL["batch"]:
                job["stoppedAt"] = job["startedAt"] + rng.randrange(600_000, 36_000_000)
                job["isTerminated"] = True
                job["statusReason"] = (
                    "Training job completed"
                    if status == "SUCCEEDED"
                    else "AlgorithmError: CUDA out of memory"
                )
            data.add_job("batch", job, region=region, parent=queue_name)


def _snowball(data: SandboxData, region: str, count: int, rng: random.Random) -> None:
    (plan,) = _statuses(rng, "snowball", [count])
    snowball_types = models.enum_values(
        records.job_shape(SERVICES["snowball"]).members["SnowballType"]
    )
    for status, created in zip(plan, _timeline(rng, count, (600, 4000)), strict=True):
        job_type = rng.choices(("IMPORT", "EXPORT", "LOCAL_USE"), (6, 2, 2))[0]
        job: dict[str, Any] = {
            "JobId": f"JID{_uuid(rng)}",
            "JobState": status,
            "IsMaster": job_type == "EXPORT" and rng.random() < 0.5,
            "JobType": job_type,
            "SnowballType": rng.choice(snowball_types),
            "CreationDate": created,
        }
        if rng.random() < 0.9:
            job["Description"] = rng.choice(SNOWBALL_DESCRIPTIONS).format(n=rng.randrange(1, 9))
        data.add_job("snowball", job, region=region)


GENERATORS = {
    "amplify": _amplify,
    "amplify-backend": _amplify_backend,
    "iot": _iot,
    "batch": _batch,
    "snowball": _snowball,
}


def _statuses(rng: random.Random, service: str, sizes: list[int]) -> list[list[str]]:
    """Status plans per parent, newest job first. The first parent gets every status."""
    if service == "amplify-backend":
        in_flight, terminal = list(BACKEND_IN_FLIGHT), list(BACKEND_TERMINAL)
    else:
        spec = SERVICES[service]
        shape = records.job_shape(spec).members[spec.status_member]
        terminal = list(TERMINAL[service])
        in_flight = [s for s in models.enum_values(shape) if s not in terminal]
    plans = []
    for index, size in enumerate(sizes):
        plan = []
        for position in range(size):
            recent = position < max(2, size // 10)
            if rng.random() < (0.6 if recent else 0.02):
                plan.append(rng.choice(in_flight))
            else:  # mostly successes, as in a healthy account
                plan.append(rng.choices(terminal, [6] + [1] * (len(terminal) - 1))[0])
        if index == 0:
            forced = rng.sample(in_flight, len(in_flight)) + rng.sample(terminal, len(terminal))
            plan[: len(forced)] = forced[:size]
        plans.append(plan)
    return plans


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` jobs over ``parts`` parents, the first one the busiest (about half)."""
    weights = [parts] + [rng.uniform(0.5, 1.5) for _ in range(parts - 1)]
    sizes = [int(total * w / sum(weights)) for w in weights]
    sizes[0] += total - sum(sizes)
    return sizes


def _timeline(rng: random.Random, count: int, minutes: tuple[int, int]) -> list[datetime]:
    """``count`` creation times, newest first, going back from the demo anchor."""
    moment, out = DEMO_ANCHOR, []
    for _ in range(count):
        moment -= timedelta(minutes=rng.randrange(*minutes), seconds=rng.randrange(60))
        out.append(moment)
    return out


def _commit(rng: random.Random) -> str:
    subject = rng.choice(COMMITS).format(n=rng.randrange(100, 999))
    if rng.random() < 0.6:
        return f"{subject}\n\n{rng.choice(COMMIT_BODIES).format(n=rng.randrange(100, 999))}"
    return subject


def _backend_time(moment: datetime, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return str(int(moment.timestamp()))
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _millis(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)
