"""An Organization's accounts: `jobctl all --accounts all` over many accounts and two
regions, with every request waiting, run side by side (--concurrency 32) and one after
another (--concurrency 1); and peak memory as the number of accounts grows.

    python bench/accounts.py [--accounts 200] [--latency-ms 50] [--jobs 5] [--runs 1]
                             [--memory 50,100,200]

The sandbox (its own process) plays an Organization of ACCOUNTS accounts (5 % suspended,
5 % without the role: skipped and reported, exit 3, in every variant alike), each with
JOBS demo jobs per API and region in us-east-1 and us-west-2, and adds LATENCY ms to
every response, STS's and Organizations' too. Both variants must list the same jobs.
Memory: the same listing at --concurrency 32 (jsonl) against organizations of each size
of --memory, peak RSS of the jobctl process.

Prints the machine, progress on stderr, and Markdown tables on stdout.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import clean_env, command, median, print_machine, run, sandbox  # bench/ on path

REGIONS = ("us-east-1", "us-west-2")
PARTIAL = 3  # the role-less accounts: listed as failed, the others complete


def listing(jobctl: str, url: str, concurrency: int) -> list[str]:
    return [
        jobctl,
        "all",
        "--accounts",
        "all",
        "--region",
        ",".join(REGIONS),
        "--concurrency",
        str(concurrency),
        "--endpoint-url",
        url,
        "-o",
        "jsonl",
    ]


def measure(argv: list[str], env: dict[str, str], out: Path) -> tuple[float, int, int]:
    """Wall seconds, jobs written and peak RSS (KiB) of one run."""
    with out.open("w") as sink, out.with_suffix(".err").open("w") as errors:
        done = run(argv, env, stdout=sink, stderr=errors)
    if done.returncode not in (0, PARTIAL):
        sys.exit(f"failed ({done.returncode}): {' '.join(argv)}\n{out.with_suffix('.err')}")
    with out.open() as written:
        listed = sum(1 for line in written if line.strip())
    return done.wall, listed, done.max_rss_kib


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=5, help="demo jobs per API and region")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--memory", default="50,100,200", help="organization sizes")
    args = parser.parse_args()

    print_machine()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    jobctl = command("jobctl")
    with tempfile.TemporaryDirectory(prefix="jobctl-bench-") as tmp:
        workdir = Path(tmp)
        env = clean_env(workdir)
        subprocess.run([jobctl, "all", "--help"], env=env, stdout=subprocess.DEVNULL)
        times: dict[int, list[float]] = {32: [], 1: []}
        listed: set[int] = set()
        with sandbox(args.jobs, args.latency_ms, REGIONS, args.accounts) as url:
            for round_number in range(args.runs):
                for concurrency in (32, 1):
                    wall, jobs, _ = measure(
                        listing(jobctl, url, concurrency), env, workdir / "out.jsonl"
                    )
                    times[concurrency].append(wall)
                    listed.add(jobs)
                    print(
                        f"round {round_number + 1} --concurrency {concurrency:<3} "
                        f"{wall:7.2f} s {jobs} jobs",
                        file=sys.stderr,
                    )
        if len(listed) != 1:
            sys.exit(f"the variants listed different numbers of jobs: {sorted(listed)}")
        memory: list[tuple[int, int, int, float]] = []
        for size in (int(n) for n in args.memory.split(",")):
            with sandbox(args.jobs, 0, REGIONS, size) as url:
                wall, jobs, rss = measure(listing(jobctl, url, 32), env, workdir / "mem.jsonl")
            memory.append((size, jobs, rss, wall))
            print(f"memory {size} accounts: {rss / 1024:.0f} MiB, {jobs} jobs", file=sys.stderr)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    parallel, sequential = median(times[32]), median(times[1])
    print(
        f"\n`jobctl all --accounts all --region {','.join(REGIONS)}`, {args.accounts} "
        f"accounts, {args.latency_ms} ms added to every response, {args.jobs} jobs per API "
        f"and region, median of {args.runs} run(s)\n"
    )
    print("| jobs | --concurrency 32 (s) | --concurrency 1 (s) | 32 ÷ 1 |")
    print("|---:|---:|---:|---:|")
    print(f"| {listed.pop()} | {parallel:.1f} | {sequential:.1f} | {parallel / sequential:.3f}× |")
    print("\nPeak memory of the same listing (--concurrency 32, jsonl, no added latency)\n")
    print("| accounts | jobs | peak RSS (MiB) | ÷ smallest | wall (s) |")
    print("|---:|---:|---:|---:|---:|")
    smallest = memory[0][2]
    for size, jobs, rss, wall in memory:
        print(f"| {size} | {jobs} | {rss / 1024:.0f} | {rss / smallest:.2f}× | {wall:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
