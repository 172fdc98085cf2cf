"""Fan-out: what running a listing's streams side by side buys when every request waits.

    python bench/fanout.py [--jobs 1000] [--latency-ms 50] [--runs 5]

With LATENCY ms added to every response by the sandbox (its latency fault), each case
runs --runs times, alternating the variants round by round against the same server:

  statuses     batch --job-queue Q --status S1 ... --status S8 (8 streams, one per status)
               with --concurrency 8 vs --concurrency 1 (one stream after the other)
  regions      iot --region R1,R2,R3,R4 (4 streams), --concurrency 8 vs 1
  status all   batch --job-queue Q --status all (one stream of every status) vs the union
               of 8 per-status listings run one after another (8 jobctl processes)

Every variant's output is counted, so a faster variant cannot be one that lists less.
Prints the machine, progress on stderr and a Markdown table on stdout; "B ÷ A" over 1
means variant A (the fan-out, or the single stream) is faster.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from _common import (  # bench/ on path
    clean_env,
    command,
    median,
    print_machine,
    run,
    sandbox,
)

from jobctl import model

REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2")
STATUSES = model.enum_values("batch", "ListServiceJobs", "jobStatus")  # botocore's 8
QUEUE = "ml-training-high"  # the demo's busiest queue: every status, most jobs


def timed(commands: Sequence[Sequence[str]], env: dict[str, str], out: Path) -> tuple[float, int]:
    """Run the commands one after another into `out`; total wall seconds and jobs listed."""
    wall, listed = 0.0, 0
    for argv in commands:
        with out.open("w") as sink:
            done = run(argv, env, stdout=sink)
        if done.returncode != 0:
            sys.exit(f"failed ({done.returncode}): {' '.join(argv)}")
        wall += done.wall
        with out.open() as written:
            listed += sum(1 for line in written if line.strip())
    return wall, listed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1000, help="demo jobs per service and region")
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    print_machine()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    jobctl = command("jobctl")
    with tempfile.TemporaryDirectory(prefix="jobctl-bench-") as tmp:
        workdir = Path(tmp)
        env = clean_env(workdir, XDG_CACHE_HOME=str(workdir / "cache"))
        subprocess.run([jobctl, "batch", "--help"], env=env, stdout=subprocess.DEVNULL)
        started = time.perf_counter()
        with sandbox(args.jobs, args.latency_ms, REGIONS) as url:
            print(f"sandbox ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            base = [jobctl, "--endpoint-url", url, "-o", "jsonl"]

            def listing(*words: str) -> list[str]:
                return [base[0], *words, *base[1:]]

            several = [x for status in STATUSES for x in ("--status", status)]
            cases = {
                "statuses": {
                    "--concurrency 8": [listing("batch", "--job-queue", QUEUE, *several,
                                                "--concurrency", "8")],
                    "--concurrency 1": [listing("batch", "--job-queue", QUEUE, *several,
                                                "--concurrency", "1")],
                },
                "regions": {
                    "--concurrency 8": [listing("iot", "--region", ",".join(REGIONS),
                                                "--concurrency", "8")],
                    "--concurrency 1": [listing("iot", "--region", ",".join(REGIONS),
                                                "--concurrency", "1")],
                },
                "status all": {
                    "--status all": [listing("batch", "--job-queue", QUEUE, "--status", "all")],
                    "8 runs, one per status": [
                        listing("batch", "--job-queue", QUEUE, "--status", status)
                        for status in STATUSES
                    ],
                },
            }  # fmt: skip
            times: dict[tuple[str, str], list[float]] = {}
            counts: dict[tuple[str, str], set[int]] = {}
            for round_number in range(args.runs):
                for case, variants in cases.items():
                    for variant, commands in variants.items():
                        seconds, listed = timed(commands, env, workdir / "out.jsonl")
                        times.setdefault((case, variant), []).append(seconds)
                        counts.setdefault((case, variant), set()).add(listed)
                        print(f"round {round_number + 1} {case:<10} {variant:<24} "
                              f"{seconds:6.3f} s {listed} jobs", file=sys.stderr)  # fmt: skip

    for case, variants in cases.items():
        listed = {n for variant in variants for n in counts[case, variant]}
        if len(listed) != 1:
            sys.exit(f"{case}: the variants listed different numbers of jobs: {listed}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"\nFan-out with {args.latency_ms} ms added to every response, {args.jobs} demo jobs "
          f"per service and region, median of {args.runs} runs (min–max)\n")  # fmt: skip
    print(
        "| case | jobs | variant A | median s (min–max) | variant B | median s (min–max) | B ÷ A |"
    )
    print("|---|---:|---|---:|---|---:|---:|")
    for case, variants in cases.items():
        (fast, fast_times), (slow, slow_times) = ((v, times[case, v]) for v in variants)
        jobs = next(iter(counts[case, fast]))
        cells = [
            f"`{v}` | {median(t):.2f} ({min(t):.2f}–{max(t):.2f})"
            for v, t in ((fast, fast_times), (slow, slow_times))
        ]
        ratio = median(slow_times) / median(fast_times)
        print(f"| {case} | {jobs} | {cells[0]} | {cells[1]} | {ratio:.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
