"""Renderers, with exact expected output for every format."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone
from typing import Any

import pytest

from jobctl.job import FIELDS
from jobctl.output import FORMATS, RenderOptions, renderer_for

ARN_1 = "arn:aws:batch:us-east-1:123456789012:service-job/j1"
LONG_ARN = "arn:aws:batch:us-east-1:123456789012:service-job/" + "x" * 120
HEADER = ",".join(FIELDS)


def job(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "service": "batch",
        "region": "us-east-1",
        "id": "j1",
        "name": "train",
        "status": "RUNNING",
        "state": "running",
        "created_at": "2024-05-01T10:00:00Z",
        "started_at": None,
        "ended_at": None,
        "updated_at": None,
        "arn": ARN_1,
        "raw": {"jobId": "j1"},
    }
    base.update(fields)
    return base


J1 = job()
J2 = job(
    id="j2",
    name="eval",
    status="SUCCEEDED",
    state="succeeded",
    ended_at="2024-05-01T11:00:00.500Z",
    arn=LONG_ARN,
    raw={"jobId": "j2", "tags": {"team": "ml"}},
)
J3 = job(id="j3", name="x", status="FAILED", state="failed", arn=None, raw={"jobId": "j3"})


def render(fmt: str, pages: list[list[dict[str, Any]]], **options: Any) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    renderer = renderer_for(fmt)(out, RenderOptions(**options), err)
    renderer.begin()
    for page in pages:
        renderer.write(page)
    renderer.end()
    return out.getvalue(), err.getvalue()


def line(value: dict[str, Any]) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True)


def test_registry_has_every_format() -> None:
    assert FORMATS == ("table", "wide", "json", "jsonl", "csv", "tsv")
    for name in FORMATS:
        assert renderer_for(name) is renderer_for(name.upper())


# -- JSON lines ------------------------------------------------------------------------


def test_jsonl_one_job_per_line_in_field_order() -> None:
    out, err = render("jsonl", [[J1], [], [J2, J3]])
    assert out == "".join(line(j) + "\n" for j in (J1, J2, J3))
    assert err == ""
    first = out.splitlines()[0]
    assert first.startswith('{"service":"batch","region":"us-east-1","id":"j1","name":"train",')
    assert first.endswith(f'"arn":"{ARN_1}","raw":{{"jobId":"j1"}}}}')


def test_jsonl_empty_is_nothing() -> None:
    assert render("jsonl", []) == ("", "")
    assert render("jsonl", [[], []]) == ("", "")


def test_jsonl_is_ascii_and_line_safe() -> None:
    odd = job(
        name="caf\u00e9 \u2028 line\nbreak", raw={"when": datetime(2024, 5, 1, tzinfo=timezone.utc)}
    )
    out, _ = render("jsonl", [[odd]])
    assert out.count("\n") == 1
    assert out.isascii()
    assert '"name":"caf\\u00e9 \\u2028 line\\nbreak"' in out
    assert json.loads(out)["raw"] == {"when": "2024-05-01T00:00:00Z"}


def test_jsonl_writes_each_page_as_it_arrives() -> None:
    out = io.StringIO()
    renderer = renderer_for("jsonl")(out, RenderOptions(), None)
    renderer.begin()
    renderer.write([J1])
    assert out.getvalue() == line(J1) + "\n"
    renderer.write([J2])
    assert out.getvalue() == line(J1) + "\n" + line(J2) + "\n"


# -- JSON ------------------------------------------------------------------------------


def test_json_empty_is_an_empty_array() -> None:
    assert render("json", []) == ("[]\n", "")
    assert render("json", [[], []]) == ("[]\n", "")


def test_json_one_page() -> None:
    out, _ = render("json", [[J1, J2]])
    assert out == f"[\n{line(J1)},\n{line(J2)}\n]\n"
    assert json.loads(out) == [J1, J2]


def test_json_several_pages() -> None:
    out, _ = render("json", [[J1], [], [J2], [J3]])
    assert out == f"[\n{line(J1)},\n{line(J2)},\n{line(J3)}\n]\n"
    assert json.loads(out) == [J1, J2, J3]


def test_json_streams_and_is_closed_by_end() -> None:
    """A listing that fails after a page still ends with valid JSON (end() closes it)."""
    out = io.StringIO()
    renderer = renderer_for("json")(out, RenderOptions(), None)
    renderer.begin()
    renderer.write([J1])
    assert out.getvalue() == f"[\n{line(J1)}"  # written as it arrived, not held
    renderer.end()
    assert json.loads(out.getvalue()) == [J1]


# -- CSV / TSV ---------------------------------------------------------------------------


def test_csv_full() -> None:
    out, err = render("csv", [[J1], [J2, J3]])
    assert out == (
        f"{HEADER}\n"
        f"batch,us-east-1,j1,train,RUNNING,running,2024-05-01T10:00:00Z,,,,{ARN_1}\n"
        "batch,us-east-1,j2,eval,SUCCEEDED,succeeded,2024-05-01T10:00:00Z,,"
        f"2024-05-01T11:00:00.500Z,,{LONG_ARN}\n"
        "batch,us-east-1,j3,x,FAILED,failed,2024-05-01T10:00:00Z,,,,\n"
    )
    assert err == ""


def test_csv_empty_is_header_only() -> None:
    assert render("csv", []) == (HEADER + "\n", "")
    assert render("csv", [], headers=False) == ("", "")


def test_csv_no_headers_and_columns() -> None:
    out, _ = render("csv", [[J1, J2]], headers=False, columns=("id", "state", "name"))
    assert out == "j1,running,train\nj2,succeeded,eval\n"


def test_csv_raw_columns() -> None:
    out, _ = render(
        "csv", [[J1, J2]], columns=("id", "raw.jobId", "raw.tags", "raw.tags.team", "raw.none")
    )
    assert out == (
        'id,raw.jobId,raw.tags,raw.tags.team,raw.none\nj1,j1,,,\nj2,j2,"{""team"":""ml""}",ml,\n'
    )


def test_csv_quotes_commas_quotes_and_newlines() -> None:
    out, _ = render("csv", [[job(name='a,b "c"\nd')]], columns=("id", "name"))
    assert out == 'id,name\nj1,"a,b ""c""\nd"\n'


FORMULAS = ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\nx", "\rx"]


@pytest.mark.parametrize("start", FORMULAS)
def test_csv_neutralizes_formulas_in_free_text_columns(start: str) -> None:
    risky = job(name=start, status=start, raw={"note": start})
    out, _ = render("csv", [[risky]], headers=False, columns=("name", "status", "raw.note"))
    cell = "'" + start
    quoted = f'"{cell}"' if any(c in cell for c in "\r\n") else cell
    assert out == f"{quoted},{quoted},{quoted}\n"


@pytest.mark.parametrize("start", FORMULAS)
def test_csv_keeps_id_arn_state_time_columns_verbatim(start: str) -> None:
    columns = ("service", "region", "id", "arn", "state", *FIELDS[6:10])
    risky = job(**dict.fromkeys(columns, start))
    out, _ = render("csv", [[risky]], headers=False, columns=columns)
    value = f'"{start}"' if any(c in start for c in "\r\n") else start
    assert out == ",".join([value] * len(columns)) + "\n"


def test_csv_raw_opts_out_of_neutralization() -> None:
    risky = job(name='=HYPERLINK("x")', status="-1")
    out, _ = render("csv", [[risky]], headers=False, columns=("name", "status"), csv_raw=True)
    assert out == '"=HYPERLINK(""x"")",-1\n'


def test_csv_safe_values_untouched() -> None:
    out, _ = render(
        "csv", [[job(name="a=b", status="x-1")]], headers=False, columns=("name", "status")
    )
    assert out == "a=b,x-1\n"


def test_csv_carriage_return_cannot_forge_a_row() -> None:
    import csv

    risky = job(name="ok\r=1+2", status="RUNNING")
    out, _ = render("csv", [[risky]], headers=False, columns=("id", "name", "status"))
    assert list(csv.reader(io.StringIO(out, newline=""))) == [["j1", "ok\r=1+2", "RUNNING"]]
    assert out == 'j1,"ok\r=1+2",RUNNING\n'


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_delimited_output_parses_back_one_row_per_job(fmt: str) -> None:
    import csv

    names = ["a,b", 'say "hi"', "line\nbreak", "tab\there", "back\\slash", "caf\u00e9"]
    jobs = [job(id=f"j{i}", name=name) for i, name in enumerate(names)]
    out, _ = render(fmt, [jobs], headers=False, columns=("id", "name"))
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(out, newline="")))
        assert rows == [[f"j{i}", name] for i, name in enumerate(names)]
    else:
        assert len(out.splitlines()) == len(names)
        assert [row.split("\t")[0] for row in out.splitlines()] == [f"j{i}" for i in range(6)]


def test_tsv_full() -> None:
    out, err = render("tsv", [[J1], [J3]])
    tab = "\t"
    assert out == (
        tab.join(FIELDS)
        + "\n"
        + f"batch\tus-east-1\tj1\ttrain\tRUNNING\trunning\t2024-05-01T10:00:00Z\t\t\t\t{ARN_1}\n"
        + "batch\tus-east-1\tj3\tx\tFAILED\tfailed\t2024-05-01T10:00:00Z\t\t\t\t\n"
    )
    assert err == ""


def test_tsv_escapes_keep_one_job_per_line() -> None:
    odd = job(name="a\tb\nc\rd\\e", id="i\td")
    out, _ = render("tsv", [[odd]], columns=("id", "name"))
    assert out == "id\tname\ni\\td\ta\\tb\\nc\\rd\\\\e\n"


def test_tsv_neutralizes_then_escapes() -> None:
    out, _ = render(
        "tsv", [[job(name="\tcmd", status="=1")]], headers=False, columns=("name", "status")
    )
    assert out == "'\\tcmd\t'=1\n"
    out, _ = render("tsv", [[job(name="\tcmd")]], headers=False, columns=("name",), csv_raw=True)
    assert out == "\\tcmd\n"


def test_tsv_empty_is_header_only() -> None:
    assert render("tsv", [], columns=("id", "name")) == ("id\tname\n", "")


# -- table, not a terminal ------------------------------------------------------------
# (the table's layout, columns, ages and terminal fitting: tests/unit/test_table.py)


def test_table_plain_aligned_with_no_truncation() -> None:
    out, err = render("table", [[J1, J2]], columns=("id", "name", "state", "ended_at", "arn"))
    assert out == (
        "id  name   state      ended_at                  arn\n"
        f"j1  train  running    -                         {ARN_1}\n"
        f"j2  eval   succeeded  2024-05-01T11:00:00.500Z  {LONG_ARN}\n"
    )
    assert err == ""


def test_table_wide_has_every_field() -> None:
    out, _ = render("wide", [[J1]])
    header, row = out.splitlines()
    assert header.split() == list(FIELDS)
    assert row.split() == [
        "batch", "us-east-1", "j1", "train", "RUNNING", "running",
        "2024-05-01T10:00:00Z", "-", "-", "-", ARN_1,
    ]  # fmt: skip
    assert "\x1b" not in out


def test_table_plain_no_headers() -> None:
    out, _ = render("table", [[J1, J3]], columns=("id", "arn"), headers=False)
    assert out == f"j1  {ARN_1}\nj3  -\n"


def test_table_plain_escapes_control_characters() -> None:
    odd = job(name="a\tb\nc\x1b[2Jd\x07\u202eevil\x7f", status="")
    out, _ = render("table", [[odd]], columns=("id", "name", "status"))
    assert out == (
        "id  name                               status\n"
        "j1  a\\tb\\nc\\x1b[2Jd\\x07\\u202eevil\\x7f  -\n"
    )
    assert out.isascii()


def test_table_empty_says_so_on_the_error_stream_only() -> None:
    assert render("table", []) == ("", "No jobs found.\n")
    assert render("table", [[], []], tty=True) == ("", "No jobs found.\n")


def test_table_numbers_stay_text() -> None:
    out, _ = render("table", [[job(id="007", name="1e5")]], columns=("id", "name"))
    assert out == "id   name\n007  1e5\n"


# -- table on a terminal ----------------------------------------------------------------


def test_table_tty_shows_markup_literally() -> None:
    odd = job(name="[bold]x[/] [red]y", status="\x1b[31mred\x1b[0m")
    out, err = render("table", [[odd]], tty=True, columns=("id", "name", "status"))
    assert err == ""
    assert "[bold]x[/] [red]y" in out
    assert "\\x1b[31mred\\x1b[0m" in out
    assert "\x1b[31m" not in out  # the job's escape never reaches the terminal
    assert "j1" in out


def test_table_tty_keeps_long_arns_whole_when_wide_enough() -> None:
    out, _ = render("table", [[J1]], tty=True, width=200, columns=("id", "arn"))
    assert ARN_1 in out


def test_table_tty_colours_the_state_only_with_colour() -> None:
    plain, _ = render("table", [[J1, J3]], tty=True, columns=("id", "state"), color=False)
    coloured, _ = render("table", [[J1, J3]], tty=True, columns=("id", "state"), color=True)
    assert "\x1b[" not in plain
    assert "\x1b[36mrunning" in coloured  # cyan
    assert "\x1b[1;31mfailed" in coloured  # bold red


def test_table_tty_null_is_dash_and_no_headers() -> None:
    out, _ = render("table", [[J3]], tty=True, columns=("id", "arn"), headers=False)
    assert [cell for cell in out.split()] == ["j3", "-"]
