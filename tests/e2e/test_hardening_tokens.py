"""Tokens and arguments: a --starting-token jobctl did not print, or printed for another
listing, and out-of-range or malformed arguments are usage errors (exit 2) found before
any request; a token the service rejects is exit 2 with "rerun without --starting-token".
The sandbox's request log proves what was (not) sent."""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from hardening_support import SERVICES, isolated_aws, jobctl, list_requests, sandbox, service_args


@pytest.fixture(scope="module")
def sb() -> Iterator[Any]:
    with sandbox(jobs_per_service=30, regions=("us-east-1",)) as running:
        yield running


@pytest.fixture
def quiet(sb: Any) -> Any:
    """The sandbox with an empty request log."""
    sb.clear_requests()
    return sb


def _printed_token(sb: Any, *args: str) -> str:
    run = jobctl(*args, "-o", "jsonl", "--max-items", "3", url=sb.endpoint_url)
    assert run.status == 0 and len(run.lines) == 3
    token = run.hint_token
    assert token is not None, run.err
    return token


def _unpack(token: str) -> dict[str, Any]:
    packed = token.split(".")[1]
    return json.loads(zlib.decompress(base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4))))


def _pack(body: dict[str, Any]) -> str:
    """A token of this body, sealed as jobctl seals its own (what a forger could do who
    reads jobctl's source: the seal catches edits and cuts, the checks catch the rest)."""
    from jobctl.listing.tokens import pack

    return pack(body)


def _unsealed(body: dict[str, Any]) -> str:
    """A token of this body with the seal of another: an edited token."""
    raw = json.dumps(body, separators=(",", ":")).encode()
    payload = base64.urlsafe_b64encode(zlib.compress(raw)).rstrip(b"=").decode()
    return f"jc2.{payload}.AAAAAAAAAAAA"


@pytest.fixture(scope="module")
def iot_token(sb: Any, tmp_path_factory: pytest.TempPathFactory) -> str:
    with isolated_aws(tmp_path_factory.mktemp("aws")):
        return _printed_token(sb, "iot")


@pytest.fixture(scope="module")
def snowball_token(sb: Any, tmp_path_factory: pytest.TempPathFactory) -> str:
    with isolated_aws(tmp_path_factory.mktemp("aws")):
        return _printed_token(sb, "snowball")


