"""The docs are part of the contract: README's commands, CHANGELOG's form, CI's script."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from jobctl.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_ci_runs_exactly_the_test_command_readme_shows() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    command = "python3 -m pip install '.[test]' && python3 -m pytest"
    assert f"$ {command}\n" in README
    run_lines = [line for line in script.splitlines() if "pytest" in line and "#" not in line]
    assert run_lines == [command]


def test_readme_first_command_installs_and_runs_against_the_sandbox() -> None:
    first = re.search(r"^\$ (.+)$", README, re.MULTILINE)
    assert first is not None
    assert first.group(1).startswith("python3 -m pip install . && jobctl ")
    assert "--sandbox" in first.group(1)


def test_changelog_keeps_a_changelog_with_unreleased_on_top() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text()
    headings = re.findall(r"^## (.+)$", changelog, re.MULTILINE)
    assert headings[0] == "Unreleased"
    assert "keepachangelog.com" in changelog


def test_every_command_is_documented_in_readme() -> None:
    ctx = cli.make_context("jobctl", ["--help"], resilient_parsing=True)
    names = cli.list_commands(ctx)
    assert names  # the group lists its commands
    for name in names:
        assert re.search(rf"^jobctl {re.escape(name)}\b", README, re.MULTILINE), name


def test_every_shared_option_is_documented_in_readme() -> None:
    result = CliRunner().invoke(cli, ["iot", "--help"])
    assert result.exit_code == 0
    options = set(re.findall(r"^\s+(?:-\w, )?(--[a-z][a-z-]+)", result.output, re.MULTILINE))
    iot_own = {"--status", "--target-selection", "--thing-group-name", "--thing-group-id"}
    missing = sorted(o for o in options - iot_own - {"--help", "--namespace-id"} if o not in README)
    assert missing == []
