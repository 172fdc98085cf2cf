"""The table on a real terminal: the installed jobctl, on a pseudo-terminal 60, 80, 120
and 200 columns wide, for every service and `all`: every job is exactly one line, no line
is wider than the terminal, every ID is whole, and the header fits. Then a slow endpoint:
the first rows show up long before the listing ends, under a moving progress line.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from pty_support import JOBCTL, PtyRun, run, screen

from jobctl.output.width import display_width

# Deterministic listings of 30 jobs (one stream at a time, so --max-items stops at the
# same jobs in every run), across discovered parents and, for `all`, several services.
CASES: dict[str, list[str]] = {
    "amplify": ["amplify"],
    "amplify-backend": ["amplify-backend"],
    "iot": ["iot"],
    "batch": ["batch", "--status", "all"],
    "snowball": ["snowball"],
    "all": ["all", "--state", "running"],
}
COMMON = ["--sandbox", "--max-items", "30", "--concurrency", "1"]
# Terminal widths: set on the terminal itself, or (60) through COLUMNS.
WIDTHS = {"80": (80, None), "120": (120, None), "200": (200, None), "COLUMNS=60": (200, 60)}


@pytest.fixture(scope="module")
def reference() -> dict[str, list[dict[str, Any]]]:
    """What each listing holds, from -o jsonl."""

    def listed(name: str) -> tuple[str, list[dict[str, Any]]]:
        done = subprocess.run(
            [str(JOBCTL), *CASES[name], *COMMON, "-o", "jsonl"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return name, [json.loads(line) for line in done.stdout.splitlines()]

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(listed, CASES))


def data_lines(lines: list[str], header: str) -> list[str]:
    """The job lines: after the header, not the stderr lines (jobctl: ...)."""
    start = lines.index(header) + 1
    return [line for line in lines[start:] if line and not line.startswith("jobctl: ")]


@pytest.mark.parametrize("width", WIDTHS)
def test_every_job_is_one_whole_line_that_fits(
    width: str, reference: dict[str, list[dict[str, Any]]]
) -> None:
    columns, env_columns = WIDTHS[width]
    shown = env_columns or columns
    env = {"COLUMNS": str(env_columns)} if env_columns else {}

    def on_terminal(name: str) -> tuple[str, PtyRun]:
        return name, run([*CASES[name], *COMMON], columns, env)

    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = dict(pool.map(on_terminal, CASES))

    for name, done in runs.items():
        jobs = reference[name]
        assert len(jobs) == 30, name
        assert done.status == 0, (name, done.raw[-500:])
        lines = screen(done.raw)
        header = next(line for line in lines if line.startswith(("id ", "service ", "parent ")))
        rows = data_lines(lines, header)
        where = f"{name} at {width}"
        # exactly one line per job
        assert len(rows) == len(jobs), (where, lines)
        # nothing wider than the terminal: the header, the rows, the hidden-columns note
        for line in [header, *rows, *(x for x in lines if "hidden" in x)]:
            assert display_width(line) <= shown, (where, line)
        # every ID whole, as many times as it was listed (Amplify numbers per branch); an
        # IoT job's name is its ID too, so each row counts once
        ids = Counter(str(job["id"]) for job in jobs)
        found = Counter(token for row in rows for token in set(row.split()) if token in ids)
        assert found == ids, where
        assert "…" not in " ".join(str(job["id"]) for job in jobs)  # the data has none
        # the state column is whole on every row, and matches the job
        if "state" in header.split():
            states = Counter(job["state"] for job in jobs)
            assert Counter(t for row in rows for t in row.split() if t in states) == states


def test_wide_terminal_shows_the_compact_columns_whole(
    reference: dict[str, list[dict[str, Any]]],
) -> None:
    done = run([*CASES["batch"], *COMMON], 200)
    lines = screen(done.raw)
    header = next(line for line in lines if line.startswith("parent "))
    assert header.split() == ["parent", "id", "name", "status", "state", "age", "duration"]
    assert not any("hidden" in line for line in lines)
    names = {job["name"] for job in reference["batch"]}
    rows = data_lines(lines, header)
    assert all(any(f"  {n}  " in row for n in names) for row in rows)  # names whole


# -- a slow endpoint: rows as they come, a progress line meanwhile -------------------------


@pytest.fixture(scope="module")
def slow_endpoint() -> Iterator[str]:
    from jobctl.sandbox import Faults, Sandbox

    with Sandbox(
        jobs_per_service=200, regions=("us-east-1",), faults=Faults(latency_ms=300)
    ) as sandbox:
        yield sandbox.endpoint_url


def test_first_rows_show_long_before_the_listing_ends(slow_endpoint: str) -> None:
    args = ["iot", "--endpoint-url", slow_endpoint, "--page-size", "5", "--region", "us-east-1"]
    started = time.monotonic()
    done = run(args, 120)
    total = time.monotonic() - started
    assert done.status == 0, done.raw[-500:]
    lines = screen(done.raw)
    prefixes = ("ota-", "push-", "reboot-", "rotate-", "upload-")
    assert len([line for line in lines if line.startswith(prefixes)]) == 200
    # 40 pages at 300 ms: the listing takes 12 s or more; the first row comes with page 1
    first_row = done.first_time(r"\n(ota|push|reboot|rotate|upload)-[^\r\n]*\r?\n")
    assert first_row is not None
    assert total >= 12
    assert first_row < 4, f"first row after {first_row:.1f} s of {total:.1f} s"
    assert first_row < total / 4
    # a progress line moved while the first page was awaited, then went away for good
    first_frame = done.first_time("listing…")
    assert first_frame is not None and first_frame < first_row
    before = "".join(text for at, text in done.chunks if at < first_row)
    assert len({frame for frame in "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏" if frame in before}) >= 2
    after = "".join(text for at, text in done.chunks if at > first_row + 0.5)
    assert "listing…" not in after
    assert not any("listing…" in line for line in lines)  # erased from the screen


def test_no_progress_line_when_stderr_is_not_a_terminal(slow_endpoint: str) -> None:
    args = ["iot", "--endpoint-url", slow_endpoint, "--max-items", "5", "--region", "us-east-1"]
    done = subprocess.run([str(JOBCTL), *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert "listing" not in done.stderr and "\x1b" not in done.stderr
    assert done.stderr.startswith("jobctl: resume with")
