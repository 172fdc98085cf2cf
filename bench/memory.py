"""Memory: jobctl's peak RSS listing 20,000 vs 200,000 IoT jobs, per streaming format.

    python bench/memory.py [--small 20000] [--large 200000] [--formats jsonl,csv,tsv,json]

A streaming format holds one page at a time, so ten times the jobs should cost about
the same memory. Target (issue 7): peak(large) ≤ 1.2 × peak(small) for jsonl, csv, tsv
and json. `table` buffers by design (it sizes columns from every row); add it with
--formats to see by how much.

Peak RSS is the child's own (os.wait4), with the sandbox in another process so it
cannot leak into the figure. At 200,000 jobs the run takes as long as the sandbox needs
to serve 800 pages.
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
    print_machine,
    run,
    sandbox,
)

TARGET = 1.2
KIND = {"jsonl": "lines", "json": "json-array", "csv": "delimited", "tsv": "delimited"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=20_000)
    parser.add_argument("--large", type=int, default=200_000)
    parser.add_argument("--formats", default="jsonl,csv,tsv,json")
    args = parser.parse_args()
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    jobctl = command("jobctl")

    print_machine()
    peaks: dict[tuple[str, int], Run] = {}
    with tempfile.TemporaryDirectory(prefix="jobctl-bench-") as tmp:
        workdir = Path(tmp)
        env = clean_env(workdir, XDG_CACHE_HOME=str(workdir / "cache"))
        # Fill the model cache first, as any earlier jobctl run would have: a miss parses
        # IoT's model once more, which would show as a few MiB on the first run only.
        run([jobctl, "iot", "--help"], env)
        for jobs in (args.small, args.large):
            with sandbox(jobs) as url:
                for fmt in formats:
                    output = workdir / f"out.{fmt}"
                    argv = [jobctl, "iot", "--endpoint-url", url, "-o", fmt]
                    with open(output, "wb") as sink, open(workdir / "err", "wb") as errors:
                        result = run(argv, env, stdout=sink, stderr=errors)
                    got = count_records(KIND.get(fmt, "lines"), output)
                    if result.returncode != 0 or (fmt in KIND and got != jobs):
                        err = (workdir / "err").read_text(errors="replace")[-2000:]
                        sys.exit(f"{fmt} at {jobs}: exit {result.returncode}, {got} jobs\n{err}")
                    output.unlink()
                    peaks[(fmt, jobs)] = result
                    print(
                        f"{fmt:<6} {jobs:>7} jobs: peak {result.max_rss_kib / 1024:6.1f} MiB, "
                        f"wall {result.wall:6.1f} s, cpu {result.cpu:6.1f} s",
                        file=sys.stderr,
                    )

    print(f"\njobctl iot -o FORMAT, peak RSS (MiB), {args.small} vs {args.large} jobs\n")
    print(f"| format | {args.small} | {args.large} | ratio | target ≤{TARGET}× |")
    print("|--------|------:|-------:|------:|--------|")
    for fmt in formats:
        small = peaks[(fmt, args.small)].max_rss_kib / 1024
        large = peaks[(fmt, args.large)].max_rss_kib / 1024
        ratio = large / small
        verdict = "met" if ratio <= TARGET else "MISSED"
        print(f"| {fmt:<6} | {small:5.1f} | {large:6.1f} | {ratio:4.2f}× | {verdict} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
