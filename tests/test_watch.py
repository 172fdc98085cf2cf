"""--watch against the sandbox: jobs change state as requests arrive (the sandbox's
on_request hook mutates its data after the Nth listing request)."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sandbox_harness import (
    amplify_job,
    batch_job,
    document,
    invoke,
    sandbox,
    shared_model_loader,
)

from jobctl.output.streams import Streams
from jobctl.timeparse import parse_duration

pytestmark = pytest.mark.usefixtures("shared_model_loader")
__all__ = ["shared_model_loader"]

Step = Callable[[Any], None]
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ")


@contextmanager
def timeline(
    tmp_path: Path, content: dict[str, Any], operation: str, steps: dict[int, Step], **kw: Any
) -> Iterator[Any]:
    """A sandbox that runs steps[n](sandbox) after answering the nth `operation` request."""
    seen = [0]
    holder: list[Any] = []

    def on_request(record: Any) -> None:
        if record.operation == operation:
            seen[0] += 1
            step = steps.get(seen[0])
            if step is not None:
                step(holder[0])

    with sandbox(tmp_path, content, on_request=on_request, **kw) as sb:
        holder.append(sb)
        yield sb


def batch_update(job_id: str, **fields: Any) -> Step:
    return lambda sb: sb.data.update_job("batch", job_id, **fields)


QUEUE = document(
    queues={
        "ci": [
            batch_job("w-1", "RUNNING", 3),
            batch_job("w-2", "RUNNABLE", 2),
            batch_job("w-3", "SUCCEEDED", 1),
        ]
    }
)
STEPS: dict[int, Step] = {
    1: batch_update("w-2", status="RUNNING"),
    2: batch_update("w-1", status="SUCCEEDED"),
    3: batch_update("w-2", status="FAILED", statusReason="OutOfMemory"),
}


def watch_ci(url: str, *args: str) -> list[str]:
    return [
        "batch",
        "--endpoint-url",
        url,
        "--job-queue",
        "ci",
        "--status",
        "all",
        "--watch",
        "--interval",
        "0.05s",
        *args,
    ]


def unstamped(text: str) -> list[str]:
    lines = text.splitlines()
    assert all(STAMP.match(line) for line in lines), lines
    return [STAMP.sub("", line) for line in lines]


# -- durations ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("5s", 5),
        ("1m", 60),
        ("1m30s", 90),
        ("0.2s", 0.2),
        ("10", 10),
        ("0.5", 0.5),
        ("2h", 7200),
        ("250ms", 0.25),
    ],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "5x", "s", "0", "-1", "1m x", "inf", "nan"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


# -- to the end ------------------------------------------------------------------------


def test_watch_follows_changes_then_fail_on_exits_6(tmp_path: Path) -> None:
    with timeline(tmp_path, QUEUE, "ListServiceJobs", STEPS) as sb:
        run = invoke(*watch_ci(sb.endpoint_url, "--fail-on", "failed"))
    assert run.status == 6
    assert unstamped(run.out) == [
        "batch us-east-1 w-3 (new) -> succeeded name-w-3",
        "batch us-east-1 w-2 (new) -> queued name-w-2",
        "batch us-east-1 w-1 (new) -> running name-w-1",
        "batch us-east-1 w-2 queued -> running name-w-2",
        "batch us-east-1 w-1 running -> succeeded name-w-1",
        "batch us-east-1 w-2 running -> failed name-w-2",
        "done after 0s: 3 jobs: 2 succeeded, 1 failed",
    ]
    assert run.err_lines == [
        "jobctl: --fail-on failed: 1 of 3 jobs listed is in that state",
        'jobctl: batch w-2 "name-w-2" is failed: OutOfMemory',
    ]


def test_watch_then_expect_passes_with_0(tmp_path: Path) -> None:
    steps = {1: batch_update("w-2", status="SUCCEEDED"), 2: batch_update("w-1", status="SUCCEEDED")}
    with timeline(tmp_path, QUEUE, "ListServiceJobs", steps) as sb:
        run = invoke(*watch_ci(sb.endpoint_url, "--expect", "succeeded"))
        calls = [r for r in sb.requests if r.operation == "ListServiceJobs"]
    assert (run.status, run.err) == (0, "")
    assert unstamped(run.out)[-1] == "done after 0s: 3 jobs: 3 succeeded"
    assert len(calls) == 3  # one listing per change, none after the last job finished


def test_watch_jsonl_events_and_summary(tmp_path: Path) -> None:
    with timeline(tmp_path, QUEUE, "ListServiceJobs", STEPS) as sb:
        run = invoke(*watch_ci(sb.endpoint_url, "-o", "jsonl"))
    assert run.status == 0  # no checks asked
    events = run.jsonl
    changes = [(e["id"], e["from"], e["to"]) for e in events if e["event"] == "state_change"]
    assert changes == [
        ("w-3", None, "succeeded"),
        ("w-2", None, "queued"),
        ("w-1", None, "running"),
        ("w-2", "queued", "running"),
        ("w-1", "running", "succeeded"),
        ("w-2", "running", "failed"),
    ]
    first = events[0]
    assert set(first) >= {"event", "service", "id", "name", "from", "to", "at"}
    assert first["service"] == "batch" and first["name"] == "name-w-3"
    summary = events[-1]
    assert summary["event"] == "summary" and summary["outcome"] == "done"
    assert summary["total"] == 3
    assert summary["states"]["succeeded"] == 2 and summary["states"]["failed"] == 1


def test_watch_json_writes_the_final_jobs_and_progress_on_stderr(tmp_path: Path) -> None:
    with timeline(tmp_path, QUEUE, "ListServiceJobs", STEPS) as sb:
        run = invoke(*watch_ci(sb.endpoint_url, "-o", "json", "--sort", "id"))
    assert run.status == 0
    jobs = json.loads(run.out)
    assert [(j["id"], j["state"]) for j in jobs] == [
        ("w-1", "succeeded"),
        ("w-2", "failed"),
        ("w-3", "succeeded"),
    ]
    assert unstamped(run.err)[-1] == "done after 0s: 3 jobs: 2 succeeded, 1 failed"


def test_watch_summary_at_the_end(tmp_path: Path) -> None:
    with timeline(tmp_path, QUEUE, "ListServiceJobs", STEPS) as sb:
        run = invoke(*watch_ci(sb.endpoint_url, "-o", "csv", "--summary"))
    assert run.status == 0
    assert run.out.splitlines()[-1] == "batch,us-east-1,0,0,2,1,0,0,3"


# -- timeouts and IDs ------------------------------------------------------------------


def test_watch_timeout_exits_7_and_names_what_is_unfinished(tmp_path: Path) -> None:
    with sandbox(tmp_path, QUEUE) as sb:
        run = invoke(*watch_ci(sb.endpoint_url, "--timeout", "0.3s", "--fail-on", "failed"))
    assert run.status == 7
    assert unstamped(run.out)[-1].startswith("timed out after 0s: 3 jobs:")
    assert run.err_lines == [
        "jobctl: --watch timed out after 0s: 2 of 3 watched jobs are not finished",
        'jobctl: batch w-2 "name-w-2" is queued',
        'jobctl: batch w-1 "name-w-1" is running',
    ]


def test_watch_waits_for_an_id_not_listed_yet(tmp_path: Path) -> None:
    steps = {
        2: lambda sb: sb.data.add_job("batch", batch_job("late", "RUNNING", 0), parent="ci"),
        3: batch_update("late", status="SUCCEEDED"),
    }
    with timeline(tmp_path, QUEUE, "ListServiceJobs", steps) as sb:
        run = invoke(
            *watch_ci(sb.endpoint_url, "--id", "late", "--timeout", "10s", "--expect", "succeeded")
        )
    assert run.status == 0, run.err
    assert run.err_lines == ["jobctl: no job with ID late listed yet; waiting for it"]
    assert unstamped(run.out) == [
        "batch us-east-1 late (new) -> running name-late",
        "batch us-east-1 late running -> succeeded name-late",
        "done after 0s: 1 job: 1 succeeded",
    ]


def test_watch_for_an_id_never_listed_times_out(tmp_path: Path) -> None:
    with sandbox(tmp_path, QUEUE) as sb:
        run = invoke(*watch_ci(sb.endpoint_url, "--id", "nope", "--timeout", "0.2s"))
    assert run.status == 7
    assert run.err_lines == [
        "jobctl: no job with ID nope listed yet; waiting for it",
        "jobctl: --watch timed out after 0s: 1 of 1 watched job is not finished",
        "jobctl: job ID nope was never listed",
    ]


def test_watch_newest_amplify_deploy_only(tmp_path: Path) -> None:
    data = document(
        branches={
            "main": [
                amplify_job("1", "SUCCEED", 60, "first"),
                amplify_job("2", "RUNNING", 5, "second"),
            ]
        }
    )
    steps = {
        1: lambda sb: sb.data.add_job(
            "amplify", amplify_job("3", "RUNNING", 0, "third"), parent=("d1app", "main")
        ),
        2: lambda sb: sb.data.update_job("amplify", "2", status="SUCCEED"),
    }
    with timeline(tmp_path, data, "ListJobs", steps) as sb:
        run = invoke(
            "amplify",
            "--endpoint-url",
            sb.endpoint_url,
            "--app-id",
            "d1app",
            "--branch",
            "main",
            "--max-items",
            "1",
            "--watch",
            "--interval",
            "0.05",
            "--expect",
            "succeeded",
        )
    assert run.status == 0, run.err
    # Job 3 started after the watch chose job 2: it is not waited for.
    assert unstamped(run.out) == [
        "amplify us-east-1 2 (new) -> running second",
        "amplify us-east-1 2 running -> succeeded second",
        "done after 0s: 1 job: 1 succeeded",
    ]


def test_watch_stops_waiting_for_a_job_that_disappears(tmp_path: Path) -> None:
    steps = {
        1: lambda sb: sb.data.remove_job("batch", "w-1"),
        2: batch_update("w-2", status="SUCCEEDED"),
    }
    with timeline(tmp_path, QUEUE, "ListServiceJobs", steps) as sb:
        run = invoke(*watch_ci(sb.endpoint_url, "--timeout", "10s"))
    assert run.status == 0
    assert "jobctl: warning: batch w-1 is no longer listed; not waiting for it" in run.err_lines


# -- failures, precedence, usage -------------------------------------------------------


def test_a_failed_listing_outranks_the_watch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jobctl.sandbox import Faults

    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    faults = Faults()
    steps = {1: lambda sb: setattr(sb.faults, "access_denied", True)}
    with timeline(tmp_path, QUEUE, "ListServiceJobs", steps, faults=faults) as sb:
        run = invoke(*watch_ci(sb.endpoint_url, "--timeout", "5s", "--expect", "succeeded"))
    assert run.status == 4
    assert any("AccessDenied" in line for line in run.err_lines)


def test_a_service_failure_while_watching_is_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jobctl.sandbox import Faults

    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    steps = {
        1: lambda sb: setattr(sb.faults, "server_error_every", 2),
        2: batch_update("w-1", status="SUCCEEDED"),
        3: batch_update("w-2", status="SUCCEEDED"),
    }
    with timeline(tmp_path, QUEUE, "ListServiceJobs", steps, faults=Faults()) as sb:
        run = invoke(*watch_ci(sb.endpoint_url, "--timeout", "10s", "--expect", "succeeded"))
    assert run.status == 0, run.err
    assert any(line.startswith("jobctl: warning: listing again in") for line in run.err_lines)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--watch", "--starting-token", "jc2.x"], "--watch cannot resume"),
        (["--interval", "5s"], "--interval applies only with --watch"),
        (["--timeout", "5s"], "--timeout applies only with --watch"),
        (["--watch", "--interval", "soon"], "is not a duration"),
    ],
)
def test_watch_usage_errors(args: list[str], message: str) -> None:
    run = invoke("batch", "--endpoint-url", "http://127.0.0.1:9", "--job-queue", "ci", *args)
    assert run.status == 2
    assert message in run.err


def test_live_table_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(
        Streams,
        "from_process",
        classmethod(lambda cls: cls(stdout=out, stderr=err, stdout_tty=True, stderr_tty=False)),
    )
    with timeline(tmp_path, QUEUE, "ListServiceJobs", STEPS) as sb:
        run = invoke(*watch_ci(sb.endpoint_url, "--fail-on", "failed"))
    assert run.status == 6
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.getvalue())
    last = screen[screen.rindex("service") :]  # the final frame stays on screen
    assert re.search(r"w-2\s+name-w-2\s+failed\s+FAILED", last)
    assert re.search(r"w-1\s+name-w-1\s+succeeded\s+SUCCEEDED", last)
    assert "3 of 3 finished · done after 0s" in last
    assert err.getvalue().splitlines()[-1] == 'jobctl: batch w-2 "name-w-2" is failed: OutOfMemory'


def test_ctrl_c_while_watching_exits_130(tmp_path: Path) -> None:
    jobctl = Path(sys.executable).parent / "jobctl"
    with sandbox(tmp_path, QUEUE) as sb:
        process = subprocess.Popen(
            [str(jobctl), *watch_ci(sb.endpoint_url)[:-2], "--interval", "30s"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "AWS_MAX_ATTEMPTS": "1"},
        )
        try:
            assert process.stdout is not None
            first = process.stdout.readline()  # the first listing is done: now sleeping
            process.send_signal(signal.SIGINT)
            status = process.wait(timeout=10)
        finally:
            process.kill()
    assert "(new) ->" in first
    assert status == 130
    assert "Traceback" not in (process.stderr.read() if process.stderr else "")
