"""Flags → paginate() arguments: each service's plan, and every Batch flag combination."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from jobctl.services import get_spec
from jobctl.services.spec import Plan, Query

UTC = timezone.utc
T_AFTER = datetime(2024, 5, 1, 0, 0, tzinfo=UTC)  # 1714521600000 ms
T_BEFORE = datetime(2024, 5, 2, 0, 0, tzinfo=UTC)  # 1714608000000 ms
AFTER_MS = 1714521600000
BEFORE_MS = 1714608000000


def _values(service: str, **given: Any) -> dict[str, Any]:
    """Every flag of the service, unset unless given: what click passes."""
    spec = get_spec(service)
    values: dict[str, Any] = {flag.dest: () if flag.multiple else None for flag in spec.flags}
    values.update(given)
    return values


def _params(plan: Plan) -> list[tuple[str, dict[str, Any]]]:
    return [(query.key, query.params) for query in plan.queries]


# -- the simple services: one flag, one argument ------------------------------------


def test_amplify_plan() -> None:
    plan = get_spec("amplify").make_plan(_values("amplify", app_id="d1a2", branch="main"))
    assert plan.queries == (Query("main", {"appId": "d1a2", "branchName": "main"}),)
    assert plan.keep is None


@pytest.mark.parametrize(
    ("given", "params"),
    [
        ({}, {"AppId": "d1", "BackendEnvironmentName": "prod"}),
        (
            {"status": "completed"},
            {"AppId": "d1", "BackendEnvironmentName": "prod", "Status": "completed"},
        ),
        (
            {"job_id": "j-1", "operation": "CreateBackendAuth", "status": "FAILED"},
            {
                "AppId": "d1",
                "BackendEnvironmentName": "prod",
                "JobId": "j-1",
                "Operation": "CreateBackendAuth",
                "Status": "FAILED",
            },
        ),
    ],
)
def test_amplify_backend_plan(given: dict[str, Any], params: dict[str, Any]) -> None:
    values = _values("amplify-backend", app_id="d1", env="prod", **given)
    plan = get_spec("amplify-backend").make_plan(values)
    assert _params(plan) == [("main", params)]
    assert plan.keep is None


@pytest.mark.parametrize(
    ("given", "params"),
    [
        ({}, {}),
        ({"status": "COMPLETED"}, {"status": "COMPLETED"}),
        ({"target_selection": "SNAPSHOT"}, {"targetSelection": "SNAPSHOT"}),
        (
            {
                "status": "IN_PROGRESS",
                "target_selection": "CONTINUOUS",
                "thing_group_name": "fleet",
                "thing_group_id": "abc-123",
                "namespace_id": "AWS_fleetwise",
            },
            {
                "status": "IN_PROGRESS",
                "targetSelection": "CONTINUOUS",
                "thingGroupName": "fleet",
                "thingGroupId": "abc-123",
                "namespaceId": "AWS_fleetwise",
            },
        ),
    ],
)
def test_iot_plan(given: dict[str, Any], params: dict[str, Any]) -> None:
    plan = get_spec("iot").make_plan(_values("iot", **given))
    assert _params(plan) == [("main", params)]
    assert plan.keep is None


def test_snowball_plan_has_no_arguments() -> None:
    plan = get_spec("snowball").make_plan({})
    assert _params(plan) == [("main", {})]
    assert plan.keep is None


# -- Batch: one filter for the server, the rest on the stream ----------------------


def _batch(**given: Any) -> Plan:
    return get_spec("batch").make_plan(_values("batch", job_queue="q", **given))


def _item(**fields: Any) -> dict[str, Any]:
    item = {
        "jobId": "j",
        "jobName": "train-1",
        "status": "RUNNING",
        "createdAt": AFTER_MS + 1000,
        "shareIdentifier": "team-a",
    }
    item.update(fields)
    return item


def test_batch_no_flags_lists_every_status_in_one_stream() -> None:
    """Not the API's RUNNING-only default: the same one stream as --status all."""
    plan = _batch()
    everything = {"jobQueue": "q", "filters": [{"name": "AFTER_CREATED_AT", "values": ["0"]}]}
    assert _params(plan) == [("main", everything)]
    assert _params(_batch(status=("all",))) == _params(plan)
    assert plan.keep is None


