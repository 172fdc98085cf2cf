"""AWS Batch service jobs (SageMaker training via Batch): `ListServiceJobs` of a queue.

The API takes one filter at a time (SHARE_IDENTIFIER or QUOTA_SHARE_NAME may join a
status), ignores the status when another filter is given, and lists only RUNNING jobs when
given neither. jobctl does not inherit that last default: without --status it lists every
status, like every other service, so a `--fail-on failed` check can fail (`--status
running` asks for the API's default). The plan below serves every combination of flags:
one filter goes to the server, the rest is applied to the job stream, so nothing the
user asked for is dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jobctl import model
from jobctl.job import Job, TimeKind, state_of, with_iso_times
from jobctl.services import discovery
from jobctl.services.spec import Flag, Narrowing, Plan, Pushed, Query, ServiceSpec, Values
from jobctl.timeparse import epoch_ms

STATES = {
    "SUBMITTED": "queued",
    "PENDING": "queued",
    "RUNNABLE": "queued",
    "SCHEDULED": "queued",
    "STARTING": "queued",
    "RUNNING": "running",
    "SUCCEEDED": "succeeded",
    "FAILED": "failed",
}
TIMESTAMPS: dict[str, TimeKind] = {
    "createdAt": "epoch_ms",
    "scheduledAt": "epoch_ms",
    "startedAt": "epoch_ms",
    "stoppedAt": "epoch_ms",
}


def to_job(item: Mapping[str, Any], region: str) -> Job:
    raw, times = with_iso_times(item, TIMESTAMPS)
    status = item.get("status")
    return {
        "service": "batch",
        "region": region,
        "id": item.get("jobId"),
        "name": item.get("jobName"),
        "status": status,
        "state": state_of(status, STATES),
        "created_at": times["createdAt"],
        "started_at": times["startedAt"],
        "ended_at": times["stoppedAt"],
        "updated_at": None,
        "arn": item.get("jobArn"),
        "raw": raw,
    }


Predicate = Callable[[Mapping[str, Any]], bool]


def _created_ms(item: Mapping[str, Any]) -> int | None:
    value = item.get("createdAt")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def name_matches(pattern: str, field: str = "jobName") -> Predicate:
    # The API's JOB_NAME semantics: case-insensitive, a trailing * makes it a prefix.
    wanted = pattern.lower()
    if wanted.endswith("*"):
        prefix = wanted[:-1]
        return lambda item: str(item.get(field) or "").lower().startswith(prefix)
    return lambda item: str(item.get(field) or "").lower() == wanted


def _created_after(moment: datetime) -> Predicate:
    bound = epoch_ms(moment)
    return lambda item: (_created_ms(item) or 0) >= bound


def _created_before(moment: datetime) -> Predicate:
    bound = epoch_ms(moment)
    return lambda item: (created := _created_ms(item)) is not None and created <= bound


def equals(field: str, wanted: str) -> Predicate:
    return lambda item: item.get(field) == wanted


@dataclass(frozen=True)
class Filter:
    """A flag that becomes one of the API's `filters`, and the same test on a raw item.

    `wide`: the API then returns every status (it ignores jobStatus); a narrow filter
    (SHARE_IDENTIFIER, QUOTA_SHARE_NAME) combines with jobStatus."""

    dest: str
    name: str
    check: Callable[[str], Predicate]
    wide: bool = True


# The filters both Batch list APIs take; each API adds its own.
COMMON_FILTERS = (
    Filter("job_name", "JOB_NAME", name_matches),
    Filter("share_identifier", "SHARE_IDENTIFIER", lambda v: equals("shareIdentifier", v), False),
)


def plan_with(
    base: Mapping[str, Any],
    values: Mapping[str, Any],
    filters: Sequence[Filter],
    known: Sequence[str] = (),
) -> Plan:
    """The calls for a Batch listing: one filter goes to the server, the rest filter the
    stream, so every combination of flags is honoured.

    The API takes one filter at a time. "Wide" filters make the API return every status;
    "narrow" ones combine with jobStatus. --created-after/--created-before are inclusive;
    the API's bounds are strict, so the server gets the neighbouring millisecond.
    """
    statuses = tuple(values.get("status") or ("all",))  # no --status: every status
    every_status = "all" in statuses
    named_statuses = () if every_status else tuple(dict.fromkeys(statuses))
    if named_statuses and known:
        # A status this API does not have (ListJobs has no SCHEDULED): no job of it can
        # be in it, and asking would be refused.
        named_statuses = tuple(s for s in named_statuses if s in known)
        if not named_statuses:
            return Plan(())
    after, before = values.get("created_after"), values.get("created_before")

    wide: list[tuple[dict[str, Any], Predicate]] = []
    narrow: list[tuple[dict[str, Any], Predicate]] = []
    for spec in filters:
        value = values.get(spec.dest)
        if value:
            entry = ({"name": spec.name, "values": [value]}, spec.check(value))
            (wide if spec.wide else narrow).append(entry)
    if after is not None:
        bound = str(epoch_ms(after) - 1)
        wide.append(({"name": "AFTER_CREATED_AT", "values": [bound]}, _created_after(after)))
    if before is not None:
        bound = str(epoch_ms(before) + 1)
        wide.append(({"name": "BEFORE_CREATED_AT", "values": [bound]}, _created_before(before)))

    client_side: list[Predicate] = []
    if wide:
        server, _ = wide[0]
        client_side += [check for _, check in wide[1:] + narrow]
        if named_statuses:
            client_side.append(_status_in(named_statuses))
        queries: tuple[Query, ...] = (Query("main", {**base, "filters": [server]}),)
    elif every_status:
        # Every status in ONE stream ordered by the immutable createdAt: a job changing
        # state mid-listing neither moves nor vanishes, which per-status calls cannot
        # promise (a job could leave a status not yet listed for one already listed).
        # AFTER_CREATED_AT 0 does that. A narrow filter (SHARE_IDENTIFIER) is not sent
        # instead: the model does not say whether, without jobStatus, it lists every
        # status or RUNNING only, and guessing wrong would lose jobs silently.
        everything = {"name": "AFTER_CREATED_AT", "values": ["0"]}
        client_side += [check for _, check in narrow]
        queries = (Query("main", {**base, "filters": [everything]}),)
    else:
        server_filters = {"filters": [narrow[0][0]]} if narrow else {}
        client_side += [check for _, check in narrow[1:]]
        if named_statuses:
            queries = tuple(
                Query(f"status={status}", {**base, "jobStatus": status, **server_filters})
                for status in named_statuses
            )
        else:
            queries = (Query("main", {**base, **server_filters}),)

    keep: Predicate | None = None
    if client_side:
        keep = lambda item: all(check(item) for check in client_side)  # noqa: E731
    return Plan(queries, keep)


FILTERS = (
    *COMMON_FILTERS,
    Filter("quota_share_name", "QUOTA_SHARE_NAME", lambda v: equals("quotaShareName", v), False),
)


def plan(values: Mapping[str, Any]) -> Plan:
    known = model.enum_values("batch", "ListServiceJobs", "jobStatus")
    return plan_with({"jobQueue": values["job_queue"]}, values, FILTERS, known)


def _status_in(statuses: tuple[str, ...]) -> Predicate:
    wanted = frozenset(statuses)
    return lambda item: item.get("status") in wanted


_FILTER_FLAGS = ("job_name", "created_after", "created_before")


def _statuses_for(statuses: tuple[str, ...], states: tuple[str, ...]) -> tuple[str, ...]:
    """The statuses to ask for, given the user's --status and --state.

    `all` is ONE stream, ordered by the immutable createdAt; it becomes one status only
    when a single status holds the states, since several per-status streams would
    interleave differently. Named statuses are already one stream each: drop the ones
    no job of the states can have (keep them all if none is left, the listing is empty).
    """
    if "all" in statuses:
        wanted = [status for status, state in STATES.items() if state in states]
        # A status botocore's model lacks would be "unknown": only the API knows those.
        exact = len(wanted) == 1 and "unknown" not in states
        return (wanted[0],) if exact else statuses
    narrowed = tuple(s for s in statuses if STATES.get(s, "unknown") in states)
    return narrowed or statuses


def push_down(values: Values, narrowing: Narrowing) -> Pushed:
    """--since (else --until) becomes the AFTER/BEFORE_CREATED_AT filter when the user gave
    none of the API's filters. Then, when no filter went to the server, --state narrows
    the statuses: every status (no --status, or `all`) becomes the one status of a state
    that has only one (failed, running, succeeded), and named statuses lose those outside
    the states. Not under --watch, where a watched job leaves its first state."""
    pushed = dict(values)
    has_filter = any(values.get(flag) for flag in _FILTER_FLAGS)
    statuses = tuple(values.get("status") or ("all",))
    if not has_filter:
        if narrowing.since:
            pushed["created_after"] = narrowing.since
        elif narrowing.until:
            pushed["created_before"] = narrowing.until
    filtered = any(pushed.get(flag) for flag in _FILTER_FLAGS)
    if narrowing.states and not narrowing.watch and not filtered:
        pushed["status"] = _statuses_for(statuses, narrowing.states)
    return Pushed(pushed)


SPEC = ServiceSpec(
    service="batch",
    name="batch",
    client="batch",
    operation="ListServiceJobs",
    paginator="list_service_jobs",
    result_key="jobSummaryList",
    limit_member="maxResults",
    documented_max_page_size=100,  # the API reference's limit; the model states none
    summary="List the jobs of AWS Batch job queues.",
    description="Every kind of queue: jobctl asks each queue's type (DescribeJobQueues) "
    "and lists SAGEMAKER_TRAINING queues with ListServiceJobs, ECS, Fargate and EKS "
    "queues with ListJobs. Every status by default, in one stream ordered by creation "
    "time (the API alone would return RUNNING jobs only: --status running asks for "
    "that). Filters the API cannot combine are applied by jobctl to the job stream, so "
    "every flag is honoured.",
    flags=(
        Flag(
            "--job-queue",
            "jobQueue",
            "The job queue's name or ARN (an ARN is listed in its own region); default: "
            "every job queue.",
            metavar="NAME_OR_ARN",
            # The API reference's rule (the model states none): up to 128 letters, digits,
            # hyphens and underscores, or the queue's ARN.
            pattern=r"[A-Za-z0-9_-]{1,128}"
            r"|arn:aws[a-z-]*:batch:[a-z0-9-]+:\d{12}:job-queue/[A-Za-z0-9_-]{1,128}",
            pattern_help="a job queue name (up to 128 letters, digits, - and _) or a "
            "job queue ARN (arn:aws:batch:REGION:ACCOUNT:job-queue/NAME)",
            multiple=True,
            # An ARN names the queue's region: it is listed there only.
            region_of=discovery.arn_region,
        ),
        Flag(
            "--status",
            "jobStatus",
            "Only jobs with this status (default, or 'all': every status; RUNNING alone "
            "is the API's own default).",
            enum_member="jobStatus",
            extra_choices=("all",),
            multiple=True,
        ),
        Flag(
            "--job-name",
            "JOB_NAME",
            "Only jobs with this name, case-insensitive; end it with * to match a prefix.",
            metavar="PATTERN",
        ),
        Flag(
            "--created-after",
            "AFTER_CREATED_AT",
            "Only jobs created at or after TIME.",
            kind="time",
        ),
        Flag(
            "--created-before",
            "BEFORE_CREATED_AT",
            "Only jobs created at or before TIME.",
            kind="time",
        ),
        Flag(
            "--share-identifier",
            "SHARE_IDENTIFIER",
            "Only jobs with this fair-share identifier.",
            metavar="ID",
        ),
        Flag(
            "--quota-share-name",
            "QUOTA_SHARE_NAME",
            "Only jobs of this quota share.",
            metavar="NAME",
        ),
    ),
    epilog="TIME is ISO 8601 (2026-11-01, 2026-11-01T10:00:00Z) or an age (90m, 6h, 7d).",
    examples=(
        (
            "Every job of one queue, whatever its status",
            "--job-queue ml-training-high --status all",
        ),
        (
            "Counts by state of two queues, a row each",
            "--job-queue ml-training-high,ml-training-default --summary",
        ),
        (
            "Fail a CI step if a job failed since a date",
            "--status all --created-after 2026-11-19 --fail-on failed",
        ),
    ),
    to_job=to_job,
    states=STATES,
    reason_field="statusReason",
    push_down=push_down,
    plan=plan,
    parents=("job_queue",),
    discover=discovery.batch_queues(lambda kind: kind == discovery.SAGEMAKER_TRAINING),
    always_discover=True,
)
