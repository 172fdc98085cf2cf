"""The normalizer: state tables, names, timestamps, and items a broken server might send.

docs/reference.md, "The normalized job" and "States", is the oracle: every status of its
state table, every field, every timestamp form the services send.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from jobctl.job import FIELDS, STATES, as_mapping, first_line, to_iso
from jobctl.services import all_specs, amplify, amplify_backend, batch, iot, snowball

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "reference.md"
COLUMNS = ("amplify", "amplify-backend", "iot", "batch", "snowball")


def documented_states() -> dict[str, dict[str, str]]:
    """docs/reference.md's state table, column by column: the page users read is the
    oracle, so the code and the page cannot drift apart."""
    section = REFERENCE.read_text().split("## States", 1)[1].split("\n## ", 1)[0]
    table: dict[str, dict[str, str]] = {service: {} for service in COLUMNS}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != len(COLUMNS) + 1 or cells[0] in ("state", "") or set(cells[0]) <= {"-"}:
            continue
        state = cells[0]
        for service, cell in zip(COLUMNS, cells[1:], strict=True):
            for status in (s.strip() for s in cell.split(",")):
                if status and status != "—":
                    table[service][status] = state
    return table


CONTRACT_STATES = documented_states()


def test_the_documented_state_table_is_read_whole() -> None:
    assert sum(len(table) for table in CONTRACT_STATES.values()) == 45
    assert CONTRACT_STATES["snowball"]["WithAWSSortingFacility"] == "running"


def test_every_api_of_a_service_maps_states_as_documented() -> None:
    """Iterates the registry: a new API of a documented service must follow its column."""
    for spec in all_specs():
        assert dict(spec.states) == CONTRACT_STATES[spec.service], spec.name


MODULES = {
    "amplify": amplify,
    "amplify-backend": amplify_backend,
    "iot": iot,
    "batch": batch,
    "snowball": snowball,
}
# Where each service's item keeps its status.
STATUS_KEY = {
    "amplify": "status",
    "amplify-backend": "Status",
    "iot": "status",
    "batch": "status",
    "snowball": "JobState",
}
# (botocore client, shape holding the job status enum) for the services that model one.
STATUS_ENUM_SHAPES = {
    "amplify": ("amplify", "JobStatus"),
    "iot": ("iot", "JobStatus"),
    "batch": ("batch", "ServiceJobStatus"),
    "snowball": ("snowball", "JobState"),
}

UTC = timezone.utc


def _cases() -> list[tuple[str, str, str]]:
    return [
        (service, status, state)
        for service, table in CONTRACT_STATES.items()
        for status, state in table.items()
    ]


@pytest.mark.parametrize(("service", "status", "state"), _cases())
def test_every_contract_status_maps_to_its_state(service: str, status: str, state: str) -> None:
    module = MODULES[service]
    job = module.to_job({STATUS_KEY[service]: status}, "us-east-1")
    assert job["state"] == state
    assert job["status"] == status  # the service's own string, unchanged


@pytest.mark.parametrize("service", sorted(CONTRACT_STATES))
def test_state_tables_are_exactly_the_contract(service: str) -> None:
    table = MODULES[service].STATES
    assert table == CONTRACT_STATES[service]


@pytest.mark.parametrize(
    ("status", "state"),
    [
        ("completed", "succeeded"),
        ("Completed", "succeeded"),
        ("in_progress", "running"),
        ("In_Progress", "running"),
        ("  failed  ", "failed"),
        ("Canceled", "cancelled"),
        ("cancelled", "cancelled"),
        ("success", "succeeded"),
        ("queued", "queued"),
    ],
)
def test_amplify_backend_status_matches_in_any_case(status: str, state: str) -> None:
    job = amplify_backend.to_job({"Status": status}, "eu-west-1")
    assert job["state"] == state
    assert job["status"] == status


@pytest.mark.parametrize("service", sorted(STATUS_ENUM_SHAPES))
def test_every_botocore_status_is_in_the_state_table(service: str) -> None:
    """A status botocore adds must fail here, not silently become `unknown`."""
    client_name, shape_name = STATUS_ENUM_SHAPES[service]
    model = botocore.session.get_session().get_service_model(client_name)
    statuses = model.shape_for(shape_name).enum
    assert statuses, f"botocore no longer models {shape_name} as an enum"
    missing = sorted(set(statuses) - set(MODULES[service].STATES))
    assert missing == []


@pytest.mark.parametrize("service", sorted(STATUS_ENUM_SHAPES))
def test_status_enum_shape_is_the_one_items_carry(service: str) -> None:
    """The shape checked above is the one the listed item's status member uses."""
    client_name, shape_name = STATUS_ENUM_SHAPES[service]
    spec = next(s for s in all_specs() if s.name == service)
    model = botocore.session.get_session().get_service_model(client_name)
    output = model.operation_model(spec.operation).output_shape
    item = output.members[spec.result_key].member
    assert item.members[STATUS_KEY[service]].name == shape_name


