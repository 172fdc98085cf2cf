"""--fail-on / --expect, client- and server-side filters, --sort, --summary and
--table-format: against the sandbox over HTTP, with crafted jobs."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from sandbox_harness import (
    amplify_job,
    batch_job,
    document,
    invoke,
    iot_job,
    sandbox,
    shared_model_loader,
)

from jobctl.checks.sort import sort_jobs
from jobctl.job import STATES
from jobctl.output.summary import COLUMNS

pytestmark = pytest.mark.usefixtures("shared_model_loader")
__all__ = ["shared_model_loader"]

CI_QUEUE = [
    batch_job("b-1", "SUCCEEDED", 30, jobName="build"),
    batch_job("b-2", "SUCCEEDED", 90, jobName="test"),
    batch_job("b-3", "FAILED", 120, jobName="lint", statusReason="Essential container exited"),
    batch_job("b-4", "RUNNING", 10, jobName="deploy"),
    batch_job("b-5", "SUCCEEDED", 3 * 24 * 60, jobName="old"),
]
DATA = document(
    queues={
        "ci": CI_QUEUE,
        "big": [batch_job(f"f-{i:02d}", "FAILED", 5 + i) for i in range(25)],
        "green": [batch_job("g-1", "SUCCEEDED", 5), batch_job("g-2", "SUCCEEDED", 6)],
    },
    iot=[
        iot_job("ota-1", "COMPLETED", 10),
        iot_job("ota-2", "CANCELED", 20),
        iot_job("ota-3", "IN_PROGRESS", 30),
        iot_job("ota-4", "SCHEDULED", 40),
        iot_job("ota-5", "COMPLETED", 50),
        iot_job("ota-6", "DELETION_IN_PROGRESS", 60),
    ],
    branches={
        "main": [amplify_job(str(n), "SUCCEED", 200 - n, f"commit {n}") for n in range(1, 12)],
    },
    backend=[
        {
            "JobId": "be-1",
            "Status": "Completed",
            "Operation": "CreateBackendAuth",
            "CreateTime": "1767000000",
        },
        {
            "JobId": "be-2",
            "Status": "FAILED",
            "Operation": "UpdateBackendAPI",
            "Error": "Stack update failed",
            "CreateTime": "1767000100",
        },
        {
            "JobId": "be-3",
            "Status": "in_progress",
            "Operation": "CreateBackendStorage",
            "CreateTime": "1767000200",
        },
    ],
)


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with sandbox(tmp_path_factory.mktemp("checks"), DATA) as sb:
        yield sb.endpoint_url


def ci(url: str, *args: str) -> list[str]:
    return ["batch", "--endpoint-url", url, "--job-queue", "ci", "--status", "all", *args]


# -- checks ----------------------------------------------------------------------------


def test_fail_on_exits_6_writes_everything_and_names_the_job(url: str) -> None:
    run = invoke(*ci(url, "--fail-on", "failed", "-o", "jsonl"))
    assert run.status == 6
    assert sorted(job["id"] for job in run.jsonl) == ["b-1", "b-2", "b-3", "b-4", "b-5"]
    assert run.err_lines == [
        "jobctl: --fail-on failed: 1 of 5 jobs listed is in that state",
        'jobctl: batch b-3 "lint" is failed: Essential container exited',
    ]


def test_fail_on_passes_when_no_job_is_in_those_states(url: str) -> None:
    run = invoke(*ci(url, "--fail-on", "cancelled,unknown", "-o", "jsonl"))
    assert (run.status, run.err) == (0, "")
    assert len(run.jsonl) == 5


def test_expect_passes_only_when_every_job_matches(url: str) -> None:
    green = invoke(
        "batch",
        "--endpoint-url",
        url,
        "--job-queue",
        "green",
        "--status",
        "all",
        "--expect",
        "succeeded",
        "-o",
        "csv",
    )
    assert (green.status, green.err) == (0, "")
    assert len(green.out.splitlines()) == 3  # header and two jobs

    mixed = invoke(*ci(url, "--expect", "succeeded,running", "-o", "csv"))
    assert mixed.status == 6
    assert mixed.err_lines == [
        "jobctl: --expect running,succeeded: 1 of 5 jobs listed is in another state",
        'jobctl: batch b-3 "lint" is failed: Essential container exited',
    ]


def test_expect_fails_when_nothing_is_listed(url: str) -> None:
    run = invoke(*ci(url, "--state", "cancelled", "--expect", "succeeded", "-o", "json"))
    assert run.status == 6
    assert json.loads(run.out) == []
    assert run.err_lines == ["jobctl: --expect succeeded: no jobs were listed"]


def test_expect_fails_when_an_id_is_not_listed(url: str) -> None:
    run = invoke(*ci(url, "--id", "b-1", "--id", "nope", "--expect", "succeeded", "-o", "jsonl"))
    assert run.status == 6
    assert [job["id"] for job in run.jsonl] == ["b-1"]
    assert run.err_lines[-1] == "jobctl: job ID nope was not listed"


def test_offending_jobs_are_capped_at_20(url: str) -> None:
    run = invoke(
        "batch",
        "--endpoint-url",
        url,
        "--job-queue",
        "big",
        "--status",
        "all",
        "--fail-on",
        "failed",
        "-o",
        "jsonl",
    )
    assert run.status == 6
    assert len(run.jsonl) == 25
    lines = run.err_lines
    assert lines[0] == "jobctl: --fail-on failed: 25 of 25 jobs listed are in that state"
    assert len(lines) == 1 + 20 + 1
    assert all(line.startswith("jobctl: batch f-") for line in lines[1:21])
    assert lines[-1] == "jobctl: … and 5 more"


def test_amplify_backend_reason_is_its_error(url: str) -> None:
    run = invoke(
        "amplify-backend",
        "--endpoint-url",
        url,
        "--app-id",
        "d1app",
        "--env",
        "staging",
        "--fail-on",
        "failed",
        "-o",
        "jsonl",
    )
    assert run.status == 6
    assert run.err_lines[-1] == (
        'jobctl: amplify-backend be-2 "UpdateBackendAPI" is failed: Stack update failed'
    )


def test_unknown_state_is_a_usage_error_listing_the_states(url: str) -> None:
    run = invoke(*ci(url, "--fail-on", "failed,broken"))
    assert run.status == 2
    assert "unknown state 'broken'" in run.err
    assert ", ".join(STATES) in run.err


def test_checks_apply_to_jobctl_all(url: str) -> None:
    run = invoke(
        "all",
        "--endpoint-url",
        url,
        "--services",
        "iot,batch",
        "--fail-on",
        "cancelled",
        "-o",
        "jsonl",
    )
    assert run.status == 6
    assert "jobctl: iot ota-2 is cancelled" in run.err_lines


# -- exit-code precedence ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "status"),
    [({"access_denied": True}, 4), ({"server_error_every": 1}, 5)],
)
def test_a_failed_listing_outranks_a_failed_check(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, fault: dict[str, Any], status: int
) -> None:
    from jobctl.sandbox import Faults

    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    with sandbox(tmp_path, DATA, faults=Faults(**fault)) as sb:
        run = invoke(*ci(sb.endpoint_url, "--expect", "succeeded", "-o", "jsonl"))
    assert run.status == status
    assert not any("--expect" in line for line in run.err_lines)  # nothing was judged


def test_partial_listing_outranks_a_failed_check_and_still_names_the_jobs(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jobctl.sandbox import Faults

    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    # Page 2 fails (by page, not by request count: the queue's type is asked first).
    with sandbox(tmp_path, DATA, faults=Faults(server_error_from_page=2)) as sb:
        run = invoke(
            *ci(sb.endpoint_url, "--fail-on", "running", "--page-size", "1", "-o", "jsonl")
        )
    assert run.status == 3
    assert [job["id"] for job in run.jsonl] == ["b-4"]  # newest first; page 2 failed
    assert 'jobctl: batch b-4 "deploy" is running' in run.err_lines
    assert run.err_lines[-1].startswith("jobctl: resume with --starting-token ")


# -- filters -----------------------------------------------------------------------------


def ids(run: Any) -> list[str]:
    assert run.status == 0, run.err
    return sorted(job["id"] for job in run.jsonl)


def test_state_since_until_and_id_filters(url: str) -> None:
    assert ids(invoke(*ci(url, "--state", "succeeded", "-o", "jsonl"))) == ["b-1", "b-2", "b-5"]
    assert ids(invoke(*ci(url, "--since", "100m", "-o", "jsonl"))) == ["b-1", "b-2", "b-4"]
    assert ids(invoke(*ci(url, "--until", "60m", "-o", "jsonl"))) == ["b-2", "b-3", "b-5"]
    window = invoke(
        *ci(url, "--since", "2h", "--until", "20m", "--state", "succeeded", "-o", "jsonl")
    )
    assert ids(window) == ["b-1", "b-2"]
    assert ids(invoke(*ci(url, "--id", "b-4", "--id", "b-5", "-o", "jsonl"))) == ["b-4", "b-5"]


def test_since_after_until_is_a_usage_error(url: str) -> None:
    run = invoke(*ci(url, "--since", "1h", "--until", "2h"))
    assert run.status == 2
    assert "--since 1h is later than --until 2h" in run.err


def _no_push_down(monkeypatch: pytest.MonkeyPatch) -> None:
    from jobctl.services.spec import Pushed, ServiceSpec

    monkeypatch.setattr(ServiceSpec, "pushed", lambda spec, values, narrowing: Pushed(dict(values)))


def _requests(sb: Any, operation: str) -> list[dict[str, Any]]:
    return [r.params for r in sb.requests if r.operation == operation]


def test_batch_since_goes_to_the_server_with_the_same_result(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sandbox(tmp_path, DATA) as sb:
        server = invoke(*ci(sb.endpoint_url, "--since", "100m", "-o", "jsonl"))
        [params] = _requests(sb, "ListServiceJobs")
        sb.clear_requests()
        _no_push_down(monkeypatch)
        client = invoke(*ci(sb.endpoint_url, "--since", "100m", "-o", "jsonl"))
        [plain] = _requests(sb, "ListServiceJobs")
    assert params["filters"][0]["name"] == "AFTER_CREATED_AT"
    assert params["filters"][0]["values"] != ["0"]
    assert plain["filters"] == [{"name": "AFTER_CREATED_AT", "values": ["0"]}]
    assert server.out == client.out
    assert ids(server) == ["b-1", "b-2", "b-4"]


def test_iot_state_goes_to_the_server_with_the_same_result(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sandbox(tmp_path, DATA) as sb:
        runs = {}
        for state in ("succeeded", "cancelled", "running"):
            runs[state] = invoke(
                "iot", "--endpoint-url", sb.endpoint_url, "--state", state, "-o", "jsonl"
            )
        sent = [p.get("status") for p in _requests(sb, "ListJobs")]
        sb.clear_requests()
        _no_push_down(monkeypatch)
        for state, pushed in runs.items():
            plain = invoke(
                "iot", "--endpoint-url", sb.endpoint_url, "--state", state, "-o", "jsonl"
            )
            assert plain.out == pushed.out
        assert [p.get("status") for p in _requests(sb, "ListJobs")] == [None] * 3
    # running has two IoT statuses: it stays client-side.
    assert sent == ["COMPLETED", "CANCELED", None]
    assert ids(runs["succeeded"]) == ["ota-1", "ota-5"]
    assert ids(runs["running"]) == ["ota-3", "ota-6"]


def test_batch_state_narrows_the_statuses_asked_for_with_the_same_result(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = {
        "all-failed": ("--status", "all", "--state", "failed"),
        "all-queued": ("--status", "all", "--state", "queued"),
        "named": ("--status", "succeeded", "--status", "failed", "--state", "failed"),
        "since": ("--status", "all", "--state", "failed", "--since", "100m"),
    }
    base = ("batch", "--job-queue", "ci", "-o", "jsonl")
    with sandbox(tmp_path, DATA) as sb:
        sent, pushed = {}, {}
        for case, args in cases.items():
            pushed[case] = invoke(*base, "--endpoint-url", sb.endpoint_url, *args)
            sent[case] = [
                (p.get("jobStatus"), p.get("filters")) for p in _requests(sb, "ListServiceJobs")
            ]
            sb.clear_requests()
        _no_push_down(monkeypatch)
        for case, args in cases.items():
            plain = invoke(*base, "--endpoint-url", sb.endpoint_url, *args)
            assert sorted(ids(plain)) == sorted(ids(pushed[case])), case
    # one status holds "failed": asked for alone, instead of every job of the queue
    assert sent["all-failed"] == [("FAILED", None)]
    assert ids(pushed["all-failed"]) == ["b-3"]
    # five statuses hold "queued": the one createdAt-ordered stream stays
    assert sent["all-queued"] == [(None, [{"name": "AFTER_CREATED_AT", "values": ["0"]}])]
    assert sent["named"] == [("FAILED", None)]
    # --since went to the server as a filter, which the API lets override the status
    [(status, filters)] = sent["since"]
    assert status is None and filters and filters[0]["name"] == "AFTER_CREATED_AT"
    assert pushed["since"].out == ""  # b-3 was created 120 minutes ago


def test_batch_state_narrows_statuses_only_where_exact_and_not_under_watch() -> None:
    from jobctl.services.batch import SPEC, _statuses_for
    from jobctl.services.spec import Narrowing

    values = {"job_queue": "q", "status": ("all",)}
    listed = SPEC.pushed(values, Narrowing(states=("failed",)))
    watched = SPEC.pushed(values, Narrowing(states=("failed",), watch=True))
    assert (listed.values["status"], watched.values["status"]) == (("FAILED",), ("all",))
    assert _statuses_for(("all",), ("failed",)) == ("FAILED",)
    assert _statuses_for(("all",), ("failed", "unknown")) == ("all",)
    assert _statuses_for(("all",), ("failed", "succeeded")) == ("all",)
    assert _statuses_for(("RUNNING", "FAILED"), ("queued",)) == ("RUNNING", "FAILED")
    assert _statuses_for(("RUNNING", "NEWSTATUS"), ("unknown",)) == ("NEWSTATUS",)


def test_amplify_backend_id_goes_to_the_server_with_the_same_result(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("amplify-backend", "--app-id", "d1app", "--env", "staging", "-o", "jsonl")
    with sandbox(tmp_path, DATA) as sb:
        one = invoke(*args, "--endpoint-url", sb.endpoint_url, "--id", "be-2")
        two = invoke(*args, "--endpoint-url", sb.endpoint_url, "--id", "be-2", "--id", "be-3")
        sent = [p.get("JobId") for p in _requests(sb, "ListBackendJobs")]
        sb.clear_requests()
        _no_push_down(monkeypatch)
        plain = invoke(*args, "--endpoint-url", sb.endpoint_url, "--id", "be-2")
        assert [p.get("JobId") for p in _requests(sb, "ListBackendJobs")] == [None]
    assert sent == ["be-2", None]  # two IDs: the API takes one, so jobctl filters
    assert one.out == plain.out
    assert (ids(one), sorted(ids(two))) == (["be-2"], ["be-2", "be-3"])


def test_batch_without_status_lists_every_status_so_fail_on_failed_can_fail(url: str) -> None:
    """The API alone lists RUNNING jobs only: jobctl inheriting that made this CI check
    pass whatever had failed (a check that could never fail)."""
    run = invoke("batch", "--endpoint-url", url, "--job-queue", "ci", "--fail-on", "failed")
    assert run.status == 6, run.err
    assert 'jobctl: batch b-3 "lint" is failed: Essential container exited' in run.err_lines
    state = invoke(
        "batch", "--endpoint-url", url, "--job-queue", "ci", "--state", "failed", "-o", "jsonl"
    )
    assert ([job["id"] for job in state.jsonl], state.err) == (["b-3"], "")


def test_max_items_counts_filtered_jobs_and_resumes_exactly(url: str) -> None:
    wanted = ["--state", "succeeded", "-o", "jsonl", "--page-size", "2"]
    first = invoke(*ci(url, *wanted, "--max-items", "2"))
    assert first.status == 0
    assert len(first.jsonl) == 2
    token = first.err_lines[-1].split()[-1]
    rest = invoke(*ci(url, *wanted, "--starting-token", token))
    together = [job["id"] for job in first.jsonl + rest.jsonl]
    assert sorted(together) == ["b-1", "b-2", "b-5"]  # each once, none lost

    other = invoke(*ci(url, "--state", "failed", "-o", "jsonl", "--starting-token", token))
    assert other.status == 2  # the token is bound to its filters
    assert "other arguments" in other.err


# -- sorting -----------------------------------------------------------------------------


def test_sort_ascending_descending_and_numeric_ids(url: str) -> None:
    newest = invoke(*ci(url, "--sort", "-created_at", "-o", "jsonl"))
    assert [job["id"] for job in newest.jsonl] == ["b-4", "b-1", "b-2", "b-3", "b-5"]
    by_name = invoke(*ci(url, "--sort", "name", "--columns", "name", "--no-headers", "-o", "csv"))
    assert by_name.out.split() == ["build", "deploy", "lint", "old", "test"]
    amplify = invoke(
        "amplify",
        "--endpoint-url",
        url,
        "--app-id",
        "d1app",
        "--branch",
        "main",
        "--sort",
        "id",
        "-o",
        "jsonl",
    )
    assert [job["id"] for job in amplify.jsonl] == [str(n) for n in range(1, 12)]


def test_sort_keys_times_with_and_without_milliseconds() -> None:
    jobs = [
        {"id": "a", "created_at": "2026-01-01T10:00:05Z"},
        {"id": "b", "created_at": "2026-01-01T10:00:04.500Z"},
        {"id": "c", "created_at": None},
        {"id": "d", "created_at": "2026-01-01T10:00:05.001Z"},
    ]
    assert [j["id"] for j in sort_jobs(jobs, ("created_at",))] == ["b", "a", "d", "c"]
    assert [j["id"] for j in sort_jobs(jobs, ("-created_at",))] == ["d", "a", "b", "c"]


def test_sort_of_an_unknown_field_is_a_usage_error(url: str) -> None:
    run = invoke(*ci(url, "--sort", "-colour"))
    assert run.status == 2
    assert run.err.startswith("jobctl: batch: --sort: unknown key 'colour' (choose from ")


# -- summaries ---------------------------------------------------------------------------


def _all(url: str, *args: str) -> Any:
    return invoke("all", "--endpoint-url", url, *args)


def test_summary_adds_up_to_the_listing_in_every_format(url: str) -> None:
    # `jobctl all` discovers parents: its summary counts by service, region and parent.
    jobs = _all(url, "-o", "jsonl").jsonl
    by_group: dict[tuple[str, str, str | None], int] = {}
    for job in jobs:
        key = (job["service"], job["region"], job["parent"])
        by_group[key] = by_group.get(key, 0) + 1
    assert len({key[2] for key in by_group}) > 1
    columns = ("service", "region", "parent", *COLUMNS[2:])

    obj = json.loads(_all(url, "--summary", "-o", "json").out)
    assert obj["total"] == len(jobs) == sum(obj["states"].values())
    assert obj["by"] == ["service", "region", "parent"]
    assert {(g["service"], g["region"], g["parent"]): g["total"] for g in obj["groups"]} == by_group
    assert obj["states"]["failed"] == sum(1 for j in jobs if j["state"] == "failed")

    lines = _all(url, "--summary", "-o", "jsonl").jsonl
    assert lines[-1]["service"] == lines[-1]["region"] == lines[-1]["parent"] == "all"
    assert lines[-1]["total"] == len(jobs)
    assert sum(line["total"] for line in lines[:-1]) == len(jobs)

    for output, delimiter in (("csv", ","), ("tsv", "\t")):
        rows = list(
            csv.reader(io.StringIO(_all(url, "--summary", "-o", output).out), delimiter=delimiter)
        )
        assert tuple(rows[0]) == columns
        assert rows[-1][:3] == ["all", "all", "all"]
        assert int(rows[-1][-1]) == len(jobs)
        assert sum(int(row[-1]) for row in rows[1:-1]) == len(jobs)

    table = _all(url, "--summary").out.splitlines()
    assert table[0].split() == list(columns)
    assert table[-1].split()[0] == "all"
    assert table[-1].split()[-1] == str(len(jobs))

    # --summary-by service,region: the rows of earlier versions, one per service
    rows = list(
        csv.reader(io.StringIO(_all(url, "--summary-by", "service,region", "-o", "csv").out))
    )
    assert tuple(rows[0]) == COLUMNS
    per_service: dict[str, int] = {}
    for job in jobs:
        per_service[job["service"]] = per_service.get(job["service"], 0) + 1
    assert {row[0]: int(row[-1]) for row in rows[1:-1]} == per_service


def test_summary_of_one_service_and_region_is_one_row(url: str) -> None:
    rows = invoke(*ci(url, "--summary", "-o", "csv")).out.splitlines()
    assert rows == [",".join(COLUMNS), "batch,us-east-1,0,1,3,1,0,0,5"]


def test_summary_of_nothing_is_a_zero_row(url: str) -> None:
    run = invoke(*ci(url, "--state", "cancelled", "--summary", "-o", "jsonl"))
    assert run.status == 0
    assert run.jsonl == [
        {"service": "all", "region": "all", **dict.fromkeys(STATES, 0), "total": 0}
    ]


def test_summary_with_columns_is_a_usage_error(url: str) -> None:
    assert invoke(*ci(url, "--summary", "--columns", "id")).status == 2


# -- table formats -----------------------------------------------------------------------


def test_table_format_github_escapes_pipes(tmp_path: Any) -> None:
    data = document(branches={"main": [amplify_job("1", "FAILED", 5, "Fix a | b")]})
    with sandbox(tmp_path, data) as sb:
        run = invoke(
            "amplify",
            "--endpoint-url",
            sb.endpoint_url,
            "--app-id",
            "d1app",
            "--branch",
            "main",
            "--columns",
            "id,name,state",
            "--table-format",
            "GitHub",
        )
    assert run.status == 0
    assert run.out.splitlines() == [
        "| id   | name       | state   |",
        "|------|------------|---------|",
        "| 1    | Fix a \\| b | failed  |",
    ]


def test_summary_in_a_github_table(url: str) -> None:
    run = invoke(*ci(url, "--summary", "--table-format", "github"))
    lines = run.out.splitlines()
    assert lines[0].startswith("| service ")
    assert lines[2].replace(" ", "") == "|batch|us-east-1|0|1|3|1|0|0|5|"


def test_table_format_is_validated_and_needs_a_table(url: str) -> None:
    bad = invoke(*ci(url, "--table-format", "nosuch"))
    assert bad.status == 2
    assert "github" in bad.err
    assert invoke(*ci(url, "--table-format", "github", "-o", "json")).status == 2


def test_help_documents_the_new_options() -> None:
    run = invoke("batch", "--help")
    text = " ".join(run.out.split())
    for option in (
        "--fail-on",
        "--expect",
        "--watch",
        "--interval",
        "--timeout",
        "--state",
        "--since",
        "--until",
        "--sort",
        "--summary",
        "--table-format",
        "--id",
    ):
        assert option in text
    assert "github" in text and "rounded_grid" in text  # tabulate's formats, listed
    assert "holds every job until the last arrives" in text


# -- docs/ci.md stays true -----------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def _ci_example_data() -> dict[str, Any]:
    spec = importlib.util.spec_from_file_location("ci_sandbox", ROOT / "examples/ci_sandbox.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.data(datetime.now(timezone.utc))  # type: ignore[no-any-return]


def test_ci_doc_examples_give_the_documented_output(tmp_path: Path) -> None:
    doc = (ROOT / "docs/ci.md").read_text()
    with sandbox(tmp_path, _ci_example_data()) as sb:
        batch = invoke(
            "batch",
            "--endpoint-url",
            sb.endpoint_url,
            "--job-queue",
            "training",
            "--status",
            "all",
            "--since",
            "24h",
            "--columns",
            "id,name,state,created_at",
            "--fail-on",
            "failed",
        )
        summary = invoke(
            "all",
            "--endpoint-url",
            sb.endpoint_url,
            "--since",
            "24h",
            "--summary",
            "--table-format",
            "github",
        )
    assert batch.status == 6
    assert len(batch.out.splitlines()) == 5
    for line in batch.err_lines + summary.out.splitlines():
        assert f"\n{line}\n" in doc
