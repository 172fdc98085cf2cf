"""Every message in one voice (docs/reference.md, "Messages"): each error path jobctl
knows, run through the installed command, says exactly one line

    jobctl: <service>: <what happened> (<what to do>)

with no full stop before the parenthesis, no separate `hint:` line, and choices unquoted
and comma-separated. First-run errors (no region, no credentials) name --sandbox."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_support import fake_env, jobctl

from jobctl.sandbox import Faults, Sandbox

LINE = re.compile(r"^jobctl: (?:[a-z][a-z0-9-]*(?:, [a-z][a-z0-9-]*)*(?: [^:()]+)?: )?\S.*$")
QUOTED_CHOICES = re.compile(r"'[^']+', '[^']+'")


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox(jobs_per_service=30, regions=("us-east-1",)) as running:
        yield running


def _no_aws(tmp: Path, **extra: str) -> dict[str, str]:
    env = fake_env(tmp, **extra)
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        env.pop(name)
    return env


# (name, arguments, what to set on the sandbox's faults, environment changes, exit status)
CASES: list[tuple[str, list[str], dict[str, Any], str, int]] = [
    ("unknown-command", ["bat"], {}, "", 2),
    ("unknown-option", ["iot", "--statu", "x"], {}, "", 2),
    ("bad-format", ["iot", "-o", "wide2"], {}, "", 2),
    ("bad-status", ["batch", "--status", "bogus"], {}, "", 2),
    ("extra-argument", ["iot", "extra"], {}, "", 2),
    ("bad-time", ["iot", "--since", "yesterday"], {}, "", 2),
    ("bad-integer", ["iot", "--page-size", "many"], {}, "", 2),
    ("empty-list-value", ["iot", "--status", "COMPLETED,,SCHEDULED"], {}, "", 2),
    ("bad-sort-key", ["iot", "--sort", "colour"], {}, "", 2),
    ("column-twice", ["iot", "--columns", "id,id"], {}, "", 2),
    ("bad-service", ["all", "--services", "iot,foo"], {}, "", 2),
    ("watch-only-option", ["iot", "--timeout", "5m"], {}, "", 2),
    ("garbage-token", ["iot", "--starting-token", "garbage"], {}, "", 2),
    ("damaged-token", ["iot", "--starting-token", "jc2.AAAA.AAAA"], {}, "", 2),
    ("old-token", ["iot", "--starting-token", "jc1.eNoDAAAAAAE"], {}, "", 2),
    ("page-size-over", ["iot", "--page-size", "251"], {}, "", 2),
    ("bad-endpoint", ["iot", "--endpoint-url", "http://-bad-host"], {}, "no-endpoint", 2),
    ("missing-queue", ["batch", "--job-queue", "no-such-queue"], {}, "", 2),
    ("missing-branch", ["amplify", "--app-id", "APP", "--branch", "nosuch,other"], {}, "", 2),
    ("missing-group", ["iot", "--thing-group-name", "no-such-group"], {}, "", 2),
    ("server-error", ["snowball"], {"server_error_every": 1}, "", 5),
    ("throttled", ["iot"], {"throttle_every": 1}, "", 5),
    ("access-denied", ["iot"], {"access_denied": True}, "", 4),
    ("expired", ["iot"], {"expired_from_page": 1}, "", 4),
    ("html-page", ["iot"], {"bad_body": "html"}, "", 5),
    ("token-loop", ["iot", "--page-size", "5"], {"token_loop": "repeat"}, "", 3),
    ("partial", ["iot", "--page-size", "5"], {"server_error_from_page": 2}, "", 3),
    ("no-region", ["iot"], {}, "no-region", 2),
    ("no-region-all", ["all"], {}, "no-region", 2),
    ("no-credentials", ["iot"], {}, "no-credentials", 4),
    ("unknown-profile", ["iot", "--profile", "nope"], {}, "", 4),
    ("bad-config", ["iot"], {}, "bad-config", 4),
]


def _run(sb: Sandbox, tmp: Path, args: list[str], faults: dict[str, Any], env: str) -> Any:
    args = [sb.parents()["amplify"][0][0] if a == "APP" else a for a in args]
    sb.faults = Faults(**faults)
    environ = fake_env(tmp, AWS_MAX_ATTEMPTS="1")
    endpoint: str | None = sb.endpoint_url
    if env in ("no-region", "no-credentials"):
        environ = _no_aws(tmp, AWS_MAX_ATTEMPTS="1")
        if env == "no-credentials":
            environ["AWS_REGION"] = "us-east-1"
            for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
                environ.pop(name)
    elif env == "bad-config":
        (tmp / "config").write_text("[default\nregion = us-east-1\n")
        environ["AWS_CONFIG_FILE"] = str(tmp / "config")
    elif env == "no-endpoint":
        endpoint = None
    return jobctl(*args, endpoint=endpoint, env=environ)


@pytest.mark.parametrize(
    ("name", "args", "faults", "env", "status"), CASES, ids=[c[0] for c in CASES]
)
def test_every_error_is_one_line_in_one_voice(
    sb: Sandbox,
    tmp_path: Path,
    name: str,
    args: list[str],
    faults: dict[str, Any],
    env: str,
    status: int,
) -> None:
    run = _run(sb, tmp_path, args, faults, env)
    assert run.status == status, run.describe()
    lines = [line for line in run.err_lines if not line.startswith("jobctl: resume with")]
    # Exactly one line says what went wrong (notes and warnings are not errors).
    errors = [line for line in lines if not line.startswith(("jobctl: note:", "jobctl: warning:"))]
    assert len(errors) == 1, run.describe()
    for line in run.err_lines:
        assert LINE.match(line), line
        assert "hint:" not in line, line
        assert ". (" not in line and not line.endswith("."), line  # no full stop before "("
        assert ") (" not in line, line  # one parenthesis for what to do, not two in a row
        assert not QUOTED_CHOICES.search(line), line  # choices unquoted, comma-separated
    if status == 3:
        assert run.err_lines[-1].startswith("jobctl: resume with --starting-token ")


@pytest.mark.parametrize("name", ["no-region", "no-region-all", "no-credentials"])
def test_first_run_errors_point_to_the_sandbox_in_the_same_line(
    sb: Sandbox, tmp_path: Path, name: str
) -> None:
    _, args, faults, env, _ = next(case for case in CASES if case[0] == name)
    run = _run(sb, tmp_path, args, faults, env)
    assert len(run.err_lines) == 1 and "try --sandbox" in run.err_lines[0], run.describe()


def test_jobctl_all_names_every_service_that_lacks_a_region_in_one_line(
    sb: Sandbox, tmp_path: Path
) -> None:
    run = _run(sb, tmp_path, ["all"], {}, "no-region")
    assert run.err_lines == [
        "jobctl: amplify, amplify-backend, iot, batch, snowball: no region given "
        "(pass --region or set AWS_REGION, or try --sandbox)"
    ]


def test_a_profile_that_cannot_be_found_names_the_service(sb: Sandbox, tmp_path: Path) -> None:
    run = _run(sb, tmp_path, ["iot", "--profile", "nope"], {}, "")
    assert run.err_lines[0].startswith("jobctl: iot: The config profile (nope) could not be found")
