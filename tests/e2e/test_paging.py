"""Issue 3: `--max-items` with `--starting-token`, repeated until jobctl prints no more
tokens, lists exactly the full listing: same jobs, same order, none twice."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from e2e_support import SERVICES, fake_env, jobctl, row_ident, truth_idents, walk_to_end

# (max items, page size): page sizes that do not divide the max, so most stops fall inside
# a page and the resume has to skip what was already written.
SIZES = {
    "amplify": (25, 7),
    "amplify-backend": (20, 6),
    "iot": (50, 9),
    "batch": (25, 7),
    "snowball": (50, 9),
}


def single_stream_args(sb: Any, service: str) -> list[str]:
    parents = sb.parents()
    return {
        "amplify": ["--app-id", parents["amplify"][0][0], "--branch", parents["amplify"][0][1]],
        "amplify-backend": ["--app-id", parents["amplify-backend"][0][0],
                            "--env", parents["amplify-backend"][0][1]],
        "iot": [],
        "batch": ["--job-queue", parents["batch"][0], "--status", "all"],
        "snowball": [],
    }[service]  # fmt: skip


def truth_in_order(sb: Any, truth: Any, service: str) -> list[tuple]:
    parents = sb.parents()
    items = {
        "amplify": lambda: truth.amplify(branches=[parents["amplify"][0]]),
        "amplify-backend": lambda: truth.backend(envs=[parents["amplify-backend"][0]]),
        "iot": truth.iot,
        "batch": lambda: truth.batch(queues=[parents["batch"][0]]),
        "snowball": truth.snowball,
    }[service]()
    if service == "batch":  # walked status by status: put them in the API's order
        items.sort(key=lambda job: (-job["createdAt"], job["jobId"]))
    return [truth_idents(service, [item])[0] for item in items]


@pytest.fixture(scope="module")
def walks(demo_sandbox, demo_truth, e2e_tmp) -> dict[str, Any]:
    env = fake_env(e2e_tmp)

    def walk(service: str) -> Any:
        most, page = SIZES[service]
        args = [service, *single_stream_args(demo_sandbox, service), "-o", "jsonl",
                "--max-items", str(most), "--page-size", str(page)]  # fmt: skip
        return walk_to_end(args, demo_sandbox.endpoint_url, env=env)

    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(zip(SERVICES, pool.map(walk, SERVICES), strict=True))


@pytest.mark.parametrize("service", SERVICES)
def test_resume_walks_to_the_full_listing(walks, demo_sandbox, demo_truth, service):
    runs, rows = walks[service]
    expected = truth_in_order(demo_sandbox, demo_truth, service)
    most, _ = SIZES[service]
    assert len(runs) >= 3, "the walk should take several resumes"
    assert [row_ident(row) for row in rows] == expected  # same jobs, same order, no repeats
    assert all(len(run.rows()) == most for run in runs[:-1])
    assert 0 < len(runs[-1].rows()) <= most
    # Every stop but the last printed the hint as stderr's only line.
    for run in runs[:-1]:
        assert len(run.err_lines) == 1 and run.token, run.describe()


def test_resume_over_a_fan_out_of_queues_and_statuses(demo, demo_truth):
    """Discovered queues (six, of both Batch APIs) × three per-status queries: 18 streams,
    resumed 35 jobs at a time."""
    args = ["batch", "--status", "SUCCEEDED", "--status", "FAILED", "--status", "RUNNING",
            "-o", "jsonl", "--page-size", "8"]  # fmt: skip
    runs, rows = walk_to_end([*args, "--max-items", "35"], demo.endpoint_url)
    whole = jobctl(*args, endpoint=demo.endpoint_url)
    assert whole.status == 0, whole.describe()
    expected = truth_idents(
        "batch",
        [j for j in demo_truth.batch() if j["status"] in ("SUCCEEDED", "FAILED", "RUNNING")],
    )
    assert len(runs) >= 3
    resumed = [row_ident(row) for row in rows]
    assert len(resumed) == len(set(resumed))
    assert sorted(resumed) == expected
    assert sorted(row_ident(row) for row in whole.rows()) == expected


def test_a_token_resumes_with_another_page_size(demo):
    """The page size is not part of the listing: resume with a different one."""
    args = ["snowball", "-o", "jsonl"]
    first = jobctl(*args, "--max-items", "13", "--page-size", "5", endpoint=demo.endpoint_url)
    assert first.status == 0 and first.token, first.describe()
    rest = jobctl(*args, "--starting-token", first.token, "--page-size", "40",
                  endpoint=demo.endpoint_url)  # fmt: skip
    whole = jobctl(*args, endpoint=demo.endpoint_url)
    assert rest.status == 0 and rest.token is None, rest.describe()
    assert first.rows() + rest.rows() == whole.rows()


@pytest.mark.parametrize("service", SERVICES)
def test_max_items_asks_for_no_page_after_the_last_one_written(demo: Any, service: str) -> None:
    """Stopping at --max-items inside the first page: the worker that fetched it must not
    ask for the next page (the reader has all it wanted), in any of 20 runs."""
    import time

    list_ops = ("ListJobs", "ListBackendJobs", "ListServiceJobs")
    for _ in range(20):
        demo.clear_requests()
        run = jobctl(
            service,
            *single_stream_args(demo, service),
            *("--region", "us-east-1", "-o", "jsonl", "--max-items", "2"),
            endpoint=demo.endpoint_url,
        )
        assert run.status == 0 and len(run.rows()) == 2, run.describe()
        time.sleep(0.02)  # a stray request in flight would land by now
        listed = [r for r in demo.requests if r.operation in list_ops]
        assert len(listed) == 1, [r.params for r in listed]
