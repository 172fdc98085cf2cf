"""AWS Batch service jobs in the sandbox: ListServiceJobs of a SAGEMAKER_TRAINING queue, and
DescribeJobQueues, which jobctl asks for every queue's type.

Job queues are defined here, of every type: ListServiceJobs lists the SAGEMAKER_TRAINING
ones, ListJobs (batch_jobs.py) the others. The data file's ``batch`` section holds queues of
every type; each queue's jobs go to the API its type needs.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from jobctl.sandbox import datafile, demo
from jobctl.sandbox.service import (
    Call,
    DemoContext,
    Errors,
    Example,
    JobPlace,
    Kind,
    MoveContext,
    Moving,
    Operation,
    Parent,
    SandboxService,
    Section,
    Selection,
    Store,
    StoredJob,
)

SAGEMAKER_TRAINING = "SAGEMAKER_TRAINING"
TERMINAL = ("SUCCEEDED", "FAILED")
FILTERS = (
    "JOB_NAME",
    "BEFORE_CREATED_AT",
    "AFTER_CREATED_AT",
    "SHARE_IDENTIFIER",
    "QUOTA_SHARE_NAME",
)
# The filters that jobStatus combines with; any other filter lists every status.
STATUS_FILTERS = ("SHARE_IDENTIFIER", "QUOTA_SHARE_NAME")
QUEUES = ("ml-training-high", "ml-training-default", "ml-experiments-spot")
MODELS = (
    "resnet50-finetune",
    "ResNet50-eval",
    "bert-base-pretrain",
    "Llama3-8B-sft",
    "xgboost-churn-tune",
)
SHARES = ("teamA", "teamB", "research")
ERRORS = Errors(
    validation="ClientException",
    token="ClientException",
    not_found=("ClientException", 400),
    throttle=("TooManyRequestsException", 429),
    server_error=("ServerException", 500),
)

# -- job queues -----------------------------------------------------------------------------


def queue_name(name_or_arn: str) -> str:
    """Batch accepts a queue's name or ARN (arn:aws:batch:REGION:ACCOUNT:job-queue/NAME)."""
    if name_or_arn.startswith("arn:") and ":job-queue/" in name_or_arn:
        return name_or_arn.rsplit(":job-queue/", 1)[1]
    return name_or_arn


def _complete_queue(
    queue: dict[str, Any],
    region: str,
    container: dict[str, Any] | None,
    anchor: datetime,
    account: str,
) -> dict[str, Any]:
    name = queue["jobQueueName"]
    arn = f"arn:aws:batch:{region}:{account}"
    kind = queue.get("jobQueueType", SAGEMAKER_TRAINING)
    defaults: dict[str, Any] = {
        "jobQueueArn": f"{arn}:job-queue/{name}",
        "state": "ENABLED",
        "status": "VALID",
        "priority": 1,
        "jobQueueType": kind,
    }
    if kind == SAGEMAKER_TRAINING:
        defaults["computeEnvironmentOrder"] = []
        defaults["serviceEnvironmentOrder"] = [
            {"order": 1, "serviceEnvironment": f"{arn}:service-environment/{name}-training"}
        ]
    else:
        defaults["computeEnvironmentOrder"] = [
            {"order": 1, "computeEnvironment": f"{arn}:compute-environment/{name}-ce"}
        ]
    return {**defaults, **queue}


QUEUE = Kind("queue", "jobQueueName", ("batch", "DescribeJobQueues", "jobQueues"), _complete_queue)


def resolve_queue(call: Call, name_or_arn: str) -> str | None:
    """The name of the queue a request names by name or ARN, or None."""
    queues = call.resources("queue")
    if name_or_arn in queues:
        return name_or_arn
    return next((n for n, q in queues.items() if q["jobQueueArn"] == name_or_arn), None)


def is_service_queue(queue: Mapping[str, Any]) -> bool:
    return queue.get("jobQueueType", SAGEMAKER_TRAINING) == SAGEMAKER_TRAINING


def _describe_job_queues(call: Call) -> Selection:
    named = call.params.get("jobQueues")
    queues = call.resources("queue")
    if named:  # unknown names are left out, not an error, as in Batch
        wanted = {resolve_queue(call, n) for n in named}
        queues = {n: q for n, q in queues.items() if n in wanted}
    return Selection(sorted(queues), [((n,), q) for n, q in queues.items()])


# -- filters (shared with ListJobs) ---------------------------------------------------------


Matcher = Callable[[str], Callable[[dict[str, Any]], bool]]


