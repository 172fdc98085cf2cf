"""Credentials: none at all, an unknown profile, a session that expires mid-listing and a
denied action are exit 4 with a hint, jobs already written stay written with the resume
hint; --debug logs requests but never a secret, a signature or a token."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hardening_support import JOBCTL, env, jobctl, json_reply, list_requests, sandbox, tiny_server

ACCESS_KEY = "AKIAHARDENINGKEY0042"
SECRET_KEY = "hardening/Secret+Key/0042-never-print-me"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEHardeningSessionToken//0042+never/print=="
FILE_ACCESS_KEY = "AKIAFROMTHEFILE00777"
FILE_SECRET_KEY = "file/Secret+Key/0777-never-print-me-either"


@pytest.fixture(scope="module")
def demo() -> Iterator[Any]:
    with sandbox(jobs_per_service=12, regions=("us-east-1",)) as running:
        yield running


@pytest.fixture
def sb(demo: Any) -> Iterator[Any]:
    from jobctl.sandbox import Faults

    demo.faults = Faults()
    demo.clear_requests()
    yield demo
    demo.faults = Faults()


NO_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": None,
    "AWS_SECRET_ACCESS_KEY": None,
    "AWS_SESSION_TOKEN": None,
    "AWS_PROFILE": None,
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": None,
    "AWS_CONTAINER_CREDENTIALS_FULL_URI": None,
    "AWS_WEB_IDENTITY_TOKEN_FILE": None,
    "AWS_EC2_METADATA_DISABLED": "true",
}


def _empty_config(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "config").write_text("")
    (tmp_path / "credentials").write_text("")
    return {
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
    }


@pytest.mark.parametrize("output", ["jsonl", "json", "table"])
def test_no_credentials_at_all_is_exit_4_before_any_request(
    sb: Any, tmp_path: Path, output: str
) -> None:
    run = jobctl(
        "iot", "-o", output, url=sb.endpoint_url, **NO_CREDENTIALS, **_empty_config(tmp_path)
    )
    assert run.status == 4
    assert run.out in ("", "[]\n")
    assert run.err_lines == [
        "jobctl: iot: Unable to locate credentials"
        " (configure credentials with aws configure or AWS_PROFILE, or try --sandbox)"
    ]
    assert sb.requests == []


@pytest.mark.parametrize("how", ["--profile", "AWS_PROFILE"])
def test_an_unknown_profile_is_exit_4_before_any_request(sb: Any, tmp_path: Path, how: str) -> None:
    config = _empty_config(tmp_path)
    if how == "--profile":
        run = jobctl("iot", "--profile", "nosuch", url=sb.endpoint_url, **config)
    else:
        run = jobctl("iot", url=sb.endpoint_url, AWS_PROFILE="nosuch", **config)
    assert run.status == 4
    assert run.out == ""
    assert run.err_lines == [
        "jobctl: iot: The config profile (nosuch) could not be found"
        " (check the name; aws configure list-profiles lists the profiles)"
    ]
    assert sb.requests == []


def test_an_unknown_profile_without_a_region_is_one_line_too(tmp_path: Path) -> None:
    """Found while resolving the region, before any service is named."""
    config = _empty_config(tmp_path)
    run = jobctl("iot", AWS_PROFILE="nosuch", AWS_REGION=None, AWS_DEFAULT_REGION=None, **config)
    assert run.status == 4
    assert run.err_lines == [
        "jobctl: iot: The config profile (nosuch) could not be found"
        " (check the name; aws configure list-profiles lists the profiles)"
    ]


@pytest.mark.parametrize(
    "text", ["[default\nregion = us-east-1\n", "[default]\nregion us-east-1\n"]
)
def test_a_malformed_config_file_is_exit_4_with_a_hint(sb: Any, tmp_path: Path, text: str) -> None:
    """Local configuration, not the service (it was exit 5, "service failure", no hint)."""
    config = _empty_config(tmp_path)
    (tmp_path / "config").write_text(text)
    run = jobctl("iot", url=sb.endpoint_url, **config)
    assert run.status == 4, run.err
    assert run.err_lines == [
        f"jobctl: iot: Unable to parse config file: {tmp_path / 'config'}"
        " (fix the file's syntax, [section] headers and key = value lines;"
        " or point AWS_CONFIG_FILE or AWS_SHARED_CREDENTIALS_FILE elsewhere)"
    ]
    assert sb.requests == []


def test_a_password_in_an_endpoint_url_is_never_printed(tmp_path: Path) -> None:
    """An endpoint with user:password (a proxy-style URL): hidden in the error line and
    everywhere in --debug's log."""
    url = "http://jobuser:Pa55w0rdX@127.0.0.1:9"
    for extra in ((), ("--debug",)):
        run = jobctl("iot", "--endpoint-url", url, *extra, AWS_MAX_ATTEMPTS="1")
        assert run.status == 5, run.err
        assert "Pa55w0rdX" not in run.err and "Pa55w0rdX" not in run.out
        assert "jobuser:[REDACTED]@127.0.0.1:9" in run.err_lines[-1]