@pytest.mark.parametrize("service", sorted(MODULES))
@pytest.mark.parametrize("status", ["BOGUS", "", "NOT_A_STATUS", "DONE", 42, None, ["RUNNING"]])
def test_unknown_status_is_unknown_never_an_error(service: str, status: Any) -> None:
    job = MODULES[service].to_job({STATUS_KEY[service]: status}, "us-east-1")
    assert job["state"] == "unknown"
    assert job["status"] == status


@pytest.mark.parametrize("service", sorted(MODULES))
def test_states_are_from_the_documented_set(service: str) -> None:
    assert set(MODULES[service].STATES.values()) <= set(STATES) - {"unknown"}


@pytest.mark.parametrize("service", sorted(MODULES))
def test_empty_item_gives_every_field_with_nulls(service: str) -> None:
    job = MODULES[service].to_job({}, "ap-south-1")
    assert list(job) == [*FIELDS, "raw"]
    assert job["service"] == service
    assert job["region"] == "ap-south-1"
    assert job["state"] == "unknown"
    for key in FIELDS:
        if key not in ("service", "region", "state"):
            assert job[key] is None, key
    assert job["raw"] == {}


@pytest.mark.parametrize("service", sorted(MODULES))
@pytest.mark.parametrize(
    "item",
    [None, 7, "text", ["a", "b"], 3.5, True, b"bytes"],
    ids=["None", "int", "str", "list", "float", "bool", "bytes"],
)
def test_non_dict_items_never_raise(service: str, item: Any) -> None:
    job = MODULES[service].to_job(as_mapping(item), "us-east-1")
    assert job["service"] == service
    assert job["state"] == "unknown"
    assert job["id"] is None
    assert job["raw"] == {"value": item}


# Values of the wrong type for any key a normalizer reads.
ODD_VALUES: list[Any] = [None, {"nested": 1}, ["x"], 1.5, True, Decimal("1.5"), object()]
READ_KEYS = ("jobId", "JobId", "jobName", "commitMessage", "Operation", "Description", "jobArn")


@pytest.mark.parametrize("service", sorted(MODULES))
@pytest.mark.parametrize("shift", range(len(ODD_VALUES)))
def test_odd_value_types_never_raise(service: str, shift: int) -> None:
    keys = sorted({*MODULES[service].TIMESTAMPS, STATUS_KEY[service], *READ_KEYS})
    item = {key: ODD_VALUES[(i + shift) % len(ODD_VALUES)] for i, key in enumerate(keys)}
    job = MODULES[service].to_job(item, "us-east-1")
    assert job["state"] == "unknown"
    for field in ("created_at", "started_at", "ended_at", "updated_at"):
        assert job[field] is None or job[field].endswith("Z")


@pytest.mark.parametrize("service", sorted(MODULES))
def test_none_values_give_nulls(service: str) -> None:
    keys = set(MODULES[service].TIMESTAMPS) | {STATUS_KEY[service]}
    item = dict.fromkeys(keys)
    job = MODULES[service].to_job(item, "us-east-1")
    assert job["state"] == "unknown"
    assert job["created_at"] is None
    assert job["raw"] == item  # None stays None


# -- one full item per service ------------------------------------------------------


