"""jobctl's resume tokens: what it prints it reads back; anything else is a usage error."""

from __future__ import annotations

import base64
import json
import zlib
from typing import Any

import pytest

from jobctl.errors import ExitStatus, TokenError, UsageError
from jobctl.listing.tokens import Position, decode, encode, fingerprint

QUERY = fingerprint({"services": ["batch"], "values": {"job_queue": "q"}})
POSITIONS = [
    Position("batch", "status=RUNNING", "tok/+=1", 3),
    Position("batch", "status=FAILED", None, 0),
]


def _pack(body: Any) -> str:
    raw = json.dumps(body).encode()
    return "jc1." + base64.urlsafe_b64encode(zlib.compress(raw)).rstrip(b"=").decode()


def _body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "v": 1,
        "q": QUERY,
        "t0": 1714557600.5,
        "p": [{"s": "batch", "k": "main", "t": "abc", "n": 2}],
    }
    body.update(changes)
    return body


def test_roundtrip() -> None:
    token = encode(POSITIONS, QUERY, 1714557600.123456)
    assert token.startswith("jc1.")
    resume = decode(token, query=QUERY, services=["batch"])
    assert resume.positions == POSITIONS
    assert resume.started == 1714557600.123


def test_roundtrip_survives_surrounding_whitespace() -> None:
    token = encode(POSITIONS, QUERY, 1.0)
    assert decode(f"  {token}\n", query=QUERY, services=["batch"]).positions == POSITIONS


def test_token_is_shell_safe() -> None:
    token = encode([Position("iot", "main", "x" * 500 + "/+=", 7)], QUERY, 0.0)
    body = token.removeprefix("jc1.")
    assert set(body) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_fingerprint_ignores_key_order_and_sees_values() -> None:
    assert fingerprint({"a": 1, "b": [2]}) == fingerprint({"b": [2], "a": 1})
    assert fingerprint({"a": 1}) != fingerprint({"a": 2})
    assert len(fingerprint({})) == 12


def test_decoding_a_hand_made_token() -> None:
    resume = decode(_pack(_body()), query=QUERY, services=["batch"])
    assert resume.positions == [Position("batch", "main", "abc", 2)]
    assert resume.started == 1714557600.5


@pytest.mark.parametrize(
    ("token", "message"),
    [
        # wrong prefix: an AWS CLI / botocore token, or anything else
        ("eyJuZXh0VG9rZW4iOiAiYWJjIn0=", "not a jobctl token"),
        ("xx1.eJyrVspLzE1VslIqLS5RqgUAKaEFBQ", "not a jobctl token"),
        ("", "not a jobctl token"),
        ("jc1", "not a jobctl token"),
        # wrong version
        ("jc2." + _pack(_body()).removeprefix("jc1."), "version"),
        ("jc0.abc", "version"),
        ("jcx.abc", "version"),
        # truncated / garbage
        (_pack(_body())[:-6], "damaged or truncated"),
        ("jc1.", "damaged or truncated"),
        ("jc1.!!!!****", "damaged or truncated"),
        ("jc1.aGVsbG8gd29ybGQ", "damaged or truncated"),  # base64 of non-zlib bytes
        ("jc1.a", "damaged or truncated"),  # impossible base64 length
    ],
)
def test_bad_tokens(token: str, message: str) -> None:
    with pytest.raises(TokenError, match=message):
        decode(token, query=QUERY, services=["batch"])


@pytest.mark.parametrize(
    "body",
    [
        [1, 2],
        "text",
        7,
        None,
        {"v": 1, "q": QUERY, "t0": 1.0},  # no positions
        {"v": 1, "t0": 1.0, "p": []},  # no fingerprint
        {"v": 1, "q": QUERY, "p": []},  # no start time
        {"v": 1, "q": QUERY, "t0": "later", "p": []},
        _body(p=[{"k": "main", "t": None, "n": 0}]),  # position without a service
        _body(p=[{"s": "batch", "t": None, "n": 0}]),  # position without a key
        _body(p=[{"s": "batch", "k": "main", "t": 12, "n": 0}]),  # service token not text
        _body(p=[{"s": "batch", "k": "main", "t": None, "n": "many"}]),
        _body(p=["batch"]),
        _body(p="batch"),
    ],
    ids=lambda body: json.dumps(body)[:40],
)
def test_malformed_bodies(body: Any) -> None:
    with pytest.raises(TokenError, match=r"damaged|truncated"):
        decode(_pack(body), query=QUERY, services=["batch"])


@pytest.mark.parametrize("version", [2, 0, "1", None])
def test_wrong_version_inside_the_body(version: Any) -> None:
    with pytest.raises(TokenError, match="version"):
        decode(_pack(_body(v=version)), query=QUERY, services=["batch"])


def test_foreign_service() -> None:
    token = encode([Position("iot", "main", "abc", 0)], QUERY, 1.0)
    with pytest.raises(TokenError, match="this token is for iot, not for batch"):
        decode(token, query=QUERY, services=["batch"])


def test_fingerprint_mismatch() -> None:
    token = encode(POSITIONS, QUERY, 1.0)
    other = fingerprint({"services": ["batch"], "values": {"job_queue": "other"}})
    with pytest.raises(TokenError, match="listing with other arguments"):
        decode(token, query=other, services=["batch"])


@pytest.mark.parametrize("skip", [-1, -1000])
def test_negative_skip(skip: int) -> None:
    token = encode([Position("batch", "main", "abc", skip)], QUERY, 1.0)
    with pytest.raises(TokenError, match="damaged"):
        decode(token, query=QUERY, services=["batch"])


@pytest.mark.parametrize("started", [float("nan"), float("inf"), 1e300, -1e300])
def test_unusable_start_time_is_a_token_error(started: float) -> None:
    with pytest.raises(TokenError):
        decode(_pack(_body(t0=started)), query=QUERY, services=["batch"])


def test_token_error_is_a_usage_error_with_exit_status_2() -> None:
    assert issubclass(TokenError, UsageError)
    assert TokenError("x").status == ExitStatus.USAGE == 2
