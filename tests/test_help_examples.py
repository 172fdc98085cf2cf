"""Help that teaches: every listing command's --help ends with runnable examples against
the sandbox, and they run, on the demo data, and list jobs; the top-level command list
is never cut short."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

COMMANDS = ("amplify", "amplify-backend", "iot", "batch", "snowball", "all")


def help_text(*args: str, columns: int = 80) -> str:
    env = {"COLUMNS": str(columns), "PATH": "/usr/bin:/bin"}
    run = subprocess.run(
        [sys.executable, "-m", "jobctl", *args, "--help"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return run.stdout


def examples(command: str) -> list[str]:
    text = help_text(command)
    section = text[text.index("Examples (") :]
    return re.findall(r"^\s+(jobctl .*)$", section, re.MULTILINE)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_ends_with_two_or_three_examples(command: str) -> None:
    found = examples(command)
    assert 2 <= len(found) <= 3, found
    assert all(e.startswith(f"jobctl {command} --sandbox ") for e in found)
    # each is one line, never rewrapped by click, with a comment saying what it shows
    text = help_text(command)
    for example in found:
        before = text[: text.index(example)].rstrip().splitlines()[-1]
        assert before.strip().startswith("# "), before


def test_every_example_runs_and_lists_jobs() -> None:
    commands = [example for command in COMMANDS for example in examples(command)]

    def run(example: str) -> tuple[str, subprocess.CompletedProcess[str]]:
        argv = [sys.executable, "-m", "jobctl", *shlex.split(example)[1:]]
        return example, subprocess.run(argv, capture_output=True, text=True, timeout=120)

    with ThreadPoolExecutor(max_workers=2) as pool:
        for example, done in pool.map(run, commands):
            # --fail-on failed finds the demo's failed jobs: exit 6 is the point
            expected = 6 if "--fail-on" in example else 0
            assert done.returncode == expected, (example, done.stderr)
            assert "No jobs found." not in done.stderr, example
            assert len(done.stdout.splitlines()) >= 2, example  # something was listed


def test_columns_and_sort_help_list_the_field_names() -> None:
    text = " ".join(help_text("iot", columns=200).split())
    for option in ("--columns A,B,C", "--sort [-]KEY[,KEY]"):
        start = text.index(option)
        entry = text[start : text.index(" --", start + len(option))]
        for name in ("service", "id", "created_at", "parent", "profile", "age", "duration"):
            assert re.search(rf"\b{name}\b", entry), (option, name)


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_top_level_command_list_is_never_cut(columns: int) -> None:
    text = help_text(columns=columns)
    commands = text[text.index("Commands:") :]
    assert "..." not in commands
    joined = " ".join(commands.split())
    assert "Serve the job listings of every jobctl command locally." in joined
    assert "List the jobs of every service, parent and region in one stream." in joined
