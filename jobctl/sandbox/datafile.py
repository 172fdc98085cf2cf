"""Loads a user's JSON data file into the store, with errors that point at the bad value.

The format is documented in docs/sandbox.md (example: examples/sandbox-data.json)::

    {"regions": {"us-east-1": {"<section>": {...}, ...}}}

Each API module that has a section (``SandboxService.section``) names its key and loads
it with the helpers below; this module only reads the file, checks the regions and hands
each section to its module. Without "regions", the sections may sit at the top level and
fill the default region. Items use boto3's member names; times are ISO 8601 strings.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from jobctl.sandbox import store
from jobctl.sandbox.records import DataError
from jobctl.sandbox.service import Store

REGION_PATTERN = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")
_KIND_PREFIX = re.compile(r"^[a-z][a-z-]*(?=[.:])")


def load(path: str | Path, data: store.Store) -> None:
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


def load_document(document: Any, data: store.Store) -> None:
    loaders = {s.section.key: s.section.load for s in data.catalog if s.section is not None}
    expect(document, dict, "top level")
    if "regions" in document:
        only(document, {"regions", "$schema", "version"}, "top level")
        expect(document["regions"], dict, "regions")
        sections = document["regions"].items()
    else:
        only(document, {*loaders, "$schema", "version"}, "top level")
        sections = [(data.default_region, {k: v for k, v in document.items() if k in loaders})]
    for region, services in sections:
        path = f"regions.{region}"
        if not REGION_PATTERN.fullmatch(region):
            raise DataError(f"{path}: {region!r} is not a region name (like us-east-1)")
        expect(services, dict, path)
        only(services, set(loaders), path)
        for key, section in services.items():
            expect(section, dict, f"{path}.{key}")
            loaders[key](data, region, section, f"{path}.{key}")


# -- helpers for the section loaders -----------------------------------------------------


def add_jobs(data: Store, service: str, jobs: Any, parent: Any, region: str, path: str) -> None:
    """The jobs of one parent (``path.jobs``), each re-anchored at its place in the file."""
    expect(jobs, list, f"{path}.jobs")
    for k, job in enumerate(jobs):
        where = f"{path}.jobs[{k}]"
        expect(job, dict, where)
        wrap(where, data.add_job, service, job, region=region, parent=parent)


def wrap(where: str, add: Any, *args: Any, **kwargs: Any) -> Any:
    """Calls a store writer, re-anchoring its error message at the value's path in the file
    (the store names the value by its kind: "job: ...", "queue.state: ...")."""
    try:
        return add(*args, **kwargs)
    except DataError as exc:
        message = _KIND_PREFIX.sub("", str(exc), count=1)
        raise DataError(f"{where}{message}") from None


def items(section: dict[str, Any], key: str, path: str) -> list[Any]:
    """The list under ``key``, as copies: loading pops nested lists off each item."""
    value = section.get(key, [])
    expect(value, list, f"{path}.{key}")
    for i, item in enumerate(value):
        expect(item, dict, f"{path}.{key}[{i}]")
    return [dict(item) for item in value]


def expect(value: Any, kind: type, path: str) -> None:
    if not isinstance(value, kind):
        wanted = "an object" if kind is dict else "a list"
        raise DataError(f"{path}: expected {wanted}, got {type(value).__name__}")


def only(section: dict[str, Any], allowed: set[str], path: str) -> None:
    unknown = sorted(set(section) - allowed)
    if unknown:
        raise DataError(
            f"{path}: unknown key(s) {', '.join(unknown)}; expected {', '.join(sorted(allowed))}"
        )
