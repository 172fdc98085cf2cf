"""One module per AWS API. Each defines SPEC, a jobctl.spec.ServiceSpec.

Adding a service means adding a module here and a line below.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jobctl.spec import ServiceSpec

# subcommand → module; modules import neither boto3 nor rich, so --help stays fast.
SERVICE_MODULES: dict[str, str] = {
    "amplify": "jobctl.services.amplify",
    "amplify-backend": "jobctl.services.amplify_backend",
    "iot": "jobctl.services.iot",
    "batch": "jobctl.services.batch",
    "snowball": "jobctl.services.snowball",
}


def get_spec(name: str) -> ServiceSpec:
    return importlib.import_module(SERVICE_MODULES[name]).SPEC  # type: ignore[no-any-return]


def all_specs() -> list[ServiceSpec]:
    return [get_spec(name) for name in SERVICE_MODULES]
