"""Live endpoints for the end-to-end suite: the demo sandbox (three regions), a sandbox
serving a small crafted data file (exact expectations), and moto's server.

The sandboxes are session-scoped and shared; a test that injects faults or reads the
request log gets them through `demo`/`crafted`, which reset both around it.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_data import CRAFTED
from e2e_support import MOTO_SERVER, Truth, client

from jobctl.sandbox import Faults, Sandbox
from jobctl.sandbox.clock import DEMO_ANCHOR

# Enough jobs for several pages everywhere and every status in each busiest parent, few
# enough that a full `jobctl all` over three regions stays well under a second.
DEMO_JOBS = 120


@pytest.fixture(scope="session")
def demo_sandbox() -> Iterator[Sandbox]:
    with Sandbox(jobs_per_service=DEMO_JOBS, clock=DEMO_ANCHOR) as sb:
        yield sb


@pytest.fixture
def demo(demo_sandbox: Sandbox) -> Iterator[Sandbox]:
    """The shared demo sandbox with no faults and an empty request log."""
    demo_sandbox.faults = Faults()
    demo_sandbox.clear_requests()
    yield demo_sandbox
    demo_sandbox.faults = Faults()


@pytest.fixture(scope="session")
def demo_truth(demo_sandbox: Sandbox) -> Truth:
    return Truth(demo_sandbox.endpoint_url)


@pytest.fixture(scope="session")
def crafted_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    path = tmp_path_factory.mktemp("crafted") / "data.json"
    path.write_text(json.dumps(CRAFTED))
    with Sandbox(data_file=path) as sb:
        yield sb


@pytest.fixture(scope="session")
def crafted_truth(crafted_sandbox: Sandbox) -> Truth:
    return Truth(crafted_sandbox.endpoint_url)


@pytest.fixture
def crafted(crafted_sandbox: Sandbox) -> Iterator[Sandbox]:
    crafted_sandbox.faults = Faults()
    crafted_sandbox.clear_requests()
    yield crafted_sandbox
    crafted_sandbox.faults = Faults()


# -- moto's server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def moto_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """moto_server on a free port, with five IoT jobs created through boto3."""
    if not MOTO_SERVER.exists():
        pytest.skip(f"no moto_server at {MOTO_SERVER}")
    port = free_port()
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("w")
    server = subprocess.Popen(
        [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError as exc:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto_server did not start ({server.poll()})") from exc
                time.sleep(0.1)
        iot = client(url, "iot")
        thing = iot.create_thing(thingName="e2e-device")
        for n in range(5):
            iot.create_job(
                jobId=f"moto-job-{n}", targets=[thing["thingArn"]], document='{"op": "noop"}'
            )
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture(scope="session")
def e2e_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e")
