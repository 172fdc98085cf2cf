"""Each service module agrees with botocore's model of its API.

A renamed member, a new timestamp, a new filterable input or a new page-size limit in a
future botocore must fail here instead of silently dropping data or a flag.
"""

from __future__ import annotations

import re
from pathlib import Path

import botocore.session
import pytest
from botocore import xform_name

from jobctl.services import all_specs, amplify, amplify_backend, batch, iot, snowball
from jobctl.services.spec import ServiceSpec

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
MODULES = {
    "amplify": amplify,
    "amplify-backend": amplify_backend,
    "iot": iot,
    "batch": batch,
    "snowball": snowball,
}
SPECS = {spec.name: spec for spec in all_specs()}
# The page-size maxima of the API references.
MAX_PAGE_SIZE = {"amplify": 50, "amplify-backend": 25, "iot": 250, "batch": 100, "snowball": 100}


def _session() -> botocore.session.Session:
    return botocore.session.get_session()


def _operation(spec: ServiceSpec):  # type: ignore[no-untyped-def]
    return _session().get_service_model(spec.client).operation_model(spec.operation)


def _item_shape(spec: ServiceSpec):  # type: ignore[no-untyped-def]
    return _operation(spec).output_shape.members[spec.result_key].member


def _paging(spec: ServiceSpec) -> dict[str, str]:
    return _session().get_paginator_model(spec.client).get_paginator(spec.operation)


def batch_filter_names() -> set[str]:
    """The filter names botocore's model documents for ListServiceJobs (its <dt> terms):
    the model, newer than the seed pages, is the source of truth."""
    operation = _session().get_service_model("batch").operation_model("ListServiceJobs")
    documentation = operation.input_shape.members["filters"].documentation
    return set(re.findall(r"<dt>([A-Z][A-Z_]{3,})</dt>", documentation))


def seed_filter_names() -> set[str]:
    """The filter names the Batch seed page documents (its indented upper-case lines)."""
    text = (SEEDS / "batch-list_service_jobs.txt").read_text()
    return set(re.findall(r"(?m)^\s+([A-Z][A-Z_]{3,})\s*$", text))


def test_five_services_in_contract_order() -> None:
    assert list(SPECS) == ["amplify", "amplify-backend", "iot", "batch", "snowball"]


def test_model_documents_every_batch_filter_of_the_seed_page() -> None:
    four = {"JOB_NAME", "BEFORE_CREATED_AT", "AFTER_CREATED_AT", "SHARE_IDENTIFIER"}
    assert four <= batch_filter_names()
    if not SEEDS.is_dir():
        pytest.skip("shared/seeds is not beside this checkout")
    assert seed_filter_names() == four


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
    declared = {key for key, kind in MODULES[name].TIMESTAMPS.items() if kind == "datetime"}
    assert declared == modelled


def test_batch_epoch_ms_timestamps_are_the_model_longs() -> None:
    item = _item_shape(SPECS["batch"])
    longs = {key for key, shape in item.members.items() if shape.type_name == "long"}
    assert set(batch.TIMESTAMPS) == longs
    assert set(batch.TIMESTAMPS.values()) == {"epoch_ms"}


def test_amplify_backend_text_timestamps_are_the_model_time_strings() -> None:
    item = _item_shape(SPECS["amplify-backend"])
    times = {key for key in item.members if key.endswith("Time")}
    assert set(amplify_backend.TIMESTAMPS) == times
    assert all(item.members[key].type_name == "string" for key in times)
    assert set(amplify_backend.TIMESTAMPS.values()) == {"text"}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_timestamp_keys_exist_in_the_item_shape(name: str) -> None:
    item = _item_shape(SPECS[name])
    assert set(MODULES[name].TIMESTAMPS) <= set(item.members)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_filter_input_has_a_flag(name: str) -> None:
    spec = SPECS[name]
    paging = _paging(spec)
    inputs = set(_operation(spec).input_shape.members)
    filterable = inputs - {paging["input_token"], paging["limit_key"]}
    params = {flag.param for flag in spec.flags}
    if name == "batch":
        # `filters` is served by one flag per filter name.
        filterable.discard("filters")
        assert batch_filter_names() <= params
    assert filterable <= params


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_flag_fills_an_input_member(name: str) -> None:
    spec = SPECS[name]
    inputs = set(_operation(spec).input_shape.members)
    strangers = {flag.param for flag in spec.flags} - inputs
    expected = batch_filter_names() if name == "batch" else set()
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
        "snowball": "JobListEntries",
    }
