"""Injection through job data: text other people wrote (job names, IDs, server messages)
holding markup, escape sequences, controls and bidi overrides reaches the user as inert,
visible text in tables and on stderr, exactly (and ASCII-only) in JSON, and without
spreadsheet formulas in CSV/TSV. End to end: the installed jobctl against the sandbox
loaded with crafted jobs."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hardening_support import (
    SGR,
    UNSAFE,
    batch_document,
    batch_job,
    in_pty,
    jobctl,
    json_reply,
    sandbox,
    tiny_server,
)

# (job name as the service holds it, how a table must show it)
PAYLOADS: list[tuple[str, str]] = [
    ("[bold red]alert[/bold red]", "[bold red]alert[/bold red]"),
    ("[link=https://evil.example]click me[/link]", "[link=https://evil.example]click me[/link]"),
    ("stray [/] close", "stray [/] close"),
    (":smile: :warning: :red_circle:", ":smile: :warning: :red_circle:"),
    ("\x1b[2J\x1b[Hscreen cleared", "\\x1b[2J\\x1b[Hscreen cleared"),
    ("\x1b]0;pwned\x07title", "\\x1b]0;pwned\\x07title"),
    ("\x1b]52;c;cm0gLXJmIH4K\x07clipboard", "\\x1b]52;c;cm0gLXJmIH4K\\x07clipboard"),
    (
        "\x1b]8;;https://evil.example\x1b\\innocent\x1b]8;;\x1b\\",
        "\\x1b]8;;https://evil.example\\x1b\\innocent\\x1b]8;;\\x1b\\",
    ),
    ("\x9b31mC1 CSI", "\\x9b31mC1 CSI"),
    ("nul\x00byte", "nul\\x00byte"),
    ("bell\x07ring", "bell\\x07ring"),
    ("abc\x08\x08\x08xyz backspaced", "abc\\x08\\x08\\x08xyz backspaced"),
    ("invoice\u202efdp.exe", "invoice\\u202efdp.exe"),
    ("carriage\rreturn", "carriage\\rreturn"),
    ("tab\there", "tab\\there"),
    ("para\u2028graph", "para\\u2028graph"),
    (
        "two\nbatch  us-east-1  forged-0001  forged  SUCCEEDED  succeeded",
        "two\\nbatch  us-east-1  forged-0001  forged  SUCCEEDED  succeeded",
    ),
]
IDS = [f"job-{i:02d}" for i in range(len(PAYLOADS))]
ALL_IN_ONE = "".join(raw for raw, _ in PAYLOADS)


@pytest.fixture(scope="module")
def crafted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A sandbox whose queue `q` holds one job per payload, plus one holding them all."""
    jobs = [batch_job(job_id, raw) for job_id, (raw, _) in zip(IDS, PAYLOADS, strict=True)]
    jobs.append(batch_job("job-all", ALL_IN_ONE, createdAt="2026-10-01T00:00:00Z"))
    with sandbox(tmp_path_factory.mktemp("crafted"), batch_document(jobs)) as sb:
        yield sb.endpoint_url


LIST = ("batch", "--job-queue", "q", "--status", "all")
PROGRESS = re.compile("\r\x1b\\[K(?:[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] listing…[^\r\n\x1b]*)?")


def _rows_by_id(lines: list[str]) -> dict[str, str]:
    rows: dict[str, str] = {}
    for line in lines:
        for job_id in [*IDS, "job-all"]:
            if f" {job_id} " in line or line.startswith(f"{job_id} "):
                assert job_id not in rows, f"{job_id} on two lines"
                rows[job_id] = line
    return rows


def test_plain_table_shows_every_payload_escaped_and_one_line_per_job(crafted: str) -> None:
    run = jobctl(*LIST, "-o", "wide", url=crafted)
    assert (run.status, run.err) == (0, "")
    assert not UNSAFE.search(run.out), "a control or bidi character reached the table"
    lines = run.lines
    assert len(lines) == 1 + len(PAYLOADS) + 1  # the header and one row per job
    assert lines[0].split()[:4] == ["service", "region", "id", "name"]
    assert all(line.startswith("batch ") for line in lines[1:])
    rows = _rows_by_id(lines[1:])
    for job_id, (_, shown) in zip(IDS, PAYLOADS, strict=True):
        assert shown in rows[job_id], job_id
    assert "".join(shown for _, shown in PAYLOADS) in rows["job-all"]
    assert "forged-0001" not in "".join(line.split()[2] for line in lines[1:])


def test_terminal_table_interprets_nothing(crafted: str) -> None:
    status, out = in_pty([*LIST, "--endpoint-url", crafted, "-o", "table"])
    assert status == 0
    # The only escape sequences are the table's own colours (SGR) and the progress line
    # on stderr (drawn and erased with "\r\x1b[K"); everything else is text.
    text = PROGRESS.sub("", SGR.sub("", out)).replace("\r\n", "\n")
    assert "\x1b" not in text
    assert not UNSAFE.search(text)
    lines = [line for line in text.split("\n") if line.strip()]
    assert len(lines) == 1 + len(PAYLOADS) + 1
    rows = _rows_by_id(lines[1:])
    for job_id, (_, shown) in zip(IDS, PAYLOADS, strict=True):
        assert shown in rows[job_id], job_id
    # Markup, emoji codes and links stayed literal: no styling, emoji or OSC 8 appeared.
    assert "\U0001f604" not in out
    assert "\x1b]8" not in out


