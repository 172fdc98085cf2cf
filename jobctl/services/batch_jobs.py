"""AWS Batch jobs on ECS, Fargate and EKS queues: `ListJobs` of a queue, or the children of
an array or multi-node parallel job.

`jobctl batch` lists each queue with the API its type needs: this one for every queue that
is not SAGEMAKER_TRAINING (see batch.py for ListServiceJobs). What botocore's model says of
ListJobs, relied on here: one filter at a time (SHARE_IDENTIFIER may join jobStatus, every
other filter lists every status); only RUNNING jobs without a status or filter (jobctl
asks for every status unless told otherwise, as for ListServiceJobs); results
newest first by createdAt; filters do not apply to the children of an array or multi-node
job (listed with arrayJobId / multiNodeJobId instead of a queue); up to 1000 jobs a page
with jobStatus, 100 with filters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jobctl import model
from jobctl.errors import UsageError
from jobctl.services import batch, discovery
from jobctl.services.batch import STATES, Filter, Predicate, plan_with
from jobctl.services.spec import Discovery, Flag, Parents, Plan, Query, ServiceSpec, Values


def _definition_matches(value: str) -> Predicate:
    """JOB_DEFINITION: an ARN matches that revision exactly; a name matches every
    revision, case-sensitively, and a trailing * makes it a prefix."""

    def name_of(item: Mapping[str, Any]) -> str:
        arn = str(item.get("jobDefinition") or "")
        return arn.rsplit("/", 1)[-1].rsplit(":", 1)[0]

    if value.startswith("arn:"):
        return lambda item: item.get("jobDefinition") == value
    if value.endswith("*"):
        return lambda item: name_of(item).startswith(value[:-1])
    return lambda item: name_of(item) == value


FILTERS = (
    *batch.COMMON_FILTERS,
    Filter("job_definition", "JOB_DEFINITION", _definition_matches),
)


def _children(values: Mapping[str, Any]) -> Plan:
    """The children of an array job or the nodes of a multi-node job. The API applies no
    filter there, so every flag filters the stream; `--status all` (or several statuses)
    is one call per status, the API's only way to list every status of children."""
    if values.get("array_job_id"):
        base: dict[str, Any] = {"arrayJobId": values["array_job_id"]}
    else:
        base = {"multiNodeJobId": values["multi_node_job_id"]}
    statuses = tuple(values.get("status") or ("all",))  # no --status: every status
    if "all" in statuses:
        statuses = known_statuses()
    queries = tuple(
        Query(f"status={status}", {**base, "jobStatus": status}) for status in statuses
    ) or (Query("main", base),)
    everything = plan_with({}, {**values, "status": ()}, FILTERS)
    checks = [spec.check(values[spec.dest]) for spec in FILTERS if values.get(spec.dest)]
    checks += [everything.keep] if everything.keep else []
    keep = (lambda item: all(check(item) for check in checks)) if checks else None
    return Plan(queries, keep)


def known_statuses() -> tuple[str, ...]:
    return model.enum_values("batch", "ListJobs", "jobStatus")


def plan(values: Mapping[str, Any]) -> Plan:
    children = [f"--{name.replace('_', '-')}" for name in _CHILDREN if values.get(name)]
    if children:
        if len(children) > 1 or values.get("job_queue"):
            named = ", ".join(children + (["--job-queue"] if values.get("job_queue") else []))
            raise UsageError(f"batch: {named} cannot be combined: ListJobs lists one of them")
        return _children(values)
    return plan_with({"jobQueue": values["job_queue"]}, values, FILTERS, known_statuses())


_CHILDREN = ("array_job_id", "multi_node_job_id")


def _discover(found: Discovery, values: Values) -> Parents:
    if any(values.get(name) for name in _CHILDREN):
        return [{}]  # a job's children: no queue involved
    return _queues(found, values)


_queues = discovery.batch_queues(lambda kind: kind != discovery.SAGEMAKER_TRAINING)
_QUEUE_FLAG = next(flag for flag in batch.SPEC.flags if flag.dest == "job_queue")
_COMMON = tuple(
    flag
    for flag in batch.SPEC.flags
    if flag.dest in ("status", "job_name", "created_after", "created_before", "share_identifier")
)

SPEC = ServiceSpec(
    service="batch",
    name="batch-jobs",
    client="batch",
    operation="ListJobs",
    paginator="list_jobs",
    result_key="jobSummaryList",
    limit_member="maxResults",
    documented_max_page_size=1000,  # the API reference's limit (100 with filters)
    summary=batch.SPEC.summary,
    description=batch.SPEC.description,
    flags=(
        _QUEUE_FLAG,
        *_COMMON,
        Flag(
            "--job-definition",
            "JOB_DEFINITION",
            "Only jobs of this job definition: a name (every revision; end it with * to "
            "match a prefix) or a job definition ARN (that revision).",
            metavar="NAME_OR_ARN",
        ),
        Flag(
            "--array-job-id",
            "arrayJobId",
            "List the child jobs of this array job instead of a queue.",
            metavar="ID",
        ),
        Flag(
            "--multi-node-job-id",
            "multiNodeJobId",
            "List the nodes of this multi-node parallel job instead of a queue.",
            metavar="ID",
        ),
    ),
    epilog=batch.SPEC.epilog,
    to_job=batch.to_job,
    states=STATES,
    reason_field="statusReason",
    push_down=batch.push_down,
    plan=plan,
    parents=("job_queue",),
    discover=_discover,
    always_discover=True,
)