def test_amplify_item() -> None:
    item = {
        "jobArn": "arn:aws:amplify:us-east-1:123456789012:apps/d1/branches/main/jobs/7",
        "jobId": "7",
        "commitId": "abc123",
        "commitMessage": "\n\n  Fix the login page  \n\nLonger description\n",
        "commitTime": datetime(2024, 5, 1, 9, 0, tzinfo=UTC),
        "startTime": datetime(2024, 5, 1, 10, 0, 0, 250000, tzinfo=UTC),
        "endTime": datetime(2024, 5, 1, 10, 5, tzinfo=UTC),
        "status": "SUCCEED",
        "jobType": "RELEASE",
    }
    job = amplify.to_job(item, "us-east-1")
    assert job == {
        "service": "amplify",
        "region": "us-east-1",
        "id": "7",
        "name": "Fix the login page",
        "status": "SUCCEED",
        "state": "succeeded",
        "created_at": "2024-05-01T10:00:00.250Z",
        "started_at": "2024-05-01T10:00:00.250Z",
        "ended_at": "2024-05-01T10:05:00Z",
        "updated_at": None,
        "arn": "arn:aws:amplify:us-east-1:123456789012:apps/d1/branches/main/jobs/7",
        "raw": {
            **item,
            "commitTime": "2024-05-01T09:00:00Z",
            "startTime": "2024-05-01T10:00:00.250Z",
            "endTime": "2024-05-01T10:05:00Z",
        },
    }
    # The service's item itself is not modified.
    assert isinstance(item["startTime"], datetime)


@pytest.mark.parametrize(
    ("message", "name"),
    [
        ("one line", "one line"),
        ("first\nsecond", "first"),
        ("first\r\nsecond", "first"),
        ("\n   \n\tsecond line\nthird", "second line"),
        ("", None),
        ("   \n \n", None),
        (None, None),
    ],
)
def test_amplify_name_is_first_non_empty_line(message: Any, name: Any) -> None:
    assert amplify.to_job({"commitMessage": message}, "r")["name"] == name
    assert first_line(message) == name


def test_amplify_backend_item() -> None:
    item = {
        "AppId": "d1",
        "BackendEnvironmentName": "staging",
        "CreateTime": "1714557600",
        "UpdateTime": "1714557600500",
        "Error": None,
        "JobId": "job-1",
        "Operation": "CreateBackendAuth",
        "Status": "in_progress",
    }
    job = amplify_backend.to_job(item, "eu-west-1")
    assert job == {
        "service": "amplify-backend",
        "region": "eu-west-1",
        "id": "job-1",
        "name": "CreateBackendAuth",
        "status": "in_progress",
        "state": "running",
        "created_at": "2024-05-01T10:00:00Z",
        "started_at": None,
        "ended_at": None,
        "updated_at": "2024-05-01T10:00:00.500Z",
        "arn": None,
        "raw": {
            **item,
            "CreateTime": "2024-05-01T10:00:00Z",
            "UpdateTime": "2024-05-01T10:00:00.500Z",
        },
    }


def test_iot_item() -> None:
    item = {
        "jobArn": "arn:aws:iot:us-east-1:123456789012:job/ota-1",
        "jobId": "ota-1",
        "thingGroupId": "g1",
        "targetSelection": "SNAPSHOT",
        "status": "DELETION_IN_PROGRESS",
        "createdAt": 1714557600.0,
        "lastUpdatedAt": datetime(2024, 5, 1, 11, 0),  # naive: taken as UTC
        "completedAt": None,
        "isConcurrent": False,
    }
    job = iot.to_job(item, "us-east-1")
    assert job == {
        "service": "iot",
        "region": "us-east-1",
        "id": "ota-1",
        "name": "ota-1",
        "status": "DELETION_IN_PROGRESS",
        "state": "running",
        "created_at": "2024-05-01T10:00:00Z",
        "started_at": None,
        "ended_at": None,
        "updated_at": "2024-05-01T11:00:00Z",
        "arn": "arn:aws:iot:us-east-1:123456789012:job/ota-1",
        "raw": {
            **item,
            "createdAt": "2024-05-01T10:00:00Z",
            "lastUpdatedAt": "2024-05-01T11:00:00Z",
        },
    }