def _job_name_matcher(value: str) -> Callable[[dict[str, Any]], bool]:
    wanted = value.lower()
    if wanted.endswith("*"):
        return lambda item: item["jobName"].lower().startswith(wanted[:-1])
    return lambda item: item["jobName"].lower() == wanted


MATCHERS: dict[str, Matcher] = {
    "JOB_NAME": _job_name_matcher,
    "BEFORE_CREATED_AT": lambda v: lambda item: item["createdAt"] < int(v),
    "AFTER_CREATED_AT": lambda v: lambda item: item["createdAt"] > int(v),
    "SHARE_IDENTIFIER": lambda v: lambda item: item.get("shareIdentifier") == v,
    "QUOTA_SHARE_NAME": lambda v: lambda item: item.get("quotaShareName") == v,
}


def one_filter(call: Call, spec: dict[str, Any], names: tuple[str, ...]) -> tuple[str, str]:
    """A filter's (name, value), checked as Batch checks it."""
    name, values = spec.get("name"), spec.get("values") or []
    if name not in names:
        raise call.invalid(f"Invalid filter name {name}; valid: {', '.join(names)}.")
    if len(values) != 1 or not values[0]:
        raise call.invalid(f"The {name} filter takes exactly one value.")
    value = values[0]
    if name.endswith("_CREATED_AT") and not value.isdigit():
        raise call.invalid(f"The {name} value must be epoch milliseconds, not {value}.")
    return name, value


def select_jobs(
    call: Call,
    jobs: list[StoredJob],
    matchers: Mapping[str, Matcher],
    status_filters: tuple[str, ...],
) -> list[StoredJob]:
    """The jobs a Batch listing returns: RUNNING ones without a status or filter, one
    filter at a time, and a status ignored by every filter but the narrow ones."""
    filters = call.params.get("filters") or []
    status = call.params.get("jobStatus")
    if len(filters) > 1:
        raise call.invalid("Only one filter can be used at a time.")
    if not filters:
        return [j for j in jobs if j.item.get("status") == (status or "RUNNING")]
    name, value = one_filter(call, filters[0], tuple(matchers))
    match = matchers[name](value)
    jobs = [j for j in jobs if match(j.item)]
    if name in status_filters and status:
        jobs = [j for j in jobs if j.item.get("status") == status]
    return jobs


def queue_of(call: Call) -> str:
    """The queue a request names, which must exist."""
    if not call.params.get("jobQueue"):
        raise call.invalid("jobQueue is required.")
    queue = resolve_queue(call, call.params["jobQueue"])
    if queue is None:
        raise call.invalid(f"Job queue {call.params['jobQueue']} does not exist.")
    return queue


def _list_service_jobs(call: Call) -> Selection:
    queue = queue_of(call)
    jobs = select_jobs(call, call.jobs(queue), MATCHERS, STATUS_FILTERS)
    scope = [queue, call.params.get("jobStatus"), call.params.get("filters") or []]
    return Selection(scope, call.newest_first(jobs))


def _complete(job: dict[str, Any], place: JobPlace) -> dict[str, Any]:
    arn = f"arn:aws:batch:{place.region}:{place.account}:service-job/{job['jobId']}"
    return {"jobArn": arn, "serviceJobType": SAGEMAKER_TRAINING, **job}


# -- demo data ------------------------------------------------------------------------------


