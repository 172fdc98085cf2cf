"""README's sandbox examples are real: each runs, and prints what README shows.

README's outputs were made on the fixed clock JOBCTL_SANDBOX_CLOCK=2026-11-20T12:00:00Z,
which tests/conftest.py sets for every test, so every `$ jobctl … --sandbox …` in a
console block must print exactly the pasted output (stdout), its stderr lines, and the
exit code shown by a following `$ echo $?`. Resume tokens carry the listing's start time: only their
prefix is compared. A line starting with "…" marks where README cut a long output.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
RESUME = "jobctl: resume with --starting-token "


@dataclass
class Example:
    command: str
    stdout: list[str]
    stderr: list[str]
    status: int
    cut: bool  # README shows only the first lines
    cut_says: int | None  # the count of jobs README's cut line states


def examples() -> list[Example]:
    found = []
    for block in re.findall(r"^```console\n(.*?)^```", README, re.MULTILINE | re.DOTALL):
        steps = [step.splitlines() for step in re.split(r"^\$ ", block, flags=re.M)[1:]]
        for index, (command, *output) in enumerate(steps):
            command = command.removeprefix("python3 -m pip install . && ")
            if not command.startswith("jobctl ") or "--sandbox" not in command.split():
                continue
            follow = steps[index + 1] if index + 1 < len(steps) else None
            status = int(follow[1]) if follow and follow[0] == "echo $?" else 0
            cut_lines = [line for line in output if line.startswith("…")]
            said = re.search(r"\((\d+) [a-z ]+ in all\)", cut_lines[0]) if cut_lines else None
            output = [line for line in output if not line.startswith("…")]
            quiet = command.endswith(" 2>/dev/null")
            found.append(
                Example(
                    command.removesuffix(" 2>/dev/null"),
                    [line for line in output if not line.startswith("jobctl: ")],
                    [] if quiet else [line for line in output if line.startswith("jobctl: ")],
                    status,
                    bool(cut_lines),
                    int(said.group(1)) if said else None,
                )
            )
    return found


EXAMPLES = examples()


def test_readme_has_sandbox_examples_to_check() -> None:
    assert len(EXAMPLES) >= 5
    assert any(example.status == 6 for example in EXAMPLES)  # the CI example's exit code


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.command[:60] for e in EXAMPLES])
def test_readme_example_prints_what_readme_shows(example: Example) -> None:
    argv = [sys.executable, "-m", "jobctl", *shlex.split(example.command)[1:]]
    run = subprocess.run(argv, capture_output=True, text=True, timeout=120, env=os.environ)
    assert run.returncode == example.status, run.stderr
    stdout = run.stdout.splitlines()
    if example.cut:
        assert stdout[: len(example.stdout)] == example.stdout
        assert len(stdout) > len(example.stdout)
        if example.cut_says:  # "… (55 running jobs in all)": a header and 55 rows
            assert len(stdout) - 1 == example.cut_says
    else:
        assert stdout == example.stdout
    stderr = run.stderr.splitlines()
    if not example.stderr:
        return
    assert len(stderr) == len(example.stderr), run.stderr
    for line, shown in zip(stderr, example.stderr, strict=True):
        if shown.startswith(RESUME):
            assert line.startswith(RESUME + "jc2.")
        else:
            assert line == shown


def test_the_help_example_runs() -> None:
    help_text = subprocess.run(
        [sys.executable, "-m", "jobctl", "--help"], capture_output=True, text=True, check=True
    ).stdout
    [command] = re.findall(r"^\s+(jobctl .*--sandbox.*)$", help_text, re.MULTILINE)
    argv = [sys.executable, "-m", "jobctl", *shlex.split(command)[1:], "--max-items", "3"]
    run = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert len(run.stdout.splitlines()) == 4  # a header and three jobs
