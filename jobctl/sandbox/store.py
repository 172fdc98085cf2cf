"""The sandbox's data: resources by kind and jobs by API, per region, safe to change while
serving.

A region holds resources by kind (apps, branches, queues... each kind defined by the
module that owns it) and jobs by API name → parent key → job ID. What a parent key is,
which resources an API's jobs may hang under and how a job is completed all come from the
API's ``SandboxService``: nothing here names a service.

Writers replace item dicts instead of mutating them, so a response being serialized in a
server thread never sees a half-updated job. ``region=None`` always means the default
region; ``parent=None`` in a lookup means "any parent" (and an ID found under more than
one parent is an error asking for one).

A store holds one account's data (``account_id``, what ARNs name). A region may be
*deferred* (``defer``): its data is made by a filler on the first read or write that
reaches it, under the store's lock, so an organization of many accounts makes only the
account-regions that requests reach.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from jobctl.sandbox import records
from jobctl.sandbox.records import DataError
from jobctl.sandbox.service import ACCOUNT_ID, JobPlace, Kind, SandboxService, StoredJob


@dataclass
class RegionData:
    # kind → key → item, in the order added
    resources: dict[str, dict[Any, dict[str, Any]]] = field(default_factory=dict)
    # API → parent key → job ID → job; insertion order is irrelevant (lists sort).
    jobs: dict[str, dict[Any, dict[str, StoredJob]]] = field(default_factory=dict)

    def empty(self) -> bool:
        return not any(self.resources.values()) and not any(self.jobs.values())


class Store:
    """Every region's data, for the APIs of ``catalog``."""

    def __init__(
        self,
        catalog: Sequence[SandboxService],
        default_region: str,
        anchor: datetime,
        account_id: str = ACCOUNT_ID,
    ) -> None:
        self.catalog = tuple(catalog)
        self.default_region = default_region
        self.anchor = anchor  # when the sandbox started: the default time of what is made
        self.account_id = account_id
        self.lock = threading.RLock()
        # Called before every read or write (the moving jobs catch up with the clock).
        self.ticker: Callable[[], None] | None = None
        self._ticking = False
        self._services = {service.name: service for service in self.catalog}
        self._kinds = {kind.name: kind for service in self.catalog for kind in service.kinds}
        self._regions: dict[str, RegionData] = {}
        # Regions whose data is made on first use: region → filler(region).
        self._deferred: dict[str, Callable[[str], None]] = {}
        self._filled: list[str] = []

    # -- the catalog -----------------------------------------------------------------------

    def service(self, name: str) -> SandboxService:
        try:
            return self._services[name]
        except KeyError:
            known = ", ".join(self._services)
            raise ValueError(f"unknown service {name!r}; one of {known}") from None

    def kind(self, name: str) -> Kind:
        try:
            return self._kinds[name]
        except KeyError:
            known = ", ".join(self._kinds)
            raise ValueError(f"unknown kind {name!r}; one of {known}") from None

    def api_for(self, kind: str, resource: dict[str, Any]) -> str:
        """The API whose jobs hang under this resource (a queue's type picks its API)."""
        for service in self.catalog:
            if service.parent and service.parent.kind == kind and service.parent.accepts(resource):
                return service.name
        raise DataError(f"{kind}: no API lists jobs under {resource!r}")

    # -- reading -------------------------------------------------------------------------

    def regions(self) -> list[str]:
        """Regions that hold any data (deferred ones count: they will), default first."""
        with self.lock:
            self._tick()
            names = [name for name, data in self._regions.items() if not data.empty()]
            names += [name for name in self._deferred if name not in names]
        return sorted(names, key=lambda r: (r != self.default_region, r))

    def region(self, name: str | None) -> RegionData:
        """A region's data; an unknown region reads as empty (writers use ``_region_for``)."""
        name = name or self.default_region
        if name in self._deferred:
            self._fill(name)
        return self._regions.get(name) or RegionData()

    # -- deferred regions ------------------------------------------------------------------

    def defer(self, region: str, fill: Callable[[str], None]) -> None:
        """Makes ``fill(region)`` fill the region on its first use rather than now."""
        with self.lock:
            self._deferred[region] = fill

    def filled_regions(self) -> list[str]:
        """The deferred regions made so far, in the order they were made."""
        with self.lock:
            return list(self._filled)

    def deferred_regions(self) -> list[str]:
        """The deferred regions nothing has reached yet: they hold nothing so far."""
        with self.lock:
            return list(self._deferred)

    def _fill(self, region: str) -> None:
        with self.lock:  # reentrant: the filler writes through this store
            fill = self._deferred.pop(region, None)
            if fill is not None:
                self._filled.append(region)
                fill(region)

    def resources(self, kind: str, *, region: str | None = None) -> dict[Any, dict[str, Any]]:
        """The resources of one kind (a copy of the mapping), key → item, in order added."""
        with self.lock:
            self._tick()
            return dict(self.region(region).resources.get(kind, {}))

    def resource(self, kind: str, key: Any, *, region: str | None = None) -> dict[str, Any] | None:
        with self.lock:
            return self.region(region).resources.get(kind, {}).get(key)

    def jobs(
        self, service: str, *, region: str | None = None, parent: Any = None
    ) -> list[dict[str, Any]]:
        """Copies of the jobs of one API (one parent, or all), in no particular order."""
        spec = self.service(service)
        with self.lock:
            self._tick()
            found = self._stored(spec, region, parent)
        return [dict(job.item, **job.meta) for _, job in found]

    def stored_jobs(self, service: str, region: str, parent: Any) -> list[StoredJob]:
        """The jobs under one parent key, as the handlers read them (a snapshot)."""
        with self.lock:
            self._tick()
            return list(self.region(region).jobs.get(service, {}).get(parent, {}).values())

    def get_job(
        self, service: str, job_id: str, *, region: str | None = None, parent: Any = None
    ) -> dict[str, Any]:
        spec = self.service(service)
        with self.lock:
            self._tick()
            _, job = self._find(spec, job_id, region, parent)
        return dict(job.item, **job.meta)

    def listed_regions(self, service: str, region: str | None = None) -> tuple[str, ...]:
        """The regions whose jobs a listing signed for ``region`` returns: the region, or
        the wider view an API documents (Snowball in a US region: every US region)."""
        region = region or self.default_region
        return self.service(service).regions_of(region, self.regions())[1]

    def parents(self, region: str | None = None) -> dict[str, list[Any]]:
        """Every parent each API lists jobs under, the ones with the most jobs first, and
        what modules add (IoT's thing groups)."""
        with self.lock:
            self._tick()
            data = self.region(region)
            found: dict[str, list[Any]] = {}
            for service in self.catalog:
                if service.parent is not None:
                    jobs = data.jobs.get(service.name, {})
                    keys = [
                        key
                        for key, item in data.resources.get(service.parent.kind, {}).items()
                        if service.parent.accepts(item)
                    ]
                    found[service.name] = sorted(keys, key=lambda k: -len(jobs.get(k, {})))
                if service.extra_parents is not None:
                    found.update(service.extra_parents(self, region or self.default_region))
            return found

    # -- resources -----------------------------------------------------------------------

    def add_resource(
        self,
        kind: str,
        item: dict[str, Any],
        *,
        region: str | None = None,
        parent: Any = None,
    ) -> dict[str, Any]:
        """Adds an app, branch, environment, queue... (boto3 member names), completed with
        what the service always returns. ``parent`` names the container of a kind that
        lives in another (a branch's app ID); a missing container is created."""
        spec = self.kind(kind)
        region = region or self.default_region
        if spec.shape is not None:
            value = records.coerce(records.item_shape(spec.shape), item, kind)
        else:
            value = _strings(item, kind)
        records.require(value, (spec.key_member,), kind)
        with self.lock:
            container = None
            key: Any = value[spec.key_member]
            if spec.container is not None:
                if not isinstance(parent, str) or not parent:
                    raise DataError(f"{kind}: needs the {spec.container} it belongs to")
                container = self.resource(spec.container, parent, region=region)
                if container is None:
                    holder = self.kind(spec.container)
                    container = self.add_resource(
                        spec.container, {holder.key_member: parent}, region=region
                    )
                key = (parent, key)
            existing = self._region_for(region).resources.setdefault(kind, {})
            if spec.keep_existing and key in existing:
                return existing[key]
            existing[key] = spec.complete(value, region, container, self.anchor, self.account_id)
            return existing[key]

    # -- jobs ----------------------------------------------------------------------------

    def parent_key(self, spec: SandboxService, parent: Any) -> Any:
        """A parent as the store keys it: a tuple of strings, a name, or None."""
        place = spec.parent
        if place is None:
            if parent is not None:
                raise ValueError(f"{spec.name} jobs have no parent; got {parent!r}")
            return None
        if len(place.members) == 1:
            if not isinstance(parent, str) or not parent:
                raise ValueError(
                    f"{spec.name} jobs need a parent {place.members[0]}, got {parent!r}"
                )
            return place.normalize(parent) if place.normalize else parent
        if (
            not isinstance(parent, (tuple, list))
            or len(parent) != len(place.members)
            or not all(isinstance(p, str) and p for p in parent)
        ):
            raise ValueError(
                f"{spec.name} jobs need a parent ({', '.join(place.members)}), got {parent!r}"
            )
        return tuple(parent)

    def add_job(
        self, service: str, job: dict[str, Any], *, region: str | None = None, parent: Any = None
    ) -> dict[str, Any]:
        """Adds a job (boto3 member names; times as datetimes or ISO 8601). A missing parent
        (an Amplify app and branch, a backend environment, a Batch queue) is created."""
        spec = self.service(service)
        region = region or self.default_region
        if parent is None and spec.parent is not None and spec.parent.from_job is not None:
            parent = spec.parent.from_job(job)
        key = self.parent_key(spec, parent)
        item, meta = self._coerce_job(spec, job, "job")
        records.require(item, spec.required, "job")
        with self.lock:
            self._tick()
            if key is not None:
                self._ensure_parent(spec, key, region)
            jobs = self._region_for(region).jobs.setdefault(spec.name, {}).setdefault(key, {})
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
        spec = self.service(service)
        if spec.id_member in fields:
            raise DataError(f"job: cannot change {spec.id_member}; remove and add the job")
        with self.lock:
            self._tick()
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
        spec = self.service(service)
        with self.lock:
            self._tick()
            key, old = self._find(spec, job_id, region, parent)
            del self.region(region).jobs[spec.name][key][job_id]
            return dict(old.item, **old.meta)

    def catch_up(self) -> None:
        """Lets the moving jobs catch up with the clock now."""
        with self.lock:
            self._tick()

    # -- internals -----------------------------------------------------------------------

    def _tick(self) -> None:
        """Lets the moving jobs catch up with the clock (called with the lock held)."""
        if self.ticker is None or self._ticking:
            return
        self._ticking = True
        try:
            self.ticker()
        finally:
            self._ticking = False

    def _region_for(self, region: str | None) -> RegionData:
        name = region or self.default_region
        if name in self._deferred:
            self._fill(name)
        return self._regions.setdefault(name, RegionData())

    def _ensure_parent(self, spec: SandboxService, key: Any, region: str) -> None:
        place = spec.parent
        assert place is not None
        kind = self.kind(place.kind)
        resource = self.resource(place.kind, key, region=region)
        if resource is None:
            if kind.container is not None:
                container, name = key
                item = {kind.key_member: name, **place.defaults}
                resource = self.add_resource(place.kind, item, region=region, parent=container)
            else:
                item = {kind.key_member: key, **place.defaults}
                resource = self.add_resource(place.kind, item, region=region)
        if not place.accepts(resource):
            raise DataError(
                f"job: {spec.name} jobs cannot be added to {place.kind} {key!r}"
                + (f": {place.accepts_help}" if place.accepts_help else "")
            )

    def _coerce_job(
        self, spec: SandboxService, job: dict[str, Any], path: str
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        if not isinstance(job, dict):
            raise DataError(f"{path}: expected an object, got {type(job).__name__}")
        item = records.coerce(records.job_shape(spec), job, path, extra=spec.meta_fields)
        meta = {k: item.pop(k) for k in spec.meta_fields if k in item}
        if spec.check_meta is not None:
            return item, spec.check_meta(meta, path)
        for name, value in meta.items():
            if not isinstance(value, str):
                raise DataError(f"{path}.{name}: expected a string, got {type(value).__name__}")
        return item, meta

    def _stored_job(
        self,
        spec: SandboxService,
        item: dict[str, Any],
        meta: dict[str, Any],
        key: Any,
        region: str,
    ) -> StoredJob:
        place = JobPlace(self, region, key, meta, self.anchor)
        return StoredJob(spec.complete(item, place), meta)

    def _stored(
        self, spec: SandboxService, region: str | None, parent: Any
    ) -> list[tuple[Any, StoredJob]]:
        by_parent = self.region(region).jobs.get(spec.name, {})
        keys = (
            [self.parent_key(spec, parent)]
            if parent is not None or spec.parent is None
            else list(by_parent)
        )
        return [(k, job) for k in keys for job in by_parent.get(k, {}).values()]

    def _find(
        self, spec: SandboxService, job_id: str, region: str | None, parent: Any
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


def _strings(item: Any, path: str) -> dict[str, Any]:
    """An item no model describes: an object of strings."""
    if not isinstance(item, dict):
        raise DataError(f"{path}: expected an object, got {type(item).__name__}")
    for name, value in item.items():
        if value is not None and not isinstance(value, str):
            raise DataError(f"{path}.{name}: expected a string, got {type(value).__name__}")
    return {k: v for k, v in item.items() if v is not None}
