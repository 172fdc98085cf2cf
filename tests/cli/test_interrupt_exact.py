"""A signal at a chosen moment of a listing, injected through a hook (not a sleep), and an
exact resume: every job once, none lost, none repeated.

The moments: after a page was fetched and before it is written; after it is written and
before its position is committed; while the listing waits for a page. jobctl runs
in-process (CliRunner) against the embedded sandbox over real HTTP, with jobctl's own
signal handlers installed, and the signal is a real one sent to this process.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from jobctl import signals
from jobctl.cli import cli
from jobctl.listing.pages import Listing
from jobctl.output.jsonout import JsonLinesRenderer
from jobctl.sandbox import Sandbox

HINT = "jobctl: resume with --starting-token "
ARGS = ("iot", "--region", "us-east-1", "--page-size", "7", "-o", "jsonl")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(jobs_per_service=40, regions=("us-east-1",)) as sb:
        yield sb


@pytest.fixture
def handlers() -> Iterator[None]:
    """jobctl's handlers, as the entry point installs them; pytest's restored after."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    signals.install()
    yield
    assert signals.pending() is None  # every signal sent was raised
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def run(sandbox: Sandbox, *extra: str) -> tuple[int, list[str], list[str]]:
    result = CliRunner().invoke(
        cli, [*ARGS, "--endpoint-url", sandbox.endpoint_url, *extra], prog_name="jobctl"
    )
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    return result.exit_code, ids, result.stderr.splitlines()


def everything(sandbox: Sandbox) -> list[str]:
    status, ids, err = run(sandbox)
    assert (status, err) == (0, [])
    assert len(ids) == 40
    return ids


def resume_exactly(sandbox: Sandbox, first: list[str], err: list[str]) -> list[str]:
    assert err and err[-1].startswith(HINT), err
    status, rest, rest_err = run(sandbox, "--starting-token", err[-1][len(HINT) :])
    assert (status, rest_err) == (0, [])
    return first + rest


def kill_on_call(target: Any, name: str, at: int, sig: signal.Signals) -> Any:
    """Wrap target.name so that its `at`-th call first sends `sig` to this process."""
    original = getattr(target, name)
    calls = [0]

    def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == at:
            os.kill(os.getpid(), sig)
        return original(self, *args, **kwargs)

    return wrapped


@pytest.mark.usefixtures("handlers")
@pytest.mark.parametrize(("sig", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
@pytest.mark.parametrize("page", [1, 3, 5])
def test_a_signal_between_fetch_and_write_resumes_exactly(
    sandbox: Sandbox, sig: signal.Signals, status: int, page: int
) -> None:
    expected = everything(sandbox)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            JsonLinesRenderer, "write", kill_on_call(JsonLinesRenderer, "write", page, sig)
        )
        code, first, err = run(sandbox)
    assert code == status
    # The page in hand when the signal came is written, and the listing stops after it.
    assert first == expected[: 7 * page]
    assert resume_exactly(sandbox, first, err) == expected


@pytest.mark.usefixtures("handlers")
def test_a_signal_while_the_last_page_is_written_is_130_with_nothing_to_resume(
    sandbox: Sandbox,
) -> None:
    expected = everything(sandbox)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            JsonLinesRenderer, "write", kill_on_call(JsonLinesRenderer, "write", 6, signal.SIGINT)
        )
        code, first, err = run(sandbox)
    assert (code, first, err) == (130, expected, [])


@pytest.mark.usefixtures("handlers")
def test_a_signal_between_write_and_commit_resumes_exactly(sandbox: Sandbox) -> None:
    expected = everything(sandbox)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Listing, "commit", kill_on_call(Listing, "commit", 2, signal.SIGINT))
        code, first, err = run(sandbox)
    assert code == 130
    assert first == expected[:14]
    assert resume_exactly(sandbox, first, err) == expected


@pytest.mark.usefixtures("handlers")
def test_a_signal_while_waiting_for_a_page_stops_at_once_and_resumes_exactly(
    sandbox: Sandbox,
) -> None:
    """The fetch of page 4 sends the signal from a worker thread while the main thread
    waits for that page: it stops there, with pages 1-3 written."""
    expected = everything(sandbox)
    from jobctl.aws import paging

    original = paging.pages
    fetched = [0]

    def pages(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for page in original(*args, **kwargs):
            fetched[0] += 1
            if fetched[0] == 4:
                os.kill(os.getpid(), signal.SIGINT)
                return
            yield page

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("jobctl.listing.pages.pages", pages)
        code, first, err = run(sandbox)
    assert code == 130
    assert first == expected[:21]
    assert resume_exactly(sandbox, first, err) == expected
