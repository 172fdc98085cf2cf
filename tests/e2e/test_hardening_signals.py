"""SIGINT and SIGTERM at every moment of a run of the installed command: during imports,
client creation, discovery, paging and writing. Whenever it lands, jobctl exits 130 or
143 with clean one-line messages (no traceback, no "Exception ignored", never a swallowed
signal that lets the listing run to exit 0), and a printed resume token lists exactly
what is left."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Iterator

import pytest
from e2e_support import JOBCTL, fake_env

from jobctl.sandbox import Faults, Sandbox

HINT = "jobctl: resume with --starting-token "
# From just after the entry module installs its handlers (about 20 ms after exec) to
# well into the paging; the listing takes about a second at 40 ms a request.
DELAYS = (0.03, 0.05, 0.08, 0.12, 0.18, 0.26, 0.36, 0.5, 0.7)


@pytest.fixture(scope="module")
def slow() -> Iterator[Sandbox]:
    with Sandbox(jobs_per_service=60, regions=("us-east-1", "us-west-2")) as sb:
        yield sb


def _args(sb: Sandbox) -> list[str]:
    return [
        str(JOBCTL),
        *("batch", "--status", "all", "--region", "us-east-1,us-west-2", "--page-size", "6"),
        *("-o", "jsonl", "--endpoint-url", sb.endpoint_url),
    ]


def _ids(stdout: str) -> list[tuple[str, str]]:
    return [(row["region"], row["id"]) for row in map(json.loads, stdout.splitlines())]


def test_a_signal_at_any_moment_is_a_clean_130_or_143_and_resumes_exactly(
    slow: Sandbox, e2e_tmp: object
) -> None:
    env = fake_env(e2e_tmp)
    slow.faults = Faults()
    everything = subprocess.run(_args(slow), capture_output=True, text=True, env=env, timeout=60)
    assert everything.returncode == 0, everything.stderr
    expected = sorted(_ids(everything.stdout))
    assert len(expected) >= 120  # 60 jobs per API and region, over several queues

    outcomes = []
    for number, delay in enumerate(DELAYS):
        sig, status = (signal.SIGINT, 130) if number % 2 == 0 else (signal.SIGTERM, 143)
        slow.faults = Faults(latency_ms=40)
        child = subprocess.Popen(
            _args(slow), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        time.sleep(delay)
        child.send_signal(sig)
        out, err = child.communicate(timeout=60)
        where = f"{sig.name} after {delay}s: exit {child.returncode}\n{err}"
        assert child.returncode == status, where
        assert "Traceback" not in err and "Exception ignored" not in err, where
        lines = err.splitlines()
        assert all(line.startswith("jobctl: ") for line in lines), where
        written = _ids(out)
        outcomes.append(len(written))
        if not lines or not lines[-1].startswith(HINT):
            # Stopped before any page was written: nothing to resume, nothing written.
            assert written == [], where
            continue
        slow.faults = Faults()
        rest = subprocess.run(
            [*_args(slow), "--starting-token", lines[-1][len(HINT) :]],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert (rest.returncode, rest.stderr) == (0, ""), where
        both = written + _ids(rest.stdout)
        assert len(both) == len(set(both)), f"a job written twice; {where}"
        assert sorted(both) == expected, f"a job lost; {where}"
    # The sweep covered both ends: signals before any job, and mid-listing.
    assert outcomes[0] == 0 and 0 < max(outcomes) < len(expected), outcomes
