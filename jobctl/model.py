"""What botocore's service models say, read without importing botocore.

`jobctl --help` and shell completion must stay fast, so enum values and limits are read
straight from botocore's data files (found, not imported) and cached per process.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
from functools import cache
from pathlib import Path
from typing import Any


@cache
def _data_dir() -> Path:
    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("botocore is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@cache
def service_model(client_name: str) -> dict[str, Any]:
    """The newest service-2 model botocore ships for a client name ("batch", "iot")."""
    service_dir = _data_dir() / client_name
    versions = sorted(p for p in service_dir.iterdir() if p.is_dir())
    if not versions:
        raise RuntimeError(f"botocore has no model for {client_name}")
    newest = versions[-1]
    for name, opener in (("service-2.json.gz", gzip.open), ("service-2.json", open)):
        path = newest / name
        if path.exists():
            with opener(path, "rb") as handle:  # type: ignore[operator]
                return json.loads(handle.read())
    raise RuntimeError(f"botocore's model for {client_name} is missing")


def member_shape(client_name: str, operation: str, member: str) -> dict[str, Any]:
    """The shape of one input member of an operation."""
    model = service_model(client_name)
    shapes = model["shapes"]
    input_name = model["operations"][operation]["input"]["shape"]
    target = shapes[input_name]["members"][member]["shape"]
    return shapes[target]


def enum_values(client_name: str, operation: str, member: str) -> tuple[str, ...]:
    """The enum values botocore knows for an input member, in the model's order."""
    return tuple(member_shape(client_name, operation, member).get("enum", ()))


def output_enum_values(client_name: str, shape_name: str, member: str) -> tuple[str, ...]:
    """The enum values of a member of a named output shape (a job summary's status)."""
    shapes = service_model(client_name)["shapes"]
    target = shapes[shape_name]["members"][member]["shape"]
    return tuple(shapes[target].get("enum", ()))


def max_results(client_name: str, operation: str, member: str) -> int | None:
    """The model's maximum for a page-size member, when the model states one."""
    value = member_shape(client_name, operation, member).get("max")
    return int(value) if value is not None else None


@cache
def paginator_config(client_name: str, operation: str) -> dict[str, Any]:
    """botocore's paginator description: input_token, output_token, result_key, limit_key."""
    service_dir = _data_dir() / client_name
    newest = sorted(p for p in service_dir.iterdir() if p.is_dir())[-1]
    with open(newest / "paginators-1.json", "rb") as handle:
        return json.loads(handle.read())["pagination"][operation]  # type: ignore[no-any-return]
