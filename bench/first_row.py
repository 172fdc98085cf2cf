"""Time to the first table row: with 200 ms of latency on every request, how soon does
the first job's row of `-o table` appear, against the first `-o jsonl` line and the AWS
CLI's own table?

    python bench/first_row.py [--jobs 2000] [--latency-ms 200] [--runs 5]

  table (tty)   jobctl iot --endpoint-url URL, on a pseudo-terminal 120 columns wide (what
                a person sees); timed to the first line that holds a job
  table (pipe)  the same with stdout a pipe (the plain table, every cell whole)
  jsonl         jobctl iot -o jsonl on a pipe, timed to its first line
  aws table     aws iot list-jobs --output table: the AWS CLI prints its table after
                the last page, so its first row comes at its end (one run)

Each jobctl client is stopped with SIGTERM once its first row is seen. The table streams
(its first page sets the widths), so its first row should follow the first response as
jsonl's does: the figure to watch is table ÷ jsonl, target ≤ 1.10.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import clean_env, command, median, print_machine, sandbox  # bench/ on path

# The demo's IoT job IDs: a table row, a jsonl line and an AWS CLI table row all hold one.
JOB = re.compile(rb"(ota-firmware|rotate-device|reboot-gateways|push-config|upload-logs)-")


def _stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.send_signal(signal.SIGTERM)
    try:
        child.wait(timeout=30)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def first_row_piped(argv: list[str], env: dict[str, str]) -> float:
    """Seconds from spawn to the first stdout line holding a job, stdout a pipe."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert child.stdout is not None
    try:
        for line in child.stdout:
            if JOB.search(line):
                return time.perf_counter() - start
        sys.exit(f"{argv[0]} printed no job (exit {child.wait()})")
    finally:
        child.stdout.close()
        _stop(child)


def first_row_tty(argv: list[str], env: dict[str, str], columns: int = 120) -> float:
    """The same with stdout and stderr on a pseudo-terminal `columns` wide."""
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    start = time.perf_counter()
    child = subprocess.Popen(
        argv, env=env, stdin=follower, stdout=follower, stderr=follower, start_new_session=True
    )
    os.close(follower)
    seen = b""
    try:
        while True:
            try:
                data = os.read(leader, 65536)
            except OSError:
                data = b""
            if not data:
                sys.exit(f"{argv[0]} printed no job on the terminal (exit {child.wait()})")
            seen += data
            # a whole line holding a job: the progress line holds none
            if JOB.search(seen) and b"\n" in seen[JOB.search(seen).start() :]:  # type: ignore[union-attr]
                return time.perf_counter() - start
    finally:
        _stop(child)
        os.close(leader)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--latency-ms", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-aws", action="store_true", help="it waits for every page")
    args = parser.parse_args()

    print_machine()
    jobctl, aws = command("jobctl"), command("aws")
    with tempfile.TemporaryDirectory(prefix="jobctl-bench-") as tmp:
        workdir = Path(tmp)
        env = clean_env(workdir, XDG_CACHE_HOME=str(workdir / "cache"), TERM="xterm-256color")
        env.pop("COLUMNS", None)
        subprocess.run([jobctl, "iot", "--help"], env=env, stdout=subprocess.DEVNULL)
        with sandbox(args.jobs, args.latency_ms) as url:
            listing = [jobctl, "iot", "--endpoint-url", url]
            clients = {
                "table (tty)": lambda: first_row_tty(listing, env),
                "table (pipe)": lambda: first_row_piped(listing, env),
                "jsonl": lambda: first_row_piped([*listing, "-o", "jsonl"], env),
            }
            if not args.skip_aws:
                aws_argv = [aws, "iot", "list-jobs", "--output", "table", "--endpoint-url", url]
                clients["aws table"] = lambda: first_row_piped(aws_argv, env)
            times: dict[str, list[float]] = {name: [] for name in clients}
            for round_number in range(args.runs):
                for name, measure in clients.items():
                    if name == "aws table" and round_number >= 1:
                        continue  # one run is plenty: it waits for every page
                    seconds = measure()
                    times[name].append(seconds)
                    print(f"round {round_number + 1} {name:<13} {seconds:6.3f} s", file=sys.stderr)

    first = {name: median(values) for name, values in times.items()}
    jsonl = first["jsonl"]
    print(
        f"\nTime to the first job's row, {args.latency_ms} ms latency per request, "
        f"{args.jobs} IoT jobs, median of {args.runs}\n"
    )
    print("| client | median s | ÷ jsonl |")
    print("|---|--:|--:|")
    for name, seconds in first.items():
        print(f"| {name} | {seconds:.3f} | {seconds / jsonl:.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
