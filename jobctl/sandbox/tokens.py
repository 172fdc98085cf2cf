"""Opaque pagination tokens, bound to the request that produced them.

A token carries the sort key of the last item served (keyset pagination: adding or removing
jobs between pages neither repeats nor skips the others), the page number (for the
"from page K" faults) and a digest of the request's service, operation, region, parent and
filters, so replaying it with different ones is rejected as the service would. It is
signed with a fixed key: garbage is detected, and tokens stay valid across sandbox restarts
(jobctl prints resume tokens that wrap them).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

_KEY = b"jobctl-sandbox-token-v1"


@dataclass(frozen=True)
class PageToken:
    scope: str  # digest of what the listing is bound to
    after: tuple[Any, ...]  # sort key of the last item already served
    page: int  # the page this token fetches (the first page has no token)
    back: str | None = None  # the token that led here, for the "cycle" fault


def scope_digest(*parts: Any) -> str:
    canonical = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:20]


def encode(token: PageToken) -> str:
    payload = {"s": token.scope, "k": list(token.after), "p": token.page}
    if token.back:
        payload["b"] = token.back
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return f"{_b64(raw)}.{_b64(_sign(raw))}"


def decode(text: str) -> PageToken | None:
    """The token, or None when it was not made by the sandbox or was altered."""
    body, _, signature = text.partition(".")
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        good = hmac.compare_digest(_b64(_sign(raw)), signature)
        payload = json.loads(raw) if good else None
    except (ValueError, TypeError):
        return None
    if not isinstance(payload, dict):
        return None
    scope, after, page, back = (payload.get(k) for k in ("s", "k", "p", "b"))
    if not (isinstance(scope, str) and isinstance(after, list) and isinstance(page, int)):
        return None
    return PageToken(scope, tuple(after), page, back if isinstance(back, str) else None)


def page_number(text: str | None) -> int:
    """The page a request asks for: 1 without a token, 0 when the token is not ours."""
    if not text:
        return 1
    token = decode(text)
    return token.page if token else 0


def _sign(raw: bytes) -> bytes:
    return hmac.new(_KEY, raw, hashlib.sha256).digest()[:12]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
