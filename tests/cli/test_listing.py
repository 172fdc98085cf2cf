"""Listing through the CLI for each of the five services: pages, formats, resume."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cli_cases import CASES, NAMES, Case, expected_job
from cli_harness import FakeAWS, Run, invoke

from jobctl.job import FIELDS

COLUMNS = "id,name,state,created_at"


def plan_pages(
    aws: FakeAWS,
    case: Case,
    pages: list[list[int]],
    page_size: int | None = None,
    start: int = 0,
    more: bool = False,
) -> None:
    """Responses holding `pages` of items; page k is fetched with token t{k} (t0: none).
    The last page has a next token only when `more`."""
    for k, items in enumerate(pages, start=start):
        token_in = f"t{k}" if k else None
        token_out = f"t{k + 1}" if more or k + 1 < start + len(pages) else None
        aws.page(
            case.client,
            case.method,
            case.response(items, token_out),
            case.request(page_size, token_in),
        )


def list_cmd(case: Case, *extra: str) -> list[str]:
    return [case.name, *case.args, *extra]


def ids(run: Run) -> list[str]:
    return [json.loads(line)["id"] for line in run.out.splitlines()]


# -- several pages, every format ------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_jsonl_several_pages(aws: FakeAWS, name: str) -> None:
    case = CASES[name]
    plan_pages(aws, case, [[0, 1], [2, 3], [4]])
    run = invoke(*list_cmd(case, "-o", "jsonl"))
    assert (run.status, run.err) == (0, "")
    jobs = [json.loads(line) for line in run.out.splitlines()]
    assert jobs == [expected_job(name, i) for i in range(5)]
    assert all(list(job) == [*FIELDS, "raw"] for job in jobs)


@pytest.mark.parametrize("name", NAMES)
def test_json_several_pages(aws: FakeAWS, name: str) -> None:
    case = CASES[name]
    plan_pages(aws, case, [[0, 1], [2, 3], [4]])
    run = invoke(*list_cmd(case, "-o", "json"))
    assert (run.status, run.err) == (0, "")
    assert run.out.startswith("[\n{")
    assert run.out.endswith("}\n]\n")
    assert json.loads(run.out) == [expected_job(name, i) for i in range(5)]


def _rows(name: str, count: int) -> list[list[str]]:
    return [
        [
            expected_job(name, i)["id"],
            expected_job(name, i)["name"],
            expected_job(name, i)["state"],
            expected_job(name, i)["created_at"],
        ]
        for i in range(count)
    ]


@pytest.mark.parametrize("name", NAMES)
def test_csv_several_pages(aws: FakeAWS, name: str) -> None:
    case = CASES[name]
    plan_pages(aws, case, [[0, 1], [2]])
    run = invoke(*list_cmd(case, "-o", "csv", "--columns", COLUMNS))
    assert (run.status, run.err) == (0, "")
    assert run.out == COLUMNS + "\n" + "".join(",".join(r) + "\n" for r in _rows(name, 3))


@pytest.mark.parametrize("name", NAMES)
def test_tsv_several_pages_no_headers(aws: FakeAWS, name: str) -> None:
    case = CASES[name]
    plan_pages(aws, case, [[0, 1], [2]])
    run = invoke(*list_cmd(case, "-o", "tsv", "--columns", COLUMNS, "--no-headers"))
    assert (run.status, run.err) == (0, "")
    assert run.out == "".join("\t".join(r) + "\n" for r in _rows(name, 3))


def _cells_by_header(text: str) -> list[list[str]]:
    """Cut each line at the header's column starts: cells must line up under headers."""
    import re

    lines = text.splitlines()
    starts = [m.start() for m in re.finditer(r"\S+", lines[0])]
    bounds = [*starts[1:], None]
    return [[line[a:b].strip() for a, b in zip(starts, bounds, strict=True)] for line in lines]


@pytest.mark.parametrize("name", NAMES)
def test_table_several_pages(aws: FakeAWS, name: str) -> None:
    case = CASES[name]
    plan_pages(aws, case, [[0, 1], [2]])
    run = invoke(*list_cmd(case, "--columns", COLUMNS))  # table is the default
    assert (run.status, run.err) == (0, "")
    assert _cells_by_header(run.out) == [COLUMNS.split(","), *_rows(name, 3)]


def test_table_exact_text(aws: FakeAWS) -> None:
    case = CASES["amplify"]
    plan_pages(aws, case, [[0, 1], [2]])
    run = invoke(*list_cmd(case, "--columns", "id,name,state,ended_at"))
    assert (run.status, run.err) == (0, "")
    assert run.out == (
        "id  name      state      ended_at\n"
        "0   Commit 0  succeeded  -\n"
        "1   Commit 1  succeeded  -\n"
        "2   Commit 2  succeeded  -\n"
    )