def test_batch_status_running_asks_for_the_api_default() -> None:
    plan = _batch(status=("RUNNING",))
    assert _params(plan) == [("status=RUNNING", {"jobQueue": "q", "jobStatus": "RUNNING"})]


def test_batch_one_status() -> None:
    plan = _batch(status=("FAILED",))
    assert _params(plan) == [("status=FAILED", {"jobQueue": "q", "jobStatus": "FAILED"})]
    assert plan.keep is None


def test_batch_several_statuses_make_one_query_each() -> None:
    plan = _batch(status=("RUNNING", "FAILED", "RUNNING", "SUCCEEDED"))
    assert _params(plan) == [
        ("status=RUNNING", {"jobQueue": "q", "jobStatus": "RUNNING"}),
        ("status=FAILED", {"jobQueue": "q", "jobStatus": "FAILED"}),
        ("status=SUCCEEDED", {"jobQueue": "q", "jobStatus": "SUCCEEDED"}),
    ]
    assert plan.keep is None


@pytest.mark.parametrize("status", [("all",), ("RUNNING", "all")])
def test_batch_all_is_one_stream_ordered_by_creation(status: tuple[str, ...]) -> None:
    plan = _batch(status=status)
    assert _params(plan) == [
        ("main", {"jobQueue": "q", "filters": [{"name": "AFTER_CREATED_AT", "values": ["0"]}]})
    ]
    assert plan.keep is None


def test_batch_job_name_alone() -> None:
    plan = _batch(job_name="train*")
    assert _params(plan) == [
        ("main", {"jobQueue": "q", "filters": [{"name": "JOB_NAME", "values": ["train*"]}]})
    ]
    assert plan.keep is None


def test_batch_job_name_and_status_filter_status_on_the_stream() -> None:
    plan = _batch(job_name="train*", status=("FAILED", "SUCCEEDED"))
    assert _params(plan) == [
        ("main", {"jobQueue": "q", "filters": [{"name": "JOB_NAME", "values": ["train*"]}]})
    ]
    assert plan.keep is not None
    assert plan.keep(_item(status="FAILED"))
    assert plan.keep(_item(status="SUCCEEDED"))
    assert not plan.keep(_item(status="RUNNING"))
    assert not plan.keep(_item(status=None))
    assert not plan.keep({})


def test_batch_job_name_and_all_statuses_keep_everything() -> None:
    plan = _batch(job_name="x", status=("all",))
    assert _params(plan) == [
        ("main", {"jobQueue": "q", "filters": [{"name": "JOB_NAME", "values": ["x"]}]})
    ]
    assert plan.keep is None


@pytest.mark.parametrize(
    ("flag", "name", "ms"),
    [
        # The API's bounds are strict; jobctl's flags are inclusive: the neighbouring ms.
        ("created_after", "AFTER_CREATED_AT", AFTER_MS - 1),
        ("created_before", "BEFORE_CREATED_AT", BEFORE_MS + 1),
    ],
)
def test_batch_one_time_bound(flag: str, name: str, ms: int) -> None:
    moment = T_AFTER if flag == "created_after" else T_BEFORE
    plan = _batch(**{flag: moment})
    assert _params(plan) == [
        ("main", {"jobQueue": "q", "filters": [{"name": name, "values": [str(ms)]}]})
    ]
    assert plan.keep is None


def test_batch_after_and_before_one_on_the_server_one_on_the_stream() -> None:
    plan = _batch(created_after=T_AFTER, created_before=T_BEFORE)
    assert _params(plan) == [
        (
            "main",
            {
                "jobQueue": "q",
                "filters": [{"name": "AFTER_CREATED_AT", "values": [str(AFTER_MS - 1)]}],
            },
        )
    ]
    assert plan.keep is not None
    assert plan.keep(_item(createdAt=BEFORE_MS))  # the bound itself is inside
    assert plan.keep(_item(createdAt=BEFORE_MS - 1))
    assert not plan.keep(_item(createdAt=BEFORE_MS + 1))
    assert not plan.keep(_item(createdAt=None))
    assert not plan.keep(_item(createdAt="1714521601000"))


