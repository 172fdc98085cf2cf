"""botocore's service models, loaded on first use and shared by the whole sandbox.

The sandbox needs shape *objects* (serialization names, timestamp formats, constraints), so
unlike ``jobctl.model`` it goes through botocore's loader. Nothing here runs at import.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botocore.model import OperationModel, ServiceModel, Shape

_lock = threading.Lock()


@cache
def _session() -> Any:
    from jobctl.aws.clients import isolated_botocore_session

    return isolated_botocore_session()


def service_model(botocore_name: str) -> ServiceModel:
    # One lock: botocore's loader is not documented as thread-safe and the first requests
    # of a fan-out arrive concurrently.
    with _lock:
        return _cached_service_model(botocore_name)


@cache
def _cached_service_model(botocore_name: str) -> ServiceModel:
    return _session().get_service_model(botocore_name)


def operation_model(botocore_name: str, operation: str) -> OperationModel:
    return service_model(botocore_name).operation_model(operation)


@cache  # asked on every request; treat the returned dict as read-only
def paginator_config(botocore_name: str, operation: str) -> dict[str, str] | None:
    """botocore's paginator config (input_token, output_token, limit_key, result_key)."""
    with _lock:
        model = _session().get_paginator_model(botocore_name)
    try:
        return dict(model.get_paginator(operation))
    except ValueError:  # botocore has no paginator for this operation
        return None


@cache
def partition_regions(partition: str) -> tuple[str, ...]:
    """The regions of one partition ("aws"), from botocore's endpoints data."""
    with _lock:
        data = _session().get_component("data_loader").load_data("endpoints")
    found = next(p for p in data["partitions"] if p["partition"] == partition)
    return tuple(sorted(found["regions"]))


def result_item_shape(botocore_name: str, operation: str, result_key: str) -> Shape:
    """The shape of one item of an operation's result list (a job summary)."""
    output = operation_model(botocore_name, operation).output_shape
    return output.members[result_key].member  # type: ignore[attr-defined,union-attr]


def enum_values(shape: Shape) -> tuple[str, ...]:
    return tuple(getattr(shape, "enum", None) or ())
