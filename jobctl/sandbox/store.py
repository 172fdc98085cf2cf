"""The sandbox's data: jobs and their parents, per region, safe to change while serving.

Writers replace item dicts instead of mutating them, so a response being serialized in a
server thread never sees a half-updated job. ``region=None`` always means the sandbox's
default region; ``parent=None`` in a lookup means "any parent" (and an ID found under more
than one parent is an error asking for one).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from jobctl.sandbox import records
from jobctl.sandbox.records import DataError
from jobctl.sandbox.specs import SERVICES, ServiceSpec, parent_key, service_spec


@dataclass
class StoredJob:
    item: dict[str, Any]  # exactly what the list API returns, boto3-shaped
    meta: dict[str, Any]  # attributes the API filters on but does not return
    # The listing order's key, computed once: every page request sorts the whole list.
    # A changed job is stored anew (update_job), so the key never goes stale.
    sort_key: tuple[Any, ...] | None = field(default=None, compare=False)


@dataclass
class RegionData:
    apps: dict[str, dict[str, Any]] = field(default_factory=dict)
    branches: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    environments: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    queues: dict[str, dict[str, Any]] = field(default_factory=dict)
    thing_groups: dict[str, str] = field(default_factory=dict)  # IoT group name -> ID
    # service -> parent key -> job ID -> job; insertion order is irrelevant (lists sort).
    jobs: dict[str, dict[Any, dict[str, StoredJob]]] = field(
        default_factory=lambda: {name: {} for name in SERVICES}
    )


class SandboxData:
    def __init__(self, default_region: str = "us-east-1") -> None:
        self.default_region = default_region
        self.lock = threading.RLock()
        self._regions: dict[str, RegionData] = {}

    # -- reading -------------------------------------------------------------------------

    def regions(self) -> list[str]:
        """Regions that hold any data, default region first."""
        with self.lock:
            names = [r for r in self._regions if self._regions[r] != RegionData()]
        return sorted(names, key=lambda r: (r != self.default_region, r))

    def region(self, name: str | None) -> RegionData:
        """A region's data; an unknown region reads as empty (writers use ``_region_for``)."""
        return self._regions.get(name or self.default_region) or RegionData()

    def jobs(
        self, service: str, *, region: str | None = None, parent: Any = None
    ) -> list[dict[str, Any]]:
        """Copies of the jobs of one service (one parent, or all), in no particular order."""
        spec = service_spec(service)
        with self.lock:
            found = self._stored(spec, region, parent)
        return [dict(job.item, **job.meta) for _, job in found]

    def stored_jobs(self, service: str, region: str, parent: Any) -> list[StoredJob]:
        """The jobs under one parent, as the handlers read them (a snapshot)."""
        with self.lock:
            return list(self.region(region).jobs[service].get(parent, {}).values())

    def get_job(
        self, service: str, job_id: str, *, region: str | None = None, parent: Any = None
    ) -> dict[str, Any]:
        spec = service_spec(service)
        with self.lock:
            _, job = self._find(spec, job_id, region, parent)
        return dict(job.item, **job.meta)

    def parents(self, region: str | None = None) -> dict[str, list[Any]]:
        """Every parent jobs can be listed under, the ones with the most jobs first."""
        with self.lock:
            data = self.region(region)

            def busiest(service: str, keys: Any) -> list[Any]:
                jobs = data.jobs[service]
                return sorted(keys, key=lambda k: -len(jobs.get(k, {})))

            return {
                "amplify": busiest("amplify", data.branches),
                "amplify-backend": busiest("amplify-backend", data.environments),
                "batch": busiest("batch", data.queues),
                "iot-thing-groups": sorted(data.thing_groups),
            }

    # -- parents -------------------------------------------------------------------------

    def add_app(self, app: dict[str, Any], *, region: str | None = None) -> dict[str, Any]:
        region = region or self.default_region
        item = records.coerce(records.item_shape("app"), app, "app")
        records.require(item, ("appId",), "app")
        with self.lock:
            data = self._region_for(region)
            data.apps[item["appId"]] = records.complete_app(item, region)
            return data.apps[item["appId"]]

    def add_branch(
        self, app_id: str, branch: dict[str, Any], *, region: str | None = None
    ) -> dict[str, Any]:
        item = records.coerce(records.item_shape("branch"), branch, "branch")
        records.require(item, ("branchName",), "branch")
        with self.lock:
            app = self._app(app_id, region)
            key = (app_id, item["branchName"])
            self._region_for(region).branches[key] = records.complete_branch(item, app)
            return self._region_for(region).branches[key]

    def add_environment(
        self, app_id: str, env: dict[str, Any], *, region: str | None = None
    ) -> dict[str, Any]:
        item = records.coerce(records.item_shape("environment"), env, "environment")
        records.require(item, ("environmentName",), "environment")
        with self.lock:
            app = self._app(app_id, region)
            key = (app_id, item["environmentName"])
            self._region_for(region).environments[key] = records.complete_environment(item, app)
            return self._region_for(region).environments[key]

    def add_queue(self, queue: dict[str, Any], *, region: str | None = None) -> dict[str, Any]:
        region = region or self.default_region
        item = records.coerce(records.item_shape("queue"), queue, "queue")
        records.require(item, ("jobQueueName",), "queue")
        with self.lock:
            data = self._region_for(region)
            data.queues[item["jobQueueName"]] = records.complete_queue(item, region)
            return data.queues[item["jobQueueName"]]

    def add_thing_group(
        self, name: str, group_id: str | None = None, *, region: str | None = None
    ) -> str:
        """Registers an IoT thing group; its ID defaults to one derived from the name."""
        import uuid

        with self.lock:
            groups = self._region_for(region).thing_groups
            if name not in groups:
                groups[name] = group_id or str(uuid.uuid5(uuid.NAMESPACE_URL, f"thinggroup/{name}"))
            return groups[name]

    def resolve_queue(self, region: str, name_or_arn: str) -> str | None:
        """The name of the queue a request names by name or ARN, or None."""
        queues = self.region(region).queues
        if name_or_arn in queues:
            return name_or_arn
        return next((n for n, q in queues.items() if q["jobQueueArn"] == name_or_arn), None)

    # -- jobs ----------------------------------------------------------------------------

    def add_job(
        self, service: str, job: dict[str, Any], *, region: str | None = None, parent: Any = None
    ) -> dict[str, Any]:
        """Adds a job (boto3 member names; times as datetimes or ISO 8601). Missing parents
        (an Amplify app and branch, a backend environment, a Batch queue) are created."""
        spec = service_spec(service)
        region = region or self.default_region
        if spec.name == "amplify-backend" and parent is None and "AppId" in job:
            parent = (job["AppId"], job.get("BackendEnvironmentName"))
        key = parent_key(spec, parent)
        item, meta = self._coerce_job(spec, job, "job")
        records.require(item, spec.required, "job")
        with self.lock:
            self._ensure_parent(spec, key, region)
            jobs = self._region_for(region).jobs[spec.name].setdefault(key, {})
            job_id = item[spec.id_member]
            if job_id in jobs:
                raise DataError(f"job: {service} job {job_id!r} already exists under {key!r}")
            stored = self._stored_job(spec, item, meta, key, region)
            jobs[job_id] = stored
            return dict(stored.item, **stored.meta)

    def update_job(
        self,
        service: str,
        job_id: str,
        *,
        region: str | None = None,
        parent: Any = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """Changes members of a job (``status="SUCCEEDED"``); a None value removes one."""
        spec = service_spec(service)
        if spec.id_member in fields:
            raise DataError(f"job: cannot change {spec.id_member}; remove and add the job")
        with self.lock:
            key, old = self._find(spec, job_id, region, parent)
            merged = {**old.item, **old.meta, **fields}
            merged = {k: v for k, v in merged.items() if v is not None}
            item, meta = self._coerce_job(spec, merged, "job")
            records.require(item, spec.required, "job")
            region_name = region or self.default_region
            stored = self._stored_job(spec, item, meta, key, region_name)
            self._region_for(region_name).jobs[spec.name][key][job_id] = stored
            return dict(stored.item, **stored.meta)

    def remove_job(
        self, service: str, job_id: str, *, region: str | None = None, parent: Any = None
    ) -> dict[str, Any]:
        spec = service_spec(service)
        with self.lock:
            key, old = self._find(spec, job_id, region, parent)
            del self.region(region).jobs[spec.name][key][job_id]
            return dict(old.item, **old.meta)

    # -- internals -----------------------------------------------------------------------

    def _region_for(self, region: str | None) -> RegionData:
        return self._regions.setdefault(region or self.default_region, RegionData())

    def _app(self, app_id: str, region: str | None) -> dict[str, Any]:
        app = self.region(region).apps.get(app_id)
        return app if app is not None else self.add_app({"appId": app_id}, region=region)

    def _ensure_parent(self, spec: ServiceSpec, key: Any, region: str) -> None:
        data = self._region_for(region)
        if spec.name == "amplify" and key not in data.branches:
            self.add_branch(key[0], {"branchName": key[1]}, region=region)
        elif spec.name == "amplify-backend" and key not in data.environments:
            self.add_environment(key[0], {"environmentName": key[1]}, region=region)
        elif spec.name == "batch" and key not in data.queues:
            self.add_queue({"jobQueueName": key}, region=region)

    def _coerce_job(
        self, spec: ServiceSpec, job: dict[str, Any], path: str
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        if not isinstance(job, dict):
            raise DataError(f"{path}: expected an object, got {type(job).__name__}")
        item = records.coerce(records.job_shape(spec), job, path, extra=spec.meta_fields)
        meta = {k: item.pop(k) for k in spec.meta_fields if k in item}
        for name, value in meta.items():
            if not isinstance(value, str):
                raise DataError(f"{path}.{name}: expected a string, got {type(value).__name__}")
        return item, meta

    def _stored_job(
        self, spec: ServiceSpec, item: dict[str, Any], meta: dict[str, Any], key: Any, region: str
    ) -> StoredJob:
        if spec.name == "iot" and "thingGroupName" in meta:
            group_id = self.add_thing_group(
                meta["thingGroupName"], item.get("thingGroupId"), region=region
            )
            item.setdefault("thingGroupId", group_id)
        return StoredJob(records.complete_job(spec, item, key, region), meta)

    def _stored(
        self, spec: ServiceSpec, region: str | None, parent: Any
    ) -> list[tuple[Any, StoredJob]]:
        by_parent = self.region(region).jobs[spec.name]
        keys = (
            [parent_key(spec, parent)] if parent is not None or not spec.parent else list(by_parent)
        )
        return [(k, job) for k in keys for job in by_parent.get(k, {}).values()]

    def _find(
        self, spec: ServiceSpec, job_id: str, region: str | None, parent: Any
    ) -> tuple[Any, StoredJob]:
        matches = [
            (k, j)
            for k, j in self._stored(spec, region, parent)
            if j.item[spec.id_member] == job_id
        ]
        where = f"in {region or self.default_region}" + (f" under {parent!r}" if parent else "")
        if not matches:
            raise KeyError(f"no {spec.name} job {job_id!r} {where}")
        if len(matches) > 1:
            found = ", ".join(repr(k) for k, _ in matches)
            raise LookupError(f"{spec.name} job {job_id!r} exists under {found}; pass parent=")
        return matches[0]
