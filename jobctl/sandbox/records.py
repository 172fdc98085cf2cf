"""Items as the store keeps them: boto3-shaped dicts, checked against the model and completed.

Whatever feeds the store (the demo generator, a user's JSON file, ``add_job`` and
``update_job``) goes through ``coerce``: it walks the botocore shape, so unknown member
names and wrong types fail with the path of the offending value, and timestamps may be
given as datetimes or ISO 8601 strings. ``complete_*`` fill the members the model requires
but a user should not have to write (ARNs, flags), the way the real service would.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from jobctl.sandbox import models
from jobctl.sandbox.specs import ACCOUNT_ID, DEMO_ANCHOR, ServiceSpec
from jobctl.sandbox.wire import WireError, parse_timestamp

if TYPE_CHECKING:
    from botocore.model import Shape

# Where each kind of item's shape lives: (botocore service, operation, result list member).
ITEM_SHAPES = {
    "app": ("amplify", "ListApps", "apps"),
    "branch": ("amplify", "ListBranches", "branches"),
    "environment": ("amplify", "ListBackendEnvironments", "backendEnvironments"),
    "queue": ("batch", "DescribeJobQueues", "jobQueues"),
}


class DataError(ValueError):
    """Sandbox data that does not fit the service's model; the message names the value."""


def item_shape(kind: str) -> Shape:
    return models.result_item_shape(*ITEM_SHAPES[kind])


def job_shape(spec: ServiceSpec) -> Shape:
    config = models.paginator_config(spec.botocore_name, spec.list_operation) or {}
    return models.result_item_shape(spec.botocore_name, spec.list_operation, config["result_key"])


