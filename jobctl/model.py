"""What botocore's service models say, read without importing botocore.

`jobctl --help` and shell completion must stay fast, so enum values and limits are read
straight from botocore's data files (found, not imported). Parsing a model costs up to
8 ms (IoT's is 1.3 MB of JSON), on every `jobctl iot --help` and every TAB, so the few
facts jobctl reads (each input member's type, enum, min, max, pattern) are kept in a small
per-user cache under $XDG_CACHE_HOME/jobctl/, keyed by the model file's path, mtime and
size: upgrading botocore invalidates it. A cache that cannot be read or written is
ignored; it only ever saves time.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

# What is kept of an input member's shape: all that jobctl's flags and checks read.
_FACETS = ("type", "enum", "min", "max", "pattern")
_CACHE_FORMAT = 1


@cache
def _data_dir() -> Path:
    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("botocore is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@cache
def _model_file(client_name: str) -> Path:
    """The newest service-2 model file botocore ships for a client name."""
    service_dir = _data_dir() / client_name
    versions = sorted(p for p in service_dir.iterdir() if p.is_dir())
    if not versions:
        raise RuntimeError(f"botocore has no model for {client_name}")
    for name in ("service-2.json.gz", "service-2.json"):
        path = versions[-1] / name
        if path.exists():
            return path
    raise RuntimeError(f"botocore's model for {client_name} is missing")


@cache
def service_model(client_name: str) -> dict[str, Any]:
    """The newest service-2 model botocore ships for a client name ("batch", "iot")."""
    path = _model_file(client_name)
    if path.suffix == ".gz":
        import gzip  # only on a cache miss: it pulls in shutil, bz2 and lzma

        with gzip.open(path, "rb") as handle:
            return json.loads(handle.read())  # type: ignore[no-any-return]
    return json.loads(path.read_bytes())  # type: ignore[no-any-return]


def _cache_file(client_name: str) -> Path | None:
    """Where a client's cache lives; None when there is no absolute place for it."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or "")
    if not base.is_absolute():  # unset, empty or relative: the XDG spec says ignore it
        base = Path(os.path.expanduser("~")) / ".cache"
    if not base.is_absolute():  # no home directory at all
        return None
    return base / "jobctl" / f"model-{client_name}.json"


def _source_key(client_name: str) -> str:
    path = _model_file(client_name)
    stat = path.stat()
    return f"{_CACHE_FORMAT}:{path}:{stat.st_mtime_ns}:{stat.st_size}"


def _read_cache(path: Path | None, source: str) -> dict[str, Any]:
    """The cached operations for this exact model file; {} when absent, stale or broken."""
    if path is None:
        return {}
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("source") != source:
        return {}
    operations = data.get("operations")
    return operations if isinstance(operations, dict) else {}


def _write_cache(path: Path | None, source: str, operations: dict[str, Any]) -> None:
    """Replace the cache file atomically (a reader never sees half of it, and concurrent
    writers at worst lose an update); give up quietly when it cannot be written."""
    if path is None:
        return
    import tempfile  # only on a miss: it is not free to import

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"source": source, "operations": operations}, handle)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _summarize_inputs(client_name: str, operation: str) -> dict[str, dict[str, Any]]:
    model = service_model(client_name)
    shapes = model["shapes"]
    input_name = model["operations"][operation]["input"]["shape"]
    return {
        member: {k: v for k, v in shapes[ref["shape"]].items() if k in _FACETS}
        for member, ref in shapes[input_name]["members"].items()
    }


@cache
def _operation_inputs(client_name: str, operation: str) -> dict[str, dict[str, Any]]:
    """Each input member of an operation and its shape's facets, from the cache if fresh."""
    source = _source_key(client_name)
    cache_file = _cache_file(client_name)
    operations = _read_cache(cache_file, source)
    found = operations.get(operation)
    if isinstance(found, dict) and all(isinstance(shape, dict) for shape in found.values()):
        return found
    inputs = _summarize_inputs(client_name, operation)
    _write_cache(cache_file, source, {**operations, operation: inputs})
    return inputs


def member_shape(client_name: str, operation: str, member: str) -> dict[str, Any]:
    """The shape of one input member of an operation: its type, and its enum, min, max
    and pattern where the model gives them."""
    return _operation_inputs(client_name, operation)[member]


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
