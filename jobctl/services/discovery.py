"""Finding the parents a listing needs when the user names none: Amplify apps and
branches, backend environments, Batch job queues.

Each function returns parent assignments (flag values such as {"app_id": ..., "branch":
...}); the service's plan then runs once per parent, exactly as if the user had typed it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

ClientFor = Callable[[str], Any]
Parents = list[dict[str, str]]


def _paged(client: Any, paginator: str, result_key: str, **params: Any) -> Iterator[Any]:
    for page in client.get_paginator(paginator).paginate(**params):
        yield from page.get(result_key) or ()


def _apps(amplify: Any, app_id: str | None) -> list[str]:
    if app_id:
        return [app_id]
    return [app["appId"] for app in _paged(amplify, "list_apps", "apps") if app.get("appId")]


def amplify_branches(client_for: ClientFor, values: Mapping[str, Any]) -> Parents:
    """Every (app, branch), narrowed by whichever of --app-id / --branch was given."""
    amplify = client_for("amplify")
    wanted = values.get("branch")
    return [
        {"app_id": app_id, "branch": branch["branchName"]}
        for app_id in _apps(amplify, values.get("app_id"))
        for branch in _paged(amplify, "list_branches", "branches", appId=app_id)
        if branch.get("branchName") and (wanted is None or branch["branchName"] == wanted)
    ]


def backend_environments(client_for: ClientFor, values: Mapping[str, Any]) -> Parents:
    """Every backend environment of the app, or of every app."""
    amplify = client_for("amplify")
    wanted = values.get("env")
    parents: Parents = []
    for app_id in _apps(amplify, values.get("app_id")):
        # ListBackendEnvironments has no botocore paginator: follow nextToken ourselves.
        token: str | None = None
        seen: set[str] = set()
        while True:
            extra = {"nextToken": token} if token else {}
            page = amplify.list_backend_environments(appId=app_id, **extra)
            for env in page.get("backendEnvironments") or ():
                name = env.get("environmentName")
                if name and (wanted is None or name == wanted):
                    parents.append({"app_id": app_id, "env": name})
            token = page.get("nextToken")
            if not token or token in seen:
                break
            seen.add(token)
    return parents


def batch_queues(client_for: ClientFor, values: Mapping[str, Any]) -> Parents:
    batch = client_for("batch")
    return [
        {"job_queue": queue["jobQueueName"]}
        for queue in _paged(batch, "describe_job_queues", "jobQueues")
        if queue.get("jobQueueName")
    ]
