"""Serve a sandbox in its own process for the benchmarks; print its URL, then wait.

    python bench/_serve.py JOBS [LATENCY_MS [REGION,REGION... [ACCOUNTS]]]

ACCOUNTS serves an organization of that many accounts (``Sandbox(accounts=...)``): each
member's JOBS per API and region are made on the first request that reaches them.

The sandbox runs apart from the measuring process so that process stays small: Linux
carries a parent's resident size into a child's peak RSS through fork and exec, which
would otherwise add the sandbox's jobs to every client measured. It stops when its
standard input closes.
"""

from __future__ import annotations

import sys

from jobctl.sandbox import Faults, Sandbox
from jobctl.sandbox.clock import DEMO_ANCHOR


def main() -> None:
    jobs = int(sys.argv[1])
    latency_ms = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    regions = tuple(sys.argv[3].split(",")) if len(sys.argv) > 3 else ("us-east-1",)
    accounts = int(sys.argv[4]) if len(sys.argv) > 4 else None
    with Sandbox(
        jobs_per_service=jobs,
        regions=regions,
        accounts=accounts,
        faults=Faults(latency_ms=latency_ms),
        clock=DEMO_ANCHOR,  # the same data on every run: results stay comparable
    ) as sandbox:
        print(sandbox.endpoint_url, flush=True)
        sys.stdin.read()  # until the benchmark closes our stdin


if __name__ == "__main__":
    main()
