"""Throughput: list N IoT jobs from one sandbox with jobctl, the AWS CLI and bare boto3.

    python bench/throughput.py [--jobs 20000] [--runs 3]

All clients run side by side against the same sandbox in the same run, interleaved
round by round, each writing to a file:

  jobctl        jobctl iot --endpoint-url URL -o jsonl
  aws           aws iot list-jobs --output json --endpoint-url URL   (as issue 7 names it)
  aws 250/page  the same with --page-size 250, jobctl's page size (IoT's maximum)
  boto3 loop    a bare paginate() loop at 250 per page, one json.dumps line per raw item
  HTTP floor    urllib GETs of the same pages, reading only nextToken: the server's share

Wall time includes the sandbox's own time to answer (it runs in this process, on its own
thread); CPU time is the client process's alone, which is what jobctl can change.
Targets (issue 7): jobctl ≤ 0.6× aws and ≤ 1.25× the boto3 loop.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _common import (  # bench/ is sys.path[0]
    Run,
    clean_env,
    command,
    count_records,
    median,
    print_machine,
    run,
    sandbox,
)

BOTO3_LOOP = """
import json, sys
import boto3
client = boto3.client("iot", endpoint_url=sys.argv[1])
write = sys.stdout.write
for page in client.get_paginator("list_jobs").paginate(PaginationConfig={"PageSize": 250}):
    for item in page.get("jobs", ()):
        write(json.dumps(item, default=str) + "\\n")
"""

HTTP_FLOOR = """
import json, sys, urllib.parse, urllib.request
url, token, count = sys.argv[1], None, 0
while True:
    query = {"maxResults": "250", **({"nextToken": token} if token else {})}
    with urllib.request.urlopen(f"{url}/jobs?{urllib.parse.urlencode(query)}") as response:
        page = json.loads(response.read())
    count += len(page.get("jobs", ()))
    token = page.get("nextToken")
    if not token:
        break
print(count)
"""


def clients(url: str) -> dict[str, list[str]]:
    jobctl, aws, python = command("jobctl"), command("aws"), sys.executable
    return {
        "jobctl": [jobctl, "iot", "--endpoint-url", url, "-o", "jsonl"],
        "aws": [aws, "iot", "list-jobs", "--output", "json", "--endpoint-url", url],
        "aws 250/page": [
            *(aws, "iot", "list-jobs", "--output", "json", "--page-size", "250"),
            *("--endpoint-url", url),
        ],
        "boto3 loop": [python, "-c", BOTO3_LOOP, url],
        "HTTP floor": [python, "-c", HTTP_FLOOR, url],
    }


def count_jobs(name: str, output: Path) -> int:
    if name.startswith("aws"):
        return count_records("aws-json", output)
    if name == "HTTP floor":
        return count_records("number", output)
    return count_records("lines", output)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", action="append", help="run only this client (repeatable)")
    args = parser.parse_args()

    print_machine()
    with tempfile.TemporaryDirectory(prefix="jobctl-bench-") as tmp:
        workdir = Path(tmp)
        env = clean_env(workdir, XDG_CACHE_HOME=str(workdir / "cache"))
        with sandbox(args.jobs) as url:
            chosen = {
                name: argv
                for name, argv in clients(url).items()
                if not args.only or name in args.only
            }
            runs: dict[str, list[Run]] = {name: [] for name in chosen}
            for round_number in range(args.runs):
                for name, argv in chosen.items():
                    output = workdir / "out"
                    with open(output, "wb") as sink, open(workdir / "err", "wb") as errors:
                        result = run(argv, env, stdout=sink, stderr=errors)
                    got = count_jobs(name, output) if result.returncode == 0 else -1
                    if got != args.jobs:
                        err = (workdir / "err").read_text(errors="replace")[-2000:]
                        sys.exit(f"{name}: exit {result.returncode}, {got} jobs\n{err}")
                    runs[name].append(result)
                    print(
                        f"round {round_number + 1} {name:<13} wall {result.wall:7.2f} s  "
                        f"cpu {result.cpu:6.2f} s  peak {result.max_rss_kib / 1024:6.1f} MiB",
                        file=sys.stderr,
                    )
    report(args.jobs, runs)
    return 0


def report(jobs: int, runs: dict[str, list[Run]]) -> None:
    wall = {name: median([r.wall for r in rs]) for name, rs in runs.items()}
    cpu = {name: median([r.cpu for r in rs]) for name, rs in runs.items()}
    rss = {name: max(r.max_rss_kib for r in rs) / 1024 for name, rs in runs.items()}
    print(f"\n{jobs} IoT jobs, median of {len(next(iter(runs.values())))} runs\n")
    print("| client        | wall s | client CPU s | peak RSS MiB |")
    print("|---------------|-------:|-------------:|-------------:|")
    for name in runs:
        print(f"| {name:<13} | {wall[name]:6.2f} | {cpu[name]:12.2f} | {rss[name]:12.1f} |")
    if "jobctl" not in runs:
        return
    print("\n| jobctl ÷      | wall  | client CPU | target |")
    print("|---------------|------:|-----------:|--------|")
    targets = {"aws": "≤ 0.6×", "boto3 loop": "≤ 1.25×"}
    for name in runs:
        if name in ("jobctl", "HTTP floor"):
            continue
        print(
            f"| {name:<13} | {wall['jobctl'] / wall[name]:4.2f}× | "
            f"{cpu['jobctl'] / cpu[name]:9.2f}× | {targets.get(name, '')} |"
        )


if __name__ == "__main__":
    sys.exit(main())