def test_batch_item() -> None:
    item = {
        "jobArn": "arn:aws:batch:us-east-1:123456789012:service-job/abc",
        "jobId": "abc",
        "jobName": "train-resnet",
        "createdAt": 1714557600123,
        "scheduledAt": 1714557601000,
        "startedAt": 1714557602001,
        "stoppedAt": 1714557603999,
        "serviceJobType": "SAGEMAKER_TRAINING",
        "shareIdentifier": "team-a",
        "status": "FAILED",
        "statusReason": "OOM",
        "capacityUsage": [{"capacityUnit": "NUM_INSTANCES", "quantity": 1.0}],
        "isTerminated": True,
    }
    job = batch.to_job(item, "us-west-2")
    assert job == {
        "service": "batch",
        "region": "us-west-2",
        "id": "abc",
        "name": "train-resnet",
        "status": "FAILED",
        "state": "failed",
        "created_at": "2024-05-01T10:00:00.123Z",
        "started_at": "2024-05-01T10:00:02.001Z",
        "ended_at": "2024-05-01T10:00:03.999Z",
        "updated_at": None,
        "arn": "arn:aws:batch:us-east-1:123456789012:service-job/abc",
        "raw": {
            **item,
            "createdAt": "2024-05-01T10:00:00.123Z",
            "scheduledAt": "2024-05-01T10:00:01Z",
            "startedAt": "2024-05-01T10:00:02.001Z",
            "stoppedAt": "2024-05-01T10:00:03.999Z",
        },
    }


def test_snowball_item() -> None:
    item = {
        "JobId": "JID123",
        "JobState": "WithCustomer",
        "IsMaster": False,
        "JobType": "IMPORT",
        "SnowballType": "EDGE",
        "CreationDate": datetime(2024, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=2))),
        "Description": "Data centre move",
    }
    job = snowball.to_job(item, "eu-central-1")
    assert job == {
        "service": "snowball",
        "region": "eu-central-1",
        "id": "JID123",
        "name": "Data centre move",
        "status": "WithCustomer",
        "state": "running",
        "created_at": "2024-05-01T10:00:00Z",
        "started_at": None,
        "ended_at": None,
        "updated_at": None,
        "arn": None,
        "raw": {**item, "CreationDate": "2024-05-01T10:00:00Z"},
    }


# -- timestamps ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        # datetimes: aware in any zone, naive taken as UTC
        (datetime(2024, 5, 1, 10, 0, tzinfo=UTC), "datetime", "2024-05-01T10:00:00Z"),
        (
            datetime(2024, 5, 1, 12, 30, 45, 123456, tzinfo=timezone(timedelta(hours=2))),
            "datetime",
            "2024-05-01T10:30:45.123Z",
        ),
        (datetime(2024, 5, 1, 10, 0, 0, 999), "datetime", "2024-05-01T10:00:00Z"),
        (datetime(2024, 5, 1, 10, 0, 0, 1000), "datetime", "2024-05-01T10:00:00.001Z"),
        # epoch seconds (the wire form of Amplify, IoT, Snowball timestamps)
        (1714557600, "datetime", "2024-05-01T10:00:00Z"),
        (1714557600.5, "datetime", "2024-05-01T10:00:00.500Z"),
        (1714557600.9999, "datetime", "2024-05-01T10:00:01Z"),
        (0, "datetime", "1970-01-01T00:00:00Z"),
        (-1.5, "datetime", "1969-12-31T23:59:58.500Z"),
        ("1714557600.25", "datetime", "2024-05-01T10:00:00.250Z"),
        ("2024-05-01T10:00:00Z", "datetime", "2024-05-01T10:00:00Z"),
        # epoch milliseconds (Batch)
        (1714557600123, "epoch_ms", "2024-05-01T10:00:00.123Z"),
        (1714557600000, "epoch_ms", "2024-05-01T10:00:00Z"),
        ("1714557600001", "epoch_ms", "2024-05-01T10:00:00.001Z"),
        (0, "epoch_ms", "1970-01-01T00:00:00Z"),
        # free text (AmplifyBackend): epoch seconds, epoch ms, ISO with Z or an offset
        ("1714557600", "text", "2024-05-01T10:00:00Z"),
        (" 1714557600 ", "text", "2024-05-01T10:00:00Z"),
        ("1714557600.5", "text", "2024-05-01T10:00:00.500Z"),
        ("1714557600123", "text", "2024-05-01T10:00:00.123Z"),
        (1714557600123, "text", "2024-05-01T10:00:00.123Z"),
        ("2024-05-01T10:00:00Z", "text", "2024-05-01T10:00:00Z"),
        ("2024-05-01T10:00:00z", "text", "2024-05-01T10:00:00Z"),
        ("2024-05-01T10:00:00.123Z", "text", "2024-05-01T10:00:00.123Z"),
        ("2024-05-01T10:00:00.123456Z", "text", "2024-05-01T10:00:00.123Z"),
        ("2024-05-01T12:00:00+02:00", "text", "2024-05-01T10:00:00Z"),
        ("2024-05-01T05:00:00.5-05:00", "text", "2024-05-01T10:00:00.500Z"),
        ("2024-05-01T10:00:00", "text", "2024-05-01T10:00:00Z"),
        ("2024-05-01", "text", "2024-05-01T00:00:00Z"),
        ("2024-05-01 10:00:00+00:00", "text", "2024-05-01T10:00:00Z"),
    ],
)
def test_to_iso(value: Any, kind: Any, expected: str) -> None:
    assert to_iso(value, kind) == expected


