"""The accounts part of a resume token: a digest of the listing's account IDs and one bit
per account listed afresh, so a token stays small at thousands of accounts and is
refused when the accounts change."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from jobctl.errors import ExitStatus, TokenError
from jobctl.listing.accounts import AccountSet, compact, resume_accounts
from jobctl.listing.tokens import AccountsMark, Position, Resume, StreamKey, decode, encode

IDS = [f"{n:012d}" for n in range(100_000_000_000, 100_000_001_000)]  # 1,000 accounts
QUERY = "0123456789ab"


@dataclass
class _Target:
    account: str | None


@dataclass
class _Stream:
    target: _Target
    done: bool = False
    token: str | None = None
    skip: int = 0


def _key(account: str, region: str = "us-east-1", parent: str = "", query: str = "main") -> str:
    return StreamKey(f"#{account}@{region}", parent, query).text


def test_bits_round_trip_for_any_choice() -> None:
    accounts = AccountSet.of(reversed(IDS))
    assert accounts.ids == tuple(IDS)  # sorted: the order of ListAccounts does not matter
    for chosen in (set(), {IDS[0]}, {IDS[-1]}, set(IDS[::7]), set(IDS)):
        assert accounts.members(accounts.bits(chosen)) == chosen
    assert len(accounts.bits(set(IDS))) == 167  # 1,000 bits in base64url


def test_a_bitmap_of_another_size_or_with_stray_bits_is_damaged() -> None:
    accounts = AccountSet.of(IDS[:10])  # 10 bits: two bytes, six spare bits
    with pytest.raises(TokenError, match="damaged"):
        accounts.members(AccountSet.of(IDS[:20]).bits({IDS[0]}))
    with pytest.raises(TokenError, match="damaged"):
        accounts.members("__8")  # 0xff 0xff: spare bits set
    with pytest.raises(TokenError, match="damaged"):
        accounts.members("!!")


def test_the_digest_changes_with_any_account() -> None:
    one = AccountSet.of(IDS[:50])
    assert one.digest == AccountSet.of(reversed(IDS[:50])).digest
    assert one.digest != AccountSet.of(IDS[:49]).digest
    assert one.digest != AccountSet.of([*IDS[:49], IDS[60]]).digest
    with pytest.raises(TokenError) as refused:
        AccountSet.of(IDS[:49]).check(one.digest)
    assert refused.value.status == ExitStatus.USAGE
    assert "the accounts have changed" in refused.value.message


def test_compact_keeps_accounts_in_progress_and_folds_untouched_ones() -> None:
    accounts = AccountSet.of(IDS)
    busy, half, untouched = IDS[0], IDS[1], IDS[2:]
    streams = [
        _Stream(_Target(busy), token="t1"),  # mid-page
        _Stream(_Target(half), done=True),  # one stream finished
        _Stream(_Target(half)),
        *(_Stream(_Target(a)) for a in untouched),
    ]
    positions = [
        Position("iot", _key(busy), "t1", 0),
        Position("iot", _key(half, "us-west-2"), None, 0),
        *(Position("iot", _key(a), None, 0) for a in untouched),
        # a failed account's marker: listed afresh too
        Position("iot", StreamKey(f"#{untouched[0]}@*", "*", "").text, None, 0),
    ]
    kept, mark = compact(positions, streams, accounts)
    assert kept == positions[:2]
    assert accounts.members(mark.redo) == set(untouched)
    token = encode(kept, QUERY, 1.0, mark)
    assert len(token) < 600, len(token)  # 998 accounts to redo, two in progress
    resume = decode(token, query=QUERY, services=["iot"])
    assert resume.accounts == mark
    assert resume_accounts(resume, accounts) == set(untouched)


def test_a_token_without_accounts_is_not_for_a_listing_of_accounts() -> None:
    with pytest.raises(TokenError, match="other arguments"):
        resume_accounts(Resume([], 1.0, None), AccountSet.of(IDS[:3]))
    with pytest.raises(TokenError, match="other arguments"):
        resume_accounts(Resume([], 1.0, AccountsMark("x", "")), None)
    assert resume_accounts(Resume([], 1.0, None), None) == set()


@pytest.mark.parametrize("accounts", ["x", {"d": "x"}, {"d": 1, "r": ""}, {"d": "", "r": ""}])
def test_a_malformed_accounts_part_is_damaged(accounts: object) -> None:
    from jobctl.listing.tokens import pack

    body = {"v": 2, "q": QUERY, "t0": 1.0, "p": [], "a": accounts}
    with pytest.raises(TokenError, match="damaged"):
        decode(pack(body), query=QUERY, services=["iot"])
