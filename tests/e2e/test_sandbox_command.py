"""Issue 3: the embedded endpoint from the command line: `--sandbox` on a listing with no
AWS configuration at all, and `jobctl sandbox --port 0` serving another jobctl."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess

from e2e_support import JOBCTL, jobctl

from jobctl.sandbox import Sandbox


def no_aws_env(tmp_path) -> dict[str, str]:
    (tmp_path / "empty").write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "empty")
    env["AWS_EC2_METADATA_DISABLED"] = "true"  # no credentials from instance metadata
    return env


def test_sandbox_flag_needs_no_aws_configuration(tmp_path):
    env = no_aws_env(tmp_path)
    queue = "ml-training-high"
    run = jobctl("batch", "--sandbox", "--job-queue", queue, "--status", "all", "-o", "jsonl",
                 env=env)  # fmt: skip
    assert run.status == 0, run.describe()
    assert run.err == ""
    # The same deterministic demo data a Sandbox() holds, every status of the queue.
    expected = Sandbox(regions=("us-east-1",)).data.jobs("batch", parent=queue)
    assert sorted(row["id"] for row in run.rows()) == sorted(job["jobId"] for job in expected)
    assert {row["status"] for row in run.rows()} >= {"RUNNING", "SUCCEEDED", "FAILED"}
    assert {row["region"] for row in run.rows()} == {"us-east-1"}
    # Without the flag, the same environment has no credentials: exit 4, not a listing.
    bare = jobctl("batch", "--job-queue", queue, "--region", "us-east-1", env=env, attempts=1)
    assert bare.status == 4, bare.describe()


def test_sandbox_command_serves_another_jobctl(tmp_path):
    log = (tmp_path / "sandbox.err").open("w+")
    server = subprocess.Popen(
        [str(JOBCTL), "sandbox", "--port", "0", "--jobs", "25"],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        env=os.environ.copy(),
    )
    try:
        assert server.stdout is not None
        lines = []
        for line in server.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("unset "):  # the last export line
                break
        found = re.fullmatch(r"export AWS_ENDPOINT_URL=(http://127\.0\.0\.1:(\d+))", lines[0])
        assert found, lines
        url, port = found.group(1), int(found.group(2))
        assert port not in (0, 4599)
        run = jobctl("iot", "--endpoint-url", url, "-o", "jsonl")
        assert run.status == 0, run.describe()
        expected = Sandbox(jobs_per_service=25, regions=("us-east-1",)).data.jobs("iot")
        assert sorted(row["id"] for row in run.rows()) == sorted(j["jobId"] for j in expected)
        server.send_signal(signal.SIGINT)
        # A clean stop; the status is checked against the docs in the test below.
        assert server.wait(timeout=15) in (0, 130)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    rest = server.stdout.read()
    # stdout carried only shell: export/unset lines and comments.
    assert all(re.match(r"(export |unset |#)", line) for line in lines + rest.splitlines())
    log.seek(0)
    err = log.read()
    assert "Traceback" not in err
    assert "GET /jobs iot ListJobs us-east-1 -> 200" in err  # the request was served here
    assert err.rstrip().endswith("jobctl sandbox: stopped")


def test_sandbox_command_exits_0_after_ctrl_c():
    server = subprocess.Popen(
        [str(JOBCTL), "sandbox", "--port", "0", "--jobs", "0", "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        assert server.stdout.readline().startswith("export AWS_ENDPOINT_URL=")
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=15) == 0
    finally:
        if server.poll() is None:
            server.kill()
        server.communicate()


def test_a_live_sandbox_command_has_jobs_to_watch(tmp_path):
    """`jobctl sandbox --clock live --move-scale 0.05`, then `jobctl batch --watch` against it:
    the jobs created in the last minutes are the moving ones, and the watch follows them
    from queued or running to their final states."""
    server = subprocess.Popen(
        [str(JOBCTL), "sandbox", "--port", "0", "--jobs", "20", "--clock", "live",
         "--move-scale", "0.05", "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip().removeprefix("export AWS_ENDPOINT_URL=")
        assert url.startswith("http://127.0.0.1:")
        run = jobctl(
            "batch", "--job-queue", "etl-nightly", "--status", "all", "--since", "2m",
            "--watch", "--interval", "0.3", "--timeout", "60s", "-o", "jsonl", endpoint=url,
        )  # fmt: skip
        assert run.status == 0, run.describe()
        events = [json.loads(line) for line in run.out.splitlines()]
        ids = {event["id"] for event in events if event["event"] == "state_change"}
        assert len(ids) == 3  # the three moving jobs of the busiest ECS queue
        assert any(e["from"] is not None for e in events if e["event"] == "state_change")
        assert events[-1]["event"] == "summary" and events[-1]["outcome"] == "done"
        assert events[-1]["states"]["queued"] == events[-1]["states"]["running"] == 0
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=15)
