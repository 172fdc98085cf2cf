"""Helpers for the hardening tests: the installed `jobctl` as a subprocess against the
embedded sandbox (or a tiny HTTP server of our own), with crafted jobs and faults.

Every run gets a copy of the test's environment (tests/conftest.py sets fake credentials
and a region through monkeypatch), with PYTHONUNBUFFERED unset as in a user's shell.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

JOBCTL = Path(sys.executable).parent / "jobctl"
HINT = re.compile(r"^jobctl: resume with --starting-token (jc2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$")
# What may never reach a terminal from job data: C0 controls but LF, DEL, C1 controls,
# and the Unicode characters that reorder or hide text.
UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]"
)
SGR = re.compile(r"\x1b\[[0-9;]*m")


def env(**extra: str | None) -> dict[str, str]:
    """The test's environment for a subprocess; a value of None removes a variable."""
    out = os.environ.copy()
    out.pop("PYTHONUNBUFFERED", None)
    out.setdefault("AWS_MAX_ATTEMPTS", "1")
    for name, value in extra.items():
        if value is None:
            out.pop(name, None)
        else:
            out[name] = value
    return out


@contextmanager
def isolated_aws(tmp_path: Path) -> Iterator[None]:
    """What tests/conftest.py's autouse fixture does, for module-scoped fixtures (which
    run before it): fake credentials and region, no real profile, file or endpoint."""
    with pytest.MonkeyPatch.context() as patch:
        for name in [n for n in os.environ if n.startswith("AWS_")]:
            patch.delenv(name)
        patch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
        patch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
        patch.setenv("AWS_ACCESS_KEY_ID", "AKIATESTINGFAKE00001")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing-secret-fake")
        patch.setenv("AWS_REGION", "us-east-1")
        patch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        yield


@dataclass
class Run:
    status: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        """stdout split at LF only (str.splitlines would also split at CR, FS, U+2028...)."""
        lines = self.out.split("\n")
        return lines[:-1] if lines[-1] == "" else lines

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()

    @property
    def jsonl(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.lines]

    @property
    def ids(self) -> list[str]:
        """Job IDs of a json or jsonl listing, in order."""
        text = self.out.strip()
        jobs = json.loads(text) if text.startswith("[") else self.jsonl
        return [job["id"] for job in jobs]

    @property
    def hint_token(self) -> str | None:
        lines = self.err_lines
        match = HINT.match(lines[-1]) if lines else None
        return match.group(1) if match else None


def jobctl(*args: str, url: str | None = None, timeout: float = 60, **env_extra: str | None) -> Run:
    """Run the installed jobctl; `url` becomes --endpoint-url."""
    assert JOBCTL.exists(), f"jobctl is not installed next to {sys.executable}"
    argv = [str(JOBCTL), *args]
    if url is not None:
        argv += ["--endpoint-url", url]
    # Bytes, decoded here: text mode would turn a CR inside a CSV field into a newline.
    proc = subprocess.run(argv, capture_output=True, env=env(**env_extra), timeout=timeout)
    return Run(proc.returncode, proc.stdout.decode(), proc.stderr.decode())


def shell(script: str, timeout: float = 60, **env_extra: str | None) -> Run:
    """Run a bash script (pipes, redirections); `$JOBCTL` names the command."""
    proc = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        env=env(JOBCTL=str(JOBCTL), **env_extra),
        timeout=timeout,
    )
    return Run(proc.returncode, proc.stdout.decode(), proc.stderr.decode())


def command_line(*args: str) -> str:
    return shlex.join([str(JOBCTL), *args])


def in_pty(args: Sequence[str], columns: int = 2000, timeout: float = 60) -> tuple[int, str]:
    """Run jobctl with stdout and stderr on a pseudo-terminal; (exit status, output)."""
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [str(JOBCTL), *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env(COLUMNS=str(columns), LINES="50", TERM="xterm-256color"),
        start_new_session=True,
    )
    os.close(follower)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while True:
            assert time.monotonic() < deadline, "jobctl did not finish under the pty"
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: every process closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        status = proc.wait(timeout=timeout)
    finally:
        os.close(leader)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return status, b"".join(chunks).decode("utf-8")


# -- the sandbox ------------------------------------------------------------------------


def batch_job(job_id: str, name: str, status: str = "RUNNING", **extra: Any) -> dict[str, Any]:
    return {
        "jobId": job_id,
        "jobName": name,
        "status": status,
        "createdAt": extra.pop("createdAt", "2026-11-01T10:00:00Z"),
        **extra,
    }


