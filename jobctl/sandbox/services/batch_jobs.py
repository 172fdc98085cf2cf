"""AWS Batch container jobs in the sandbox: ListJobs of an ECS, ECS_FARGATE, EKS or
ECS_MANAGED_INSTANCES queue, or of an array job's children or a multi-node job's nodes.

As botocore's model documents ListJobs: exactly one of jobQueue, arrayJobId and
multiNodeJobId; one filter at a time (JOB_NAME, JOB_DEFINITION, BEFORE_CREATED_AT,
AFTER_CREATED_AT, SHARE_IDENTIFIER); a filter lists every status (jobStatus is ignored)
except SHARE_IDENTIFIER, which combines with it; without either, RUNNING jobs only; newest
first by createdAt; filters do not apply to children; up to 1000 jobs a page (100 with a
filter). Queues are defined in batch.py.

An array job's children and a multi-node job's nodes are kept with their job, as its
``children`` (meta the API never returns on the job itself).
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping, Set
from datetime import datetime
from typing import Any

from jobctl.sandbox import demo, records
from jobctl.sandbox.records import DataError
from jobctl.sandbox.service import (
    Call,
    DemoContext,
    Example,
    JobPlace,
    MoveContext,
    Moving,
    Operation,
    Parent,
    SandboxService,
    Selection,
    StoredJob,
)
from jobctl.sandbox.services.batch import (
    ERRORS,
    MATCHERS,
    Matcher,
    is_service_queue,
    queue_name,
    queue_of,
    select_jobs,
)

TERMINAL = ("SUCCEEDED", "FAILED")
SELECTORS = ("jobQueue", "arrayJobId", "multiNodeJobId")
FILTERED_PAGE = 100  # "When --filters is used, Batch returns up to 100 values."


def _definition_matcher(value: str) -> Callable[[dict[str, Any]], bool]:
    """JOB_DEFINITION: case-sensitive; a name matches every revision (a trailing * makes it
    a prefix); an ARN matches that revision only."""

    def name_of(item: Mapping[str, Any]) -> str:
        arn = str(item.get("jobDefinition") or "")
        return arn.rsplit("/", 1)[-1].rsplit(":", 1)[0]

    if value.startswith("arn:"):
        return lambda item: item.get("jobDefinition") == value
    if value.endswith("*"):
        return lambda item: name_of(item).startswith(value[:-1])
    return lambda item: name_of(item) == value


LIST_MATCHERS: dict[str, Matcher] = {
    "JOB_NAME": MATCHERS["JOB_NAME"],
    "JOB_DEFINITION": _definition_matcher,
    "BEFORE_CREATED_AT": MATCHERS["BEFORE_CREATED_AT"],
    "AFTER_CREATED_AT": MATCHERS["AFTER_CREATED_AT"],
    "SHARE_IDENTIFIER": MATCHERS["SHARE_IDENTIFIER"],
}


def _list_jobs(call: Call) -> Selection:
    params = call.params
    named = [name for name in SELECTORS if params.get(name)]
    if len(named) != 1:
        raise call.invalid(
            "You must specify exactly one of jobQueue, arrayJobId or multiNodeJobId."
        )
    if named == ["jobQueue"]:
        queue = queue_of(call)
        filters = params.get("filters") or []
        for spec in filters[:1]:
            if str(spec.get("name")) == "JOB_DEFINITION":
                value = (spec.get("values") or [""])[0]
                if value.startswith("arn:") and "*" in value:
                    raise call.invalid("An asterisk (*) is not supported in a job definition ARN.")
        jobs = select_jobs(call, call.jobs(queue), LIST_MATCHERS, ("SHARE_IDENTIFIER",))
        scope = [queue, params.get("jobStatus"), filters]
        return Selection(scope, call.newest_first(jobs), FILTERED_PAGE if filters else None)
    return _children(call, named[0], params[named[0]])


def _children(call: Call, selector: str, job_id: str) -> Selection:
    """An array job's children or a multi-node job's nodes, of one status (RUNNING without
    one); the filters do not apply. An ID that is no such job lists nothing."""
    parent = _find(call, job_id)
    nodes = selector == "multiNodeJobId"
    children: list[dict[str, Any]] = []
    if parent is not None and ("nodeProperties" in parent.item) == nodes:
        children = parent.meta.get("children", [])
    status = call.params.get("jobStatus") or "RUNNING"
    chosen = [child for child in children if child.get("status") == status]
    entries = [(_child_key(child, nodes), child) for child in chosen]
    return Selection([selector, job_id, status], entries)


def _child_key(child: Mapping[str, Any], nodes: bool) -> tuple[Any, ...]:
    index = (child.get("nodeProperties") if nodes else child.get("arrayProperties")) or {}
    position = index.get("nodeIndex" if nodes else "index", 0)
    return (-(child.get("createdAt") or 0), position, child["jobId"])


def _find(call: Call, job_id: str) -> StoredJob | None:
    for key, queue in call.resources("queue").items():
        if SANDBOX.parent is not None and SANDBOX.parent.accepts(queue):
            for job in call.jobs(key):
                if job.item["jobId"] == job_id:
                    return job
    return None


# -- jobs as the store keeps them -----------------------------------------------------------


def _check_meta(meta: dict[str, Any], path: str) -> dict[str, Any]:
    children = meta.get("children")
    if children is None:
        return meta
    if not isinstance(children, list):
        raise DataError(f"{path}.children: expected a list, got {type(children).__name__}")
    shape = records.job_shape(SANDBOX)
    checked = []
    for index, child in enumerate(children):
        where = f"{path}.children[{index}]"
        item = records.coerce(shape, child, where)
        records.require(item, ("status",), where)
        checked.append(item)
    return {**meta, "children": checked}


def _complete(job: dict[str, Any], place: JobPlace) -> dict[str, Any]:
    arn = f"arn:aws:batch:{place.region}:{place.account}:job"
    done = {"jobArn": f"{arn}/{job['jobId']}", **job}
    children = place.meta.get("children")
    if not children:
        return done
    nodes = "nodeProperties" in job
    completed = []
    for index, child in enumerate(children):
        child_id = child.get("jobId") or f"{job['jobId']}{'#' if nodes else ':'}{index}"
        where: dict[str, Any] = (
            {"nodeProperties": {"nodeIndex": index, "isMainNode": index == 0}}
            if nodes
            else {"arrayProperties": {"index": index}}
        )
        defaults: dict[str, Any] = {
            "jobArn": f"{arn}/{child_id}",
            "jobName": job["jobName"],
            "createdAt": job["createdAt"],
            **{k: job[k] for k in ("jobDefinition", "shareIdentifier") if k in job},
            **where,
        }
        completed.append({**defaults, **child, "jobId": child_id})
    place.meta["children"] = completed
    if nodes:
        node = {"numNodes": len(completed), **job["nodeProperties"]}
        return {**done, "nodeProperties": node}
    summary = dict.fromkeys(demo.model_statuses(SANDBOX), 0)
    for child in completed:
        summary[child["status"]] = summary.get(child["status"], 0) + 1
    array = {
        "size": len(completed),
        "statusSummary": summary,
        "statusSummaryLastUpdatedAt": max(
            [child.get("stoppedAt") or child.get("startedAt") or 0 for child in completed]
            + [job["createdAt"]]
        ),
        **job.get("arrayProperties", {}),
    }
    return {**done, "arrayProperties": array}


# -- demo data ------------------------------------------------------------------------------

# (queue, type, priority, job definitions (name, revision), what its jobs work on)
QUEUES = (
    (
        "etl-nightly",
        "ECS",
        50,
        (("etl-extract", 7), ("etl-transform", 12), ("etl-load", 4), ("dbt-run", 31)),
        ("orders", "customers", "inventory", "clickstream", "invoices"),
    ),
    (
        "web-thumbnails",
        "ECS_FARGATE",
        20,
        (("thumbnail-resize", 3), ("image-optimize", 9), ("video-poster", 2)),
        ("uploads", "catalog", "avatars", "banners"),
    ),
    (
        "eks-inference",
        "EKS",
        10,
        (("llm-batch-infer", 15), ("embeddings-refresh", 6), ("fraud-score", 22)),
        ("shard-a", "shard-b", "eu-tenants", "us-tenants"),
    ),
)
SHARES = ("analytics", "marketing", "ml-platform")
FAILURES = {
    "ECS": (
        ("Essential container in task exited", 1, None),
        (
            "Essential container in task exited",
            137,
            "OutOfMemoryError: Container killed due to memory usage",
        ),
        ("Host EC2 (instance i-0a1b2c3d4e5f60718) terminated.", None, None),
    ),
    "ECS_FARGATE": (
        ("Essential container in task exited", 1, None),
        ("ResourceInitializationError: unable to pull secrets or registry auth", None, None),
    ),
    "EKS": (
        ("Essential container in pod exited", 2, None),
        ("PodEvicted: The node was low on resource: memory.", None, None),
    ),
}
STUCK = {
    "EKS": "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - Service cannot fulfill the capacity "
    "requested for instance type [g5.12xlarge]",
}


def _demo(ctx: DemoContext) -> None:
    rng, region = ctx.rng, ctx.region
    for name, kind, priority, _, _ in QUEUES:
        queue = {"jobQueueName": name, "jobQueueType": kind, "priority": priority}
        ctx.data.add_resource("queue", queue, region=region)
    sizes = demo.split(ctx.count, len(QUEUES), rng)
    plans = demo.statuses(rng, demo.in_flight(SANDBOX), TERMINAL, sizes)
    for index, ((name, kind, _, definitions, subjects), plan) in enumerate(
        zip(QUEUES, plans, strict=True)
    ):
        # The busiest queue gets three array jobs (one done, one failed, one whose children
        # still run) and a multi-node job; the others one array job each.
        arrays = _first(plan, ("SUCCEEDED", "FAILED", "PENDING") if index == 0 else ("SUCCEEDED",))
        multi_node = _first(plan, ("RUNNING",), skip=arrays) if index == 0 else set()
        times = ctx.timeline(len(plan), minutes=(5, 240))
        for number, (status, created) in enumerate(zip(plan, times, strict=True)):
            definition, revision = rng.choice(definitions)
            job = _container_job(ctx, kind, status, created, definition, revision)
            job["jobName"] = f"{definition}-{rng.choice(subjects)}-{len(plan) - number:04d}"
            if number in arrays:
                size = rng.randrange(3, 11)
                job["children"] = [
                    _child(ctx, kind, child, created)
                    for child in _array_statuses(rng, status, size)
                ]
                # An array job runs no container of its own: its times are its children's.
                for own in ("container", "statusReason", "startedAt", "stoppedAt", "isCancelled"):
                    job.pop(own, None)
                if status in TERMINAL:
                    started = [c["startedAt"] for c in job["children"] if "startedAt" in c]
                    job["startedAt"] = min(started) if started else job["createdAt"]
                    job["stoppedAt"] = max(c["stoppedAt"] for c in job["children"])
            elif number in multi_node:
                job["jobName"] = f"cfd-mpi-{len(plan) - number:04d}"
                job["jobDefinition"] = _definition(ctx, "cfd-mpi", 5)
                job["nodeProperties"] = {"numNodes": 4}
                job["children"] = [_child(ctx, kind, "RUNNING", created) for _ in range(4)]
            ctx.data.add_job(SANDBOX.name, job, region=region, parent=name)


def _first(plan: list[str], statuses: tuple[str, ...], skip: Set[int] = frozenset()) -> set[int]:
    """The position of the newest job of each status (none when a status is missing)."""
    found = set()
    for status in statuses:
        found |= {next((i for i, s in enumerate(plan) if s == status and i not in skip), -1)}
    return found - {-1}


def _definition(ctx: DemoContext | MoveContext, name: str, revision: int) -> str:
    return f"arn:aws:batch:{ctx.region}:{ctx.account}:job-definition/{name}:{revision}"


def _container_job(
    ctx: DemoContext, kind: str, status: str, created: datetime, definition: str, revision: int
) -> dict[str, Any]:
    rng = ctx.rng
    ms = demo.millis(created)
    job: dict[str, Any] = {
        "jobId": str(demo.uuid4(rng)),
        "jobName": definition,
        "status": status,
        "createdAt": ms,
        "jobDefinition": _definition(ctx, definition, revision),
    }
    if kind == "ECS" and rng.random() < 0.5:
        job["shareIdentifier"] = rng.choice(SHARES)
    if status == "RUNNABLE" and kind in STUCK and rng.random() < 0.5:
        job["statusReason"] = STUCK[kind]
    if status in ("RUNNING", *TERMINAL):
        job["startedAt"] = ms + rng.randrange(5_000, 900_000)
    if status == "SUCCEEDED":
        job["stoppedAt"] = job["startedAt"] + rng.randrange(20_000, 5_400_000)
        job["statusReason"] = "Essential container in task exited"
        job["container"] = {"exitCode": 0}
    elif status == "FAILED":
        if rng.random() < 0.15:  # cancelled before it ran
            del job["startedAt"]
            job |= {"isCancelled": True, "statusReason": "Cancelled by user"}
            job["stoppedAt"] = ms + rng.randrange(5_000, 600_000)
        else:
            reason, code, why = rng.choice(FAILURES[kind])
            job["stoppedAt"] = job["startedAt"] + rng.randrange(5_000, 3_600_000)
            job["statusReason"] = reason
            container: dict[str, Any] = {}
            if code is not None:
                container["exitCode"] = code
            if why is not None:
                container["reason"] = why
            if container:
                job["container"] = container
        job["isTerminated"] = "isCancelled" not in job
    return job


def _child(ctx: DemoContext, kind: str, status: str, created: datetime) -> dict[str, Any]:
    """A child of an array or multi-node job: its ID, name and definition are its job's."""
    child = _container_job(ctx, kind, status, created, "child", 1)
    for inherited in ("jobId", "jobName", "jobDefinition", "shareIdentifier"):
        child.pop(inherited, None)
    return child


