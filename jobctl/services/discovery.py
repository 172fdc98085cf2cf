"""Finding the parents a listing needs when the user names none: Amplify apps and
branches, backend environments, Batch job queues.

Each function returns parent assignments (flag values such as {"app_id": ..., "branch":
...}); the service's plan then runs once per parent, exactly as if the user had typed it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from jobctl.errors import UsageError
from jobctl.services.spec import Discovery, Parents

# ListBackendEnvironments has no botocore paginator: its paging members, from its model.
_BACKEND_ENVIRONMENTS = {
    "input_token": "nextToken",
    "output_token": "nextToken",
    "limit_key": "maxResults",
    "result_key": "backendEnvironments",
}


def _apps(found: Discovery, app_id: str | None) -> list[str]:
    if app_id:
        return [app_id]
    apps = found.items("amplify", "list_apps", {})
    return [app["appId"] for app in apps if app.get("appId")]


def amplify_branches(found: Discovery, values: Mapping[str, Any]) -> Parents:
    """Every (app, branch), narrowed by whichever of --app-id / --branch was given."""
    wanted = values.get("branch")
    return [
        {"app_id": app_id, "branch": branch["branchName"]}
        for app_id in _apps(found, values.get("app_id"))
        for branch in found.items("amplify", "list_branches", {"appId": app_id})
        if branch.get("branchName") and (wanted is None or branch["branchName"] == wanted)
    ]


def backend_environments(found: Discovery, values: Mapping[str, Any]) -> Parents:
    """Every backend environment of the app, or of every app."""
    wanted = values.get("env")
    parents: Parents = []
    for app_id in _apps(found, values.get("app_id")):
        params = {"appId": app_id}
        for env in found.items(
            "amplify", "list_backend_environments", params, _BACKEND_ENVIRONMENTS
        ):
            name = env.get("environmentName")
            if name and (wanted is None or name == wanted):
                parents.append({"app_id": app_id, "env": name})
    return parents


SAGEMAKER_TRAINING = "SAGEMAKER_TRAINING"


def _job_queues(found: Discovery, named: str | None) -> list[dict[str, Any]]:
    """DescribeJobQueues, once per target for every Batch API of the listing."""

    def describe() -> list[dict[str, Any]]:
        params = {"jobQueues": [named]} if named else {}
        queues = list(found.items("batch", "describe_job_queues", params))
        if named and not queues:
            raise UsageError(f"batch: job queue {named!r} does not exist")
        return queues

    return found.once(f"batch:describe_job_queues:{named or ''}", describe)  # type: ignore[no-any-return]


def batch_queues(
    serves: Callable[[str | None], bool],
) -> Callable[[Discovery, Mapping[str, Any]], Parents]:
    """The job queues a Batch list API serves, by the queue's jobQueueType (absent on
    queues made before the field existed: ECS). With --job-queue, the queue's type is
    looked up once and the API serves it, or not, as it was given."""

    def discover(found: Discovery, values: Mapping[str, Any]) -> Parents:
        named = values.get("job_queue")
        queues = [q for q in _job_queues(found, named) if serves(q.get("jobQueueType"))]
        if named:
            return [{}] if queues else []
        return [{"job_queue": q["jobQueueName"]} for q in queues if q.get("jobQueueName")]

    return discover
