"""jobctl's resume tokens: versioned, naming the service, carrying each position.

A token is `jc2.PAYLOAD.SEAL`: PAYLOAD is base64url (no padding) of zlib-compressed JSON

    {"v": 2, "q": FINGERPRINT, "t0": EPOCH_SECONDS, "p": [POSITION, ...]}

and SEAL a 72-bit HMAC-SHA256 of PAYLOAD under a key written in this file: an integrity
check, not a secret, so a token that was edited or cut is refused instead of silently
skipping or repeating jobs. Each POSITION names one unfinished stream of the listing:

    {"s": API, "k": stream key, "t": service token or null, "n": items to skip}

The stream key identifies the query within the listing (target region/profile, parent,
per-status query); the fingerprint binds the token to the listing's arguments, so a token
cannot be replayed against different filters, where it would silently skip or repeat jobs.
`t0` is the moment the listing began: relative ages (`--created-after 7d`) resolve
against it on resume, so the resumed listing asks exactly what the first one asked.
Streams not named in a token are finished. A listing of several accounts (--accounts)
adds `"a": {"d": DIGEST, "r": BITMAP}`: a digest of the account IDs (the token is refused
when they change) and, one bit per account in the order of their IDs, the accounts of
which nothing was listed yet, whose every stream starts afresh (listing/accounts.py): a
thousand accounts cost 167 characters, not a position per stream.

Reading a token is bounded before anything is trusted: its length, the size it inflates
to (checked while inflating, so a zlib bomb stops at the limit), then every field: the
API is one of the listing's, a service token is non-empty text, and the items to skip fit
in one page of that API.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from jobctl.errors import TokenError

PREFIX = "jc"
VERSION = 2
_SEAL_KEY = b"jobctl resume token, version 2"
MAX_TOKEN_CHARS = 1 << 20  # what a command line can reasonably carry
MAX_INFLATED = 4 << 20  # bytes of JSON a token may inflate to
MAX_SERVICE_TOKEN = 16384  # characters of one service's own pagination token


@dataclass(frozen=True)
class StreamKey:
    """Names one stream within a listing: its target (`profile@region`), its parent
    (`app_id=d1,branch=main`, or empty) and its query (`main`, `status=RUNNING`).

    `parent` is DISCOVER_ALL in the key of a target whose parents were never listed."""

    target: str
    parent: str = ""
    query: str = "main"

    @property
    def text(self) -> str:
        return f"{self.target}|{self.parent}|{self.query}"

    @classmethod
    def parse(cls, text: str) -> StreamKey:
        target, _, rest = text.partition("|")
        parent, _, query = rest.partition("|")
        return cls(target, parent, query)


DISCOVER_ALL = "*"


@dataclass(frozen=True)
class Position:
    """Where one stream of a listing stands: the service token of the page to fetch next,
    and how many items of that page were already written."""

    service: str
    key: str
    token: str | None = None
    skip: int = 0


@dataclass(frozen=True)
class AccountsMark:
    """A token's accounts: the digest of their IDs, and the bitmap of those to redo."""

    digest: str
    redo: str


@dataclass(frozen=True)
class Resume:
    """A decoded token: where each unfinished stream stands, and when the listing began."""

    positions: list[Position]
    started: float
    accounts: AccountsMark | None = None