def coerce(shape: Shape, value: Any, path: str, extra: tuple[str, ...] = ()) -> Any:
    """``value`` checked against ``shape``; ``extra`` names top-level keys allowed besides."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            raise DataError(f"{path}: expected an object, got {_kind(value)}")
        members = shape.members  # type: ignore[attr-defined]
        out = {}
        for key, item in value.items():
            if key in extra:
                out[key] = item
            elif key not in members:
                valid = ", ".join([*members, *extra])
                raise DataError(f"{path}: unknown field {key!r}; valid fields: {valid}")
            elif item is not None:
                out[key] = coerce(members[key], item, f"{path}.{key}")
        return out
    if kind == "list":
        if not isinstance(value, list):
            raise DataError(f"{path}: expected a list, got {_kind(value)}")
        member = shape.member  # type: ignore[attr-defined]
        return [coerce(member, v, f"{path}[{i}]") for i, v in enumerate(value)]
    if kind == "map":
        if not isinstance(value, dict):
            raise DataError(f"{path}: expected an object, got {_kind(value)}")
        val = shape.value  # type: ignore[attr-defined]
        return {str(k): coerce(val, v, f"{path}.{k}") for k, v in value.items()}
    return _scalar(kind, value, path)


def _scalar(kind: str, value: Any, path: str) -> Any:
    if kind == "timestamp":
        if isinstance(value, bool) or not isinstance(value, (str, int, float, datetime)):
            raise DataError(f"{path}: expected an ISO 8601 time, got {_kind(value)}")
        try:
            return parse_timestamp(value)
        except WireError:
            raise DataError(f"{path}: {value!r} is not an ISO 8601 time") from None
    if kind in ("integer", "long"):
        # Batch keeps times as epoch milliseconds in longs; accept them as ISO 8601 too.
        if kind == "long" and isinstance(value, (str, datetime)):
            try:
                return round(parse_timestamp(value).timestamp() * 1000)
            except WireError:
                raise DataError(f"{path}: expected an integer or ISO 8601 time") from None
        if isinstance(value, bool) or not isinstance(value, int):
            raise DataError(f"{path}: expected an integer, got {_kind(value)}")
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise DataError(f"{path}: expected true or false, got {_kind(value)}")
        return value
    if kind in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise DataError(f"{path}: expected a number, got {_kind(value)}")
        return float(value)
    if kind == "blob":
        return value.encode() if isinstance(value, str) else bytes(value)
    if not isinstance(value, str):
        raise DataError(f"{path}: expected a string, got {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def require(item: dict[str, Any], names: tuple[str, ...], path: str) -> None:
    missing = [n for n in names if item.get(n) in (None, "")]
    if missing:
        raise DataError(f"{path}: missing required field(s) {', '.join(missing)}")


def complete_app(app: dict[str, Any], region: str) -> dict[str, Any]:
    app_id = app["appId"]
    defaults = {
        "appArn": f"arn:aws:amplify:{region}:{ACCOUNT_ID}:apps/{app_id}",
        "name": app_id,
        "description": "",
        "repository": "",
        "platform": "WEB",
        "createTime": DEMO_ANCHOR,
        "updateTime": app.get("createTime", DEMO_ANCHOR),
        "environmentVariables": {},
        "defaultDomain": f"{app_id}.amplifyapp.com",
        "enableBranchAutoBuild": False,
        "enableBasicAuth": False,
    }
    return {**defaults, **app}


def complete_branch(branch: dict[str, Any], app: dict[str, Any]) -> dict[str, Any]:
    name = branch["branchName"]
    defaults = {
        "branchArn": f"{app['appArn']}/branches/{quote(name, safe='')}",
        "description": "",
        "stage": "PRODUCTION" if name in ("main", "master") else "DEVELOPMENT",
        "displayName": name.replace("/", "-"),
        "enableNotification": False,
        "createTime": app["createTime"],
        "updateTime": branch.get("createTime", app["createTime"]),
        "environmentVariables": {},
        "enableAutoBuild": True,
        "customDomains": [],
        "framework": "React",
        # activeJobId and totalNumberOfJobs are computed from the jobs when listed.
        "enableBasicAuth": False,
        "ttl": "5",
        "enablePullRequestPreview": False,
    }
    return {**defaults, **branch}


def complete_environment(env: dict[str, Any], app: dict[str, Any]) -> dict[str, Any]:
    name = env["environmentName"]
    defaults = {
        "backendEnvironmentArn": f"{app['appArn']}/backendenvironments/{name}",
        "stackName": f"amplify-{app['appId']}-{name}",
        "deploymentArtifacts": f"amplify-{app['appId']}-{name}-deployment",
        "createTime": app["createTime"],
        "updateTime": env.get("createTime", app["createTime"]),
    }
    return {**defaults, **env}


def complete_queue(queue: dict[str, Any], region: str) -> dict[str, Any]:
    name = queue["jobQueueName"]
    defaults = {
        "jobQueueArn": f"arn:aws:batch:{region}:{ACCOUNT_ID}:job-queue/{name}",
        "state": "ENABLED",
        "status": "VALID",
        "priority": 1,
        "computeEnvironmentOrder": [],
        "serviceEnvironmentOrder": [
            {
                "order": 1,
                "serviceEnvironment": f"arn:aws:batch:{region}:{ACCOUNT_ID}:"
                f"service-environment/{name}-training",
            }
        ],
        "jobQueueType": "SAGEMAKER_TRAINING",
    }
    return {**defaults, **queue}


def complete_job(
    spec: ServiceSpec, job: dict[str, Any], parent: Any, region: str
) -> dict[str, Any]:
    """A job with the members its service always returns, derived as the service would."""
    job_id = job[spec.id_member]
    arn_base = f"arn:aws:{spec.botocore_name}:{region}:{ACCOUNT_ID}"
    if spec.name == "amplify":
        app_id, branch = parent
        return {
            "jobArn": f"{arn_base}:apps/{app_id}/branches/{quote(branch, safe='')}/jobs/{job_id}",
            "commitId": "HEAD",
            "commitMessage": "",
            "commitTime": job["startTime"],
            "jobType": "RELEASE",
            **job,
        }
    if spec.name == "amplify-backend":
        app_id, env = parent
        return {**job, "AppId": app_id, "BackendEnvironmentName": env}
    if spec.name == "iot":
        return {"jobArn": f"{arn_base}:job/{job_id}", "lastUpdatedAt": job["createdAt"], **job}
    if spec.name == "batch":
        return {
            "jobArn": f"{arn_base}:service-job/{job_id}",
            "serviceJobType": "SAGEMAKER_TRAINING",
            **job,
        }
    return dict(job)


def created_millis(spec: ServiceSpec, job: dict[str, Any]) -> int:
    """The job's creation time in epoch ms, whatever form its service keeps it in (0: unknown)."""
    value = job.get(spec.created_member)
    if value is None:
        return 0
    if isinstance(value, int) and spec.name == "batch":
        return value
    try:
        return _millis(value)
    except TypeError:  # unhashable: not a time
        return 0


@functools.lru_cache(maxsize=1 << 18)
def _millis(value: Any) -> int:
    # Every page request sorts the whole list by creation time; parsing each job's time
    # again for every page made a 20,000-job listing spend most of its time here.
    try:
        return round(parse_timestamp(value).timestamp() * 1000)
    except WireError:
        return 0