@pytest.mark.parametrize("name", NAMES)
def test_table_default_columns_are_compact(aws: FakeAWS, name: str) -> None:
    """One service, one region, no discovered parent: the job's own columns only (IoT's
    name is its ID, so it is not repeated)."""
    case = CASES[name]
    plan_pages(aws, case, [[0]])
    run = invoke(*list_cmd(case))
    assert (run.status, run.err) == (0, "")
    header, row = run.out.splitlines()
    expected = ["id", "name", "status", "state", "age", "duration"]
    if name == "iot":
        expected.remove("name")
    assert header.split() == expected
    assert row.split()[0] == expected_job(name, 0)["id"]


@pytest.mark.parametrize("name", NAMES)
def test_table_wide_shows_whole_arns(aws: FakeAWS, name: str) -> None:
    case = CASES[name]
    plan_pages(aws, case, [[0]])
    run = invoke(*list_cmd(case, "-o", "wide"))
    assert (run.status, run.err) == (0, "")
    header, row = run.out.splitlines()
    assert header.split() == list(FIELDS)
    arn = expected_job(name, 0)["arn"]
    assert row.rstrip().endswith(arn or "-")
    assert "\x1b" not in run.out


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    ("fmt", "out", "err"),
    [
        ("table", "", "No jobs found.\n"),
        ("wide", "", "No jobs found.\n"),
        ("json", "[]\n", ""),
        ("jsonl", "", ""),
        ("csv", ",".join(FIELDS) + "\n", ""),
        ("tsv", "\t".join(FIELDS) + "\n", ""),
    ],
)
def test_no_jobs(aws: FakeAWS, name: str, fmt: str, out: str, err: str) -> None:
    case = CASES[name]
    plan_pages(aws, case, [[]])
    run = invoke(*list_cmd(case, "-o", fmt))
    assert (run.status, run.out, run.err) == (0, out, err)


def test_empty_pages_between_full_ones(aws: FakeAWS) -> None:
    case = CASES["iot"]
    plan_pages(aws, case, [[], [0], [], [1]])
    run = invoke(*list_cmd(case, "-o", "jsonl"))
    assert (run.status, run.err) == (0, "")
    assert ids(run) == ["ota-0", "ota-1"]


# -- --max-items and --starting-token ----------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_max_items_then_resume_mid_page(aws: FakeAWS, name: str) -> None:
    case = CASES[name]
    # Pages of 3: the first run stops after 4 jobs, inside the second page.
    plan_pages(aws, case, [[0, 1, 2], [3, 4, 5]], page_size=3)
    first = invoke(*list_cmd(case, "-o", "jsonl", "--page-size", "3", "--max-items", "4"))
    assert first.status == 0
    assert ids(first) == [case.job_id(i) for i in range(4)]
    assert len(first.err_lines) == 1
    token = first.token
    aws.reset()

    # The resumed run asks again for the second page and skips what was written.
    plan_pages(aws, case, [[3, 4, 5], [6, 7, 8], [9]], page_size=3, start=1)
    second = invoke(*list_cmd(case, "-o", "jsonl", "--page-size", "3", "--starting-token", token))
    assert (second.status, second.err) == (0, "")
    assert ids(second) == [case.job_id(i) for i in range(4, 10)]


@pytest.mark.parametrize("name", NAMES)
def test_max_items_at_a_page_boundary_then_resume(aws: FakeAWS, name: str) -> None:
    case = CASES[name]
    # --max-items lowers the page size to what will be printed.
    plan_pages(aws, case, [[0, 1]], page_size=2, more=True)
    first = invoke(*list_cmd(case, "-o", "jsonl", "--max-items", "2"))
    assert first.status == 0
    assert ids(first) == [case.job_id(0), case.job_id(1)]
    token = first.token
    aws.reset()

    plan_pages(aws, case, [[2, 3], [4]], start=1)
    second = invoke(*list_cmd(case, "-o", "jsonl", "--starting-token", token))
    assert (second.status, second.err) == (0, "")
    assert ids(second) == [case.job_id(i) for i in (2, 3, 4)]


def offset_service(case: Case, total: int) -> Any:
    """A service whose tokens are offsets and whose pages honour the page size."""

    def answer(operation: str, params: dict[str, Any]) -> dict[str, Any]:
        assert {k: v for k, v in params.items() if k in case.params} == case.params
        start = int(params.get(case.token_in) or 0)
        end = min(start + params[case.limit], total)
        response = case.response(list(range(start, end)))
        if end < total:
            response[case.token_out] = str(end)
        return response

    return answer