@pytest.mark.parametrize("kind", ["datetime", "epoch_ms", "text"])
@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "yesterday",
        "2024-13-45",
        "2024-05-01T25:00:00Z",
        "12:00",
        "1e3",
        "0x10",
        "NaN",
        True,
        False,
        float("nan"),
        float("inf"),
        float("-inf"),
        1e20,
        "9" * 400,
        [1714557600],
        {"t": 1},
        Decimal("1714557600"),
        b"1714557600",
        object(),
    ],
)
def test_unreadable_times_are_none_never_an_error(kind: Any, value: Any) -> None:
    assert to_iso(value, kind) is None


@pytest.mark.parametrize("kind", ["datetime", "epoch_ms", "text"])
def test_huge_integer_time_is_none(kind: Any) -> None:
    assert to_iso(10**400, kind) is None


def test_batch_item_with_huge_created_at_does_not_raise() -> None:
    job = batch.to_job({"jobId": "a", "createdAt": 10**400}, "r")
    assert job["created_at"] is None
    assert job["raw"]["createdAt"] == 10**400


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("0001-01-01T00:00:00Z", "text"),
        (datetime(1, 1, 1, tzinfo=UTC), "datetime"),
        (-62135596800000, "epoch_ms"),
    ],
)
def test_years_before_1000_are_zero_padded(value: Any, kind: Any) -> None:
    assert to_iso(value, kind) == "0001-01-01T00:00:00Z"


@pytest.mark.parametrize(
    ("service", "key", "garbage"),
    [
        ("amplify", "startTime", "not a time"),
        ("amplify-backend", "CreateTime", "yesterday"),
        ("amplify-backend", "UpdateTime", "2024-13-45T10:00"),
        ("iot", "createdAt", "n/a"),
        ("batch", "createdAt", "soon"),
        ("snowball", "CreationDate", "???"),
    ],
)
def test_garbage_time_is_null_and_kept_verbatim_in_raw(
    service: str, key: str, garbage: str
) -> None:
    job = MODULES[service].to_job({key: garbage}, "r")
    assert job["raw"][key] == garbage
    assert all(job[f] is None for f in ("created_at", "started_at", "ended_at", "updated_at"))


@pytest.mark.parametrize("garbage", ["2024-13-45T00:00:00Z", "soonZ", "Z"])
def test_garbage_time_ending_in_z_is_null(garbage: str) -> None:
    job = amplify_backend.to_job({"CreateTime": garbage, "UpdateTime": garbage}, "r")
    assert job["raw"]["CreateTime"] == garbage
    assert job["created_at"] is None
    assert job["updated_at"] is None


@pytest.mark.parametrize("service", sorted(MODULES))
def test_every_timestamp_key_is_normalized_in_raw(service: str) -> None:
    module = MODULES[service]
    kinds = module.TIMESTAMPS
    wire = {"datetime": 1714557600.25, "epoch_ms": 1714557600250, "text": "1714557600250"}
    item = {key: wire[kind] for key, kind in kinds.items()}
    job = module.to_job(item, "r")
    assert {key: job["raw"][key] for key in kinds} == dict.fromkeys(
        kinds, "2024-05-01T10:00:00.250Z"
    )
    assert job["created_at"] == "2024-05-01T10:00:00.250Z"
