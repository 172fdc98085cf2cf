"""age and duration: kubectl's HumanDuration, the duration rule, and the computed fields
in every format (human in a table, whole seconds in csv, tsv and json)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from jobctl.checks.sort import sort_jobs
from jobctl.output import RenderOptions, renderer_for
from jobctl.output.human import age, computed, duration, human_duration
from jobctl.output.text import lookup

NOW = 1795176000.0  # 2026-11-20T12:00:00Z
MINUTE, HOUR, DAY, YEAR = 60, 3600, 86400, 365 * 86400


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (-5, "<invalid>"),
        (-2, "<invalid>"),
        (-1, "0s"),  # a second of clock skew reads as now
        (0, "0s"),
        (45, "45s"),
        (119, "119s"),
        (120, "2m"),
        (121, "2m1s"),
        (9 * MINUTE + 59, "9m59s"),
        (10 * MINUTE, "10m"),
        (12 * MINUTE + 30, "12m"),
        (3 * HOUR - 1, "179m"),
        (3 * HOUR, "3h"),
        (3 * HOUR + 5 * MINUTE, "3h5m"),
        (8 * HOUR - 1, "7h59m"),
        (8 * HOUR, "8h"),
        (48 * HOUR - 1, "47h"),
        (48 * HOUR, "2d"),
        (5 * DAY, "5d"),
        (5 * DAY + 3 * HOUR, "5d3h"),
        (8 * DAY - 1, "7d23h"),
        (8 * DAY, "8d"),
        (2 * YEAR - 1, "729d"),
        (2 * YEAR, "2y"),
        (2 * YEAR + 364 * DAY, "2y364d"),
        (8 * YEAR, "8y"),
        (20 * YEAR + 100 * DAY, "20y"),
    ],
)
def test_human_duration_matches_kubectl(seconds: int, shown: str) -> None:
    assert human_duration(seconds) == shown


def at(seconds_before_now: float) -> str:
    """An ISO timestamp `seconds_before_now` before NOW, as jobs carry them."""
    from datetime import datetime, timezone

    moment = datetime.fromtimestamp(NOW - seconds_before_now, timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def job(service: str, state: str, **times: float | None) -> dict[str, Any]:
    fields: dict[str, Any] = {"service": service, "state": state, "id": "j", "raw": {}}
    for name in ("created_at", "started_at", "ended_at"):
        value = times.get(name)
        fields[name] = None if value is None else at(value)
    return fields


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        # Batch records a start: duration runs from it, to the end or to now.
        (job("batch", "succeeded", created_at=900, started_at=800, ended_at=200), 600),
        (job("batch", "running", created_at=900, started_at=800), 800),
        (job("batch", "failed", created_at=900, started_at=800, ended_at=700), 100),
        # ... and a Batch job that failed before it started has none.
        (job("batch", "failed", created_at=900, ended_at=700), None),
        (job("batch", "queued", created_at=900), None),
        # Amplify's start is its creation; cancelled with an end time has a duration.
        (job("amplify", "cancelled", created_at=50, started_at=50, ended_at=20), 30),
        # IoT records no start: creation stands in; running counts to now.
        (job("iot", "running", created_at=3 * HOUR), 3 * HOUR),
        (job("iot", "succeeded", created_at=3 * HOUR, ended_at=HOUR), 2 * HOUR),
        # Snowball records no end: a finished job has no duration, a running one has.
        (job("snowball", "running", created_at=DAY), DAY),
        (job("snowball", "succeeded", created_at=DAY), None),
        (job("amplify-backend", "running", created_at=45), 45),
        # Not started: none, whatever the times say.
        (job("iot", "queued", created_at=100), None),
        (job("batch", "unknown", created_at=100, started_at=90, ended_at=10), None),
        # No creation time where it stands in for the start: none.
        (job("iot", "running"), None),
    ],
)
def test_duration_rule(case: dict[str, Any], expected: int | None) -> None:
    assert duration(case, NOW) == expected
    assert computed(case, "duration", NOW) == expected


def test_age_is_time_since_creation() -> None:
    assert age(job("iot", "queued", created_at=45.9), NOW) == 45
    assert age(job("iot", "queued"), NOW) is None
    assert age({"created_at": "not a time"}, NOW) is None
    assert computed(job("batch", "running", created_at=DAY), "age", NOW) == DAY
    with pytest.raises(KeyError):
        computed({}, "created_at", NOW)


def test_lookup_computes_age_and_duration() -> None:
    running = job("batch", "running", created_at=120, started_at=60)
    assert lookup(running, "age", NOW) == 120
    assert lookup(running, "duration", NOW) == 60
    assert lookup(running, "created_at", NOW) == running["created_at"]


# -- sorting -----------------------------------------------------------------------------


def test_sort_by_age_is_numeric_newest_first() -> None:
    # By text, "9" would sort after "10000"; ages sort as numbers, empty ones last.
    jobs = [
        {**job("iot", "queued", created_at=10_000), "id": "old"},
        {**job("iot", "queued"), "id": "no-time"},
        {**job("iot", "queued", created_at=9), "id": "new"},
        {**job("iot", "queued", created_at=500), "id": "mid"},
    ]
    assert [j["id"] for j in sort_jobs(jobs, ("age",), NOW)] == ["new", "mid", "old", "no-time"]
    assert [j["id"] for j in sort_jobs(jobs, ("-age",), NOW)] == ["old", "mid", "new", "no-time"]


def test_sort_by_duration_puts_jobs_without_one_last() -> None:
    jobs = [
        {**job("batch", "queued", created_at=50), "id": "queued"},
        {**job("batch", "succeeded", created_at=900, started_at=800, ended_at=200), "id": "long"},
        {**job("batch", "running", created_at=100, started_at=30), "id": "short"},
    ]
    assert [j["id"] for j in sort_jobs(jobs, ("-duration",), NOW)] == ["long", "short", "queued"]


# -- in each format ------------------------------------------------------------------------


def render(fmt: str, jobs: list[dict[str, Any]], **options: Any) -> str:
    out = io.StringIO()
    renderer = renderer_for(fmt)(out, RenderOptions(now=NOW, **options), io.StringIO())
    renderer.begin()
    renderer.write(jobs)
    renderer.end()
    return out.getvalue()


JOBS = [
    {**job("batch", "running", created_at=3 * HOUR, started_at=2 * HOUR), "id": "a"},
    {**job("batch", "queued", created_at=45), "id": "b"},
]


def test_table_shows_human_ages() -> None:
    out = render("table", JOBS, columns=("id", "age", "duration"))
    assert out == "id  age  duration\na   3h   120m\nb   45s  -\n"  # kubectl: 179m, then 3h


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_csv_and_tsv_give_whole_seconds(fmt: str) -> None:
    out = render(fmt, JOBS, columns=("id", "age", "duration"))
    sep = "," if fmt == "csv" else "\t"
    assert out.splitlines() == [sep.join(r) for r in (["id", "age", "duration"],
                                                      ["a", "10800", "7200"],
                                                      ["b", "45", ""])]  # fmt: skip


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_adds_seconds_only_when_named(fmt: str) -> None:
    def parse(text: str) -> list[dict[str, Any]]:
        if fmt == "json":
            return json.loads(text)  # type: ignore[no-any-return]
        return [json.loads(line) for line in text.splitlines()]

    plain = parse(render(fmt, JOBS))
    assert "age" not in plain[0] and plain[0]["created_at"] == JOBS[0]["created_at"]
    named = parse(render(fmt, JOBS, columns=("id", "age", "duration")))
    assert [(j["age"], j["duration"]) for j in named] == [(10800, 7200), (45, None)]
    # --columns projects json as it does every format: only those keys, in that order
    assert [list(j) for j in named] == [["id", "age", "duration"]] * 2
    # and a timestamp it names stays exact
    timed = parse(render(fmt, JOBS, columns=("created_at", "age")))
    assert timed[0] == {"created_at": JOBS[0]["created_at"], "age": 10800}