def fingerprint(args: Mapping[str, Any]) -> str:
    """A short, stable digest of what a listing asks for (not how it pages)."""
    blob = json.dumps(args, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


def _seal(payload: str) -> str:
    digest = hmac.new(_SEAL_KEY, payload.encode(), hashlib.sha256).digest()[:9]
    return base64.urlsafe_b64encode(digest).decode()


def pack(body: Mapping[str, Any]) -> str:
    """A token for a body (the encoder's last step; tests craft bodies with it)."""
    raw = json.dumps(body, separators=(",", ":")).encode()
    payload = base64.urlsafe_b64encode(zlib.compress(raw, 9)).rstrip(b"=").decode()
    return f"{PREFIX}{VERSION}.{payload}.{_seal(payload)}"


def encode(
    positions: Iterable[Position],
    query: str,
    started: float,
    accounts: AccountsMark | None = None,
) -> str:
    body: dict[str, Any] = {
        "v": VERSION,
        "q": query,
        "t0": round(started, 3),
        "p": [{"s": p.service, "k": p.key, "t": p.token, "n": p.skip} for p in positions],
    }
    if accounts is not None:
        body["a"] = {"d": accounts.digest, "r": accounts.redo}
    return pack(body)


DAMAGED = "--starting-token: the token is damaged or truncated (use it as jobctl printed it)"
OTHER_LISTING = (
    "--starting-token: this token belongs to a listing with other arguments; "
    "rerun with the same filters and region as the listing that printed it"
)


def _inflate(payload: str) -> bytes:
    try:
        compressed = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(compressed, MAX_INFLATED)
    except (binascii.Error, zlib.error, ValueError):
        raise TokenError(DAMAGED) from None
    if inflater.unconsumed_tail or not inflater.eof:
        # Either more than MAX_INFLATED would come out, or the stream is cut short.
        raise TokenError(DAMAGED if not inflater.unconsumed_tail else _TOO_LARGE)
    return raw


_TOO_LARGE = "--starting-token: the token is too large to be one jobctl printed"


def decode(
    token: str,
    *,
    query: str,
    services: Iterable[str],
    skip_limits: Mapping[str, int] | None = None,
) -> Resume:
    """Positions from a token jobctl printed; TokenError (a usage error) for anything else.

    `skip_limits`: the most items of one page each API returns (a position cannot skip
    more); 1000 for an API not named."""
    allowed = set(services)
    limits = skip_limits or {}
    text = token.strip()
    head, dot, rest = text.partition(".")
    if not dot or not head.startswith(PREFIX):
        raise TokenError(
            "--starting-token: not a jobctl token (use the token jobctl printed after "
            "'resume with --starting-token')"
        )
    if head != f"{PREFIX}{VERSION}":
        raise TokenError(
            f"--starting-token: token version {head!r} is not supported by this jobctl"
        )
    if len(text) > MAX_TOKEN_CHARS:
        raise TokenError(_TOO_LARGE)
    payload, dot, seal = rest.rpartition(".")
    if not dot or not payload or not hmac.compare_digest(_seal(payload), seal):
        raise TokenError(DAMAGED)
    try:
        body = json.loads(_inflate(payload))
        if not isinstance(body, dict) or set(body) - {"a"} != {"v", "q", "t0", "p"}:
            raise ValueError("not a token body")
        if body["v"] != VERSION:
            raise TokenError("--starting-token: token version is not supported by this jobctl")
        positions = [_position(p, allowed, limits) for p in body["p"]]
        stamped = body["q"]
        started = float(body["t0"])
        mark = _accounts(body["a"]) if "a" in body else None
    except (ValueError, KeyError, TypeError, AttributeError):
        raise TokenError(DAMAGED) from None
    if not isinstance(stamped, str) or not math.isfinite(started) or not 0 <= started < 1e11:
        raise TokenError(DAMAGED)
    foreign = sorted({p.service for p in positions} - allowed)
    if foreign:
        raise TokenError(
            f"--starting-token: this token is for {', '.join(foreign)}, not for "
            f"{', '.join(sorted(allowed))}"
        )
    if stamped != query:
        raise TokenError(OTHER_LISTING)
    if len({(p.service, p.key) for p in positions}) != len(positions):
        raise TokenError(DAMAGED)
    return Resume(positions, started, mark)


def _accounts(entry: Any) -> AccountsMark:
    if not isinstance(entry, dict) or set(entry) != {"d", "r"}:
        raise ValueError("not the accounts of a token")
    digest, redo = entry["d"], entry["r"]
    if not isinstance(digest, str) or not isinstance(redo, str) or not digest:
        raise ValueError("accounts without their digest or bitmap")
    return AccountsMark(digest, redo)


def _position(entry: Any, allowed: set[str], limits: Mapping[str, int]) -> Position:
    """One position, checked: anything a printed token cannot hold is a ValueError."""
    if not isinstance(entry, dict) or set(entry) != {"s", "k", "t", "n"}:
        raise ValueError("not a position")
    service, key, token, skip = entry["s"], entry["k"], entry["t"], entry["n"]
    if not isinstance(service, str) or not isinstance(key, str) or not key:
        raise ValueError("position without its API or key")
    if not StreamKey.parse(key).target:
        raise ValueError("position without a target")
    if token is not None and (
        not isinstance(token, str) or not token or len(token) > MAX_SERVICE_TOKEN
    ):
        raise ValueError("a service token is non-empty text")
    if isinstance(skip, bool) or not isinstance(skip, int):
        raise ValueError("items to skip are a whole number")
    if service in allowed and not 0 <= skip < limits.get(service, 1000):
        raise ValueError("more items to skip than a page holds")
    return Position(service, key, token, skip)
