"""Items as the store keeps them: boto3-shaped dicts, checked against the model.

Whatever feeds the store (the demo generator, a user's JSON file, ``add_job`` and
``update_job``) goes through ``coerce``: it walks the botocore shape, so unknown member
names and wrong types fail with the path of the offending value, and timestamps may be
given as datetimes or ISO 8601 strings. Each service's module then completes the members
the model requires but a user should not have to write (ARNs, flags), the way the real
service would.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from jobctl.sandbox import models
from jobctl.sandbox.wire import WireError, parse_timestamp

if TYPE_CHECKING:
    from botocore.model import Shape

    from jobctl.sandbox.service import SandboxService


class DataError(ValueError):
    """Sandbox data that does not fit the service's model; the message names the value."""


def item_shape(where: tuple[str, str, str]) -> Shape:
    """The shape of a result item: (botocore service, operation, result list member)."""
    return models.result_item_shape(*where)


def job_shape(service: SandboxService) -> Shape:
    """The shape of one job of a service's list operation."""
    name, operation = service.botocore_name, service.list_operation
    config = models.paginator_config(name, operation) or {}
    return models.result_item_shape(name, operation, config["result_key"])


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
