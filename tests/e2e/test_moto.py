"""Issue 3: jobctl against moto's server, a third-party AWS emulator with its own quirks:
every command ends with one-line messages and the contract's exit status, never a
traceback.

moto 5 repeats IoT's page token (each page answers with the token it was asked with), so
paging through more jobs than one page holds must stop with jobctl's loop message; a
page size over the job count needs no token and lists everything.
"""

from __future__ import annotations

import pytest
from e2e_support import client, fake_env, jobctl, jobctl_many

LOOP = "the service returned a pagination token it had already returned"


def assert_clean_failure(run, status: int) -> list[str]:
    assert run.status == status, run.describe()
    assert "Traceback" not in run.err, run.describe()
    lines = run.err_lines
    assert lines and all(line.startswith("jobctl: ") for line in lines), run.describe()
    return lines


def test_iot_paging_through_a_repeated_token_stops_with_exit_3(moto_endpoint):
    run = jobctl("iot", "--page-size", "2", "-o", "jsonl", endpoint=moto_endpoint, attempts=1)
    lines = assert_clean_failure(run, 3)
    assert len(lines) == 2 and LOOP in lines[0] and lines[0].startswith("jobctl: iot: ")
    assert run.token, run.describe()
    assert len(run.rows()) == 2  # the first page was written before the loop was seen


def test_iot_with_a_page_size_over_the_job_count_lists_every_job(moto_endpoint):
    run = jobctl("iot", "--page-size", "10", "-o", "json", endpoint=moto_endpoint)
    assert run.status == 0, run.describe()
    assert run.err == ""
    expected = [job["jobId"] for job in client(moto_endpoint, "iot").list_jobs()["jobs"]]
    assert sorted(row["id"] for row in run.rows("json")) == sorted(expected)
    assert len(expected) == 5


@pytest.fixture(scope="module")
def other_commands(moto_endpoint, e2e_tmp):
    cases = {
        # moto answers its unimplemented or failing operations with an HTML error page.
        "amplify": (["amplify"], 5),
        "amplify-one-branch": (["amplify", "--app-id", "dabc123", "--branch", "main"], 5),
        "amplify-backend": (["amplify-backend"], 5),
        "snowball": (["snowball"], 5),
        # No queues: discovery finds nothing to list.
        "batch-discovered": (["batch", "--status", "all"], 0),
        # moto serves DescribeJobQueues, which jobctl asks for the queue's type: it
        # has no queue q, a named parent that does not exist (2).
        "batch-queue": (["batch", "--job-queue", "q"], 2),
        "all": (["all"], 3),
    }
    runs = jobctl_many(
        [args for args, _ in cases.values()], moto_endpoint, attempts=1, env=fake_env(e2e_tmp)
    )
    return {name: (run, cases[name][1]) for name, run in zip(cases, runs, strict=True)}


@pytest.mark.parametrize(
    "name",
    [
        "amplify",
        "amplify-one-branch",
        "amplify-backend",
        "snowball",
        "batch-discovered",
        "batch-queue",
        "all",
    ],
)
def test_other_commands_end_cleanly(other_commands, name):
    run, status = other_commands[name]
    if status == 0:
        assert run.status == 0 and run.err == "No jobs found.\n", run.describe()
        return
    lines = assert_clean_failure(run, status)
    failures = [line for line in lines if "resume with" not in line]
    if name == "all":  # IoT's jobs listed; the three failing services named, one line each
        assert sorted(line.split()[1].rstrip(":") for line in failures) == [
            "amplify",
            "amplify-backend",
            "snowball",
        ]
        assert {row["id"] for row in run.rows("table")} == {f"moto-job-{n}" for n in range(5)}
    else:
        assert len(failures) == 1, run.describe()
        assert failures[0].startswith(f"jobctl: {run.args[0]}")


def test_an_html_error_page_is_summarized_not_quoted(other_commands):
    run, _ = other_commands["snowball"]
    assert "<" not in run.err and "HTTP 500" in run.err, run.err
