"""A seventh API takes one sandbox module and one registry line: this test adds AWS Data
Exchange's ListJobs as `jobctl.sandbox.services.dataexchange` (a module made here) and a
registry entry, and the unchanged generic code routes it, pages it, fills its demo data,
loads its data-file section, moves its jobs and prints its example."""

from __future__ import annotations

import json
import sys
import types
from datetime import timedelta
from typing import Any

import pytest
from boto_helpers import make_client, walk

from jobctl import registry
from jobctl.sandbox import Sandbox, catalog, datafile
from jobctl.sandbox.clock import DEMO_ANCHOR
from jobctl.sandbox.service import (
    ACCOUNT_ID,
    Call,
    DemoContext,
    Errors,
    Example,
    JobPlace,
    MoveContext,
    Moving,
    Operation,
    SandboxService,
    Section,
    Selection,
)

MODULE = "jobctl.sandbox.services.dataexchange"


def _complete(job: dict[str, Any], place: JobPlace) -> dict[str, Any]:
    arn = f"arn:aws:dataexchange:{place.region}:{ACCOUNT_ID}:jobs/{job['Id']}"
    return {"Arn": arn, "Type": "IMPORT_ASSETS_FROM_S3", "Details": {}, **job}


def _list_jobs(call: Call) -> Selection:
    return Selection([], call.newest_first(call.jobs()))


def _demo(ctx: DemoContext) -> None:
    for number, created in enumerate(ctx.timeline(ctx.count, (5, 60))):
        state = "COMPLETED" if number % 3 else "ERROR"
        job = {"Id": f"job-{number:04d}", "State": state, "CreatedAt": created}
        ctx.data.add_job("dataexchange", {**job, "UpdatedAt": created}, region=ctx.region)


def _load(data: Any, region: str, section: dict[str, Any], path: str) -> None:
    datafile.only(section, {"jobs"}, path)
    datafile.add_jobs(data, "dataexchange", section.get("jobs", []), None, region, path)


def _moving(ctx: MoveContext) -> Moving:
    created = ctx.at(0)
    job = {
        "Id": f"moving-{ctx.number}",
        "State": "WAITING",
        "CreatedAt": created,
        "UpdatedAt": created,
    }
    steps = (
        (20.0, {"State": "IN_PROGRESS", "UpdatedAt": ctx.at(20)}),
        (80.0, {"State": "COMPLETED", "UpdatedAt": ctx.at(80)}),
    )
    return Moving(None, job, steps)


SANDBOX = SandboxService(
    name="dataexchange",
    botocore_name="dataexchange",
    list_operation="ListJobs",
    id_member="Id",
    status_member="State",
    created_member="CreatedAt",
    errors=Errors(
        "ValidationException",
        "ValidationException",
        ("ResourceNotFoundException", 404),
        ("ThrottlingException", 429),
        ("InternalServerException", 500),
    ),
    operations=(Operation("ListJobs", _list_jobs, default_page_size=25),),
    required=("Id", "State", "CreatedAt", "UpdatedAt"),
    complete=_complete,
    terminal=("COMPLETED", "ERROR", "CANCELLED", "TIMED_OUT"),
    demo=_demo,
    section=Section("dataexchange", _load),
    moving=_moving,
    examples=lambda parents: [Example("jobctl dataexchange", "aws dataexchange list-jobs")],
)


@pytest.fixture
def seventh(monkeypatch):
    module = types.ModuleType(MODULE)
    module.SANDBOX = SANDBOX  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, MODULE, module)
    monkeypatch.setitem(registry.APIS, "dataexchange", "dataexchange")  # the registry line
    catalog.services.cache_clear()
    yield
    catalog.services.cache_clear()


def test_a_seventh_api_is_served_from_its_module_alone(seventh, tmp_path):
    assert "dataexchange" in catalog.names()
    with Sandbox(jobs_per_service=60, clock=DEMO_ANCHOR) as sb:
        client = make_client(sb, "dataexchange")
        jobs = walk(client, "list_jobs", "Jobs", PaginationConfig={"PageSize": 7})
        assert [j["Id"] for j in jobs] == [f"job-{n:04d}" for n in range(60)]  # newest first
        assert jobs[0]["Arn"].endswith(":jobs/job-0000")
        assert len([r for r in sb.requests if r.service == "dataexchange"]) == 9
        from jobctl.cli.sandbox import _examples

        assert "#   jobctl dataexchange" in _examples(sb)
    path = tmp_path / "data.json"
    job = {"Id": "f1", "State": "WAITING", "CreatedAt": "2026-11-20T10:00:00Z",
           "UpdatedAt": "2026-11-20T10:00:00Z"}  # fmt: skip
    path.write_text(json.dumps({"dataexchange": {"jobs": [job]}}))
    with Sandbox(data_file=path) as sb:
        (listed,) = make_client(sb, "dataexchange").list_jobs()["Jobs"]
        assert listed["Id"] == "f1" and listed["Type"] == "IMPORT_ASSETS_FROM_S3"


def test_its_jobs_move_on_a_live_clock(seventh):
    moment = [DEMO_ANCHOR]
    sb = Sandbox(jobs_per_service=5, clock=lambda: moment[0])
    moving = sb.moving_jobs("dataexchange")
    assert [job.statuses for job in moving] == [("WAITING", "IN_PROGRESS", "COMPLETED")] * 3
    moment[0] += timedelta(minutes=2)
    assert {sb.data.get_job("dataexchange", job.id)["State"] for job in moving} == {"COMPLETED"}
