"""What each served operation returns: its parent checks, filters and order.

A handler turns the request's parameters into a ``Selection``: every matching item with its
sort key, plus the scope a pagination token is bound to. Paging is done once, for all of
them, in ``paginate``. Jobs sort newest first (ties by ID); discovery lists by name.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jobctl.sandbox import tokens
from jobctl.sandbox.records import created_millis
from jobctl.sandbox.specs import SERVICES, ServiceSpec
from jobctl.sandbox.store import SandboxData, StoredJob

BATCH_FILTERS = (
    "JOB_NAME",
    "BEFORE_CREATED_AT",
    "AFTER_CREATED_AT",
    "SHARE_IDENTIFIER",
    "QUOTA_SHARE_NAME",
)
# The filters that jobStatus combines with; any other filter lists every status.
BATCH_STATUS_FILTERS = ("SHARE_IDENTIFIER", "QUOTA_SHARE_NAME")


class ServiceError(Exception):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


@dataclass
class Selection:
    scope: Any  # the parent and filters a token is bound to
    entries: list[tuple[tuple[Any, ...], dict[str, Any]]]  # (sort key, item)


@dataclass(frozen=True)
class Operation:
    service: str
    name: str
    select: Callable[[SandboxData, str, dict[str, Any]], Selection]
    default_page_size: int
    # Only where the model states no bounds but the API documents them.
    page_limits: tuple[int, int] | None = None
    # Only where botocore has no paginator for the operation.
    pagination: dict[str, str] | None = None

    @property
    def spec(self) -> ServiceSpec:
        return SERVICES[self.service]


def paginate(
    op: Operation,
    selection: Selection,
    region: str,
    token_text: str | None,
    size: int,
    token_loop: str | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of a selection and the token for the next page (None on the last page)."""
    scope = tokens.scope_digest(op.service, op.name, region, selection.scope)
    entries = sorted(selection.entries, key=lambda entry: entry[0])
    keys = [key for key, _ in entries]
    start, page, token = 0, 1, None
    if token_text:
        token = tokens.decode(token_text)
        if token is None or token.scope != scope:
            raise invalid_token(op.spec)
        try:
            start = bisect.bisect_right(keys, token.after)
        except TypeError:  # a well-signed token whose key does not fit (another list)
            raise invalid_token(op.spec) from None
        page = token.page
    chunk = entries[start : start + size]
    last_key = chunk[-1][0] if chunk else (token.after if token else ())
    next_token = None
    if start + size < len(entries):
        next_token = tokens.encode(tokens.PageToken(scope, last_key, page + 1))
    if token_loop == "repeat" and token_text:
        next_token = token_text
    elif token_loop == "cycle" and token and token_text:
        # The page after A names A as its way back; that page then answers with A again.
        next_token = token.back or tokens.encode(
            tokens.PageToken(scope, last_key, page + 1, back=token_text)
        )
    return [item for _, item in chunk], next_token


def invalid_token(spec: ServiceSpec) -> ServiceError:
    return ServiceError(spec.token_error, "The pagination token is invalid or has expired.")


def _client_error(service: str, message: str) -> ServiceError:
    return ServiceError(SERVICES[service].validation_error, message)


def _not_found(service: str, message: str) -> ServiceError:
    code, status = SERVICES[service].not_found
    return ServiceError(code, message, status)


def _newest_first(
    service: str, jobs: list[StoredJob]
) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    spec = SERVICES[service]
    entries = []
    for job in jobs:
        if job.sort_key is None:
            job.sort_key = (-created_millis(spec, job.item), job.item[spec.id_member])
        entries.append((job.sort_key, job.item))
    return entries


def _require_app(data: SandboxData, region: str, app_id: str, service: str) -> None:
    if app_id not in data.region(region).apps:
        raise _not_found(service, f"App {app_id} not found.")


# -- Amplify ----------------------------------------------------------------------------


