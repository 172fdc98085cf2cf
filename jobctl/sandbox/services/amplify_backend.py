"""AmplifyBackend in the sandbox: ListBackendJobs of a backend environment.

Environments are Amplify's (ListBackendEnvironments, amplify.py). Statuses are free text
the service spells in any case, and times are strings, epoch seconds or ISO 8601.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from jobctl.sandbox import datafile, demo
from jobctl.sandbox.service import (
    Call,
    DemoContext,
    Errors,
    Example,
    JobPlace,
    MoveContext,
    Moving,
    Operation,
    Parent,
    SandboxService,
    Section,
    Selection,
    Store,
)
from jobctl.sandbox.services.amplify import app_id_of, require_app

# Statuses are free text; the service is not consistent about case.
IN_FLIGHT = ("PENDING", "created", "Queued", "IN_PROGRESS", "in_progress", "Running")
TERMINAL = (
    "COMPLETED",
    "completed",
    "Succeeded",
    "SUCCESS",
    "FAILED",
    "Failed",
    "CANCELLED",
    "canceled",
)
OPERATIONS_DONE = (
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


def _complete(job: dict[str, Any], place: JobPlace) -> dict[str, Any]:
    app_id, env = place.parent
    return {**job, "AppId": app_id, "BackendEnvironmentName": env}


def _from_job(job: Mapping[str, Any]) -> Any:
    """A job that names its app (and environment) needs no parent= of its own."""
    return (job["AppId"], job.get("BackendEnvironmentName")) if "AppId" in job else None


def _list_jobs(call: Call) -> Selection:
    app_id, env = call.params["AppId"], call.params["BackendEnvironmentName"]
    require_app(call, app_id)
    if (app_id, env) not in call.resources("environment"):
        raise call.not_found(f"Backend environment {env} not found for app {app_id}.")
    # Status and Operation are free text; they match whatever case the job was stored in.
    params = call.params
    wanted = {k: params[k] for k in ("JobId", "Operation", "Status") if params.get(k)}
    jobs = [
        job
        for job in call.jobs((app_id, env))
        if all(
            job.item.get(k) == v if k == "JobId" else str(job.item.get(k, "")).lower() == v.lower()
            for k, v in wanted.items()
        )
    ]
    return Selection([app_id, env, wanted], call.newest_first(jobs))


def _demo(ctx: DemoContext) -> None:
    rng = ctx.rng
    parents = list(ctx.data.resources("environment", region=ctx.region))
    plans = demo.statuses(rng, IN_FLIGHT, TERMINAL, demo.split(ctx.count, len(parents), rng))
    for parent, plan in zip(parents, plans, strict=True):
        times = ctx.timeline(len(plan), minutes=(60, 2880))
        for status, created in zip(plan, times, strict=True):
            updated = created + timedelta(seconds=rng.randrange(5, 900))
            job = {
                "JobId": str(demo.uuid4(rng)),
                "Operation": rng.choice(OPERATIONS_DONE),
                "Status": status,
                # The service returns times as strings, sometimes epoch seconds, sometimes ISO.
                "CreateTime": _backend_time(created, rng),
                "UpdateTime": _backend_time(updated, rng),
            }
            if status.upper() == "FAILED":
                job["Error"] = "Resource is not in the state stackUpdateComplete"
            ctx.data.add_job(SANDBOX.name, job, region=ctx.region, parent=parent)


def _backend_time(moment: datetime, rng: Any) -> str:
    if rng.random() < 0.5:
        return str(int(moment.timestamp()))
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _moving(ctx: MoveContext) -> Moving:
    """A backend operation: pending, in progress, then completed or failed."""
    rng = ctx.rng
    created = ctx.at(0)
    job = {
        "JobId": str(demo.uuid4(rng)),
        "Operation": rng.choice(OPERATIONS_DONE),
        "Status": "PENDING",
        "CreateTime": str(int(created.timestamp())),
        "UpdateTime": str(int(created.timestamp())),
    }
    started = rng.uniform(8, 20)
    done = started + rng.uniform(50, 95)
    final: dict[str, Any] = {"Status": "COMPLETED", "UpdateTime": _stamp(ctx.at(done))}
    if rng.random() < 0.25:
        final = {
            **final,
            "Status": "FAILED",
            "Error": "Resource is not in the state stackUpdateComplete",
        }
    steps = (
        (started, {"Status": "IN_PROGRESS", "UpdateTime": _stamp(ctx.at(started))}),
        (done, final),
    )
    return Moving(ctx.parent, job, steps)


def _stamp(moment: datetime) -> str:
    return str(int(moment.timestamp()))


def _load(data: Store, region: str, section: dict[str, Any], path: str) -> None:
    datafile.only(section, {"apps"}, path)
    for i, app in enumerate(datafile.items(section, "apps", path)):
        where = f"{path}.apps[{i}]"
        app_id = app_id_of(app, where)
        datafile.only(app, {"appId", "environments"}, where)
        for j, env in enumerate(datafile.items(app, "environments", where)):
            ewhere = f"{where}.environments[{j}]"
            jobs = env.pop("jobs", [])
            added = datafile.wrap(
                ewhere, data.add_resource, "environment", env, region=region, parent=app_id
            )
            parent = (app_id, added["environmentName"])
            datafile.add_jobs(data, SANDBOX.name, jobs, parent, region, ewhere)


def _examples(parents: Mapping[str, list[Any]]) -> list[Example]:
    if not parents.get(SANDBOX.name):
        return []
    app, env = (shlex.quote(part) for part in parents[SANDBOX.name][0])
    return [
        Example(
            f"jobctl amplify-backend --app-id {app} --env {env}",
            f"aws amplifybackend list-backend-jobs --app-id {app} --backend-environment-name {env}",
        )
    ]


SANDBOX = SandboxService(
    name="amplify-backend",
    botocore_name="amplifybackend",
    list_operation="ListBackendJobs",
    id_member="JobId",
    status_member="Status",
    created_member="CreateTime",
    errors=Errors(
        validation="BadRequestException",
        token="BadRequestException",
        not_found=("NotFoundException", 404),
        throttle=("TooManyRequestsException", 429),
        server_error=("GatewayTimeoutException", 504),
    ),
    operations=(Operation("ListBackendJobs", _list_jobs, default_page_size=25),),
    required=("JobId", "Status"),
    parent=Parent("environment", ("appId", "environmentName"), from_job=_from_job),
    complete=_complete,
    terminal=TERMINAL,
    demo=_demo,
    section=Section("amplify-backend", _load),
    moving=_moving,
    examples=_examples,
)
