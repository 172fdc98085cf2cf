"""Each service module agrees with botocore's model of its API.

A renamed member, a new timestamp, a new filterable input or a new page-size limit in a
future botocore must fail here instead of silently dropping data or a flag.
"""

from __future__ import annotations

import importlib
import re
from types import ModuleType

import botocore.session
import pytest
from botocore import xform_name

from jobctl.registry import APIS
from jobctl.services import all_specs, amplify_backend, batch, batch_jobs
from jobctl.services.spec import ServiceSpec

MODULES: dict[str, ModuleType] = {}
for _module in APIS:
    _found = importlib.import_module(f"jobctl.services.{_module}")
    MODULES[_found.SPEC.name] = _found
SPECS = {spec.name: spec for spec in all_specs()}
# The page-size maxima of the API references.
MAX_PAGE_SIZE = {
    "amplify": 50,
    "amplify-backend": 25,
    "iot": 250,
    "batch": 100,
    "batch-jobs": 1000,
    "snowball": 100,
}
# The APIs whose `filters` input is served by one flag per filter name.
FILTERED = {"batch", "batch-jobs"}


def _session() -> botocore.session.Session:
    return botocore.session.get_session()


def _operation(spec: ServiceSpec):  # type: ignore[no-untyped-def]
    return _session().get_service_model(spec.client).operation_model(spec.operation)


def _item_shape(spec: ServiceSpec):  # type: ignore[no-untyped-def]
    return _operation(spec).output_shape.members[spec.result_key].member


def _paging(spec: ServiceSpec) -> dict[str, str]:
    return _session().get_paginator_model(spec.client).get_paginator(spec.operation)


def filter_names(spec: ServiceSpec) -> set[str]:
    """The filter names botocore's model documents for a Batch list operation (its <dt>
    terms): the model is the source of truth."""
    documentation = _operation(spec).input_shape.members["filters"].documentation
    return set(re.findall(r"<dt>([A-Z][A-Z_]{3,})</dt>", documentation))


def test_six_apis_serve_the_five_services_in_order() -> None:
    assert list(SPECS) == ["amplify", "amplify-backend", "iot", "batch", "batch-jobs", "snowball"]
    services = list(dict.fromkeys(spec.service for spec in SPECS.values()))
    assert services == ["amplify", "amplify-backend", "iot", "batch", "snowball"]


def test_the_model_documents_the_filters_of_each_batch_api() -> None:
    common = {"JOB_NAME", "BEFORE_CREATED_AT", "AFTER_CREATED_AT", "SHARE_IDENTIFIER"}
    assert common | {"QUOTA_SHARE_NAME"} <= filter_names(SPECS["batch"])
    assert common | {"JOB_DEFINITION"} <= filter_names(SPECS["batch-jobs"])


@pytest.mark.parametrize("name", sorted(SPECS))
def test_paginator_and_keys_match_botocore(name: str) -> None:
    spec = SPECS[name]
    paging = _paging(spec)
    assert xform_name(spec.operation) == spec.paginator
    assert paging["result_key"] == spec.result_key
    assert paging["limit_key"] == spec.limit_member
    output = _operation(spec).output_shape
    assert output.members[spec.result_key].type_name == "list"
    assert spec.limit_member in _operation(spec).input_shape.members


@pytest.mark.parametrize("name", sorted(SPECS))
def test_datetime_timestamps_are_exactly_the_model_timestamps(name: str) -> None:
    spec = SPECS[name]
    item = _item_shape(spec)
    modelled = {key for key, shape in item.members.items() if shape.type_name == "timestamp"}
    stamps = getattr(MODULES[name], "TIMESTAMPS", batch.TIMESTAMPS)
    declared = {key for key, kind in stamps.items() if kind == "datetime"}
    assert declared == modelled


@pytest.mark.parametrize("name", sorted(FILTERED))
def test_batch_epoch_ms_timestamps_are_the_model_longs(name: str) -> None:
    item = _item_shape(SPECS[name])
    longs = {key for key, shape in item.members.items() if shape.type_name == "long"}
    assert set(batch.TIMESTAMPS) == longs
    assert set(batch.TIMESTAMPS.values()) == {"epoch_ms"}
    assert batch_jobs.SPEC.to_job is batch.to_job  # one normalizer for both


def test_amplify_backend_text_timestamps_are_the_model_time_strings() -> None:
    item = _item_shape(SPECS["amplify-backend"])
    times = {key for key in item.members if key.endswith("Time")}
    assert set(amplify_backend.TIMESTAMPS) == times
    assert all(item.members[key].type_name == "string" for key in times)
    assert set(amplify_backend.TIMESTAMPS.values()) == {"text"}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_timestamp_keys_exist_in_the_item_shape(name: str) -> None:
    item = _item_shape(SPECS[name])
    assert set(getattr(MODULES[name], "TIMESTAMPS", batch.TIMESTAMPS)) <= set(item.members)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_filter_input_has_a_flag(name: str) -> None:
    spec = SPECS[name]
    paging = _paging(spec)
    inputs = set(_operation(spec).input_shape.members)
    filterable = inputs - {paging["input_token"], paging["limit_key"]}
    params = {flag.param for flag in spec.flags}
    if name in FILTERED:
        # `filters` is served by one flag per filter name.
        filterable.discard("filters")
        assert filter_names(spec) <= params
    assert filterable <= params


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_flag_fills_an_input_member(name: str) -> None:
    spec = SPECS[name]
    inputs = set(_operation(spec).input_shape.members)
    strangers = {flag.param for flag in spec.flags} - inputs
    expected = filter_names(spec) if name in FILTERED else set()
    assert strangers == expected


@pytest.mark.parametrize("name", sorted(SPECS))
def test_enum_and_validated_flags_name_real_members(name: str) -> None:
    spec = SPECS[name]
    inputs = _operation(spec).input_shape.members
    for flag in spec.flags:
        if flag.enum_member:
            assert inputs[flag.enum_member].enum, flag.option
        if flag.validate_member:
            assert flag.validate_member in inputs, flag.option


@pytest.mark.parametrize("name", sorted(SPECS))
def test_max_page_size(name: str) -> None:
    assert SPECS[name].max_page_size() == MAX_PAGE_SIZE[name]


def test_result_keys_are_the_documented_ones() -> None:
    assert {name: spec.result_key for name, spec in SPECS.items()} == {
        "amplify": "jobSummaries",
        "amplify-backend": "Jobs",
        "iot": "jobs",
        "batch": "jobSummaryList",
        "batch-jobs": "jobSummaryList",
        "snowball": "JobListEntries",
    }