def _demo(ctx: DemoContext) -> None:
    rng, region = ctx.rng, ctx.region
    for name in QUEUES:
        queue: dict[str, Any] = {"jobQueueName": name, "priority": 10 - QUEUES.index(name)}
        if name.endswith("spot"):
            queue["state"] = "DISABLED"
        ctx.data.add_resource("queue", queue, region=region)
    plans = demo.statuses(
        rng, demo.in_flight(SANDBOX), TERMINAL, demo.split(ctx.count, len(QUEUES), rng)
    )
    progress = ("SUBMITTED", "PENDING", "RUNNABLE", "SCHEDULED", "STARTING", "RUNNING")
    for queue_name_, plan in zip(QUEUES, plans, strict=True):
        times = ctx.timeline(len(plan), minutes=(10, 300))
        for number, (status, created) in enumerate(zip(plan, times, strict=True)):
            name = f"{rng.choice(MODELS)}-{len(plan) - number:04d}"
            ms = demo.millis(created)
            job: dict[str, Any] = {
                "jobId": str(demo.uuid4(rng)),
                "jobName": name,
                "status": status,
                "createdAt": ms,
                "serviceJobType": SAGEMAKER_TRAINING,
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
                training = f"arn:aws:sagemaker:{region}:{ctx.account}:training-job/{name.lower()}"
                job["latestAttempt"] = {
                    "serviceResourceId": {"name": "TrainingJobArn", "value": training}
                }
            if status == "RUNNING":
                job["capacityUsage"] = [
                    {"capacityUnit": "NUM_INSTANCES", "quantity": rng.choice((1.0, 2.0, 4.0))}
                ]
            if status in TERMINAL:
                job["stoppedAt"] = job["startedAt"] + rng.randrange(600_000, 36_000_000)
                job["isTerminated"] = True
                job["statusReason"] = (
                    "Training job completed"
                    if status == "SUCCEEDED"
                    else "AlgorithmError: CUDA out of memory"
                )
            ctx.data.add_job(SANDBOX.name, job, region=region, parent=queue_name_)


def _moving(ctx: MoveContext) -> Moving:
    """A training job through the queue: submitted, waiting, scheduled on SageMaker,
    running, then done (or out of memory)."""
    rng, region = ctx.rng, ctx.region
    name = f"{rng.choice(MODELS)}-{ctx.existing + ctx.number + 1:04d}"
    created = demo.millis(ctx.at(0))
    job: dict[str, Any] = {
        "jobId": str(demo.uuid4(rng)),
        "jobName": name,
        "status": "SUBMITTED",
        "createdAt": created,
        "serviceJobType": SAGEMAKER_TRAINING,
        "shareIdentifier": rng.choice(SHARES),
    }
    job["quotaShareName"] = f"{job['shareIdentifier']}-quota"
    seconds = [rng.uniform(3, 6), rng.uniform(6, 12), rng.uniform(12, 18), rng.uniform(18, 25)]
    scheduled, starting, running = seconds[1], seconds[2], seconds[3]
    done = running + rng.uniform(45, 90)
    training = f"arn:aws:sagemaker:{region}:{ctx.account}:training-job/{name.lower()}"
    failed = rng.random() < 0.25
    steps = (
        (seconds[0], {"status": "RUNNABLE"}),
        (scheduled, {"status": "SCHEDULED", "scheduledAt": demo.millis(ctx.at(scheduled))}),
        (starting, {"status": "STARTING"}),
        (
            running,
            {
                "status": "RUNNING",
                "startedAt": demo.millis(ctx.at(running)),
                "latestAttempt": {
                    "serviceResourceId": {"name": "TrainingJobArn", "value": training}
                },
                "capacityUsage": [{"capacityUnit": "NUM_INSTANCES", "quantity": 2.0}],
            },
        ),
        (
            done,
            {
                "status": "FAILED" if failed else "SUCCEEDED",
                "stoppedAt": demo.millis(ctx.at(done)),
                "isTerminated": True,
                "capacityUsage": None,
                "statusReason": "AlgorithmError: CUDA out of memory"
                if failed
                else "Training job completed",
            },
        ),
    )
    return Moving(ctx.parent, job, steps)


# -- the data file: queues of every type ----------------------------------------------------


def _load(data: Store, region: str, section: dict[str, Any], path: str) -> None:
    datafile.only(section, {"queues"}, path)
    for i, queue in enumerate(datafile.items(section, "queues", path)):
        where = f"{path}.queues[{i}]"
        jobs = queue.pop("jobs", [])
        added = datafile.wrap(where, data.add_resource, "queue", queue, region=region)
        api = data.api_for("queue", added)
        datafile.add_jobs(data, api, jobs, added["jobQueueName"], region, where)


def _examples(parents: Mapping[str, list[Any]]) -> list[Example]:
    if not parents.get(SANDBOX.name):
        return []
    queue = shlex.quote(parents[SANDBOX.name][0])
    return [
        Example(
            f"jobctl batch --job-queue {queue} --status all",
            f"aws batch list-service-jobs --job-queue {queue}",
        )
    ]


SANDBOX = SandboxService(
    name="batch",
    botocore_name="batch",
    list_operation="ListServiceJobs",
    id_member="jobId",
    status_member="status",
    created_member="createdAt",
    errors=ERRORS,
    operations=(
        Operation(
            "ListServiceJobs", _list_service_jobs, default_page_size=100, page_limits=(1, 100)
        ),
        Operation(
            "DescribeJobQueues", _describe_job_queues, default_page_size=100, page_limits=(1, 100)
        ),
    ),
    required=("jobId", "jobName", "status", "createdAt"),
    kinds=(QUEUE,),
    parent=Parent(
        "queue",
        ("jobQueue",),
        accepts=is_service_queue,
        accepts_help="ListServiceJobs lists SAGEMAKER_TRAINING queues only",
        normalize=queue_name,
    ),
    complete=_complete,
    terminal=TERMINAL,
    demo=_demo,
    section=Section("batch", _load),
    moving=_moving,
    examples=_examples,
)
