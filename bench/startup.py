"""Start-up: median wall time of whole processes, jobctl against `aws --version`.

    python bench/startup.py [--runs 30] [--warmup 3] [--python-timer]

Uses hyperfine when it is installed (`apt-get install hyperfine`), else Python's own
timer around subprocess runs. Each command runs with a warm model cache (the normal
case: the first run of a botocore version fills it), and `jobctl iot --help` also with
none, to show what the cache saves. Target (issue 7): at most 150 ms median each.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import clean_env, command, median, print_machine  # bench/ is sys.path[0]

TARGET_MS = 150.0


def cases(workdir: Path) -> list[tuple[str, list[str], dict[str, str]]]:
    jobctl, aws = command("jobctl"), command("aws")
    warm = {"XDG_CACHE_HOME": str(workdir / "cache")}
    cold = {"XDG_CACHE_HOME": "/proc/jobctl-bench-no-cache"}  # unwritable: always a miss

    def completion(line: str) -> dict[str, str]:
        return {
            **warm,
            "_JOBCTL_COMPLETE": "bash_complete",
            "COMP_WORDS": line,
            "COMP_CWORD": str(len(line.split(" ")) - 1),
        }

    return [
        ("jobctl --help", [jobctl, "--help"], warm),
        ("jobctl batch --help", [jobctl, "batch", "--help"], warm),
        ("jobctl iot --help", [jobctl, "iot", "--help"], warm),
        ("jobctl iot --help (no model cache)", [jobctl, "iot", "--help"], cold),
        ("complete: jobctl <TAB>", [jobctl], completion("jobctl ")),
        ("complete: jobctl iot --status <TAB>", [jobctl], completion("jobctl iot --status ")),
        ("aws --version", [aws, "--version"], {}),
    ]


def with_hyperfine(
    name: str, argv: list[str], env: dict[str, str], runs: int, warmup: int, workdir: Path
) -> float:
    export = workdir / "hyperfine.json"
    # -N: no intermediate shell, so nothing but the command is timed. The environment is
    # the hyperfine process's own, which its children inherit.
    subprocess.run(
        [
            "hyperfine",
            "-N",
            "--style",
            "none",
            "--warmup",
            str(warmup),
            "--runs",
            str(runs),
            "--export-json",
            str(export),
            "--command-name",
            name,
            " ".join(argv),
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # its outlier warnings: this machine is shared
    )
    result = json.loads(export.read_text())["results"][0]
    return float(result["median"]) * 1000


def with_python(argv: list[str], env: dict[str, str], runs: int, warmup: int) -> float:
    times = []
    for index in range(warmup + runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if index >= warmup:
            times.append((time.perf_counter() - start) * 1000)
    return median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--python-timer", action="store_true", help="ignore hyperfine")
    args = parser.parse_args()
    hyperfine = None if args.python_timer else shutil.which("hyperfine")
    print_machine()
    print(f"timer: {'hyperfine ' if hyperfine else 'python perf_counter'}, {args.runs} runs\n")
    with tempfile.TemporaryDirectory(prefix="jobctl-bench-") as tmp:
        workdir = Path(tmp)
        results: dict[str, float] = {}
        for name, argv, extra in cases(workdir):
            env = clean_env(workdir, **extra)
            if hyperfine:
                ms = with_hyperfine(name, argv, env, args.runs, args.warmup, workdir)
            else:
                ms = with_python(argv, env, args.runs, args.warmup)
            results[name] = ms
        aws_ms = results["aws --version"]
        print(f"| {'command':<38} | median ms | ÷ target {TARGET_MS:.0f} ms | ÷ aws --version |")
        print(f"|{'-' * 40}|----------:|----------------:|----------------:|")
        for name, ms in results.items():
            print(f"| {name:<38} | {ms:9.1f} | {ms / TARGET_MS:14.2f}× | {ms / aws_ms:14.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
