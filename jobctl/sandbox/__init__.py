"""The embedded local AWS endpoint: jobctl's list APIs over their real wire protocols.

    from jobctl.sandbox import Sandbox, Faults
    with Sandbox(jobs_per_service=300) as sb:
        boto3.client("batch", endpoint_url=sb.endpoint_url, ...)

Importing this package is cheap: ``jobctl --help`` must not pay for botocore, so the names
below are loaded on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jobctl.sandbox.catalog import SandboxData
    from jobctl.sandbox.faults import Faults
    from jobctl.sandbox.org import OrgAccount, Organization
    from jobctl.sandbox.records import DataError
    from jobctl.sandbox.server import RequestRecord, Sandbox

__all__ = [
    "DataError",
    "Faults",
    "OrgAccount",
    "Organization",
    "RequestRecord",
    "Sandbox",
    "SandboxData",
]

_HOMES = {
    "Sandbox": "jobctl.sandbox.server",
    "RequestRecord": "jobctl.sandbox.server",
    "Faults": "jobctl.sandbox.faults",
    "DataError": "jobctl.sandbox.records",
    "SandboxData": "jobctl.sandbox.catalog",
    "Organization": "jobctl.sandbox.org",
    "OrgAccount": "jobctl.sandbox.org",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        import importlib

        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'jobctl.sandbox' has no attribute {name!r}")