def test_terminal_table_colours_only_the_state(crafted: str) -> None:
    """The negative control of the test above: SGR sequences do appear, so stripping them
    is what made the text comparable (and a plain table was not shown by mistake)."""
    status, out = in_pty([*LIST, "--endpoint-url", crafted, "-o", "table"])
    assert status == 0
    # Bold headers, resets, and cyan for the state of these (all running) jobs: no style
    # from the names' [bold red] markup.
    assert set(SGR.findall(out)) == {"\x1b[1m", "\x1b[0m", "\x1b[36m"}
    assert "\x1b[36mrunning\x1b[0m" in out


@pytest.mark.parametrize("output", ["json", "jsonl"])
def test_json_round_trips_every_payload_in_ascii(crafted: str, output: str) -> None:
    run = jobctl(*LIST, "-o", output, url=crafted)
    assert (run.status, run.err) == (0, "")
    assert run.out.isascii()
    jobs = json.loads(run.out) if output == "json" else run.jsonl
    if output == "jsonl":
        assert len(run.lines) == len(PAYLOADS) + 1  # one line per job, whatever it holds
    names = {job["id"]: job["name"] for job in jobs}
    raw_names = {job["id"]: job["raw"]["jobName"] for job in jobs}
    expected = {job_id: raw for job_id, (raw, _) in zip(IDS, PAYLOADS, strict=True)}
    expected["job-all"] = ALL_IN_ONE
    assert names == expected
    assert raw_names == expected


def test_csv_keeps_one_record_per_job(crafted: str) -> None:
    run = jobctl(*LIST, "-o", "csv", url=crafted)
    assert (run.status, run.err) == (0, "")
    rows = list(csv.reader(io.StringIO(run.out, newline="")))
    assert len(rows) == 1 + len(PAYLOADS) + 1
    assert all(len(row) == len(rows[0]) for row in rows)
    names = {row[2]: row[3] for row in rows[1:]}
    for job_id, (raw, _) in zip(IDS, PAYLOADS, strict=True):
        # CSV carries the data; only a would-be formula start is neutralized.
        assert names[job_id] == raw, job_id


def test_tsv_keeps_one_line_per_job(crafted: str) -> None:
    run = jobctl(*LIST, "-o", "tsv", url=crafted)
    assert (run.status, run.err) == (0, "")
    lines = run.out.split("\n")
    assert lines[-1] == ""
    lines = lines[:-1]
    assert len(lines) == 1 + len(PAYLOADS) + 1
    assert all(line.count("\t") == lines[0].count("\t") for line in lines)
    assert not any("\r" in line for line in lines)


def test_server_error_message_is_escaped_on_one_stderr_line() -> None:
    """A service's error message is text jobctl did not write: it is escaped like job
    data and kept on one line."""
    message = (
        "Queue \x1b]0;pwned\x07\x1b[2J\x9b31m\u202eeulav [bold]x[/] :smile:\r\n"
        "jobctl: resume with --starting-token jc2.forged"
    )

    def answer(method: str, path: str) -> Any:
        return json_reply(
            400,
            {"__type": "ClientException", "message": message},
            **{"x-amzn-ErrorType": "ClientException"},
        )

    with tiny_server(answer) as (url, requested):
        run = jobctl(*LIST, "-o", "jsonl", url=url)
    assert run.status == 2
    assert requested
    assert run.out == ""
    assert not UNSAFE.search(run.err)
    assert "\x1b" not in run.err
    lines = run.err_lines
    assert len(lines) == 1, run.err
    assert lines[0].startswith("jobctl: batch: ClientException: Queue \\x1b]0;pwned\\x07")
    assert "\\x9b31m\\u202eeulav [bold]x[/] :smile:" in lines[0]
    assert not any(line.startswith("jobctl: resume") for line in lines)


# -- CSV/TSV formula neutralization --------------------------------------------------------

FORMULAS = [
    ("f-eq", "=1+1"),
    ("f-plus", "+1+1"),
    ("f-minus", "-1+1"),
    ("f-at", "@SUM(A1:A2)"),
    ("f-tab", "\t=1+1"),
    ("f-cr", "\r=1+1"),
    ("f-lf", "\n=1+1"),
    ("f-link", '=HYPERLINK("https://evil.example","click")'),
    ("f-cmd", "=cmd|' /C calc'!A0"),
    ("f-safe", "safe=1+1"),
]


