"""The installed `jobctl` command as a subprocess, against IoT over HTTP (moto's server,
and a small paging server of our own): piped into `head -1` it stops silently with 141
and asks for no further page; moto's looping tokens end in a clear exit 3, never a
traceback."""

from __future__ import annotations

import json
import os
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from cli_http import paged_iot

BIN = Path(sys.executable).parent
JOBCTL = BIN / "jobctl"
MOTO_SERVER = BIN / "moto_server"
JOB_COUNT = 240  # ~120 kB of JSON lines: more than a pipe holds, within one IoT page


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def moto_iot() -> Iterator[str]:
    """A moto server on a free port, holding JOB_COUNT IoT jobs; killed afterwards."""
    assert JOBCTL.exists(), f"jobctl is not installed next to {sys.executable}"
    assert MOTO_SERVER.exists(), "moto[server] is not installed (pip install -e '.[test]')"
    port = _free_port()
    server = subprocess.Popen(
        [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert server.poll() is None, "moto_server exited"
                assert time.monotonic() < deadline, "moto_server did not start"
                time.sleep(0.05)
        iot = boto3.client(
            "iot",
            endpoint_url=url,
            region_name="us-east-1",
            aws_access_key_id="moto",
            aws_secret_access_key="moto",
        )
        thing = iot.create_thing(thingName="sensor-1")["thingArn"]
        for i in range(JOB_COUNT):
            iot.create_job(jobId=f"ota-{i:04d}", targets=[thing], document="{}")
        yield url
    finally:
        server.kill()
        server.wait(timeout=10)


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    # As a user's shell has it: Python's default buffered stdout (see the xfail below).
    env.pop("PYTHONUNBUFFERED", None)
    env["AWS_MAX_ATTEMPTS"] = "1"
    env.update(extra)
    return env


def test_plain_listing_over_http(moto_iot: str) -> None:
    run = subprocess.run(
        [str(JOBCTL), "iot", "--endpoint-url", moto_iot, "--page-size", "250", "-o", "jsonl"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    assert (run.returncode, run.stderr) == (0, "")
    jobs = [json.loads(line) for line in run.stdout.splitlines()]
    assert sorted(job["id"] for job in jobs) == [f"ota-{i:04d}" for i in range(JOB_COUNT)]
    first = jobs[0]
    assert first["service"] == "iot"
    assert first["region"] == "us-east-1"
    assert first["arn"] == f"arn:aws:iot:us-east-1:123456789012:job/{first['id']}"
    assert first["created_at"].endswith("Z")
    assert first["raw"]["createdAt"] == first["created_at"]


def _head_1(url: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = shlex.join(
        [str(JOBCTL), "iot", "--endpoint-url", url, "--page-size", "250", "-o", "jsonl"]
    )
    script = f'set -o pipefail; {command} | head -1; echo "jobctl=${{PIPESTATUS[0]}}" >&2'
    return subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, env=env, timeout=60
    )


def test_piped_into_head_exits_141_silently(moto_iot: str) -> None:
    run = _head_1(moto_iot, _env())
    lines = run.stdout.splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["service"] == "iot"
    # Nothing from jobctl on stderr: no traceback, no "Exception ignored", no hint.
    assert run.stderr == "jobctl=141\n"


def test_moto_token_loop_ends_with_exit_3_and_a_clear_message(moto_iot: str) -> None:
    run = subprocess.run(
        [str(JOBCTL), "iot", "--endpoint-url", moto_iot, "--page-size", "5", "-o", "jsonl"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    assert run.returncode == 3
    assert len(run.stdout.splitlines()) == 5  # the first page was written, not repeated
    lines = run.stderr.splitlines()
    assert lines[0] == (
        "jobctl: iot: the service returned a pagination token it had already returned; "
        "stopped to avoid an endless loop"
    )
    assert lines[-1].startswith("jobctl: resume with --starting-token jc2.")
    assert len(lines) == 2
    assert "Traceback" not in run.stderr


def test_piped_into_head_exits_141_even_when_python_is_unbuffered(moto_iot: str) -> None:
    run = _head_1(moto_iot, _env(PYTHONUNBUFFERED="1"))
    assert len(run.stdout.splitlines()) == 1
    assert run.stderr == "jobctl=141\n"


def test_head_stops_the_api_calls() -> None:
    """Five pages of 250 jobs: the first page alone overflows the pipe, so the reader
    leaves during it and jobctl must not ask for a second page."""
    with paged_iot(total=1250) as (url, handler):
        full = subprocess.run(
            [str(JOBCTL), "iot", "--endpoint-url", url, "-o", "jsonl"],
            capture_output=True,
            text=True,
            env=_env(),
            timeout=60,
        )
        assert (full.returncode, full.stderr) == (0, "")
        assert len(full.stdout.splitlines()) == 1250
        assert len(handler.requests) == 5
        handler.requests.clear()

        run = _head_1(url, _env())
        assert len(run.stdout.splitlines()) == 1
        assert run.stderr == "jobctl=141\n"
        assert handler.requests == ["/jobs?maxResults=250"]