SSO_CONFIG = """\
[profile work]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = ReadOnly
region = eu-west-1
[sso-session corp]
sso_start_url = https://corp.awsapps.invalid/start
sso_region = us-east-1
"""


@pytest.mark.parametrize("profile", ["nosuch", "work"])
def test_the_sandbox_ignores_the_users_aws_profile(tmp_path: Path, profile: str) -> None:
    """AWS_PROFILE names the user's account: --sandbox must work whether the profile is
    missing or needs an SSO login, and `jobctl sandbox` must serve."""
    config = _empty_config(tmp_path)
    Path(config["AWS_CONFIG_FILE"]).write_text(SSO_CONFIG)
    run = jobctl("iot", "--sandbox", "--max-items", "2", "-o", "jsonl", AWS_PROFILE=profile,
                 **config)  # fmt: skip
    assert run.status == 0, run.err
    assert len(run.out.splitlines()) == 2
    server = subprocess.Popen(
        [str(JOBCTL), "sandbox", "--port", "0", "--jobs", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(AWS_PROFILE=profile, **config),
    )
    try:
        first = server.stdout.readline() if server.stdout else ""
    finally:
        server.terminate()
        _, err = server.communicate(timeout=10)
    assert first.startswith("export AWS_ENDPOINT_URL=http://127.0.0.1:"), err


def test_the_sandbox_lists_its_demo_jobs_whatever_region_the_shell_names() -> None:
    """AWS_REGION names the user's region, where the sandbox has no data: it listed nothing."""
    run = jobctl("iot", "--sandbox", "--summary", "-o", "csv", AWS_REGION="ap-south-1")
    chosen = jobctl("iot", "--sandbox", "--region", "eu-west-1", "--summary", "-o", "csv",
                    AWS_REGION="ap-south-1")  # fmt: skip
    assert run.status == chosen.status == 0, run.err + chosen.err
    assert run.out.splitlines()[1].startswith("iot,us-east-1,")
    assert chosen.out.splitlines()[1].startswith("iot,eu-west-1,")
    assert run.out.splitlines()[1].endswith(",300")  # the demo's jobs, not an empty region


def test_the_sandbox_ignores_a_proxy_from_the_environment() -> None:
    """A corporate HTTP_PROXY would receive the in-process sandbox's 127.0.0.1 requests."""
    dead = "http://127.0.0.1:9"  # nothing listens on the discard port
    proxies = {"HTTP_PROXY": dead, "http_proxy": dead, "NO_PROXY": None, "no_proxy": None}
    run = jobctl("iot", "--sandbox", "--max-items", "2", "-o", "jsonl", **proxies)
    assert run.status == 0, run.err
    assert len(run.out.splitlines()) == 2


@pytest.mark.parametrize("output", ["jsonl", "json", "csv"])
def test_a_session_that_expires_mid_listing_keeps_what_was_written(sb: Any, output: str) -> None:
    sb.faults.expired_from_page = 2
    args = ["batch", "--job-queue", "ml-training-high", "--status", "all", "--page-size", "3"]
    run = jobctl(*args, "-o", output, url=sb.endpoint_url)
    assert run.status == 4, run.err
    if output == "json":
        assert len(json.loads(run.out)) == 3
    else:
        assert len(run.lines) == 3 + (output == "csv")
    lines = run.err_lines
    assert lines[0] == (
        "jobctl: batch: ExpiredTokenException: The security token included in the request "
        "is expired (your session has expired: refresh your credentials, e.g. with aws sso login)"
    )
    assert run.hint_token is not None
    assert len(lines) == 2
    assert [r.status for r in list_requests(sb)] == [200, 403]

    # Fresh credentials: the token lists exactly the rest.
    sb.faults.expired_from_page = 0
    first = jobctl(*args, "-o", "jsonl", "--max-items", "3", url=sb.endpoint_url).ids
    rest = jobctl(*args, "-o", "jsonl", "--starting-token", run.hint_token, url=sb.endpoint_url)
    assert rest.status == 0
    everything = jobctl(*args, "-o", "jsonl", url=sb.endpoint_url).ids
    assert first + rest.ids == everything


@pytest.mark.parametrize("service", ["iot", "snowball", "amplify-backend"])
def test_access_denied_is_exit_4_with_a_hint(sb: Any, service: str) -> None:
    sb.faults.access_denied = True
    args = [service]
    if service == "amplify-backend":
        app, env = sb.parents()["amplify-backend"][0]
        args += ["--app-id", app, "--env", env]
    run = jobctl(*args, "-o", "jsonl", url=sb.endpoint_url)
    assert run.status == 4
    assert run.out == ""
    lines = run.err_lines
    assert lines[0].startswith(f"jobctl: {service}: AccessDeniedException: User: ")
    assert "is not authorized to perform" in lines[0]
    assert lines[0].endswith(
        " (check your credentials and that they allow listing jobs; see --profile)"
    )
    assert len(lines) == 1


# -- --debug -------------------------------------------------------------------------------

SECRETS = [ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, FILE_ACCESS_KEY, FILE_SECRET_KEY]


def _assert_no_secrets(err: str, signatures: list[str] = ()) -> None:  # type: ignore[assignment]
    assert "DEBUG" in err and "botocore" in err  # the debug log is really there
    for secret in SECRETS:
        for form in {secret, quote(secret, safe=""), quote(secret)}:
            assert form not in err, f"{secret!r} leaked"
        # Not even a recognizable piece of it.
        assert secret[4:16] not in err
    for signature in signatures:
        assert signature not in err, "a request signature leaked"
    assert not re.search(r"(?i)signature=[0-9a-f]{8}", err)
    lines = err.splitlines()
    for i, line in enumerate(lines):
        if line.rstrip().endswith("Signature:"):
            assert not re.fullmatch(r"\s*[0-9a-f]{64}\s*", lines[i + 1]), "Signature: hex"
    for match in re.finditer(r"(?i)(authorization|x-amz-security-token)['\"]?\s*[:=]\s*", err):
        after = err[match.end() : match.end() + 10]
        assert after.startswith("[REDACTED]"), err[match.start() : match.end() + 60]
    assert not re.search(r"(?i)credential=AKIA", err)


def test_debug_never_prints_secrets_or_signatures() -> None:
    """Against a server of our own, which records the real Authorization headers, so the
    signatures jobctl sent can be looked for in what it printed."""
    pages = {
        "/jobs?maxResults=250": {
            "jobs": [{"jobId": "a", "status": "COMPLETED"}],
            "nextToken": "p2",
        },
    }

    def answer(method: str, path: str) -> Any:
        if path in pages:
            return json_reply(200, pages[path])
        return json_reply(200, {"jobs": [{"jobId": "b", "status": "COMPLETED"}]})

    seen: list[dict[str, str]] = []
    with tiny_server(answer, headers=seen) as (url, requested):
        run = jobctl(
            "iot",
            "-o",
            "jsonl",
            "--debug",
            url=url,
            AWS_ACCESS_KEY_ID=ACCESS_KEY,
            AWS_SECRET_ACCESS_KEY=SECRET_KEY,
            AWS_SESSION_TOKEN=SESSION_TOKEN,
        )
    assert run.status == 0, run.err
    assert run.ids == ["a", "b"]
    assert len(requested) == 2
    signatures = [
        h["Authorization"].rsplit("Signature=", 1)[1] for h in seen if "Authorization" in h
    ]
    assert len(signatures) == 2 and all(re.fullmatch(r"[0-9a-f]{64}", s) for s in signatures)
    assert all(h.get("X-Amz-Security-Token") == SESSION_TOKEN for h in seen)
    _assert_no_secrets(run.err, signatures)


def test_debug_of_a_failing_listing_never_prints_secrets(sb: Any) -> None:
    sb.faults.expired_from_page = 2
    run = jobctl(
        "snowball",
        "-o",
        "jsonl",
        "--page-size",
        "3",
        "--debug",
        url=sb.endpoint_url,
        AWS_ACCESS_KEY_ID=ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY=SECRET_KEY,
        AWS_SESSION_TOKEN=SESSION_TOKEN,
    )
    assert run.status == 4
    assert "ExpiredTokenException" in run.err
    assert run.hint_token is not None
    _assert_no_secrets(run.err)


def test_debug_never_prints_secrets_from_a_credentials_file(sb: Any, tmp_path: Path) -> None:
    config = _empty_config(tmp_path)
    Path(config["AWS_SHARED_CREDENTIALS_FILE"]).write_text(
        f"[hardening]\naws_access_key_id = {FILE_ACCESS_KEY}\n"
        f"aws_secret_access_key = {FILE_SECRET_KEY}\n"
    )
    run = jobctl(
        "iot",
        "-o",
        "jsonl",
        "--profile",
        "hardening",
        "--debug",
        url=sb.endpoint_url,
        **{**NO_CREDENTIALS, **config},
    )
    assert run.status == 0, run.err[-2000:]
    assert len(run.lines) == 12
    _assert_no_secrets(run.err)