def batch_document(jobs: list[dict[str, Any]], queue: str = "q") -> dict[str, Any]:
    return {
        "regions": {"us-east-1": {"batch": {"queues": [{"jobQueueName": queue, "jobs": jobs}]}}}
    }


@contextmanager
def sandbox(
    tmp_path: Path | None = None, document: dict[str, Any] | None = None, **kwargs: Any
) -> Iterator[Any]:
    """A running sandbox: with `document`, exactly those jobs; else demo data."""
    from jobctl.sandbox import Sandbox

    if document is not None:
        assert tmp_path is not None
        path = tmp_path / f"data-{id(document)}.json"
        path.write_text(json.dumps(document))
        kwargs["data_file"] = path
    with Sandbox(**kwargs) as sb:
        yield sb


def after_first_page(sb: Any, change: Callable[[Any], None]) -> None:
    """Apply `change(faults)` once the sandbox has answered one page successfully, so
    what follows fails 'mid-listing'."""
    done = threading.Event()

    def on_request(record: Any) -> None:
        listed = record.operation in LIST_OPERATIONS  # not a discovery call
        if record.status == 200 and listed and not done.is_set():
            done.set()
            change(sb.faults)

    sb.on_request = on_request


LIST_OPERATIONS = ("ListJobs", "ListBackendJobs", "ListServiceJobs")


def list_requests(sb: Any) -> list[Any]:
    """The requests of the list operations jobctl pages through (no discovery calls)."""
    return [r for r in sb.requests if r.operation in LIST_OPERATIONS]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- a tiny server of our own, for answers the sandbox cannot give ------------------------


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str]


@contextmanager
def tiny_server(
    answer: Callable[[str, str], Reply], headers: list[dict[str, str]] | None = None
) -> Iterator[tuple[str, list[str]]]:
    """An HTTP server answering every request with `answer(method, path)`; yields its URL
    and the list of paths requested (and appends each request's headers to `headers`)."""
    requested: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            requested.append(self.path)
            if headers is not None:
                headers.append(dict(self.headers.items()))
            reply = answer(self.command, self.path)
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requested
    finally:
        server.shutdown()
        server.server_close()


def json_reply(status: int, body: Any, **headers: str) -> Reply:
    return Reply(
        status,
        json.dumps(body).encode(),
        {"Content-Type": "application/json", **headers},
    )


# -- signals --------------------------------------------------------------------------


def interrupt_after(
    args: Sequence[str], sb: Any, requests: int, sig: signal.Signals, timeout: float = 30
) -> Run:
    """Start jobctl, send `sig` once the sandbox has seen `requests` requests, collect."""
    proc = subprocess.Popen(
        [str(JOBCTL), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
    )
    try:
        deadline = time.monotonic() + timeout
        while len(sb.requests) < requests:
            assert proc.poll() is None, "jobctl ended before it was interrupted"
            assert time.monotonic() < deadline, "jobctl never reached the request"
            time.sleep(0.01)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return Run(proc.returncode, out, err)


# -- listing arguments per service ----------------------------------------------------------

SERVICES = ("amplify", "amplify-backend", "iot", "batch", "snowball")


def service_args(sb: Any, service: str, region: str | None = None) -> list[str]:
    """The arguments that list one parent's jobs of `service` in a demo sandbox (the
    busiest parent), every status included."""
    parents = sb.parents(region)
    if service == "amplify":
        app, branch = parents["amplify"][0]
        return ["amplify", "--app-id", app, "--branch", branch]
    if service == "amplify-backend":
        app, environment = parents["amplify-backend"][0]
        return ["amplify-backend", "--app-id", app, "--env", environment]
    if service == "batch":
        return ["batch", "--job-queue", parents["batch"][0], "--status", "all"]
    return [service]


def stored_ids(sb: Any, service: str, region: str | None = None) -> set[str]:
    """The IDs of the jobs `service_args` lists, as the sandbox holds them."""
    parents = sb.parents(region)
    parent = {
        "amplify": lambda: parents["amplify"][0],
        "amplify-backend": lambda: parents["amplify-backend"][0],
        "batch": lambda: parents["batch"][0],
    }.get(service, lambda: None)()
    id_member = {"amplify-backend": "JobId", "snowball": "JobId"}.get(service, "jobId")
    return {job[id_member] for job in sb.data.jobs(service, region=region, parent=parent)}
