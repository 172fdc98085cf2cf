"""Start-up: help and completion import neither boto3, botocore nor rich.

Each of those costs tens to hundreds of milliseconds, on every TAB. This asserts what is
imported (from `python -X importtime`), not how long it takes: timings live in bench/.
Also here: the per-user cache of botocore model facts that keeps `jobctl iot --help` and
`--status` completion from parsing IoT's 1.3 MB model each time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from jobctl import model

HEAVY = ("boto3", "botocore", "rich")

# argv after `python -X importtime -m jobctl`, and extra environment
CASES: dict[str, tuple[list[str], dict[str, str]]] = {
    "jobctl --help": (["--help"], {}),
    "jobctl --version": (["--version"], {}),
    "jobctl batch --help": (["batch", "--help"], {}),
    "jobctl iot --help": (["iot", "--help"], {}),
    "complete jobctl <TAB>": (
        [],
        {"_JOBCTL_COMPLETE": "bash_complete", "COMP_WORDS": "jobctl ", "COMP_CWORD": "1"},
    ),
    "complete jobctl iot --<TAB>": (
        [],
        {"_JOBCTL_COMPLETE": "bash_complete", "COMP_WORDS": "jobctl iot --", "COMP_CWORD": "2"},
    ),
    "complete jobctl iot --status <TAB>": (
        [],
        {
            "_JOBCTL_COMPLETE": "bash_complete",
            "COMP_WORDS": "jobctl iot --status ",
            "COMP_CWORD": "3",
        },
    ),
    "complete jobctl batch --status <TAB>": (
        [],
        {
            "_JOBCTL_COMPLETE": "zsh_complete",
            "COMP_WORDS": "jobctl batch --status ",
            "COMP_CWORD": "3",
        },
    ),
}


def imported_modules(importtime_stderr: str) -> list[str]:
    """Module names from `-X importtime` lines: `import time: self | cumulative | name`."""
    names = []
    for line in importtime_stderr.splitlines():
        if not line.startswith("import time:") or line.count("|") != 2:
            continue
        self_us, _, name = line.removeprefix("import time:").split("|")
        if self_us.strip().isdigit():  # not the header line
            names.append(name.strip())
    return names


def test_imported_modules_parses_importtime() -> None:
    sample = (
        "import time: self [us] | cumulative | imported package\n"
        "import time:       270 |      14921 | click\n"
        "import time:        96 |        555 |     botocore.session\n"
    )
    assert imported_modules(sample) == ["click", "botocore.session"]


@pytest.mark.parametrize("case", CASES)
def test_no_heavy_imports(case: str, tmp_path: Path) -> None:
    argv, extra = CASES[case]
    for cache in ("cold", "warm"):  # a cache miss reads botocore's files, still not botocore
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "jobctl", *argv],
            env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), **extra},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert result.stdout.strip(), "printed nothing"
        modules = imported_modules(result.stderr)
        assert "jobctl.cli" in modules  # the measurement saw jobctl at all
        heavy = sorted({m for m in modules if m.split(".")[0] in HEAVY})
        assert not heavy, f"{case} ({cache} cache) imports {', '.join(heavy)}"


@pytest.fixture
def fresh_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """jobctl.model with empty per-process caches and its disk cache under tmp_path."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    _forget_in_process()
    yield tmp_path / "jobctl" / "model-iot.json"
    _forget_in_process()


def _forget_in_process() -> None:
    model._operation_inputs.cache_clear()
    model.service_model.cache_clear()


def test_model_cache_written_and_then_used(fresh_model: Path) -> None:
    statuses = model.enum_values("iot", "ListJobs", "status")
    assert "IN_PROGRESS" in statuses
    assert model.max_results("iot", "ListJobs", "maxResults") == 250
    assert fresh_model.exists()
    stored = json.loads(fresh_model.read_text())
    assert stored["operations"]["ListJobs"]["status"]["enum"] == list(statuses)
    assert "documentation" not in json.dumps(stored)  # only what jobctl reads

    # A warm start must not parse the model at all.
    _forget_in_process()
    assert model.enum_values("iot", "ListJobs", "status") == statuses
    assert model.service_model.cache_info().misses == 0


def test_model_cache_ignores_another_model_file(fresh_model: Path) -> None:
    model.enum_values("iot", "ListJobs", "status")
    stored = json.loads(fresh_model.read_text())
    stored["source"] = "1:/elsewhere/service-2.json.gz:0:0"  # as after a botocore upgrade
    stored["operations"]["ListJobs"]["status"]["enum"] = ["STALE"]
    fresh_model.write_text(json.dumps(stored))
    _forget_in_process()
    assert "STALE" not in model.enum_values("iot", "ListJobs", "status")
    assert json.loads(fresh_model.read_text())["source"] != stored["source"]  # rewritten


@pytest.mark.parametrize("content", ["", "not json", "[]", '{"source": 1}', "null"])
def test_model_cache_survives_a_broken_file(fresh_model: Path, content: str) -> None:
    fresh_model.parent.mkdir(parents=True)
    fresh_model.write_text(content)
    assert "IN_PROGRESS" in model.enum_values("iot", "ListJobs", "status")


def test_model_cache_survives_wrong_shapes_for_this_model(fresh_model: Path) -> None:
    model.enum_values("iot", "ListJobs", "status")
    stored = json.loads(fresh_model.read_text())
    stored["operations"]["ListJobs"] = {"status": 5}
    fresh_model.write_text(json.dumps(stored))
    _forget_in_process()
    assert "IN_PROGRESS" in model.enum_values("iot", "ListJobs", "status")


def test_model_cache_in_an_unwritable_place(
    monkeypatch: pytest.MonkeyPatch, fresh_model: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # mkdir under a file fails, even as root
    assert "IN_PROGRESS" in model.enum_values("iot", "ListJobs", "status")


def test_model_cache_ignores_a_relative_xdg_cache_home(
    monkeypatch: pytest.MonkeyPatch, fresh_model: Path, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    assert "IN_PROGRESS" in model.enum_values("iot", "ListJobs", "status")
    assert not (tmp_path / "relative").exists()
    assert (tmp_path / "home" / ".cache" / "jobctl" / "model-iot.json").exists()
