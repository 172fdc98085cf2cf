"""One module per AWS list API, each defining SPEC (a `ServiceSpec`); `jobctl.registry`
lists them. Modules import neither boto3 nor rich, so `--help` and completion stay fast."""

from __future__ import annotations

import importlib

from jobctl.registry import APIS, commands, modules_of
from jobctl.services.spec import ServiceSpec


def spec_of_module(module: str) -> ServiceSpec:
    found = importlib.import_module(f"jobctl.services.{module}").SPEC
    assert isinstance(found, ServiceSpec), module
    return found


def specs_of(command: str) -> list[ServiceSpec]:
    """The APIs serving one subcommand (`batch`: ListServiceJobs and ListJobs)."""
    return [spec_of_module(module) for module in modules_of(command)]


def all_specs() -> list[ServiceSpec]:
    return [spec_of_module(module) for module in APIS]


def get_spec(name: str) -> ServiceSpec:
    """An API by its name (`batch-jobs`) or, for a one-API subcommand, by the subcommand."""
    for spec in all_specs():
        if spec.name == name:
            return spec
    raise KeyError(name)


__all__ = ["ServiceSpec", "all_specs", "commands", "get_spec", "specs_of"]


def created_is_start() -> frozenset[str]:
    """The services whose jobs carry no start time: their creation time stands in for it."""
    return frozenset(spec.service for spec in all_specs() if spec.created_is_start)


def reason_field(service: str) -> str | None:
    """The item field that says why a job of this service is in its state, if any."""
    for spec in all_specs():
        if spec.service == service and spec.reason_field:
            return spec.reason_field
    return None
