"""Model-driven conversion between boto3-shaped values and wire values, plus validation.

One walker for every service: it follows the botocore shape, so a new member in a model is
served without touching this file. ``protocol`` is "rest-json", "json" or "cbor"; the JSON
protocols and CBOR differ only in how timestamps and blobs travel.
"""

from __future__ import annotations

import base64
import functools
import math
import re
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botocore.model import Shape

# Locations that live outside the body; the HTTP layer handles them.
NON_BODY_LOCATIONS = frozenset({"uri", "querystring", "header", "headers", "statusCode"})


class WireError(ValueError):
    """A request value that does not fit its shape (the service's validation error)."""


def wire_name(name: str, shape: Shape) -> str:
    return shape.serialization.get("name", name)


def epoch_seconds(value: datetime) -> int | float:
    """Seconds since the epoch: an int when whole, else milliseconds precision (as AWS)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    millis = round(value.timestamp() * 1000)
    return millis // 1000 if millis % 1000 == 0 else millis / 1000


def parse_timestamp(value: Any) -> datetime:
    """A datetime from epoch seconds (number or numeric string), ISO 8601 or an HTTP date."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            raise WireError(f"timestamp out of range {value!r}") from None
    if isinstance(value, str):
        try:
            return datetime.fromtimestamp(float(value), tz=timezone.utc)
        except (OverflowError, OSError):
            # A number past year 9999 (or inf): not a time any client can read.
            raise WireError(f"timestamp out of range {value!r}") from None
        except ValueError:
            pass
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            try:
                parsed = parsedate_to_datetime(value)
            except (TypeError, ValueError):
                raise WireError(f"invalid timestamp {value!r}") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    raise WireError(f"invalid timestamp {value!r}")


@functools.lru_cache(maxsize=1 << 18)
def timestamp_millis(value: Any) -> int:
    """A time in epoch milliseconds (0 when it is not one). Cached: every page request
    sorts the whole list by creation time, and parsing each job's time again for every
    page made a 20,000-job listing spend most of its time here."""
    try:
        return round(parse_timestamp(value).timestamp() * 1000)
    except WireError:
        return 0


def to_wire(value: Any, shape: Shape, protocol: str) -> Any:
    """A boto3-shaped value as it travels on the wire (before JSON/CBOR encoding)."""
    kind = shape.type_name
    if kind == "structure":
        out = {}
        for name, member in shape.members.items():  # type: ignore[attr-defined]
            if value.get(name) is None or member.serialization.get("location"):
                continue
            out[wire_name(name, member)] = to_wire(value[name], member, protocol)
        return out
    if kind == "list":
        return [to_wire(item, shape.member, protocol) for item in value]  # type: ignore[attr-defined]
    if kind == "map":
        return {k: to_wire(v, shape.value, protocol) for k, v in value.items()}  # type: ignore[attr-defined]
    if kind == "timestamp":
        return _timestamp_to_wire(parse_timestamp(value), shape, protocol)
    if kind == "blob":
        raw = value.encode() if isinstance(value, str) else bytes(value)
        return raw if protocol == "cbor" else base64.b64encode(raw).decode("ascii")
    if kind in ("float", "double") and protocol != "cbor" and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value


def _timestamp_to_wire(value: datetime, shape: Shape, protocol: str) -> Any:
    if protocol == "cbor":
        import cbor2

        return cbor2.CBORTag(1, epoch_seconds(value))  # RFC 8949 tag 1: epoch seconds
    fmt = shape.serialization.get("timestampFormat", "unixTimestamp")
    utc = value.astimezone(timezone.utc)
    if fmt == "iso8601":
        return utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if fmt == "rfc822":
        return format_datetime(utc, usegmt=True)
    return epoch_seconds(utc)