@pytest.mark.parametrize("name", NAMES)
def test_resume_in_steps_never_loses_or_repeats_a_job(aws: FakeAWS, name: str) -> None:
    """Runs of --max-items 4 over 17 jobs in pages of 3: most stop and resume mid-page."""
    case = CASES[name]
    aws.simulate(case.client, offset_service(case, 17))
    seen: list[str] = []
    token: list[str] = []
    for _ in range(5):
        run = invoke(*list_cmd(case, "-o", "jsonl", "--page-size", "3", "--max-items", "4"), *token)
        assert run.status == 0, run.err
        seen += ids(run)
        if not run.err:
            break
        token = ["--starting-token", run.token]
    assert run.err == ""  # the last run finished the listing: no hint
    assert seen == [case.job_id(i) for i in range(17)]


def test_max_items_equal_to_the_total_prints_no_hint(aws: FakeAWS) -> None:
    case = CASES["snowball"]
    plan_pages(aws, case, [[0, 1, 2]], page_size=3)
    run = invoke(*list_cmd(case, "-o", "jsonl", "--max-items", "3"))
    assert (run.status, run.err) == (0, "")
    assert ids(run) == [case.job_id(i) for i in range(3)]


def test_resume_with_a_smaller_max_items_does_not_repeat(aws: FakeAWS) -> None:
    case = CASES["iot"]
    aws.simulate("iot", offset_service(case, 12))
    first = invoke("iot", "-o", "jsonl", "--page-size", "3", "--max-items", "5")
    assert ids(first) == [case.job_id(i) for i in range(5)]
    second = invoke(
        "iot",
        "-o",
        "jsonl",
        "--page-size",
        "3",
        "--max-items",
        "1",
        "--starting-token",
        first.token,
    )
    assert second.status == 0
    assert ids(second) == [case.job_id(5)]


def test_starting_token_without_max_items_lists_the_rest(aws: FakeAWS) -> None:
    case = CASES["amplify-backend"]
    aws.simulate(case.client, offset_service(case, 8))
    args = list_cmd(case, "-o", "csv", "--columns", "id", "--page-size", "3")
    first = invoke(*args, "--max-items", "4")
    assert first.out == "id\njob-0\njob-1\njob-2\njob-3\n"
    second = invoke(*args, "--starting-token", first.token)
    assert (second.status, second.err) == (0, "")
    assert second.out == "id\njob-4\njob-5\njob-6\njob-7\n"


def test_token_from_another_listing_is_refused_before_any_call(aws: FakeAWS) -> None:
    case = CASES["batch"]
    plan_pages(aws, case, [[0]], page_size=1, more=True)
    first = invoke(*list_cmd(case, "-o", "jsonl", "--max-items", "1"))
    token = first.token
    aws.reset()
    for args, message in [
        (["batch", "--job-queue", "other"], "listing with other arguments"),
        (["iot"], "this token is for batch, not for iot"),
        (["batch", "--job-queue", "training", "--region", "eu-west-1"], "other arguments"),
    ]:
        run = invoke(*args, "--starting-token", token)
        assert run.status == 2, run.err
        assert message in run.err
        assert run.out == ""
    assert aws.clients_made == [] and aws.requests == []


@pytest.mark.parametrize(
    "token",
    ["garbage", "jc2.!!!", "jc9.eJyrVspLzE1VslIqLS5RqgUAKaEFBQ", "eyJuZXh0VG9rZW4iOiAiYSJ9"],
)
def test_bad_starting_token_is_a_usage_error(aws: FakeAWS, token: str) -> None:
    run = invoke("snowball", "--starting-token", token)
    assert run.status == 2
    assert run.out == ""
    assert len(run.err_lines) == 1
    assert run.err.startswith("jobctl: --starting-token: ")
    assert aws.requests == []


def test_token_with_unusable_start_time_is_a_usage_error(aws: FakeAWS) -> None:
    import base64
    import zlib

    case = CASES["snowball"]
    plan_pages(aws, case, [[0]], page_size=1, more=True)
    token = invoke("snowball", "-o", "jsonl", "--max-items", "1").token
    aws.reset()
    from jobctl.listing.tokens import pack

    payload = token.split(".")[1]
    body = json.loads(zlib.decompress(base64.urlsafe_b64decode(payload + "==")))
    body["t0"] = 1e300
    forged = pack(body)
    run = invoke("snowball", "--starting-token", forged)
    assert run.status == 2
    assert "internal error" not in run.err
