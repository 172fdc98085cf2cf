"""--watch follows each job by its whole identity: Amplify numbers every branch's jobs
1, 2, 3…, so a job ID repeats across branches (and accounts). Keyed by service, region
and ID, --watch over every branch tracked 168 of 300 jobs, then took jobs of other
branches for "no longer listed" and ended "done" with queued jobs still open."""

from __future__ import annotations

import json

from e2e_support import jobctl

from jobctl.sandbox import Sandbox


def test_watch_tracks_every_job_of_every_branch(demo: Sandbox) -> None:
    listed = jobctl("amplify", "-o", "jsonl", endpoint=demo.endpoint_url)
    assert listed.status == 0, listed.describe()
    rows = listed.rows()
    ids = [row["id"] for row in rows]
    assert len(set(ids)) < len(ids), "the demo should repeat job IDs across branches"
    still_open = [row for row in rows if row["state"] in ("queued", "running")]
    assert still_open

    watched = jobctl(
        "amplify", "--watch", "--timeout", "2s", "--interval", "1s", "-o", "jsonl",
        endpoint=demo.endpoint_url,
    )  # fmt: skip
    # The fixed clock moves nothing: the open jobs stay open until the timeout.
    assert watched.status == 7, watched.describe()
    events = [json.loads(line) for line in watched.out.splitlines()]
    changes = [event for event in events if event["event"] == "state_change"]
    assert len(changes) == len(rows)
    assert {(e["parent"], e["id"]) for e in changes} == {(r["parent"], r["id"]) for r in rows}
    summary = events[-1]
    assert summary["outcome"] == "timeout"
    assert summary["total"] == len(rows)
    assert "no longer listed" not in watched.err
    first = watched.err_lines[0]
    assert first == (
        f"jobctl: --watch timed out after 2s: {len(still_open)} of {len(rows)} watched "
        "jobs are not finished"
    )
    # Each open job is named with its branch: an ID alone would be ambiguous.
    job = next(row for row in rows if row["state"] in ("queued", "running"))
    assert any(line.startswith(f"jobctl: amplify {job['parent']} ") for line in watched.err_lines)