def test_batch_job_name_and_both_bounds() -> None:
    plan = _batch(job_name="Train1", created_after=T_AFTER, created_before=T_BEFORE)
    assert _params(plan) == [
        ("main", {"jobQueue": "q", "filters": [{"name": "JOB_NAME", "values": ["Train1"]}]})
    ]
    assert plan.keep is not None
    assert plan.keep(_item(createdAt=AFTER_MS))
    assert plan.keep(_item(createdAt=BEFORE_MS))
    assert not plan.keep(_item(createdAt=AFTER_MS - 1))
    assert not plan.keep(_item(createdAt=BEFORE_MS + 1))
    assert not plan.keep(_item(createdAt=None))


def test_batch_share_and_status_go_to_the_server_together() -> None:
    plan = _batch(share_identifier="team-a", status=("RUNNABLE", "FAILED"))
    share = [{"name": "SHARE_IDENTIFIER", "values": ["team-a"]}]
    assert _params(plan) == [
        ("status=RUNNABLE", {"jobQueue": "q", "jobStatus": "RUNNABLE", "filters": share}),
        ("status=FAILED", {"jobQueue": "q", "jobStatus": "FAILED", "filters": share}),
    ]
    assert plan.keep is None


def test_batch_share_alone_is_every_status_filtered_by_share() -> None:
    """No status is every status: one AFTER_CREATED_AT 0 stream, the share checked on it
    (as with --status all: SHARE_IDENTIFIER without a status may mean RUNNING only)."""
    plan = _batch(share_identifier="team-a")
    assert _params(plan) == [
        ("main", {"jobQueue": "q", "filters": [{"name": "AFTER_CREATED_AT", "values": ["0"]}]})
    ]
    assert plan.keep is not None
    assert plan.keep(_item(shareIdentifier="team-a")) and not plan.keep(_item(shareIdentifier="b"))


def test_batch_share_and_job_name_filter_share_on_the_stream() -> None:
    plan = _batch(share_identifier="team-a", job_name="train*")
    assert _params(plan) == [
        ("main", {"jobQueue": "q", "filters": [{"name": "JOB_NAME", "values": ["train*"]}]})
    ]
    assert plan.keep is not None
    assert plan.keep(_item(shareIdentifier="team-a"))
    assert not plan.keep(_item(shareIdentifier="team-b"))
    assert not plan.keep(_item(shareIdentifier=None))


def test_batch_share_job_name_status_and_bounds_all_honoured() -> None:
    plan = _batch(
        share_identifier="team-a",
        job_name="train*",
        status=("FAILED",),
        created_after=T_AFTER,
        created_before=T_BEFORE,
    )
    assert _params(plan) == [
        ("main", {"jobQueue": "q", "filters": [{"name": "JOB_NAME", "values": ["train*"]}]})
    ]
    assert plan.keep is not None
    good = _item(status="FAILED", shareIdentifier="team-a", createdAt=AFTER_MS + 5)
    assert plan.keep(good)
    for bad in (
        {**good, "status": "RUNNING"},
        {**good, "shareIdentifier": "team-b"},
        {**good, "createdAt": AFTER_MS - 5},
        {**good, "createdAt": BEFORE_MS + 5},
    ):
        assert not plan.keep(bad), bad


def test_batch_all_with_share_is_one_stream_filtered_by_share() -> None:
    plan = _batch(status=("all",), share_identifier="team-a")
    assert _params(plan) == [
        ("main", {"jobQueue": "q", "filters": [{"name": "AFTER_CREATED_AT", "values": ["0"]}]})
    ]
    assert plan.keep is not None
    assert plan.keep(_item(shareIdentifier="team-a", status="SUCCEEDED"))
    assert not plan.keep(_item(shareIdentifier="team-b"))