def amplify_jobs(data: SandboxData, region: str, params: dict[str, Any]) -> Selection:
    app_id, branch = params["appId"], params["branchName"]
    _require_app(data, region, app_id, "amplify")
    if (app_id, branch) not in data.region(region).branches:
        raise _not_found("amplify", f"Branch {branch} not found for app {app_id}.")
    jobs = data.stored_jobs("amplify", region, (app_id, branch))
    return Selection([app_id, branch], _newest_first("amplify", jobs))


def amplify_apps(data: SandboxData, region: str, params: dict[str, Any]) -> Selection:
    apps = data.region(region).apps.values()
    return Selection([], [((app["name"], app["appId"]), app) for app in apps])


def amplify_branches(data: SandboxData, region: str, params: dict[str, Any]) -> Selection:
    app_id = params["appId"]
    _require_app(data, region, app_id, "amplify")
    entries = []
    for (app, name), branch in data.region(region).branches.items():
        if app == app_id:
            jobs = _newest_first("amplify", data.stored_jobs("amplify", region, (app, name)))
            # The branch's job counters are derived from its jobs, as the service keeps them.
            counters = {"totalNumberOfJobs": str(len(jobs))}
            counters["activeJobId"] = min(jobs, key=lambda e: e[0])[1]["jobId"] if jobs else "0"
            entries.append(((name,), {**branch, **counters}))
    return Selection([app_id], entries)


def amplify_environments(data: SandboxData, region: str, params: dict[str, Any]) -> Selection:
    app_id, wanted = params["appId"], params.get("environmentName")
    _require_app(data, region, app_id, "amplify")
    entries = [
        ((name,), env)
        for (app, name), env in data.region(region).environments.items()
        if app == app_id and wanted in (None, name)
    ]
    return Selection([app_id, wanted], entries)


# -- AmplifyBackend ---------------------------------------------------------------------


def backend_jobs(data: SandboxData, region: str, params: dict[str, Any]) -> Selection:
    app_id, env = params["AppId"], params["BackendEnvironmentName"]
    _require_app(data, region, app_id, "amplify-backend")
    if (app_id, env) not in data.region(region).environments:
        raise _not_found(
            "amplify-backend", f"Backend environment {env} not found for app {app_id}."
        )
    # Status and Operation are free text; they match whatever case the job was stored in.
    wanted = {k: params[k] for k in ("JobId", "Operation", "Status") if params.get(k)}
    jobs = [
        job
        for job in data.stored_jobs("amplify-backend", region, (app_id, env))
        if all(
            job.item.get(k) == v if k == "JobId" else str(job.item.get(k, "")).lower() == v.lower()
            for k, v in wanted.items()
        )
    ]
    return Selection([app_id, env, wanted], _newest_first("amplify-backend", jobs))


# -- IoT --------------------------------------------------------------------------------


def iot_jobs(data: SandboxData, region: str, params: dict[str, Any]) -> Selection:
    groups = data.region(region).thing_groups
    group_name = params.get("thingGroupName")
    if group_name is not None and group_name not in groups:
        raise _not_found("iot", f"Thing group {group_name} does not exist.")
    checks: dict[str, Callable[[StoredJob], bool]] = {
        "status": lambda j: j.item.get("status") == params["status"],
        "targetSelection": lambda j: j.item.get("targetSelection") == params["targetSelection"],
        "thingGroupName": lambda j: j.meta.get("thingGroupName") == group_name,
        "thingGroupId": lambda j: j.item.get("thingGroupId") == params["thingGroupId"],
        "namespaceId": lambda j: j.meta.get("namespaceId") == params["namespaceId"],
    }
    active = [check for name, check in checks.items() if params.get(name) is not None]
    jobs = [j for j in data.stored_jobs("iot", region, None) if all(c(j) for c in active)]
    scope = {name: params[name] for name in checks if params.get(name) is not None}
    return Selection(scope, _newest_first("iot", jobs))


# -- Batch ------------------------------------------------------------------------------


