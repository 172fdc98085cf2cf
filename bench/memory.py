"""Memory: jobctl's peak RSS listing 20,000 vs 200,000 jobs, per streaming format and per
shape of listing (one stream, two regions, every Batch queue and status, every service).

    python bench/memory.py [--small 20000] [--large 200000] [--formats jsonl,csv,tsv,json,table]
                           [--shapes iot,iot-2-regions,batch-all,all]

A streaming format holds one page at a time, and a listing of several streams holds one
page per stream in flight plus, for deduplication, only the IDs of jobs still in flight:
ten times the jobs should cost about the same memory. Target: peak(large) ≤ 1.2 ×
peak(small). The formats are measured on the one-stream shape (`iot`), the other shapes
in jsonl. `--sort` is the one option that holds the whole listing.

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
# shape → (jobctl arguments, sandbox regions, share of the total per service and region)
SHAPES: dict[str, tuple[list[str], tuple[str, ...], float]] = {
    "iot": (["iot"], ("us-east-1",), 1.0),
    "iot-2-regions": (["iot", "--region", "us-east-1,us-west-2"], ("us-east-1", "us-west-2"), 0.5),
    "batch-all": (["batch", "--status", "all"], ("us-east-1",), 1.0),
    "all": (["all"], ("us-east-1",), 0.2),
}


def _measure(
    jobctl: str, args: list[str], url: str, fmt: str, jobs: int, env: dict[str, str], workdir: Path
) -> Run:
    output = workdir / f"out.{fmt}"
    argv = [jobctl, *args, "--endpoint-url", url, "-o", fmt]
    with open(output, "wb") as sink, open(workdir / "err", "wb") as errors:
        result = run(argv, env, stdout=sink, stderr=errors)
    got = count_records(KIND.get(fmt, "lines"), output)
    if result.returncode != 0 or (fmt in KIND and got != jobs):
        err = (workdir / "err").read_text(errors="replace")[-2000:]
        sys.exit(
            f"{' '.join(args)} -o {fmt} at {jobs}: exit {result.returncode}, {got} jobs\n{err}"
        )
    output.unlink()
    print(
        f"{' '.join(args):<40} {fmt:<6} {jobs:>7} jobs: peak {result.max_rss_kib / 1024:6.1f} "
        f"MiB, wall {result.wall:6.1f} s, cpu {result.cpu:6.1f} s",
        file=sys.stderr,
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=20_000)
    parser.add_argument("--large", type=int, default=200_000)
    parser.add_argument("--formats", default="jsonl,csv,tsv,json,table")
    parser.add_argument("--shapes", default=",".join(SHAPES))
    args = parser.parse_args()
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    jobctl = command("jobctl")

    print_machine()
    peaks: dict[tuple[str, str, int], Run] = {}
    with tempfile.TemporaryDirectory(prefix="jobctl-bench-") as tmp:
        workdir = Path(tmp)
        env = clean_env(workdir, XDG_CACHE_HOME=str(workdir / "cache"))
        # Fill the model cache first, as any earlier jobctl run would have: a miss parses
        # IoT's model once more, which would show as a few MiB on the first run only.
        run([jobctl, "iot", "--help"], env)
        for shape in shapes:
            shape_args, regions, share = SHAPES[shape]
            for jobs in (args.small, args.large):
                with sandbox(int(jobs * share), regions=regions) as url:
                    # Every service's jobs in the sandbox; what this shape lists of them:
                    listed = _count_listed(jobctl, shape_args, url, env, workdir)
                    for fmt in formats if shape == "iot" else ["jsonl"]:
                        peaks[(shape, fmt, jobs)] = _measure(
                            jobctl, shape_args, url, fmt, listed, env, workdir
                        )

    print(f"\njobctl peak RSS (MiB), {args.small} vs {args.large} jobs\n")
    print(f"| listing | format | {args.small} | {args.large} | ratio | target ≤{TARGET}× |")
    print("|---------|--------|------:|-------:|------:|--------|")
    for shape in shapes:
        for fmt in formats if shape == "iot" else ["jsonl"]:
            small = peaks[(shape, fmt, args.small)].max_rss_kib / 1024
            large = peaks[(shape, fmt, args.large)].max_rss_kib / 1024
            ratio = large / small
            verdict = "met" if ratio <= TARGET else "MISSED"
            label = " ".join(SHAPES[shape][0])
            print(
                f"| `{label}` | {fmt} | {small:5.1f} | {large:6.1f} | {ratio:4.2f}× | {verdict} |"
            )
    return 0


def _count_listed(
    jobctl: str, args: list[str], url: str, env: dict[str, str], workdir: Path
) -> int:
    """How many jobs the shape lists (`all` and `batch` count every queue and service)."""
    output = workdir / "count.tsv"
    with open(output, "wb") as sink:
        run(
            [jobctl, *args, "--endpoint-url", url, "-o", "tsv", "--no-headers", "--columns", "id"],
            env,
            stdout=sink,
        )
    return sum(1 for _ in output.open("rb"))


if __name__ == "__main__":
    sys.exit(main())