def _array_statuses(rng: Any, status: str, size: int) -> list[str]:
    """Children consistent with their array job: all SUCCEEDED for a SUCCEEDED job, some
    FAILED for a FAILED one, some still running for a PENDING one (Batch keeps an array
    job PENDING while its children run)."""
    if status == "SUCCEEDED":
        return ["SUCCEEDED"] * size
    if status == "FAILED":
        statuses = [rng.choice(("SUCCEEDED", "SUCCEEDED", "FAILED")) for _ in range(size)]
        statuses[rng.randrange(size)] = "FAILED"
        return statuses
    return [rng.choice(("SUCCEEDED", "RUNNING", "RUNNING", "RUNNABLE")) for _ in range(size)]


def _moving(ctx: MoveContext) -> Moving:
    """A container job of the busiest queue: submitted, runnable, starting, running, then
    its container exits 0 (or 1)."""
    rng = ctx.rng
    # The busiest queue is the demo's etl-nightly; a queue of a data file has no moving jobs.
    _, _, _, definitions, subjects = next(
        (queue for queue in QUEUES if queue[0] == ctx.parent), QUEUES[0]
    )
    definition, revision = rng.choice(definitions)
    job: dict[str, Any] = {
        "jobId": str(demo.uuid4(rng)),
        "jobName": f"{definition}-{rng.choice(subjects)}-{ctx.existing + ctx.number + 1:04d}",
        "status": "SUBMITTED",
        "createdAt": demo.millis(ctx.at(0)),
        "jobDefinition": _definition(ctx, definition, revision),
    }
    runnable, starting = rng.uniform(3, 8), rng.uniform(10, 18)
    running = starting + rng.uniform(5, 12)
    done = running + rng.uniform(40, 90)
    failed = rng.random() < 0.25
    steps = (
        (runnable, {"status": "RUNNABLE"}),
        (starting, {"status": "STARTING"}),
        (running, {"status": "RUNNING", "startedAt": demo.millis(ctx.at(running))}),
        (
            done,
            {
                "status": "FAILED" if failed else "SUCCEEDED",
                "stoppedAt": demo.millis(ctx.at(done)),
                "statusReason": "Essential container in task exited",
                "container": {"exitCode": 1 if failed else 0},
                **({"isTerminated": True} if failed else {}),
            },
        ),
    )
    return Moving(ctx.parent, job, steps)


def _examples(parents: Mapping[str, list[Any]]) -> list[Example]:
    if not parents.get(SANDBOX.name):
        return []
    queue = shlex.quote(parents[SANDBOX.name][0])
    return [
        Example(
            f"jobctl batch --job-queue {queue} --status all",
            f"aws batch list-jobs --job-queue {queue}",
        )
    ]


SANDBOX = SandboxService(
    name="batch-jobs",
    botocore_name="batch",
    list_operation="ListJobs",
    id_member="jobId",
    status_member="status",
    created_member="createdAt",
    errors=ERRORS,
    operations=(Operation("ListJobs", _list_jobs, default_page_size=100, page_limits=(1, 1000)),),
    required=("jobId", "jobName", "status", "createdAt"),
    parent=Parent(
        "queue",
        ("jobQueue",),
        accepts=lambda queue: not is_service_queue(queue),
        accepts_help="ListJobs lists ECS, ECS_FARGATE, EKS and ECS_MANAGED_INSTANCES queues",
        defaults={"jobQueueType": "ECS"},
        normalize=queue_name,
    ),
    meta_fields=("children",),
    check_meta=_check_meta,
    complete=_complete,
    terminal=TERMINAL,
    demo=_demo,
    moving=_moving,
    examples=_examples,
)