@pytest.fixture(scope="module")
def formulas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Batch jobs named like formulas; IoT jobs whose IDs (and so ARNs) start with -, +,
    @ or = and whose statuses are enum values."""
    document: dict[str, Any] = batch_document(
        [batch_job(job_id, name) for job_id, name in FORMULAS]
    )
    document["regions"]["us-east-1"]["iot"] = {
        "jobs": [
            {"jobId": job_id, "status": status, "createdAt": "2026-11-01T10:00:00Z"}
            for job_id, status in [
                ("-rollback-7", "IN_PROGRESS"),
                ("+plus", "COMPLETED"),
                ("@at", "CANCELED"),
                ("=eq", "SCHEDULED"),
            ]
        ]
    }
    with sandbox(tmp_path_factory.mktemp("formulas"), document) as sb:
        yield sb.endpoint_url


def _delimited(out: str, output: str) -> list[list[str]]:
    if output == "csv":
        return list(csv.reader(io.StringIO(out, newline="")))
    return [line.split("\t") for line in out.split("\n")[:-1]]


def _tsv_unescape(value: str) -> str:
    return (
        value.replace("\\\\", "\0")
        .replace("\\t", "\t")
        .replace("\\n", "\n")
        .replace("\\r", "\r")
        .replace("\0", "\\")
    )


@pytest.mark.parametrize("output", ["csv", "tsv"])
def test_formula_cells_are_neutralized_by_default(formulas: str, output: str) -> None:
    run = jobctl(*LIST, "-o", output, url=formulas)
    assert (run.status, run.err) == (0, "")
    rows = _delimited(run.out, output)
    assert len(rows) == 1 + len(FORMULAS)
    names = {row[2]: row[3] for row in rows[1:]}
    if output == "tsv":
        names = {k: _tsv_unescape(v) for k, v in names.items()}
    for job_id, name in FORMULAS:
        expected = name if job_id == "f-safe" else "'" + name
        assert names[job_id] == expected, job_id
    # No cell of the whole output starts a formula.
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row


@pytest.mark.parametrize("output", ["csv", "tsv"])
def test_csv_raw_leaves_cells_as_they_are(formulas: str, output: str) -> None:
    run = jobctl(*LIST, "-o", output, "--csv-raw", url=formulas)
    assert (run.status, run.err) == (0, "")
    rows = _delimited(run.out, output)
    names = {row[2]: row[3] for row in rows[1:]}
    if output == "tsv":
        names = {k: _tsv_unescape(v) for k, v in names.items()}
    assert names == dict(FORMULAS)


@pytest.mark.parametrize("output", ["csv", "tsv"])
def test_ids_arns_and_enums_are_never_altered(formulas: str, output: str) -> None:
    run = jobctl("iot", "-o", output, url=formulas)
    assert (run.status, run.err) == (0, "")
    header, *rows = _delimited(run.out, output)
    by_id = {row[header.index("id")]: row for row in rows}
    assert sorted(by_id) == sorted(["-rollback-7", "+plus", "@at", "=eq"])
    for job_id, row in by_id.items():
        assert row[header.index("arn")] == f"arn:aws:iot:us-east-1:123456789012:job/{job_id}"
        assert row[header.index("status")] in {"IN_PROGRESS", "COMPLETED", "CANCELED", "SCHEDULED"}
        assert row[header.index("state")] in {"running", "succeeded", "cancelled", "queued"}
        # The IoT name is the job ID, but a free-text column: that one is neutralized.
        assert row[header.index("name")] == "'" + job_id


def test_table_and_json_are_not_neutralized(formulas: str, tmp_path: Path) -> None:
    """Neutralization is for spreadsheets only: JSON keeps the data exact."""
    run = jobctl(*LIST, "-o", "jsonl", url=formulas)
    assert run.status == 0
    assert {job["id"]: job["name"] for job in run.jsonl} == dict(FORMULAS)


def test_usage_errors_quoting_an_argument_are_escaped() -> None:
    """click quotes some arguments raw (an unexpected extra argument) and strips only
    CSI sequences itself: an OSC title sequence or a bidi override would pass."""
    evil = "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202eeulav"
    run = jobctl("iot", evil)
    assert run.status == 2
    assert not UNSAFE.search(run.err), run.err
    assert "\\x1b]0;pwned\\x07" in run.err
    assert "\\u202eeulav" in run.err


def test_debug_logs_of_hostile_data_and_errors_stay_terminal_safe() -> None:
    """--debug logs response bodies and errors: escapes in them arrive escaped too."""
    hostile = "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202eeulav"

    def answer(method: str, path: str) -> Any:
        if path.startswith("/jobs"):  # IoT: jobs with hostile fields
            return json_reply(200, {"jobs": [{"jobId": "j" + hostile, "status": hostile}]})
        return json_reply(  # Batch: an error with a hostile message
            400,
            {"__type": "ClientException", "message": hostile},
            **{"x-amzn-ErrorType": "ClientException"},
        )

    with tiny_server(answer) as (url, _):
        listed = jobctl("iot", "-o", "jsonl", "--debug", url=url)
        failed = jobctl(*LIST, "--debug", url=url)
    assert listed.status == 0
    assert json.loads(listed.out)["status"] == hostile
    assert failed.status == 2
    for run in (listed, failed):
        assert "DEBUG" in run.err
        assert not UNSAFE.search(run.err)
