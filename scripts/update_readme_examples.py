"""Rewrite the outputs of README's `--sandbox` examples with what they print now.

    python scripts/update_readme_examples.py [--check]

Each `$ jobctl … --sandbox …` in a console block is run on the sandbox's fixed clock
(JOBCTL_SANDBOX_CLOCK=2026-11-20T12:00:00Z, as tests/test_readme_examples.py runs them)
and its pasted output replaced: stdout, then stderr's `jobctl:` lines (none when the
command ends in `2>/dev/null`). A cut output (a line starting with "…") keeps as many
lines as before and its "(N … in all)" count is updated. A following `$ echo $?` gets the
exit status. `--check` changes nothing and exits 1 when README is out of date.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CLOCK = "2026-11-20T12:00:00Z"


def run(command: str) -> tuple[list[str], list[str], int]:
    quiet = command.endswith(" 2>/dev/null")
    argv = [sys.executable, "-m", "jobctl", *shlex.split(command.removesuffix(" 2>/dev/null"))[1:]]
    env = {**os.environ, "JOBCTL_SANDBOX_CLOCK": CLOCK, "COLUMNS": "200"}
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300)
    err = [] if quiet else [line for line in done.stderr.splitlines() if line.startswith("jobctl:")]
    return done.stdout.splitlines(), err, done.returncode


def rewrite_block(block: str) -> str:
    steps = re.split(r"^(?=\$ )", block, flags=re.M)
    out: list[str] = [steps[0]] if not steps[0].startswith("$ ") else []
    steps = [s for s in steps if s.startswith("$ ")]
    status_next: int | None = None
    for step in steps:
        lines = step.splitlines()
        command = lines[0][2:]
        if command == "echo $?" and status_next is not None:
            out.append(f"$ echo $?\n{status_next}\n")
            status_next = None
            continue
        bare = command.removeprefix("python3 -m pip install . && ")
        if not bare.startswith("jobctl ") or "--sandbox" not in bare.split():
            out.append(step if step.endswith("\n") else step + "\n")
            continue
        old = lines[1:]
        cut = [line for line in old if line.startswith("…")]
        stdout, stderr, status = run(bare)
        if cut:
            kept = len([line for line in old if not line.startswith(("…", "jobctl:"))])
            count = len(stdout) - 1  # the header
            note = re.sub(r"\(\d+ ", f"({count} ", cut[0])
            new = [*stdout[:kept], note]
        else:
            new = [*stdout, *stderr]
        out.append("\n".join([lines[0], *new]) + "\n")
        status_next = status
    return "".join(out)


def main() -> int:
    text = README.read_text()
    updated = re.sub(
        r"(^```console\n)(.*?)(^```)",
        lambda m: m.group(1) + rewrite_block(m.group(2)) + m.group(3),
        text,
        flags=re.M | re.S,
    )
    if "--check" in sys.argv[1:]:
        if updated != text:
            print("README's examples are out of date: python scripts/update_readme_examples.py")
            return 1
        return 0
    README.write_text(updated)
    return 0


if __name__ == "__main__":
    sys.exit(main())