def from_wire(value: Any, shape: Shape, protocol: str, path: str) -> Any:
    """A wire value (decoded JSON/CBOR, or a header/query string) as boto3 would pass it."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            raise WireError(f"{path}: expected an object")
        # Members bound to the URI, query or headers never come from the body.
        by_wire = {
            wire_name(n, m): (n, m)
            for n, m in shape.members.items()  # type: ignore[attr-defined]
            if not m.serialization.get("location")
        }
        out = {}
        for key, item in value.items():
            if key in by_wire and item is not None:
                name, member = by_wire[key]
                out[name] = from_wire(item, member, protocol, f"{path}.{key}" if path else key)
        return out
    if kind == "list":
        if not isinstance(value, list):
            raise WireError(f"{path}: expected a list")
        member = shape.member  # type: ignore[attr-defined]
        return [from_wire(v, member, protocol, f"{path}[{i}]") for i, v in enumerate(value)]
    if kind == "map":
        if not isinstance(value, dict):
            raise WireError(f"{path}: expected a map")
        val = shape.value  # type: ignore[attr-defined]
        return {k: from_wire(v, val, protocol, f"{path}.{k}") for k, v in value.items()}
    if kind == "timestamp":
        return parse_timestamp(value)
    if kind == "blob":
        return bytes(value) if protocol == "cbor" else base64.b64decode(value)
    if kind in ("integer", "long"):
        return _integer(value, path)
    if kind == "boolean":
        if isinstance(value, str) and value in ("true", "false"):
            return value == "true"
        if not isinstance(value, bool):
            raise WireError(f"{path}: expected a boolean")
        return value
    if kind in ("float", "double"):
        try:
            return float(value)
        except (TypeError, ValueError):
            raise WireError(f"{path}: expected a number") from None
    if not isinstance(value, str):
        raise WireError(f"{path}: expected a string")
    return value


def _integer(value: Any, path: str) -> int:
    if isinstance(value, bool):
        raise WireError(f"{path}: expected an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    raise WireError(f"{path}: expected an integer, got {value!r}")


def validate(params: dict[str, Any], shape: Shape, protocol: str = "json") -> list[str]:
    """Constraint violations in the wording AWS's validation layer uses. The query
    protocol's services name a member in lower camel case ('durationSeconds')."""
    problems: list[str] = []
    _check_structure(params, shape, "", problems, protocol == "query")
    return problems


def _label(path: str, name: str, member: Shape, lower: bool) -> str:
    wire = wire_name(name, member)
    if lower and not path:
        wire = wire[:1].lower() + wire[1:]
    return f"{path}{wire}"


def _check_structure(
    value: dict[str, Any], shape: Shape, path: str, out: list[str], lower: bool = False
) -> None:
    for name in shape.required_members:  # type: ignore[attr-defined]
        if value.get(name) is None:
            member = shape.members[name]  # type: ignore[attr-defined]
            label = _label(path, name, member, lower)
            out.append(
                f"Value null at '{label}' failed to satisfy constraint: Member must not be null"
            )
    for name, item in value.items():
        member = shape.members.get(name)  # type: ignore[attr-defined]
        if member is not None and item is not None:
            _check_value(item, member, _label(path, name, member, lower), out)


def _check_value(value: Any, shape: Shape, label: str, out: list[str]) -> None:
    meta = shape.metadata
    bad = f"Value '{value}' at '{label}' failed to satisfy constraint: Member must"
    kind = shape.type_name
    if kind == "structure":
        _check_structure(value, shape, f"{label}.", out)
    elif kind == "list":
        for i, item in enumerate(value):
            _check_value(item, shape.member, f"{label}.{i + 1}", out)  # type: ignore[attr-defined]
    elif kind in ("integer", "long"):
        if "min" in meta and value < meta["min"]:
            out.append(f"{bad} have value greater than or equal to {meta['min']}")
        if "max" in meta and value > meta["max"]:
            out.append(f"{bad} have value less than or equal to {meta['max']}")
    elif kind == "string":
        enum = getattr(shape, "enum", None)
        if enum and value not in enum:
            out.append(f"{bad} satisfy enum value set: [{', '.join(enum)}]")
        if "min" in meta and len(value) < meta["min"]:
            out.append(f"{bad} have length greater than or equal to {meta['min']}")
        if "max" in meta and len(value) > meta["max"]:
            out.append(f"{bad} have length less than or equal to {meta['max']}")
        # Smithy patterns are not anchored: a match anywhere satisfies them.
        if "pattern" in meta and not _search(meta["pattern"], value):
            out.append(f"{bad} satisfy regular expression pattern: {meta['pattern']}")


def _search(pattern: str, value: str) -> bool:
    try:
        return re.search(pattern, value) is not None
    except re.error:  # an ECMAScript construct Python lacks: do not reject the request
        return True
