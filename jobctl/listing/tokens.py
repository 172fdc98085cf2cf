"""jobctl's resume tokens: versioned, naming the service, carrying each position.

A token is `jc1.` followed by base64url (no padding) of zlib-compressed JSON:

    {"v": 1, "q": FINGERPRINT, "t0": EPOCH_SECONDS, "p": [POSITION, ...]}

Each POSITION names one unfinished stream of the listing:

    {"s": service, "k": stream key, "t": service token or null, "n": items to skip}

The stream key identifies the query within the listing (target region/profile, parent,
per-status query); the fingerprint binds the token to the listing's arguments, so a token
cannot be replayed against different filters, where it would silently skip or repeat jobs.
`t0` is the moment the listing began: relative ages (`--created-after 7d`) resolve
against it on resume, so the resumed listing asks exactly what the first one asked.
Streams not named in a token are finished.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from jobctl.errors import TokenError

PREFIX = "jc"
VERSION = 1


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
class Resume:
    """A decoded token: where each unfinished stream stands, and when the listing began."""

    positions: list[Position]
    started: float


def fingerprint(args: Mapping[str, Any]) -> str:
    """A short, stable digest of what a listing asks for (not how it pages)."""
    blob = json.dumps(args, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


def encode(positions: Iterable[Position], query: str, started: float) -> str:
    body = {
        "v": VERSION,
        "q": query,
        "t0": round(started, 3),
        "p": [{"s": p.service, "k": p.key, "t": p.token, "n": p.skip} for p in positions],
    }
    raw = json.dumps(body, separators=(",", ":")).encode()
    packed = base64.urlsafe_b64encode(zlib.compress(raw, 9)).rstrip(b"=").decode()
    return f"{PREFIX}{VERSION}.{packed}"


def decode(token: str, *, query: str, services: Iterable[str]) -> Resume:
    """Positions from a token jobctl printed; TokenError (a usage error) for anything else."""
    allowed = set(services)
    text = token.strip()
    head, dot, packed = text.partition(".")
    if not dot or not head.startswith(PREFIX):
        raise TokenError(
            "--starting-token: not a jobctl token (use the token jobctl printed after "
            "'resume with --starting-token')"
        )
    if head != f"{PREFIX}{VERSION}":
        raise TokenError(
            f"--starting-token: token version {head!r} is not supported by this jobctl"
        )
    try:
        raw = zlib.decompress(base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4)))
        body = json.loads(raw)
        positions = [
            Position(str(p["s"]), str(p["k"]), _opt_str(p.get("t")), int(p.get("n", 0)))
            for p in body["p"]
        ]
        stamped = str(body["q"])
        started = float(body["t0"])
    except (binascii.Error, zlib.error, ValueError, KeyError, TypeError, AttributeError):
        raise TokenError("--starting-token: the token is damaged or truncated") from None
    if body.get("v") != VERSION:
        raise TokenError("--starting-token: token version is not supported by this jobctl")
    foreign = sorted({p.service for p in positions} - allowed)
    if foreign:
        raise TokenError(
            f"--starting-token: this token is for {', '.join(foreign)}, not for "
            f"{', '.join(sorted(allowed))}"
        )
    if stamped != query:
        raise TokenError(
            "--starting-token: this token belongs to a listing with other arguments; "
            "rerun with the same filters and region as the listing that printed it"
        )
    if any(p.skip < 0 for p in positions) or not (0 <= started < 1e11):
        # (NaN fails the range check too.)
        raise TokenError("--starting-token: the token is damaged")
    return Resume(positions, started)


def _opt_str(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError("token must be a string")
    return value
