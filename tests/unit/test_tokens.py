"""jobctl's resume tokens: what it prints it reads back; anything else is a usage error."""

from __future__ import annotations

import base64
import json
import zlib
from typing import Any

import pytest

from jobctl.errors import ExitStatus, TokenError, UsageError
from jobctl.listing.tokens import MAX_INFLATED, Position, decode, encode, fingerprint, pack

QUERY = fingerprint({"services": ["batch"], "values": {"job_queue": "q"}})
POSITIONS = [
    Position("batch", "status=RUNNING", "tok/+=1", 3),
    Position("batch", "status=FAILED", None, 0),
]


def _pack(body: Any) -> str:
    """A token of this body, sealed as jobctl seals its own."""
    return pack(body)


def _head(token: str, head: str) -> str:
    return head + "." + token.split(".", 1)[1]


def _body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "v": 2,
        "q": QUERY,
        "t0": 1714557600.5,
        "p": [{"s": "batch", "k": "main", "t": "abc", "n": 2}],
    }
    body.update(changes)
    return body


def test_roundtrip() -> None:
    token = encode(POSITIONS, QUERY, 1714557600.123456)
    assert token.startswith("jc2.")
    resume = decode(token, query=QUERY, services=["batch"])
    assert resume.positions == POSITIONS
    assert resume.started == 1714557600.123


def test_roundtrip_survives_surrounding_whitespace() -> None:
    token = encode(POSITIONS, QUERY, 1.0)
    assert decode(f"  {token}\n", query=QUERY, services=["batch"]).positions == POSITIONS


def test_token_is_shell_safe() -> None:
    token = encode([Position("iot", "main", "x" * 500 + "/+=", 7)], QUERY, 0.0)
    body = token.removeprefix("jc2.")
    assert set(body) - {"."} <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )


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
        ("jc2", "not a jobctl token"),
        # wrong version
        (_head(_pack(_body()), "jc1"), "version"),
        (_head(_pack(_body()), "jc3"), "version"),
        ("jc0.abc", "version"),
        ("jcx.abc", "version"),
        # truncated / garbage / not sealed
        (_pack(_body())[:-6], "damaged or truncated"),
        (_pack(_body())[:-1], "damaged or truncated"),
        (_pack(_body()).rsplit(".", 1)[0], "damaged or truncated"),  # the seal cut off
        ("jc2.", "damaged or truncated"),
        ("jc2..", "damaged or truncated"),
        ("jc2.!!!!****", "damaged or truncated"),
        ("jc2." + _pack(_body()).split(".")[1], "damaged or truncated"),
        (_pack("x").rsplit(".", 1)[0] + "." + _pack(_body()).rsplit(".", 1)[1], "damaged"),
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
        {"v": 2, "q": QUERY, "t0": 1.0},  # no positions
        {"v": 2, "t0": 1.0, "p": []},  # no fingerprint
        {"v": 2, "q": QUERY, "p": []},  # no start time
        {"v": 2, "q": QUERY, "t0": "later", "p": []},
        {"v": 2, "q": QUERY, "t0": 1.0, "p": [], "x": 1},  # a field jobctl never writes
        _body(p=[{"k": "main", "t": None, "n": 0}]),  # position without a service
        _body(p=[{"s": "batch", "t": None, "n": 0}]),  # position without a key
        _body(p=[{"s": "batch", "k": "main", "t": 12, "n": 0}]),  # service token not text
        _body(p=[{"s": "batch", "k": "main", "t": None, "n": "many"}]),
        _body(p=["batch"]),
        _body(p="batch"),
        # what an edited token could hold, were it resealed: each refused on its own
        _body(p=[{"s": "batch", "k": "main", "t": "", "n": 0}]),  # an empty service token
        _body(p=[{"s": "batch", "k": "main", "t": "abc", "n": 1000000}]),  # past any page
        _body(p=[{"s": "batch", "k": "main", "t": "abc", "n": 100}]),  # past one page
        _body(p=[{"s": "batch", "k": "main", "t": "abc", "n": True}]),
        _body(p=[{"s": "batch", "k": "", "t": "abc", "n": 0}]),  # no key
        _body(p=[{"s": "batch", "k": "|x|y", "t": "abc", "n": 0}]),  # no target
        _body(p=[{"s": "batch", "k": "main", "t": "x" * 20000, "n": 0}]),
        _body(p=[{"s": "batch", "k": "main", "t": "a", "n": 0}] * 2),  # one stream twice
    ],
    ids=lambda body: json.dumps(body)[:40],
)
def test_malformed_bodies(body: Any) -> None:
    with pytest.raises(TokenError, match=r"damaged|truncated"):
        decode(_pack(body), query=QUERY, services=["batch"], skip_limits={"batch": 100})


def test_an_edited_token_is_refused_whatever_it_says() -> None:
    """Changing one character of the payload (a count, a token) breaks the seal."""
    token = encode([Position("batch", "main", "abc", 2)], QUERY, 1.0)
    payload, seal = token.removeprefix("jc2.").split(".")
    for index in (0, len(payload) // 2, len(payload) - 1):
        edited = payload[:index] + ("A" if payload[index] != "A" else "B") + payload[index + 1 :]
        with pytest.raises(TokenError, match="damaged or truncated"):
            decode(f"jc2.{edited}.{seal}", query=QUERY, services=["batch"])


def test_a_zlib_bomb_is_refused_without_inflating_it() -> None:
    """95 MB of zeros compress to about 90 KB: inflating stops at MAX_INFLATED."""
    bomb = zlib.compress(b"0" * (95 << 20), 9)
    payload = base64.urlsafe_b64encode(bomb).rstrip(b"=").decode()
    from jobctl.listing.tokens import _seal

    with pytest.raises(TokenError, match="too large"):
        decode(f"jc2.{payload}.{_seal(payload)}", query=QUERY, services=["batch"])
    assert MAX_INFLATED < 95 << 20


def test_a_token_longer_than_any_jobctl_prints_is_refused_before_decoding() -> None:
    with pytest.raises(TokenError, match="too large"):
        decode("jc2." + "A" * (2 << 20) + ".x", query=QUERY, services=["batch"])


@pytest.mark.parametrize("version", [1, 0, "2", None])
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


def test_a_skip_within_one_page_is_accepted() -> None:
    token = encode([Position("batch", "main", "abc", 99)], QUERY, 1.0)
    resume = decode(token, query=QUERY, services=["batch"], skip_limits={"batch": 100})
    assert resume.positions[0].skip == 99


@pytest.mark.parametrize("started", [float("nan"), float("inf"), 1e300, -1e300])
def test_unusable_start_time_is_a_token_error(started: float) -> None:
    with pytest.raises(TokenError):
        decode(_pack(_body(t0=started)), query=QUERY, services=["batch"])


def test_token_error_is_a_usage_error_with_exit_status_2() -> None:
    assert issubclass(TokenError, UsageError)
    assert TokenError("x").status == ExitStatus.USAGE == 2
