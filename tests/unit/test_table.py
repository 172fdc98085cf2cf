"""The table renderer, golden: compact columns by context, -o wide, ages at a fixed
clock, colour, display width (CJK, emoji), fitting a terminal (cut text, whole IDs, hidden
columns said once), pages that arrive later, and the empty listing."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from jobctl.output import RenderOptions, renderer_for
from jobctl.output.streams import use_color
from jobctl.output.width import display_width, truncate

NOW = 1795176000.0  # 2026-11-20T12:00:00Z: ages below are counted from here
UUID = "476fb3f0-242c-481f-a67c-7ec497530a01"
UUID2 = "b080547b-0def-40e5-b1f7-8279e7224902"
SGR = re.compile(r"\x1b\[[0-9;]*m")


def job(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "service": "batch",
        "region": "us-east-1",
        "id": UUID,
        "name": "bert-base-pretrain-0036",
        "status": "RUNNING",
        "state": "running",
        "created_at": "2026-11-20T10:58:39Z",  # 61m before NOW
        "started_at": "2026-11-20T11:01:52.120Z",
        "ended_at": None,
        "updated_at": None,
        "arn": f"arn:aws:batch:us-east-1:123456789012:service-job/{UUID}",
        "raw": {},
    }
    base.update(fields)
    return base


RUNNING = job()
DONE = job(
    id=UUID2,
    name="xgboost-churn-tune-0035",
    status="SUCCEEDED",
    state="succeeded",
    created_at="2026-11-20T06:13:50Z",
    started_at="2026-11-20T06:20:00Z",
    ended_at="2026-11-20T14:20:00Z",
    arn=None,
)
QUEUED = job(
    id="9bcda3c8-b4a9-490c-9039-cea13c81977e",
    name="Llama3-8B-sft-0071",
    status="RUNNABLE",
    state="queued",
    created_at="2026-11-18T12:00:00Z",
    started_at=None,
)


def render(
    pages: list[list[dict[str, Any]]], fmt: str = "table", **options: Any
) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    renderer = renderer_for(fmt)(out, RenderOptions(now=NOW, **options), err)
    renderer.begin()
    for page in pages:
        renderer.write(page)
    renderer.end()
    return out.getvalue(), err.getvalue()


# -- compact columns, chosen by context ------------------------------------------------


def test_one_service_one_region_shows_the_job_only() -> None:
    out, err = render([[RUNNING, DONE, QUEUED]])
    assert err == ""
    assert out == (
        "id                                    name                     status     state      age    duration\n"  # noqa: E501
        "476fb3f0-242c-481f-a67c-7ec497530a01  bert-base-pretrain-0036  RUNNING    running    61m    58m\n"  # noqa: E501
        "b080547b-0def-40e5-b1f7-8279e7224902  xgboost-churn-tune-0035  SUCCEEDED  succeeded  5h46m  8h\n"  # noqa: E501
        "9bcda3c8-b4a9-490c-9039-cea13c81977e  Llama3-8B-sft-0071       RUNNABLE   queued     2d     -\n"  # noqa: E501
    )


def test_several_services_add_the_service_column() -> None:
    iot = job(service="iot", id="push-config-0300", name="push-config-0300", status="COMPLETED",
              state="succeeded", started_at=None, ended_at="2026-11-20T11:30:00Z")  # fmt: skip
    out, _ = render([[RUNNING, iot]], varying=frozenset({"service"}))
    assert out == (
        "service  id                                    name                     status     state      age  duration\n"  # noqa: E501
        "batch    476fb3f0-242c-481f-a67c-7ec497530a01  bert-base-pretrain-0036  RUNNING    running    61m  58m\n"  # noqa: E501
        "iot      push-config-0300                      push-config-0300         COMPLETED  succeeded  61m  31m\n"  # noqa: E501
    )


def test_several_regions_add_the_region_column() -> None:
    west = job(region="us-west-2", id="j2", name="other")
    out, _ = render([[RUNNING, west]], varying=frozenset({"region"}), columns=None)
    header = out.splitlines()[0].split()
    assert header == ["region", "id", "name", "status", "state", "age", "duration"]
    assert out.splitlines()[2].split()[:2] == ["us-west-2", "j2"]


def test_discovered_parents_and_profiles_add_their_columns() -> None:
    jobs = [
        job(parent="ml-training-high", profile="dev"),
        job(id="j2", parent="ml-experiments-spot", profile="prod"),
    ]
    out, _ = render([jobs], extra_columns=("parent", "profile"))
    assert out.splitlines()[0].split() == [
        "profile", "parent", "id", "name", "status", "state", "age", "duration",
    ]  # fmt: skip
    assert out.splitlines()[2].split()[:3] == ["prod", "ml-experiments-spot", "j2"]
    # every context at once, in a fixed order
    out, _ = render([jobs], extra_columns=("parent", "profile"), varying=frozenset({"service", "region", "account"}))  # fmt: skip # noqa: E501
    assert out.splitlines()[0].split()[:5] == ["service", "region", "profile", "account", "parent"]


def test_name_is_left_out_when_it_is_the_id() -> None:
    iot = [job(service="iot", id=n, name=n) for n in ("push-config-1", "reboot-2")]
    out, _ = render([iot])
    assert out.splitlines()[0].split() == ["id", "status", "state", "age", "duration"]
    # ... but not when several services are listed: other services name their jobs
    out, _ = render([iot], varying=frozenset({"service"}))
    assert "name" in out.splitlines()[0].split()


def test_wide_shows_every_normalized_field() -> None:
    out, _ = render([[RUNNING, DONE]], fmt="wide", extra_columns=("parent",))
    header, first, second = out.splitlines()
    assert header.split() == [
        "service", "region", "id", "name", "status", "state", "created_at", "started_at",
        "ended_at", "updated_at", "arn", "parent",
    ]  # fmt: skip
    assert first.split() == [
        "batch", "us-east-1", UUID, "bert-base-pretrain-0036", "RUNNING", "running",
        "2026-11-20T10:58:39Z", "2026-11-20T11:01:52.120Z", "-", "-", RUNNING["arn"], "-",
    ]  # fmt: skip
    assert second.split()[10:] == ["-", "-"]


def test_columns_pick_exactly_and_age_and_duration_are_fields() -> None:
    out, _ = render([[RUNNING, QUEUED]], columns=("duration", "id", "age"))
    assert out == (
        "duration  id                                    age\n"
        f"58m       {UUID}  61m\n"
        "-         9bcda3c8-b4a9-490c-9039-cea13c81977e  2d\n"
    )


def test_table_format_still_goes_through_tabulate() -> None:
    out, _ = render([[RUNNING], [QUEUED]], table_format="github", tty=True, width=40)
    lines = out.splitlines()
    assert lines[0].startswith("| id ") and "| age " in lines[0]
    assert lines[1].startswith("|--")
    assert len(lines) == 4 and "| 61m " in lines[2]
    out, _ = render([[job(name="a|b")]], table_format="github", columns=("id", "name"))
    assert "a\\|b" in out


# -- colour ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tty", "environ", "expected"),
    [
        (True, {}, True),
        (False, {}, False),
        (True, {"NO_COLOR": "1"}, False),
        (True, {"NO_COLOR": ""}, True),  # empty: not set (no-color.org)
        (False, {"FORCE_COLOR": "1"}, True),
        (False, {"FORCE_COLOR": "0"}, False),
        (False, {"FORCE_COLOR": ""}, False),
        (False, {"CLICOLOR_FORCE": "1"}, True),
        (True, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),  # NO_COLOR wins
        (True, {"TERM": "dumb"}, False),
        (False, {"TERM": "dumb", "FORCE_COLOR": "3"}, True),  # forced is forced
        (True, {"CLICOLOR": "0"}, False),
        (True, {"TERM": "xterm-256color", "CLICOLOR": "1"}, True),
    ],
)
def test_colour_decision(tty: bool, environ: dict[str, str], expected: bool) -> None:
    assert use_color(tty, environ) is expected


def test_colour_on_bold_header_and_coloured_states() -> None:
    failed = job(id="f", name="x", status="FAILED", state="failed")
    cancelled = job(id="c", name="y", status="CANCELLED", state="cancelled")
    unknown = job(id="u", name="z", status="WEIRD", state="unknown")
    pages = [[RUNNING, DONE, QUEUED, failed, cancelled, unknown]]
    out, _ = render(pages, tty=True, width=120, color=True, columns=("id", "state"))
    lines = out.splitlines()
    assert lines[0] == "\x1b[1mid                                    state\x1b[0m"
    assert lines[1].endswith("  \x1b[36mrunning\x1b[0m")
    assert lines[2].endswith("  \x1b[32msucceeded\x1b[0m")
    assert lines[3].endswith("  \x1b[33mqueued\x1b[0m")
    assert lines[4].endswith("  \x1b[1;31mfailed\x1b[0m")
    assert lines[5].endswith("  \x1b[2mcancelled\x1b[0m")
    assert lines[6].endswith("  \x1b[35munknown\x1b[0m")
    # colour changes nothing else
    plain, _ = render(pages, tty=True, width=120, color=False, columns=("id", "state"))
    assert SGR.sub("", out) == plain
    assert "\x1b" not in plain


def test_forced_colour_applies_to_a_piped_table() -> None:
    out, _ = render([[RUNNING]], color=True, columns=("id", "state"))
    assert out.splitlines()[1].endswith("\x1b[36mrunning\x1b[0m")


# -- display width ------------------------------------------------------------------------


def test_wide_characters_align_by_display_width() -> None:
    names = ["日本語のジョブ", "🚀 launch", "plain", "e\u0301te\u0301"]  # CJK, emoji, accents
    jobs = [job(id=f"j{i}", name=name) for i, name in enumerate(names)]
    for options in ({}, {"tty": True, "width": 100}):
        out, _ = render([jobs], columns=("id", "name", "state"), **options)
        lines = out.splitlines()
        # "state" starts in the same display column on every line
        starts = {display_width(line[: line.index("running")]) for line in lines[1:]}
        assert starts == {display_width(lines[0][: lines[0].index("state")])}
        assert display_width("日本語のジョブ") == 14
        assert "日本語のジョブ  " in lines[1]


def test_truncate_by_display_width() -> None:
    assert truncate("abcdef", 4) == "abc…"
    assert truncate("abc", 3) == "abc"
    assert truncate("日本語のジョブ", 6) == "日本…"  # 4 cells + the ellipsis; never 7
    assert truncate("日本語", 4) == "日…"
    assert display_width(truncate("🚀🚀🚀", 4)) <= 4
    assert truncate("abc", 1) == "…"


# -- on a terminal: one line per job, within the width ---------------------------------------


def lines_of(out: str) -> list[str]:
    return SGR.sub("", out).splitlines()


def test_free_text_is_cut_and_ids_never() -> None:
    long_name = job(name="x" * 60, status="S" * 30)
    out, err = render([[long_name, DONE]], tty=True, width=100)
    lines = lines_of(out)
    assert all(display_width(line) <= 100 for line in lines)
    assert lines[0].split() == ["id", "name", "status", "state", "age", "duration"]
    assert UUID in lines[1] and UUID2 in lines[2]
    assert "xxxxxxxxxx…" in lines[1] and "SSSSSSSSSS…" in lines[1]
    assert "x" * 20 not in out
    assert err == ""


def test_columns_that_cannot_fit_are_hidden_and_said_once() -> None:
    out, err = render([[RUNNING, DONE], [QUEUED]], tty=True, width=60)
    lines = lines_of(out)
    # lowest priority first: status, duration, age; the name is cut before it goes
    assert lines[0].split() == ["id", "name", "state"]
    assert lines[1] == f"{UUID}  bert-base-…  running"
    assert all(display_width(line) <= 60 for line in lines)
    assert len(lines) == 4
    assert err == "jobctl: 3 columns hidden; widen the terminal or use -o wide\n"
    # when the message fits the terminal with their names, it names them
    out, err = render([[RUNNING], [DONE]], tty=True, width=85)
    assert err == "jobctl: 1 column hidden (status); widen the terminal or use -o wide\n"
    out, err = render([[RUNNING]], fmt="wide", tty=True, width=150)
    assert err == (
        "jobctl: 2 columns hidden (arn, updated_at); widen the terminal or name fewer with "
        "--columns\n"
    )


def test_golden_80_columns() -> None:
    """batch --status all at 80 columns: whole names rather than cut names and queues."""
    jobs = [job(parent="ml-training-default"), {**DONE, "parent": "ml-experiments-spot"}]
    out, err = render([jobs], tty=True, width=80, extra_columns=("parent",))
    assert out == (
        "id                                    name                     state      age\n"
        f"{UUID}  bert-base-pretrain-0036  running    61m\n"
        f"{UUID2}  xgboost-churn-tune-0035  succeeded  5h46m\n"
    )
    assert err == "jobctl: 3 columns hidden; widen the terminal or use -o wide\n"
    # at 120 every column fits
    out, err = render([jobs], tty=True, width=120, extra_columns=("parent",))
    assert (out.splitlines()[0].split()[0], err) == ("parent", "")
    assert max(display_width(line) for line in out.splitlines()) <= 120


def test_an_id_wider_than_the_terminal_stays_whole() -> None:
    huge = job(id="i" * 90)
    out, _ = render([[huge]], tty=True, width=60)
    assert "i" * 90 in out
    assert len(out.splitlines()) == 2


def test_later_pages_keep_the_widths_and_cut_their_free_text() -> None:
    first = [job(id="a1", name="short")]
    later = [job(id="a2", name="a much longer name than the first page had")]
    out, _ = render([first, later], tty=True, width=80, columns=("id", "name", "state"))
    assert out == "id  name   state\na1  short  running\na2  a mu…  running\n"


def test_a_later_wider_id_widens_its_column_and_the_line_still_fits() -> None:
    first = [job(id="0000000025", name="Translate checkout into German and French")]
    later = [job(id=UUID, name="Refactor product grid into server components")]
    out, _ = render([first, later], tty=True, width=60, columns=("id", "name", "state"))
    lines = lines_of(out)
    assert UUID in lines[2]  # whole
    assert all(display_width(line) <= 60 for line in lines)
    assert lines[2].endswith("running") and "Refactor" in lines[2]
    # the rows after it align with each other
    out, _ = render([first, later, later], tty=True, width=60, columns=("id", "name", "state"))
    assert lines_of(out)[2] == lines_of(out)[3]


def test_a_row_that_cannot_fit_gives_up_its_own_text_but_not_its_id() -> None:
    first = [job(id="a", name="short name", status="S")]
    later = [job(id="i" * 24, name="another name", status="S")]
    out, _ = render([first, later], tty=True, width=32, columns=("id", "state", "name"))
    lines = lines_of(out)
    assert all(display_width(line) <= 32 for line in lines), lines
    assert lines[2].startswith("i" * 24 + "  ")  # whole
    assert "…" in lines[2]  # the rest gave up room


def test_several_services_reserve_room_for_uuids() -> None:
    amplify = job(service="amplify", id="0000000025", name="Fix rounding")
    batch = job(id=UUID, name="bert")
    out, _ = render([[amplify], [batch]], tty=True, width=120, varying=frozenset({"service"}))
    lines = lines_of(out)
    # the batch row lines up with the amplify row: the ID column was wide enough already
    assert lines[1].index("running") == lines[2].index("running") == lines[0].index("state")


# -- piped: whole cells, widths only grow ---------------------------------------------------


def test_piped_cells_are_whole_and_widths_grow_by_page() -> None:
    first = [job(id="a1", name="short")]
    later = [job(id="a2", name="a much longer name"), job(id="a3", name="x")]
    out, _ = render([first, later], columns=("id", "name", "state"))
    assert out == (
        "id  name   state\n"
        "a1  short  running\n"
        "a2  a much longer name  running\n"
        "a3  x                   running\n"
    )


def test_piped_writes_each_page_as_it_arrives() -> None:
    out = io.StringIO()
    renderer = renderer_for("table")(out, RenderOptions(now=NOW, columns=("id",)), None)
    renderer.begin()
    renderer.write([RUNNING])
    assert out.getvalue() == f"id\n{UUID}\n"  # before the next page, before end()
    renderer.write([DONE])
    assert out.getvalue() == f"id\n{UUID}\n{UUID2}\n"


# -- nothing to show --------------------------------------------------------------------------


@pytest.mark.parametrize("options", [{}, {"tty": True, "width": 80}])
def test_empty_listing_says_so_on_stderr_only(options: dict[str, Any]) -> None:
    assert render([], **options) == ("", "No jobs found.\n")
    assert render([[], []], fmt="wide", **options) == ("", "No jobs found.\n")


def test_incomplete_empty_listing_claims_nothing() -> None:
    out, err = io.StringIO(), io.StringIO()
    renderer = renderer_for("table")(out, RenderOptions(now=NOW), err)
    renderer.begin()
    renderer.complete = False
    renderer.end()
    assert (out.getvalue(), err.getvalue()) == ("", "")


# -- memory ---------------------------------------------------------------------------------


class Job(dict):  # type: ignore[type-arg]
    """A job that can be watched for garbage collection (a dict cannot)."""


@pytest.mark.parametrize("options", [{}, {"tty": True, "width": 80}])
def test_the_table_holds_no_page_after_writing_it(options: dict[str, Any]) -> None:
    import gc
    import weakref

    out = io.StringIO()
    renderer = renderer_for("table")(out, RenderOptions(now=NOW, **options), io.StringIO())
    renderer.begin()
    watched = []
    for page_number in range(3):
        page = [Job(job(id=f"p{page_number}-{n}")) for n in range(50)]
        watched += [weakref.ref(j) for j in page]
        renderer.write(page)
        del page
    gc.collect()
    assert [ref for ref in watched if ref() is not None] == []
    renderer.end()
    assert len(out.getvalue().splitlines()) == 151


# -- a summary on a narrow terminal (issue 12) ------------------------------------------------


def _summary_on_a_terminal(jobs: list[dict[str, Any]], width: int) -> tuple[list[str], str]:
    from jobctl.output.summary import SummaryRenderer

    out, err = io.StringIO(), io.StringIO()
    options = RenderOptions(tty=True, width=width, now=NOW)
    renderer = SummaryRenderer(
        out, options, err, output="table", by=("service", "region", "parent")
    )
    renderer.begin()
    renderer.write(jobs)
    renderer.end()
    return out.getvalue().splitlines(), err.getvalue()


def test_a_summary_too_wide_for_the_terminal_hides_what_tells_no_row_apart_first() -> None:
    """service and region have one value in every row: they go before any count, and
    the total and the parent that tells the rows apart stay."""
    jobs = [job(parent="ml-training-high"), job(parent="ml-experiments-spot", state="failed")]
    lines, err = _summary_on_a_terminal(jobs, 80)
    assert lines[0].split() == [
        "parent", "queued", "running", "succeeded", "failed", "cancelled", "unknown", "total",
    ]  # fmt: skip
    assert lines[-1].split() == ["all", "0", "1", "0", "1", "0", "0", "2"]
    assert all(display_width(line) <= 80 for line in lines)
    assert err == (
        "jobctl: 2 columns hidden; widen the terminal or count by fewer with --summary-by\n"
    )
    # wide enough, every column stays and nothing is said
    lines, err = _summary_on_a_terminal(jobs, 120)
    assert lines[0].split()[:3] == ["service", "region", "parent"] and err == ""
