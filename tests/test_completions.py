"""Shell completion: the checked-in scripts are current, and completion completes.

Completion is asked of the installed `jobctl` command in a subprocess, through click's
protocol (`_JOBCTL_COMPLETE`, `COMP_WORDS`, `COMP_CWORD`), exactly as the scripts in
completions/ ask it at each TAB.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from jobctl import model
from jobctl.job import STATES
from jobctl.output.formats import FORMATS

ROOT = Path(__file__).resolve().parent.parent


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_completions", ROOT / "scripts" / "gen_completions.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _jobctl() -> str:
    """The installed command, from the environment running the tests."""
    beside = Path(sys.executable).with_name("jobctl")
    found = str(beside) if beside.exists() else shutil.which("jobctl")
    assert found, "the jobctl command is not installed (pip install -e '.[test]')"
    return found


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    # A fresh model cache, so each run also exercises the path that reads botocore's files.
    return {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}


def complete(env: dict[str, str], line: str, shell: str = "bash") -> list[str]:
    """What `jobctl` offers for the last word of `line` (empty after a trailing space)."""
    words = line.split(" ")
    # bash and zsh pass the index of the word being completed; fish passes the word.
    cword = words[-1] if shell == "fish" else str(len(words) - 1)
    result = subprocess.run(
        [_jobctl()],
        env={
            **env,
            "_JOBCTL_COMPLETE": f"{shell}_complete",
            "COMP_WORDS": line,
            "COMP_CWORD": cword,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    if shell == "bash":  # "plain,VALUE" per line
        return [entry.partition(",")[2] for entry in result.stdout.splitlines()]
    if shell == "zsh":  # type, value, description, one per line
        return result.stdout.splitlines()[1::3]
    # fish: "plain,VALUE" or "plain,VALUE<TAB>help" per line
    return [entry.partition(",")[2].partition("\t")[0] for entry in result.stdout.splitlines()]


def test_checked_in_scripts_are_current() -> None:
    generator = _generator()
    stale = generator.stale(generator.generate())
    assert not stale, (
        f"{', '.join(p.name for p in stale)} out of date: run python scripts/gen_completions.py"
    )


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_scripts_call_jobctl_through_clicks_protocol(shell: str) -> None:
    text = (ROOT / "completions" / f"jobctl.{shell}").read_text(encoding="utf-8")
    assert f"_JOBCTL_COMPLETE={shell}_complete" in text
    if shell == "zsh":
        assert text.startswith("#compdef jobctl\n")  # or zsh will not autoload it


def test_subcommand_names(env: dict[str, str]) -> None:
    names = complete(env, "jobctl ")
    assert {"amplify", "amplify-backend", "iot", "batch", "snowball"} <= set(names)
    assert complete(env, "jobctl amp") == ["amplify", "amplify-backend"]
    assert complete(env, "jobctl i") == ["iot"]


def test_options_of_a_subcommand(env: dict[str, str]) -> None:
    options = set(complete(env, "jobctl iot --"))
    assert {"--status", "--target-selection", "--thing-group-name", "--namespace-id"} <= options
    assert {"--output", "--columns", "--max-items", "--page-size", "--endpoint-url"} <= options
    assert "--job-queue" not in options  # batch's, not iot's
    assert "--job-queue" in complete(env, "jobctl batch --job")


def test_iot_status_offers_the_models_values(env: dict[str, str]) -> None:
    offered = complete(env, "jobctl iot --status ")
    assert "IN_PROGRESS" in offered
    assert offered == list(model.enum_values("iot", "ListJobs", "status"))


def test_enum_values_complete_in_any_case(env: dict[str, str]) -> None:
    # Parsing accepts any case, so completion must too, offering the model's spelling.
    assert complete(env, "jobctl iot --status in") == ["IN_PROGRESS"]
    assert complete(env, "jobctl iot --target-selection sn") == ["SNAPSHOT"]
    assert complete(env, "jobctl batch --job-queue q --status Run") == ["RUNNABLE", "RUNNING"]


def test_batch_status_offers_all(env: dict[str, str]) -> None:
    offered = complete(env, "jobctl batch --status ")
    assert offered == [*model.enum_values("batch", "ListServiceJobs", "jobStatus"), "all"]
    assert "RUNNING" in offered
    # After one --status the flag may repeat, and completes again.
    assert "all" in complete(env, "jobctl batch --job-queue q --status RUNNING --status ")


def test_output_formats(env: dict[str, str]) -> None:
    assert complete(env, "jobctl iot -o ") == list(FORMATS)
    assert set(complete(env, "jobctl snowball --output ")) == {
        "table",
        "wide",
        "json",
        "jsonl",
        "csv",
        "tsv",
    }
    assert complete(env, "jobctl batch --output JS") == ["json", "jsonl"]


def test_comma_separated_values_complete_their_last_item(env: dict[str, str]) -> None:
    assert complete(env, "jobctl iot --state ") == list(STATES)
    assert complete(env, "jobctl iot --state running,su") == ["running,succeeded"]
    # the items already given are not offered again
    assert complete(env, "jobctl batch --fail-on failed,") == [
        f"failed,{state}" for state in STATES if state != "failed"
    ]
    assert complete(env, "jobctl iot --expect SUCC") == ["succeeded"]
    assert complete(env, "jobctl iot --columns id,na") == ["id,name"]
    assert "parent" in complete(env, "jobctl all --columns ")
    assert complete(env, "jobctl iot --sort cr") == ["created_at"]
    assert complete(env, "jobctl all --services iot,sn") == ["iot,snowball"]


def test_every_list_flag_completes_its_last_comma_separated_value(env: dict[str, str]) -> None:
    """Issue 12: statuses of every service, sort keys and --summary-by take comma lists,
    so completion offers the values for the item after the last comma, in any case, and
    not the ones already given."""
    assert complete(env, "jobctl iot --status in_progress,co") == ["in_progress,COMPLETED"]
    iot = model.enum_values("iot", "ListJobs", "status")
    assert complete(env, "jobctl iot --status COMPLETED,") == [
        f"COMPLETED,{status}" for status in iot if status != "COMPLETED"
    ]
    assert complete(env, "jobctl batch --status running,fai") == ["running,FAILED"]
    assert complete(env, "jobctl iot --sort state,-cr") == ["state,-created_at"]
    assert complete(env, "jobctl all --summary-by service,pa") == ["service,parent"]
    assert complete(env, "jobctl iot --summary-by ") == [
        "service",
        "region",
        "profile",
        "account",
        "parent",
    ]


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_other_shells_protocols(env: dict[str, str], shell: str) -> None:
    assert complete(env, "jobctl iot --status in", shell) == ["IN_PROGRESS"]
    assert complete(env, "jobctl iot -o js", shell) == ["json", "jsonl"]


# Each probe sources the checked-in script in its shell and completes a command line
# (`jobctl iot --status in`) through it, printing what the shell would offer.
SHELL_PROBES = {
    "bash": (
        ["bash", "--norc", "--noprofile", "-c"],
        'source "{script}"\n'
        "COMP_WORDS=({line})\n"
        "COMP_CWORD=3\n"
        "_jobctl_completion jobctl\n"
        'printf "%s\\n" "${{COMPREPLY[@]}}"\n',
    ),
    "zsh": (
        # Outside a completion widget, so compdef/compadd/_describe are stand-ins that
        # print what the script hands them.
        ["zsh", "-f", "-c"],
        "compdef() {{ : }}\n"
        'source "{script}"\n'
        'compadd() {{ print -rl -- "${{(@P)${{@[-1]}}}}" }}\n'
        '_describe() {{ print -rl -- "${{(@P)3}}" }}\n'
        "words=({line}); CURRENT=4\n"
        "_jobctl_completion\n",
    ),
    "fish": (
        ["fish", "--no-config", "-c"],
        'source "{script}"; complete -C "{line}"',
    ),
}


@pytest.mark.parametrize(
    ("line", "offered"),
    [
        ("jobctl iot --status in", ["IN_PROGRESS"]),
        # a value with commas stays whole (click's fish script cut it at the first comma)
        ("jobctl iot --state running,su", ["running,succeeded"]),
    ],
)
@pytest.mark.parametrize("shell", SHELL_PROBES)
def test_script_completes_in_its_shell(
    env: dict[str, str], shell: str, line: str, offered: list[str]
) -> None:
    """The checked-in script, sourced in its shell, completes through the command."""
    argv, probe = SHELL_PROBES[shell]
    if shutil.which(argv[0]) is None:
        pytest.skip(f"{shell} is not installed")
    script = ROOT / "completions" / f"jobctl.{shell}"
    path = f"{Path(_jobctl()).parent}{os.pathsep}{env.get('PATH', '')}"
    result = subprocess.run(
        [*argv, probe.format(script=script, line=line)],
        env={**env, "PATH": path},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == offered, result.stderr
