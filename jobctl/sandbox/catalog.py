"""The sandbox's services, found through ``jobctl.registry``: each API module's sandbox is
``jobctl.sandbox.services.<module>.SANDBOX``. Adding an API to the registry and writing
its sandbox module is all it takes for the sandbox to serve it.

``SandboxData`` is the store with this catalog, the class the Python API documents.
"""

from __future__ import annotations

import importlib
from datetime import datetime
from functools import cache

from jobctl import registry
from jobctl.sandbox import clock
from jobctl.sandbox import services as package
from jobctl.sandbox.service import ACCOUNT_ID, SandboxService
from jobctl.sandbox.store import Store


def module_names() -> tuple[str, ...]:
    """The registry's API modules, in its order, then the sandbox's own extra services."""
    return (*registry.APIS, *package.EXTRA_MODULES)


def load(module: str) -> SandboxService:
    found = importlib.import_module(f"{package.__name__}.{module}").SANDBOX
    if not isinstance(found, SandboxService):
        raise TypeError(f"{package.__name__}.{module}.SANDBOX is not a SandboxService")
    return found


@cache
def services() -> tuple[SandboxService, ...]:
    return tuple(load(module) for module in module_names())


def names() -> tuple[str, ...]:
    """The services' names, as requests are logged and faults scoped ("batch-jobs")."""
    return tuple(service.name for service in services())


def operations() -> tuple[str, ...]:
    """Every operation the sandbox serves, by name, sorted."""
    return tuple(sorted({op.name for service in services() for op in service.operations}))


def service(name: str) -> SandboxService:
    for found in services():
        if found.name == name:
            return found
    raise ValueError(f"unknown service {name!r}; one of {', '.join(names())}")


class SandboxData(Store):
    """Every region's jobs and their parents, for every API the sandbox serves, of one
    account (by default the management account). ``anchor`` is when the data ends (what
    demo timelines go back from): by default the clock's start, as ``Sandbox`` resolves it
    (``JOBCTL_SANDBOX_CLOCK``, else now)."""

    def __init__(
        self,
        default_region: str = "us-east-1",
        *,
        anchor: datetime | None = None,
        account_id: str = ACCOUNT_ID,
    ):
        super().__init__(services(), default_region, anchor or clock.resolve().start, account_id)
