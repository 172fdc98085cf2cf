"""Interrupt and resume: SIGINT a fan-out listing at a random moment, resume it with the
printed token, and count the jobs lost or written twice.

    python bench/interrupt_resume.py [--trials 26] [--earliest 1.5] [--latest 2.5]
                                     [--command "all --sandbox --region all"]

Each trial runs `jobctl COMMAND -o jsonl`, sends SIGINT after a random delay between
--earliest and --latest seconds, then runs the same listing with --starting-token until it
prints no token. The jobs of the interrupted run and of the resumed ones must be exactly
the jobs of one uninterrupted run: none lost, none twice. The embedded sandbox runs on a
fixed clock (JOBCTL_SANDBOX_CLOCK), so every run sees the same data.

This is the experiment that found a page lost in 2 of 26 trials (issue 16): the listing
moved a stream's position before writing its page.
"""

from __future__ import annotations

import argparse
import json
import random
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import clean_env, command, print_machine  # bench/ is sys.path[0]

HINT = "jobctl: resume with --starting-token "


def identities(stdout: str) -> list[tuple[str, ...]]:
    rows = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    return [(r["service"], r["region"], r.get("arn") or "", r["id"]) for r in rows]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=26)
    parser.add_argument("--earliest", type=float, default=1.5)
    parser.add_argument("--latest", type=float, default=2.5)
    parser.add_argument("--command", default="all --sandbox --region all")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    jobctl = command("jobctl")
    argv = [jobctl, *shlex.split(args.command), "-o", "jsonl"]
    rng = random.Random(args.seed)

    print_machine()
    with tempfile.TemporaryDirectory(prefix="jobctl-bench-") as tmp:
        env = clean_env(Path(tmp), JOBCTL_SANDBOX_CLOCK="2026-11-20T12:00:00Z")
        started = time.perf_counter()
        whole = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=600)
        if whole.returncode != 0:
            sys.exit(f"the uninterrupted listing failed: {whole.stderr[-2000:]}")
        expected = sorted(identities(whole.stdout))
        print(
            f"uninterrupted: {len(expected)} jobs in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
        losses = duplicates = interrupted = 0
        for trial in range(1, args.trials + 1):
            delay = rng.uniform(args.earliest, args.latest)
            child = subprocess.Popen(
                argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
            )
            time.sleep(delay)
            child.send_signal(signal.SIGINT)
            out, err = child.communicate(timeout=600)
            seen = identities(out)
            resumes = 0
            last = err.splitlines()[-1] if err.strip() else ""
            interrupted += child.returncode == 130
            if not seen and not last.startswith(HINT):
                # Stopped before any job was written: no token, the user runs it again.
                again = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=600)
                seen, resumes = identities(again.stdout), 1
                last = again.stderr.splitlines()[-1] if again.stderr.strip() else ""
            while last.startswith(HINT):
                resumes += 1
                more = subprocess.run(
                    [*argv, "--starting-token", last[len(HINT) :]],
                    capture_output=True,
                    text=True,
                    env=env,
                    timeout=600,
                )
                seen += identities(more.stdout)
                last = more.stderr.splitlines()[-1] if more.stderr.strip() else ""
            lost = len(set(expected) - set(seen))
            twice = len(seen) - len(set(seen))
            losses += lost > 0
            duplicates += twice > 0
            print(
                f"trial {trial:2}: SIGINT at {delay:.2f} s, exit {child.returncode}, "
                f"{len(identities(out))} jobs before, {resumes} resume(s): "
                f"{lost} lost, {twice} twice",
                file=sys.stderr,
            )

    print(
        f"\n`jobctl {args.command} -o jsonl`, SIGINT at {args.earliest}–{args.latest} s, "
        f"resumed to the end, {args.trials} trials, {len(expected)} jobs each\n"
    )
    print("| trials | interrupted (exit 130) | trials losing a job | trials repeating a job |")
    print("|---:|---:|---:|---:|")
    print(f"| {args.trials} | {interrupted} | {losses} | {duplicates} |")
    return 1 if losses or duplicates else 0


if __name__ == "__main__":
    sys.exit(main())
