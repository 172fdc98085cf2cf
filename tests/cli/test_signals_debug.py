"""The installed command under SIGINT / SIGTERM (flush, hint, 130 / 143) and --debug
(request logs on stderr with every secret redacted)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_http import paged_iot

JOBCTL = Path(sys.executable).parent / "jobctl"
HINT = re.compile(r"^jobctl: resume with --starting-token (\S+)$")
SECRET_KEY = "testing-secret-fake"
ACCESS_KEY = "AKIATESTINGFAKE00001"
SESSION_TOKEN = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN0123456789"


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONUNBUFFERED", None)
    env["AWS_MAX_ATTEMPTS"] = "1"
    env.update(extra)
    return env


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_flushes_prints_the_hint_and_resumes(sig: signal.Signals, status: int) -> None:
    with paged_iot(total=30, pause=30) as (url, handler):
        args = [str(JOBCTL), "iot", "--endpoint-url", url, "--page-size", "10", "-o", "jsonl"]
        proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env()
        )
        assert proc.stdout is not None
        first = [proc.stdout.readline() for _ in range(10)]  # page 1, flushed as it came
        deadline = time.monotonic() + 10
        while len(handler.requests) < 2:  # jobctl now waits for page 2
            assert time.monotonic() < deadline, "jobctl never asked for page 2"
            time.sleep(0.02)
        proc.send_signal(sig)
        rest, err = proc.communicate(timeout=20)
        assert proc.returncode == status
        assert rest == ""
        assert [json.loads(line)["id"] for line in first] == [f"ota-{i:05d}" for i in range(10)]
        lines = err.splitlines()
        assert len(lines) == 1, err
        match = HINT.match(lines[0])
        assert match, err

        handler.pause = 0
        resumed = subprocess.run(
            [*args, "--starting-token", match.group(1)],
            capture_output=True,
            text=True,
            env=_env(),
            timeout=60,
        )
        assert (resumed.returncode, resumed.stderr) == (0, "")
        ids = [json.loads(line)["id"] for line in resumed.stdout.splitlines()]
        assert ids == [f"ota-{i:05d}" for i in range(10, 30)]


def _debug_run() -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(JOBCTL), "iot", "--endpoint-url", "http://127.0.0.1:9", "--debug", "-o", "jsonl"],
        capture_output=True,
        text=True,
        env=_env(
            AWS_ACCESS_KEY_ID=ACCESS_KEY,
            AWS_SECRET_ACCESS_KEY=SECRET_KEY,
            AWS_SESSION_TOKEN=SESSION_TOKEN,
        ),
        timeout=60,
    )


def test_debug_logs_requests_and_redacts_credentials() -> None:
    run = _debug_run()
    assert run.returncode == 5
    assert run.stdout == ""
    assert "botocore" in run.stderr and "DEBUG" in run.stderr
    assert "Traceback" in run.stderr  # --debug is where tracebacks go
    assert "/jobs?maxResults=250" in run.stderr
    for secret in (SECRET_KEY, ACCESS_KEY, SESSION_TOKEN):
        assert secret not in run.stderr
    assert "[REDACTED]" in run.stderr
    assert run.stderr.splitlines()[-1].startswith("jobctl: iot: cannot connect: ")


def test_debug_redacts_the_request_signature() -> None:
    lines = _debug_run().stderr.splitlines()
    signed = [i for i, line in enumerate(lines) if line.endswith("botocore.auth DEBUG Signature:")]
    assert signed, "botocore no longer logs the signature: drop this test"
    for i in signed:
        assert not re.fullmatch(r"[0-9a-f]{64}", lines[i + 1])


@pytest.mark.parametrize("debug", [True, False])
def test_a_failed_listing_has_a_traceback_only_with_debug(debug: bool) -> None:
    args = [str(JOBCTL), "iot", "--endpoint-url", "http://127.0.0.1:9", "-o", "jsonl"]
    run = subprocess.run(
        [*args, *(["--debug"] if debug else [])],
        capture_output=True,
        text=True,
        env=_env(AWS_MAX_ATTEMPTS="1"),
        timeout=60,
    )
    assert run.returncode == 5
    assert run.stderr.splitlines()[-1].startswith("jobctl: iot: cannot connect:")
    # jobctl's own traceback of the failure (botocore logs its own too, elsewhere).
    assert ("jobctl/listing/pages.py" in run.stderr) is debug
