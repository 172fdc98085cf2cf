"""Finding the parents a listing needs: Amplify apps and branches, backend environments,
Batch job queues — every one when the user names none, else the ones named, each checked.

Each function returns parent assignments (flag values such as {"app_id": ..., "branch":
...}, one str each); the service's plan then runs once per parent, exactly as if the
user had typed it. A parent the user named that does not exist is a usage error (exit 2)
that names every missing one and, where the names are at hand, the closest existing
ones: never an empty listing that looks like "no jobs".
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from jobctl.errors import UsageError
from jobctl.services.spec import Discovery, Parents, given

# ListBackendEnvironments has no botocore paginator: its paging members, from its model.
_BACKEND_ENVIRONMENTS = {
    "input_token": "nextToken",
    "output_token": "nextToken",
    "limit_key": "maxResults",
    "result_key": "backendEnvironments",
}


_PLURAL = {"branch": "branches"}


def missing(
    service: str,
    kind: str,
    names: Iterable[str],
    existing: Iterable[str] | None,
    where: str = "",
    flag: str = "",
    compared: Iterable[str] | None = None,
) -> UsageError:
    """The one line for named parents that do not exist: every missing one, and the
    closest existing names when they are known (difflib), else how to list them all.

    `jobctl: batch: job queues ml-traning, nosuch do not exist (did you mean
    ml-training-high?)`. `compared`: what resembles the existing names, when it is not
    the name as typed (an ARN's queue name)."""
    names = list(names)
    several = len(names) > 1
    what = f"{_PLURAL.get(kind, kind + 's') if several else kind} {', '.join(names)} "
    what += "do not exist" if several else "does not exist"
    if where:
        what += f" {where}"
    candidates = sorted(set(existing or ()))
    near: list[str] = []
    for name in names if compared is None else compared:
        for match in difflib.get_close_matches(name, candidates, n=3, cutoff=0.6):
            if match not in near:
                near.append(match)
    if near:
        fix = f"did you mean {', '.join(near)}?"
    elif candidates and len(candidates) <= 10:
        fix = f"existing: {', '.join(candidates)}"
    else:
        fix = f"leave out {flag} to list every {kind}"
    return UsageError(f"{service}: {what} ({fix})")


def _apps(found: Discovery, named: tuple[str, ...]) -> list[str]:
    """The apps to list: every app, or the ones named."""
    if not named:
        apps = found.items("amplify", "list_apps", {})
        return [app["appId"] for app in apps if app.get("appId")]
    return list(named)


def _app_names(found: Discovery) -> list[str] | None:
    """Every app ID, for suggestions; None when they cannot be listed (no permission)."""
    try:
        return [app["appId"] for app in found.items("amplify", "list_apps", {}) if app.get("appId")]
    except Exception:
        return None


def _children(
    found: Discovery,
    service: str,
    apps: list[str],
    method: str,
    name_field: str,
    paging: Mapping[str, str] | None = None,
    named: bool = False,
) -> list[tuple[str, str]]:
    """(app, child) for each app's branches or backend environments. A named app that
    does not exist is a usage error naming every missing app (a discovered app deleted
    since is the service's error, as any failed call)."""
    children: list[tuple[str, str]] = []
    absent: list[str] = []
    for app_id in apps:
        params = {"appId": app_id}
        if named:
            items = found.items_if_exists("amplify", method, params, paging)
        else:
            items = list(found.items("amplify", method, params, paging))
        if items is None:
            absent.append(app_id)
            continue
        children += [(app_id, item[name_field]) for item in items if item.get(name_field)]
    if absent:
        raise missing(service, "app", absent, _app_names(found), flag="--app-id")
    return children


def _narrowed(
    children: list[tuple[str, str]],
    named: tuple[str, ...],
    service: str,
    kind: str,
    flag: str,
    apps: tuple[str, ...],
) -> list[tuple[str, str]]:
    """The (app, child) pairs of the named children; a named child found in no app is a
    usage error naming every such child."""
    if not named:
        return children
    absent = [name for name in named if not any(child == name for _, child in children)]
    if absent:
        where = f"in {', '.join(apps)}" if apps else "in any app"
        raise missing(service, kind, absent, (child for _, child in children), where, flag=flag)
    wanted = set(named)
    return [(app, child) for app, child in children if child in wanted]


def amplify_branches(found: Discovery, values: Mapping[str, Any]) -> Parents:
    """Every (app, branch), narrowed by whichever of --app-id / --branch was given."""
    named_apps = given(values, "app_id")
    apps = _apps(found, named_apps)
    branches = _children(
        found, "amplify", apps, "list_branches", "branchName", named=bool(named_apps)
    )
    branches = _narrowed(
        branches, given(values, "branch"), "amplify", "branch", "--branch", named_apps
    )
    return [{"app_id": app, "branch": branch} for app, branch in branches]


def backend_environments(found: Discovery, values: Mapping[str, Any]) -> Parents:
    """Every backend environment of the apps named, or of every app."""
    named_apps = given(values, "app_id")
    apps = _apps(found, named_apps)
    envs = _children(
        found,
        "amplify-backend",
        apps,
        "list_backend_environments",
        "environmentName",
        _BACKEND_ENVIRONMENTS,
        named=bool(named_apps),
    )
    envs = _narrowed(
        envs, given(values, "env"), "amplify-backend", "backend environment", "--env", named_apps
    )
    return [{"app_id": app, "env": env} for app, env in envs]


SAGEMAKER_TRAINING = "SAGEMAKER_TRAINING"
_QUEUE_ARN = re.compile(r"^arn:aws[a-z-]*:batch:([a-z0-9-]+):\d{12}:job-queue/")


def arn_region(value: str) -> str | None:
    """The region a job queue ARN names; None for a queue name."""
    match = _QUEUE_ARN.match(value)
    return match.group(1) if match else None


def _job_queues(found: Discovery, named: tuple[str, ...]) -> list[tuple[str, dict[str, Any]]]:
    """(name as given, queue) of the queues named, or of every queue: one
    DescribeJobQueues of every queue (an account has a few dozen at most: one page), once
    per target for every Batch API of the listing, which also gives the names to suggest.
    A queue named twice (by name and by ARN) is listed once; a named queue that does not
    exist is a usage error naming every missing queue and the closest existing names."""

    def describe() -> list[tuple[str, dict[str, Any]]]:
        queues = [
            q for q in found.items("batch", "describe_job_queues", {}) if q.get("jobQueueName")
        ]
        if not named:
            return [(q["jobQueueName"], q) for q in queues]
        pairs: list[tuple[str, dict[str, Any]]] = []
        seen: set[str] = set()
        absent: list[str] = []
        for name in named:
            queue = next(
                (q for q in queues if name in (q["jobQueueName"], q.get("jobQueueArn"))), None
            )
            if queue is None:
                absent.append(name)
            elif (identity := str(queue.get("jobQueueArn") or queue["jobQueueName"])) not in seen:
                seen.add(identity)
                pairs.append((name, queue))
        if absent:
            # An ARN's queue name is what resembles the existing names.
            tails = [name.rsplit("/", 1)[-1] if arn_region(name) else name for name in absent]
            existing = [q["jobQueueName"] for q in queues]
            raise missing(
                "batch", "job queue", absent, existing, flag="--job-queue", compared=tails
            )
        return pairs

    return found.once(f"batch:job_queues:{','.join(named)}", describe)  # type: ignore[no-any-return]


def batch_queues(
    serves: Callable[[str | None], bool],
) -> Callable[[Discovery, Mapping[str, Any]], Parents]:
    """The job queues a Batch list API serves, by the queue's jobQueueType (absent on
    queues made before the field existed: ECS). Named queues are looked up once and each
    is listed by the API that serves its type, by its name (the region is the target's:
    an ARN was kept for its own region only)."""

    def discover(found: Discovery, values: Mapping[str, Any]) -> Parents:
        queues = _job_queues(found, given(values, "job_queue"))
        return [
            {"job_queue": queue.get("jobQueueName") or name}
            for name, queue in queues
            if serves(queue.get("jobQueueType"))
        ]

    return discover
