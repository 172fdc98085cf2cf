"""Loads a user's JSON data file into the store, with errors that point at the bad value.

The format is documented in docs/sandbox.md (examples: examples/sandbox-data.json,
examples/sandbox-organization.json)::

    {"regions": {"us-east-1": {"<section>": {...}, ...}},
     "accounts": {"210987654321": {"Name": ..., "regions": {...}}, ...}}

Each API module that has a section (``SandboxService.section``) names its key and loads
it with the helpers below; this module only reads the file, checks the regions and hands
each section to its module. Without "regions", the sections may sit at the top level and
fill the default region. Items use boto3's member names; times are ISO 8601 strings.

"accounts" makes the sandbox an organization of the accounts it lists (with the sandbox's
own, the management account, first): each entry takes ListAccounts' member names for
the account, the sandbox's own ``role`` and ``externalId`` for its role, and its
``regions`` in the shape above. The management account's entry, if any, may name its
role and regions (not both those and top-level ones).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from jobctl.sandbox import org, store
from jobctl.sandbox.records import DataError
from jobctl.sandbox.service import Store
from jobctl.sandbox.wire import WireError, parse_timestamp

REGION_PATTERN = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")
ACCOUNT_PATTERN = re.compile(r"\d{12}")
EMAIL_PATTERN = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
EXTERNAL_ID_PATTERN = re.compile(r"[\w+=,.@:/-]{2,1224}")
ACCOUNT_KEYS = {
    "Name", "Email", "Status", "State", "JoinedMethod", "JoinedTimestamp",
    "role", "externalId", "regions",
}  # fmt: skip
# What an account's State is when the file gives only its Status.
STATE_OF_STATUS = {
    "ACTIVE": "ACTIVE",
    "SUSPENDED": "SUSPENDED",
    "PENDING_CLOSURE": "PENDING_CLOSURE",
}
# An account's data: its store, from its ID (the management account's is the one loaded).
Stores = Callable[[str], store.Store]
_KIND_PREFIX = re.compile(r"^[a-z][a-z-]*(?=[.:])")


def load(path: str | Path, data: store.Store, stores: Stores | None = None) -> None:
    """Reads ``path`` into ``data`` (and its accounts' data into ``stores``); raises
    DataError naming the file and the bad value."""
    document = read(path)
    try:
        load_document(document, data, stores)
    except DataError as exc:
        raise DataError(f"{path}: {exc}") from None


def read(path: str | Path) -> Any:
    """The JSON document of a data file (DataError naming the file if it is none)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(
            f"{path}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None


def load_document(document: Any, data: store.Store, stores: Stores | None = None) -> None:
    loaders = {s.section.key: s.section.load for s in data.catalog if s.section is not None}
    expect(document, dict, "top level")
    extra = {"accounts", "$schema", "version"}
    if "regions" in document:
        only(document, {"regions", *extra}, "top level")
        _load_regions(document["regions"], data, "regions", loaders)
    else:
        only(document, {*loaders, *extra}, "top level")
        sections = {k: v for k, v in document.items() if k in loaders}
        if sections:
            _load_regions({data.default_region: sections}, data, "", loaders)
    own = any(key in document for key in ("regions", *loaders))
    for account_id, entry in _accounts(document).items():
        if "regions" not in entry:
            continue
        where = f"accounts.{account_id}.regions"
        if account_id == data.account_id:
            if own:
                raise DataError(f"{where}: the management account's regions are given at the "
                                "top level already")  # fmt: skip
            target = data
        elif stores is None:
            raise DataError(f"{where}: this file describes an organization; load it with "
                            "Sandbox(data_file=...)")  # fmt: skip
        else:
            target = stores(account_id)
        _load_regions(entry["regions"], target, where, loaders)


def _load_regions(regions: Any, data: store.Store, where: str, loaders: dict[str, Any]) -> None:
    expect(regions, dict, where or "top level")
    for region, services in regions.items():
        path = f"{where}.{region}" if where else f"regions.{region}"
        if not REGION_PATTERN.fullmatch(region):
            raise DataError(f"{path}: {region!r} is not a region name (like us-east-1)")
        expect(services, dict, path)
        only(services, set(loaders), path)
        for key, section in services.items():
            expect(section, dict, f"{path}.{key}")
            loaders[key](data, region, section, f"{path}.{key}")


# -- the organization's accounts ------------------------------------------------------------


def _accounts(document: dict[str, Any]) -> dict[str, Any]:
    accounts = document.get("accounts", {})
    expect(accounts, dict, "accounts")
    for account_id, entry in accounts.items():
        where = f"accounts.{account_id}"
        if not ACCOUNT_PATTERN.fullmatch(account_id):
            raise DataError(f"{where}: {account_id!r} is not an account ID (12 digits)")
        expect(entry, dict, where)
        only(entry, ACCOUNT_KEYS, where)
    return accounts


def organization_accounts(document: Any, anchor: datetime) -> list[org.OrgAccount] | None:
    """The organization a document describes (its "accounts", the management account
    first), or None when it lists none."""
    expect(document, dict, "top level")
    if "accounts" not in document:
        return None
    entries = _accounts(document)
    members = [i for i in entries if i != org.ACCOUNT_ID]
    head = org.management(anchor)
    found = [_account(head, entries.get(org.ACCOUNT_ID, {}), f"accounts.{org.ACCOUNT_ID}")]
    for number, account_id in enumerate(members, start=1):
        joined = anchor - org.HISTORY + org.HISTORY * number / (len(members) + 1)
        default = org.OrgAccount(
            id=account_id,
            name=f"sandbox-{number:04d}",
            email=f"aws+sandbox-{number:04d}@example.com",
            joined=joined.replace(microsecond=0),
        )
        found.append(_account(default, entries[account_id], f"accounts.{account_id}"))
    return found


def _account(default: org.OrgAccount, entry: dict[str, Any], where: str) -> org.OrgAccount:
    def text(
        key: str, pattern: re.Pattern[str] | None = None, choices: tuple[str, ...] = ()
    ) -> Any:
        value = entry.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise DataError(f"{where}.{key}: expected a string, got {type(value).__name__}")
        if pattern is not None and not pattern.fullmatch(value):
            raise DataError(f"{where}.{key}: {value!r} does not match {pattern.pattern}")
        if choices and value not in choices:
            raise DataError(f"{where}.{key}: {value!r} is not one of {', '.join(choices)}")
        return value

    role = entry.get("role", default.role if default.id == org.ACCOUNT_ID else True)
    if not isinstance(role, bool):
        raise DataError(f"{where}.role: expected true or false, got {type(role).__name__}")
    status = text("Status", choices=org.STATUSES) or default.status
    joined = default.joined
    if entry.get("JoinedTimestamp") is not None:
        try:
            joined = parse_timestamp(text("JoinedTimestamp"))
        except WireError:
            raise DataError(f"{where}.JoinedTimestamp: not an ISO 8601 time") from None
    name = text("Name", re.compile(r".{1,128}", re.DOTALL)) or default.name
    return org.OrgAccount(
        id=default.id,
        name=name,
        email=text("Email", EMAIL_PATTERN) or default.email,
        joined=joined,
        status=status,
        state=text("State", choices=org.STATES) or STATE_OF_STATUS[status],
        joined_method=(
            text("JoinedMethod", choices=org.JOINED_METHODS)
            or ("CREATED" if role or default.id == org.ACCOUNT_ID else "INVITED")
        ),
        role=role,
        external_id=text("externalId", EXTERNAL_ID_PATTERN),
    )


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
