"""What the benchmarks share: finding commands, a clean AWS environment, and running a
child process while recording its own wall time, CPU time and peak RSS."""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent


def command(name: str) -> str:
    """A console script from the running interpreter's environment, else from PATH."""
    beside = Path(sys.executable).with_name(name)
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        sys.exit(f"bench: {name} is not installed (pip install -e '.[test]')")
    return found


def compile_jobctl() -> None:
    """Byte-compile jobctl as `pip install .` does. An editable install has no .pyc files
    when PYTHONDONTWRITEBYTECODE is set, and every timed process would then compile
    jobctl's ~40 modules from source (~30 ms) while boto3 and the AWS CLI load theirs."""
    import importlib.util

    spec = importlib.util.find_spec("jobctl")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("bench: jobctl is not installed (pip install -e '.[test]')")
    package = next(iter(spec.submodule_search_locations))
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=True)


def clean_env(workdir: Path, **extra: str) -> dict[str, str]:
    """The environment minus any real AWS settings, with fake credentials: the benchmarks
    only ever talk to the sandbox on 127.0.0.1. jobctl is byte-compiled first, and
    PYTHONDONTWRITEBYTECODE is dropped, so each client runs as a regular install would."""
    compile_jobctl()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("AWS_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    env.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_REGION="us-east-1",
        AWS_DEFAULT_REGION="us-east-1",  # the AWS CLI v1 reads only this one
        AWS_CONFIG_FILE=str(workdir / "aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(workdir / "aws-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
    )
    env.update(extra)
    return env


@dataclass(frozen=True)
class Run:
    wall: float  # seconds, spawn to exit
    cpu: float  # the child's own user + system seconds
    max_rss_kib: int  # the child's own peak resident set
    returncode: int


def run(
    argv: Sequence[str],
    env: Mapping[str, str],
    stdout: IO[Any] | int = subprocess.DEVNULL,
    stderr: IO[Any] | int = subprocess.DEVNULL,
) -> Run:
    """Run one child and measure it alone: os.wait4 gives that child's own rusage, where
    RUSAGE_CHILDREN would mix in (and take the max over) every earlier child.

    On Linux a child's peak RSS starts from its parent's peak (kept across fork and exec),
    so the measuring process must stay small: it never loads outputs (see count_records)
    and runs the sandbox in another process."""
    start = time.perf_counter()
    child = subprocess.Popen(list(argv), env=dict(env), stdout=stdout, stderr=stderr)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, child.returncode)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    for package in ("botocore", "boto3", "click", "awscli"):
        try:
            from importlib.metadata import version

            info[package] = version(package)
        except Exception:
            info[package] = "absent"
    return info


def print_machine() -> None:
    print("machine: " + ", ".join(f"{k}={v}" for k, v in machine().items()))


@contextmanager
def sandbox(
    jobs: int,
    latency_ms: int = 0,
    regions: Sequence[str] = ("us-east-1",),
    accounts: int | None = None,
) -> Iterator[str]:
    """A sandbox with `jobs` demo jobs per service in each region (of each of `accounts`
    accounts, an organization), in its own process (see _serve.py for why); yields its
    endpoint URL."""
    started = time.perf_counter()
    serve = str(Path(__file__).with_name("_serve.py"))
    server = subprocess.Popen(
        [sys.executable, serve, str(jobs), str(latency_ms), ",".join(regions)]
        + ([str(accounts)] if accounts else []),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdin is not None and server.stdout is not None
    try:
        url = server.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"the sandbox did not start (said {url!r})")
        print(
            f"sandbox: {jobs} jobs per service at {url}, latency {latency_ms} ms, "
            f"ready in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
        yield url
    finally:
        server.stdin.close()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


_COUNT = """
import json, sys
kind, path = sys.argv[1], sys.argv[2]
with open(path, "rb") as f:
    if kind == "lines":
        print(sum(1 for line in f if line.strip()))
    elif kind == "json-array":
        print(len(json.load(f)))
    elif kind == "aws-json":
        print(len(json.load(f)["jobs"]))
    elif kind == "delimited":
        print(sum(1 for line in f if line.strip()) - 1)
    else:
        print(int(f.read()))
"""


def count_records(kind: str, path: Path) -> int:
    """How many jobs an output file holds, counted in a separate process so this one
    never holds an output in memory (see run)."""
    result = subprocess.run(
        [sys.executable, "-c", _COUNT, kind, str(path)], capture_output=True, text=True
    )
    return int(result.stdout) if result.returncode == 0 else -1