def batch_jobs(data: SandboxData, region: str, params: dict[str, Any]) -> Selection:
    if not params.get("jobQueue"):
        raise _client_error("batch", "jobQueue is required.")
    queue = data.resolve_queue(region, params["jobQueue"])
    if queue is None:
        raise _client_error("batch", f"Job queue {params['jobQueue']} does not exist.")
    filters = params.get("filters") or []
    status = params.get("jobStatus")
    if len(filters) > 1:
        raise _client_error("batch", "Only one filter can be used at a time.")
    jobs = data.stored_jobs("batch", region, queue)
    if not filters:
        jobs = [j for j in jobs if j.item.get("status") == (status or "RUNNING")]
    else:
        name, value = _batch_filter(filters[0])
        match = _BATCH_MATCHERS[name](value)
        jobs = [j for j in jobs if match(j.item)]
        if name in BATCH_STATUS_FILTERS and status:
            jobs = [j for j in jobs if j.item.get("status") == status]
    return Selection([queue, status, filters], _newest_first("batch", jobs))


def _batch_filter(spec: dict[str, Any]) -> tuple[str, str]:
    name, values = spec.get("name"), spec.get("values") or []
    if name not in BATCH_FILTERS:
        raise _client_error(
            "batch", f"Invalid filter name {name}; valid: {', '.join(BATCH_FILTERS)}."
        )
    if len(values) != 1 or not values[0]:
        raise _client_error("batch", f"The {name} filter takes exactly one value.")
    value = values[0]
    if name.endswith("_CREATED_AT") and not value.isdigit():
        raise _client_error("batch", f"The {name} value must be epoch milliseconds, not {value}.")
    return name, value


def _job_name_matcher(value: str) -> Callable[[dict[str, Any]], bool]:
    wanted = value.lower()
    if wanted.endswith("*"):
        return lambda item: item["jobName"].lower().startswith(wanted[:-1])
    return lambda item: item["jobName"].lower() == wanted


_BATCH_MATCHERS: dict[str, Callable[[str], Callable[[dict[str, Any]], bool]]] = {
    "JOB_NAME": _job_name_matcher,
    "BEFORE_CREATED_AT": lambda v: lambda item: item["createdAt"] < int(v),
    "AFTER_CREATED_AT": lambda v: lambda item: item["createdAt"] > int(v),
    "SHARE_IDENTIFIER": lambda v: lambda item: item.get("shareIdentifier") == v,
    "QUOTA_SHARE_NAME": lambda v: lambda item: item.get("quotaShareName") == v,
}


def batch_queues(data: SandboxData, region: str, params: dict[str, Any]) -> Selection:
    named = params.get("jobQueues")
    queues = data.region(region).queues
    if named:  # unknown names are left out, not an error, as in Batch
        wanted = {data.resolve_queue(region, n) for n in named}
        queues = {n: q for n, q in queues.items() if n in wanted}
    return Selection(sorted(queues), [((n,), q) for n, q in queues.items()])


# -- Snowball ---------------------------------------------------------------------------


def snowball_jobs(data: SandboxData, region: str, params: dict[str, Any]) -> Selection:
    return Selection([], _newest_first("snowball", data.stored_jobs("snowball", region, None)))


OPERATIONS = [
    Operation("amplify", "ListJobs", amplify_jobs, default_page_size=50),
    Operation("amplify", "ListApps", amplify_apps, default_page_size=100),
    Operation("amplify", "ListBranches", amplify_branches, default_page_size=50),
    Operation(
        "amplify",
        "ListBackendEnvironments",
        amplify_environments,
        default_page_size=50,
        pagination={
            "input_token": "nextToken",
            "output_token": "nextToken",
            "limit_key": "maxResults",
            "result_key": "backendEnvironments",
        },
    ),
    Operation("amplify-backend", "ListBackendJobs", backend_jobs, default_page_size=25),
    Operation("iot", "ListJobs", iot_jobs, default_page_size=50),
    Operation("batch", "ListServiceJobs", batch_jobs, default_page_size=100, page_limits=(1, 100)),
    Operation(
        "batch", "DescribeJobQueues", batch_queues, default_page_size=100, page_limits=(1, 100)
    ),
    Operation("snowball", "ListJobs", snowball_jobs, default_page_size=50),
]