def _bad_tokens(iot: str, snowball: str) -> dict[str, tuple[str, str]]:
    """name -> (token, what the message must say)."""
    service_token = _unpack(iot)["p"][0]["t"]
    botocore_style = base64.b64encode(json.dumps({"nextToken": service_token}).encode()).decode()
    body = _unpack(iot)
    return {
        "garbage": ("not a token at all!", "not a jobctl token"),
        "binary-ish": ("\x1b[2J\u202e", "not a jobctl token"),
        "empty": ("", "not a jobctl token"),
        "blank": ("   ", "not a jobctl token"),
        "prefix-only": ("jc2.", "damaged or truncated"),
        "bad-base64": ("jc2.!!!!****.AAAAAAAAAAAA", "damaged or truncated"),
        "truncated-half": (iot[: len(iot) // 2], "damaged or truncated"),
        "truncated-by-1": (iot[:-1], "damaged or truncated"),
        "truncated-by-2": (iot[:-2], "damaged or truncated"),
        "truncated-by-3": (iot[:-3], "damaged or truncated"),
        "corrupted-middle": (
            iot[:20] + ("A" if iot[20] != "A" else "B") + iot[21:],
            "damaged or truncated",
        ),
        "not-json-inside": (
            _pack([1, 2]),
            "damaged or truncated",
        ),
        "foreign-service": (snowball, "this token is for snowball, not for iot"),
        "wrong-version-jc1": ("jc1." + iot.split(".", 1)[1], "version 'jc1' is not supported"),
        "wrong-version-jc0": ("jc0." + iot.split(".", 1)[1], "version 'jc0' is not supported"),
        "wrong-version-inside": (_pack({**body, "v": 1}), "version is not supported"),
        "negative-skip": (
            _pack({**body, "p": [{**body["p"][0], "n": -1}]}),
            "damaged",
        ),
        "skip-past-every-page": (_pack({**body, "p": [{**body["p"][0], "n": 1000000}]}), "damaged"),
        "empty-service-token": (_pack({**body, "p": [{**body["p"][0], "t": ""}]}), "damaged"),
        "edited-skip": (_unsealed({**body, "p": [{**body["p"][0], "n": 1000000}]}), "damaged"),
        "edited-token": (_unsealed({**body, "p": [{**body["p"][0], "t": ""}]}), "damaged"),
        "plain-aws-token": (service_token, "not a jobctl token"),
        "botocore-token": (botocore_style, "not a jobctl token"),
    }


BAD_TOKEN_NAMES = [
    "garbage",
    "binary-ish",
    "empty",
    "blank",
    "prefix-only",
    "bad-base64",
    "truncated-half",
    "truncated-by-1",
    "truncated-by-2",
    "truncated-by-3",
    "corrupted-middle",
    "not-json-inside",
    "foreign-service",
    "wrong-version-jc1",
    "wrong-version-jc0",
    "wrong-version-inside",
    "negative-skip",
    "skip-past-every-page",
    "empty-service-token",
    "edited-skip",
    "edited-token",
    "plain-aws-token",
    "botocore-token",
]


@pytest.mark.parametrize("name", BAD_TOKEN_NAMES)
def test_a_token_jobctl_did_not_print_is_a_usage_error_before_any_request(
    quiet: Any, iot_token: str, snowball_token: str, name: str
) -> None:
    token, says = _bad_tokens(iot_token, snowball_token)[name]
    run = jobctl("iot", "-o", "jsonl", "--starting-token", token, url=quiet.endpoint_url)
    assert run.status == 2, run.err
    assert run.out == ""
    lines = run.err_lines
    assert len(lines) == 1, run.err
    assert lines[0].startswith("jobctl: --starting-token: ")
    assert says in lines[0]
    assert "Traceback" not in run.err
    assert quiet.requests == []


def test_a_token_of_another_listing_is_a_usage_error(quiet: Any, iot_token: str) -> None:
    run = jobctl(
        "iot",
        "--status",
        "COMPLETED",
        "-o",
        "jsonl",
        "--starting-token",
        iot_token,
        url=quiet.endpoint_url,
    )
    assert run.status == 2
    assert "belongs to a listing with other arguments" in run.err
    assert quiet.requests == []


def test_the_printed_token_itself_resumes(quiet: Any, iot_token: str) -> None:
    """The control for the tests above: the untouched token is accepted and resumes."""
    run = jobctl("iot", "-o", "jsonl", "--starting-token", iot_token, url=quiet.endpoint_url)
    assert (run.status, run.err) == (0, "")
    full = jobctl("iot", "-o", "jsonl", url=quiet.endpoint_url)
    assert run.ids == full.ids[3:]


@pytest.mark.parametrize("service", SERVICES)
def test_a_token_the_service_rejects_asks_to_rerun_without_it(quiet: Any, service: str) -> None:
    """jobctl's own token around a service token the service does not know (the sandbox's
    tokens never expire, so a bogus one stands for an expired one)."""
    args = service_args(quiet, service)
    body = _unpack(_printed_token(quiet, *args))
    body["p"][0]["t"] = "eyJzIjoiYm9ndXMifQ.AAAAAAAAAAAAAAAA"
    quiet.clear_requests()
    run = jobctl(*args, "-o", "jsonl", "--starting-token", _pack(body), url=quiet.endpoint_url)
    assert run.status == 2, run.err
    assert run.out == ""
    assert run.err_lines == [
        f"jobctl: {service}: the service rejected the starting token: "
        f"{quiet.requests[-1].error} (rerun without --starting-token)"
    ]
    assert [r.status for r in list_requests(quiet)] == [400]


# -- arguments ---------------------------------------------------------------------------

BAD_ARGUMENTS = {
    "columns-twice": (["iot", "--columns", "id,id"], "--columns: id named twice"),
    "columns-twice-repeated": (["iot", "--columns", "id", "--columns", "id"], "named twice"),
    "columns-empty-name": (["iot", "--columns", "id,,name"], "--columns: an empty value"),
    "columns-bare-raw": (["iot", "--columns", "raw."], "name a field of the service's item"),
    "columns-raw-empty-part": (["iot", "--columns", "raw.a..b"], "name a field"),
    "page-size-zero": (["iot", "--page-size", "0"], "--page-size"),
    "page-size-negative": (["iot", "--page-size", "-5"], "--page-size"),
    "page-size-not-a-number": (["iot", "--page-size", "ten"], "--page-size"),
    "page-size-iot-over": (["iot", "--page-size", "251"], "maximum of 250"),
    "page-size-huge": (["iot", "--page-size", "9" * 30], "maximum of 250"),
    "page-size-snowball-over": (["snowball", "--page-size", "101"], "maximum of 100"),
    "page-size-batch-over": (
        ["batch", "--job-queue", "q", "--page-size", "1001"],
        "maximum of 1000",
    ),
    "page-size-amplify-over": (
        ["amplify", "--app-id", "d1", "--branch", "main", "--page-size", "51"],
        "maximum of 50",
    ),
    "page-size-backend-over": (
        ["amplify-backend", "--app-id", "d1", "--env", "dev", "--page-size", "26"],
        "maximum of 25",
    ),
    "max-items-zero": (["iot", "--max-items", "0"], "--max-items"),
    "max-items-negative": (["iot", "--max-items", "-1"], "--max-items"),
    "max-items-fraction": (["iot", "--max-items", "1.5"], "--max-items"),
    "amplify-app-id-empty": (["amplify", "--app-id", "", "--branch", "main"], "--app-id"),
    "amplify-app-id-blank": (["amplify", "--app-id", "  ", "--branch", "main"], "--app-id"),
    "amplify-app-id-malformed": (
        ["amplify", "--app-id", "My App", "--branch", "main"],
        "--app-id",
    ),
    "amplify-app-id-escape": (
        ["amplify", "--app-id", "d1\x1b[2J", "--branch", "main"],
        "--app-id",
    ),
    "amplify-branch-empty": (["amplify", "--app-id", "d1", "--branch", ""], "--branch"),
    "amplify-branch-too-long": (
        ["amplify", "--app-id", "d1", "--branch", "b" * 300],
        "--branch",
    ),
    "backend-app-id-empty": (["amplify-backend", "--app-id", "", "--env", "dev"], "--app-id"),
    "backend-app-id-malformed": (
        ["amplify-backend", "--app-id", "not an app", "--env", "dev"],
        "--app-id",
    ),
    "backend-app-id-uppercase": (
        ["amplify-backend", "--app-id", "D1ABC", "--env", "dev"],
        "--app-id",
    ),
    "backend-env-empty": (["amplify-backend", "--app-id", "d1", "--env", ""], "--env"),
    "queue-empty": (["batch", "--job-queue", ""], "--job-queue"),
    "queue-blank": (["batch", "--job-queue", "   "], "--job-queue"),
    "queue-newline": (["batch", "--job-queue", "q\nforged"], "--job-queue"),
    "queue-spaces": (["batch", "--job-queue", "my queue"], "--job-queue"),
    "queue-too-long": (["batch", "--job-queue", "q" * 129], "--job-queue"),
    "queue-bidi": (["batch", "--job-queue", "q\u202eeulav"], "--job-queue"),
    "queue-bad-arn": (["batch", "--job-queue", "arn:aws:batch:us-east-1:1:queue/x"], "--job-queue"),
    "thing-group-empty": (["iot", "--thing-group-name", ""], "--thing-group-name"),
    "thing-group-malformed": (["iot", "--thing-group-name", "a/b"], "--thing-group-name"),
    "region-empty": (["iot", "--region", ""], "--region: an empty value"),
    "region-trailing-comma": (["iot", "--region", "us-east-1,"], "--region: an empty value"),
    "region-malformed": (["iot", "--region", "mars-1"], "not an AWS region name"),
    "region-uppercase": (["iot", "--region", "US-EAST-1"], "not an AWS region name"),
    "region-injection": (["iot", "--region", "us-east-1;rm -rf"], "not an AWS region name"),
    "region-path": (["iot", "--region", "../../etc"], "not an AWS region name"),
    "status-unknown": (["iot", "--status", "EXPLODED"], "--status"),
}


@pytest.mark.parametrize("name", list(BAD_ARGUMENTS))
def test_bad_arguments_are_usage_errors_before_any_request(quiet: Any, name: str) -> None:
    args, says = BAD_ARGUMENTS[name]
    run = jobctl(*args, "-o", "jsonl", url=quiet.endpoint_url)
    assert run.status == 2, run.err
    assert run.out == ""
    assert says in run.err
    assert "Traceback" not in run.err
    assert quiet.requests == []


@pytest.mark.parametrize(
    "args",
    [
        ["batch", "--job-queue", "ml-training-high", "--status", "all"],
        [
            "batch",
            "--job-queue",
            "arn:aws:batch:us-east-1:123456789012:job-queue/ml-training-high",
            "--status",
            "all",
        ],
        ["iot", "--page-size", "250", "--max-items", "1"],
        ["snowball", "--page-size", "1", "--max-items", "2"],
    ],
    ids=["queue-name", "queue-arn", "page-size-at-maximum", "page-size-one"],
)
def test_valid_edge_arguments_are_accepted(quiet: Any, args: list[str]) -> None:
    """The controls for the above: boundary values that are valid reach the service."""
    run = jobctl(*args, "-o", "jsonl", url=quiet.endpoint_url)
    assert run.status == 0, run.err
    assert run.lines
    assert quiet.requests


@pytest.mark.parametrize(
    "url",
    [
        "localhost:4566",
        "127.0.0.1:4566",
        "http://",
        "http://a b",
        "ftp://127.0.0.1:9",
        "http://[::1",
        "http://127.0.0.1:99999",
        # hosts botocore itself refuses (with a bare ValueError: it was exit 1)
        "http://-bad-host",
        "http://a_b.example",
    ],
)
@pytest.mark.parametrize("how", ["--endpoint-url", "AWS_ENDPOINT_URL"])
def test_a_malformed_endpoint_url_is_a_usage_error(how: str, url: str) -> None:
    if how == "--endpoint-url":
        run = jobctl("iot", "--endpoint-url", url)
    else:
        run = jobctl("iot", AWS_ENDPOINT_URL=url)
    assert run.status == 2, run.err
    assert run.err_lines == [
        f"jobctl: {how}: {url!r} is not an http:// or https:// URL with a valid host name"
        " (for example --endpoint-url http://127.0.0.1:4599)"
    ]


def test_an_empty_endpoint_url_is_refused_but_an_empty_variable_is_unset() -> None:
    """`--endpoint-url ''` is a mistake (it was a bare ValueError, exit 1); an empty
    AWS_ENDPOINT_URL is unset, as botocore reads it."""
    run = jobctl("iot", "--endpoint-url", "")
    assert run.status == 2, run.err
    assert run.err_lines[0].startswith("jobctl: --endpoint-url: '' is not an http://")
    # No region either, so the run stops before any request (never towards AWS).
    unset = jobctl("iot", AWS_ENDPOINT_URL="", AWS_REGION=None, AWS_DEFAULT_REGION=None)
    assert unset.status == 2, unset.err
    assert "no region given" in unset.err and "endpoint" not in unset.err
