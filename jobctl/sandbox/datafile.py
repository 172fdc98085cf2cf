"""Loads a user's JSON data file into the store, with errors that point at the bad value.

The format is documented in docs/sandbox.md (example: examples/sandbox-data.json)::

    {"regions": {"us-east-1": {
        "amplify": {"apps": [{"appId": "d1...", "branches": [{"branchName": "main",
                                                             "jobs": [...]}]}]},
        "amplify-backend": {"apps": [{"appId": "d1...", "environments": [
                                        {"environmentName": "staging", "jobs": [...]}]}]},
        "iot": {"thingGroups": [{"thingGroupName": "..."}], "jobs": [...]},
        "batch": {"queues": [{"jobQueueName": "...", "jobs": [...]}]},
        "snowball": {"jobs": [...]}}}}

Without "regions", the service sections may sit at the top level and fill the default region.
Items use boto3's member names; times are ISO 8601 strings.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from jobctl.sandbox.records import DataError
from jobctl.sandbox.specs import SERVICES
from jobctl.sandbox.store import SandboxData

REGION_PATTERN = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")
APP_ID_PATTERN = re.compile(r"d[a-z0-9]+")


def load(path: str | Path, data: SandboxData) -> None:
    """Reads ``path`` into ``data``; raises DataError naming the file and the bad value."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(
            f"{path}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    try:
        load_document(document, data)
    except DataError as exc:
        raise DataError(f"{path}: {exc}") from None


def load_document(document: Any, data: SandboxData) -> None:
    _expect(document, dict, "top level")
    if "regions" in document:
        _only(document, {"regions", "$schema", "version"}, "top level")
        _expect(document["regions"], dict, "regions")
        sections = document["regions"].items()
    else:
        _only(document, {*SERVICES, "$schema", "version"}, "top level")
        sections = [(data.default_region, {k: v for k, v in document.items() if k in SERVICES})]
    for region, services in sections:
        path = f"regions.{region}"
        if not REGION_PATTERN.fullmatch(region):
            raise DataError(f"{path}: {region!r} is not a region name (like us-east-1)")
        _expect(services, dict, path)
        _only(services, set(SERVICES), path)
        for service, section in services.items():
            _expect(section, dict, f"{path}.{service}")
            LOADERS[service](data, region, section, f"{path}.{service}")


def _amplify(data: SandboxData, region: str, section: dict[str, Any], path: str) -> None:
    _only(section, {"apps"}, path)
    for i, app in enumerate(_list(section, "apps", path)):
        where = f"{path}.apps[{i}]"
        app_id = _app_id(app, where)
        branches = app.pop("branches", [])
        _wrap(where, data.add_app, app, region=region)
        _expect(branches, list, f"{where}.branches")
        for j, branch in enumerate(branches):
            bwhere = f"{where}.branches[{j}]"
            _expect(branch, dict, bwhere)
            branch = dict(branch)
            jobs = branch.pop("jobs", [])
            added = _wrap(bwhere, data.add_branch, app_id, branch, region=region)
            _jobs(data, "amplify", jobs, (app_id, added["branchName"]), region, bwhere)


def _amplify_backend(data: SandboxData, region: str, section: dict[str, Any], path: str) -> None:
    _only(section, {"apps"}, path)
    for i, app in enumerate(_list(section, "apps", path)):
        where = f"{path}.apps[{i}]"
        app_id = _app_id(app, where)
        _only(app, {"appId", "environments"}, where)
        for j, env in enumerate(_list(app, "environments", where)):
            ewhere = f"{where}.environments[{j}]"
            jobs = env.pop("jobs", [])
            added = _wrap(ewhere, data.add_environment, app_id, env, region=region)
            _jobs(data, "amplify-backend", jobs, (app_id, added["environmentName"]), region, ewhere)


def _iot(data: SandboxData, region: str, section: dict[str, Any], path: str) -> None:
    _only(section, {"thingGroups", "jobs"}, path)
    for i, group in enumerate(_list(section, "thingGroups", path)):
        where = f"{path}.thingGroups[{i}]"
        _only(group, {"thingGroupName", "thingGroupId"}, where)
        name = group.get("thingGroupName")
        if not isinstance(name, str) or not name:
            raise DataError(f"{where}: missing required field(s) thingGroupName")
        data.add_thing_group(name, group.get("thingGroupId"), region=region)
    _jobs(data, "iot", section.get("jobs", []), None, region, path)


def _batch(data: SandboxData, region: str, section: dict[str, Any], path: str) -> None:
    _only(section, {"queues"}, path)
    for i, queue in enumerate(_list(section, "queues", path)):
        where = f"{path}.queues[{i}]"
        jobs = queue.pop("jobs", [])
        added = _wrap(where, data.add_queue, queue, region=region)
        _jobs(data, "batch", jobs, added["jobQueueName"], region, where)


def _snowball(data: SandboxData, region: str, section: dict[str, Any], path: str) -> None:
    _only(section, {"jobs"}, path)
    _jobs(data, "snowball", section.get("jobs", []), None, region, path)


LOADERS = {
    "amplify": _amplify,
    "amplify-backend": _amplify_backend,
    "iot": _iot,
    "batch": _batch,
    "snowball": _snowball,
}


def _jobs(data: SandboxData, service: str, jobs: Any, parent: Any, region: str, path: str) -> None:
    _expect(jobs, list, f"{path}.jobs")
    for k, job in enumerate(jobs):
        where = f"{path}.jobs[{k}]"
        _expect(job, dict, where)
        _wrap(where, data.add_job, service, job, region=region, parent=parent)


def _wrap(where: str, add: Any, *args: Any, **kwargs: Any) -> Any:
    """Calls a store writer, re-anchoring its error message at the value's path in the file."""
    try:
        return add(*args, **kwargs)
    except DataError as exc:
        message = str(exc)
        for prefix in ("job", "app", "branch", "environment", "queue"):
            if message.startswith(prefix + ".") or message.startswith(prefix + ":"):
                message = message[len(prefix) :]
                break
        raise DataError(f"{where}{message}") from None


def _app_id(app: Any, where: str) -> str:
    _expect(app, dict, where)
    app_id = app.get("appId")
    if not isinstance(app_id, str) or not APP_ID_PATTERN.fullmatch(app_id):
        raise DataError(
            f"{where}.appId: expected an Amplify app ID like d1a2b3c4d5e6f7, got {app_id!r}"
        )
    return app_id


def _list(section: dict[str, Any], key: str, path: str) -> list[Any]:
    """The list under ``key``, as copies: loading pops nested lists off each item."""
    value = section.get(key, [])
    _expect(value, list, f"{path}.{key}")
    for i, item in enumerate(value):
        _expect(item, dict, f"{path}.{key}[{i}]")
    return [dict(item) for item in value]


def _expect(value: Any, kind: type, path: str) -> None:
    if not isinstance(value, kind):
        wanted = "an object" if kind is dict else "a list"
        raise DataError(f"{path}: expected {wanted}, got {type(value).__name__}")


def _only(section: dict[str, Any], allowed: set[str], path: str) -> None:
    unknown = sorted(set(section) - allowed)
    if unknown:
        raise DataError(
            f"{path}: unknown key(s) {', '.join(unknown)}; expected {', '.join(sorted(allowed))}"
        )
