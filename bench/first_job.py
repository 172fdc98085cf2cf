"""Time to first job: with 200 ms of latency on every request, how soon does the first
jsonl line appear, against the least any boto3 client pays (start-up + one request)?

    python bench/first_job.py [--jobs 2000] [--latency-ms 200] [--runs 5]

  jobctl          jobctl iot --endpoint-url URL -o jsonl; timed to its first line, then
                  stopped with SIGTERM (it flushes and exits 143)
  boto3 1 request a bare script: import boto3, make the client, one list_jobs call, print
                  the first job; the floor for any Python client
  aws             aws iot list-jobs --output json: the AWS CLI prints nothing until the
                  last page, so its first job arrives at its end

jobctl streams page by page, so its first line should follow the first response, not
the last: the figure to watch is jobctl ÷ "boto3 1 request", ideally close to 1.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import clean_env, command, median, print_machine, sandbox  # bench/ on path

ONE_REQUEST = """
import json, sys
import boto3
client = boto3.client("iot", endpoint_url=sys.argv[1])
page = client.list_jobs(maxResults=250)
sys.stdout.write(json.dumps(page["jobs"][0], default=str) + "\\n")
sys.stdout.flush()
"""


def time_to_first_line(argv: list[str], env: dict[str, str]) -> float:
    """Seconds from spawn to the first line on stdout; the child is then stopped."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert child.stdout is not None
    line = child.stdout.readline()
    elapsed = time.perf_counter() - start
    if not line:
        child.wait()
        sys.exit(f"{argv[0]} printed nothing (exit {child.returncode})")
    if child.poll() is None:
        child.send_signal(signal.SIGTERM)
    child.stdout.close()
    child.wait()
    return elapsed


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
        env = clean_env(workdir, XDG_CACHE_HOME=str(workdir / "cache"))
        subprocess.run([jobctl, "iot", "--help"], env=env, stdout=subprocess.DEVNULL)
        with sandbox(args.jobs, args.latency_ms) as url:
            clients = {
                "jobctl": [jobctl, "iot", "--endpoint-url", url, "-o", "jsonl"],
                "boto3 1 request": [sys.executable, "-c", ONE_REQUEST, url],
            }
            if not args.skip_aws:
                clients["aws"] = [aws, "iot", "list-jobs", "--output", "json"]
                clients["aws"] += ["--endpoint-url", url]
            times: dict[str, list[float]] = {name: [] for name in clients}
            for round_number in range(args.runs):
                for name, argv in clients.items():
                    if name == "aws" and round_number >= 1:
                        continue  # one run is plenty: it is dominated by every page's latency
                    seconds = time_to_first_line(argv, env)
                    times[name].append(seconds)
                    print(f"round {round_number + 1} {name:<16} {seconds:6.3f} s", file=sys.stderr)

    first = {name: median(values) for name, values in times.items()}
    floor = first["boto3 1 request"]
    print(f"\nTime to the first job, {args.latency_ms} ms latency per request, {args.jobs} jobs\n")
    print("| client          | median s | ÷ boto3 1 request |")
    print("|-----------------|---------:|------------------:|")
    for name, seconds in first.items():
        print(f"| {name:<15} | {seconds:8.3f} | {seconds / floor:16.2f}× |")
    print(
        f"\njobctl after the floor: {1000 * (first['jobctl'] - floor):+.0f} ms "
        f"(cpus: {os.cpu_count()})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
