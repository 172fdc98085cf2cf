"""Faults the sandbox injects on demand, to test how a client copes with a bad day.

A ``Faults`` is plain data: tests mutate its fields while the server runs and the next
request sees the change. Each field's metadata doubles as its ``jobctl sandbox`` flag, so
the Python API and the CLI cannot drift apart.

Two triggers recur: *every N* counts the requests the faults apply to (after the region,
service and operation scoping), 1-based, so ``throttle_every=3`` hits requests 3, 6, 9...;
*from page K* reads the page number carried in the request's pagination token (page 1 has
no token), so a retried request hits the same page again.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field, fields
from typing import Any

from jobctl.sandbox import catalog

# The services and operations the sandbox serves, from the registry through the catalog.
SERVICES = catalog.names()
OPERATIONS = catalog.operations()
BAD_BODIES = ("html", "truncated", "no-list")
ACCOUNT_PATTERN = r"\d{12}"
TOKEN_LOOPS = ("repeat", "cycle")


def _flag(default: Any, help: str, **extra: Any) -> Any:
    if isinstance(default, tuple):
        return field(default=(), metadata={"help": help, **extra})
    return field(default=default, metadata={"help": help, **extra})


@dataclass
class Faults:
    latency_ms: int = _flag(0, "Delay every response by this many milliseconds.")
    throttle_every: int = _flag(0, "Answer every Nth request with the service's throttling error.")
    throttle_from_page: int = _flag(0, "Answer the service's throttling error from page K on.")
    server_error_every: int = _flag(0, "Answer every Nth request with the service's 5xx error.")
    server_error_from_page: int = _flag(0, "Answer the service's 5xx error from page K on.")
    reset_every: int = _flag(0, "Reset the connection mid-response on every Nth request.")
    reset_from_page: int = _flag(0, "Reset the connection mid-response from page K on.")
    bad_body: str | None = _flag(
        None,
        "Answer 200 with a broken body: an HTML page, truncated JSON/CBOR, or a body "
        "without its result list (on every request unless --bad-body-every/-from-page).",
        choices=BAD_BODIES,
    )
    bad_body_every: int = _flag(0, "With --bad-body: only every Nth request.")
    bad_body_from_page: int = _flag(0, "With --bad-body: only from page K on.")
    token_loop: str | None = _flag(
        None,
        "Break pagination: 'repeat' returns the request's own token as the next token, "
        "'cycle' alternates between two tokens (A, B, A, B...).",
        choices=TOKEN_LOOPS,
    )
    slow_page: int = _flag(0, "Delay page K by --slow-seconds (beyond a client read timeout).")
    slow_seconds: float = _flag(0.0, "How long --slow-page waits before answering.")
    expired_from_page: int = _flag(0, "Answer ExpiredTokenException (403) from page K on.")
    reject_tokens: bool = _flag(
        False,
        "Answer every request that carries a pagination token with the service's "
        "invalid-token error, as for a token that expired.",
    )
    access_denied: bool = _flag(False, "Answer every request with AccessDeniedException (403).")
    regions: tuple[str, ...] = _flag((), "Only inject faults in this region (repeatable).")
    services: tuple[str, ...] = _flag(
        (),
        "Only inject faults for this service (repeatable): the API that serves the "
        "operation, as the request log names it.",
        choices=SERVICES,
    )
    operations: tuple[str, ...] = _flag(
        (),
        "Only inject faults into this operation (repeatable): a discovery call as well as "
        "a job listing.",
        choices=OPERATIONS,
    )
    accounts: tuple[str, ...] = _flag(
        (),
        "Only inject faults into requests served for this account ID (repeatable): the "
        "caller's account, or the account of the role a request assumes.",
        pattern=ACCOUNT_PATTERN,
    )
    _seen: int = field(default=0, init=False, repr=False, compare=False)
    _lock: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False, compare=False
    )

    def __setattr__(self, name: str, value: Any) -> None:
        # Validate on every assignment: a typo'd fault set mid-test should fail loudly there,
        # not as a 500 inside the server thread.
        if not name.startswith("_"):
            value = _checked(name, value)
        object.__setattr__(self, name, value)

    def applies_to(
        self,
        service: str,
        region: str,
        operation: str | None = None,
        account: str | None = None,
    ) -> bool:
        return (
            (not self.regions or region in self.regions)
            and (not self.services or service in self.services)
            and (not self.operations or operation in self.operations)
            and (not self.accounts or account in self.accounts)
        )

    def decide(
        self,
        service: str,
        region: str,
        page: int,
        operation: str | None = None,
        account: str | None = None,
    ) -> Decision | None:
        """What to do to one request, or None when the faults do not apply to it."""
        if not self.applies_to(service, region, operation, account):
            return None
        with self._lock:
            self._seen += 1
            n = self._seen
        decision = Decision(number=n, token_loop=self.token_loop)
        decision.delay = self.latency_ms / 1000
        if self.slow_page and page == self.slow_page:
            decision.delay += self.slow_seconds
        if self.access_denied:
            decision.error = "access-denied"
        elif self.expired_from_page and page >= self.expired_from_page:
            decision.error = "expired-token"
        elif self.reject_tokens and page != 1:
            decision.error = "invalid-token"
        elif _hit(self.throttle_every, self.throttle_from_page, n, page):
            decision.error = "throttle"
        elif _hit(self.server_error_every, self.server_error_from_page, n, page):
            decision.error = "server-error"
        if self.bad_body and (
            (not self.bad_body_every and not self.bad_body_from_page)
            or _hit(self.bad_body_every, self.bad_body_from_page, n, page)
        ):
            decision.bad_body = self.bad_body
        decision.reset = _hit(self.reset_every, self.reset_from_page, n, page)
        return decision


@dataclass
class Decision:
    number: int
    delay: float = 0.0
    # "access-denied" | "expired-token" | "invalid-token" | "throttle" | "server-error"
    error: str | None = None
    bad_body: str | None = None
    token_loop: str | None = None
    reset: bool = False

    def labels(self) -> list[str]:
        """Short names of what was injected, for the request log."""
        out = [self.error] if self.error else []
        if not self.error:
            out += [f"bad-body:{self.bad_body}"] if self.bad_body else []
            out += [f"token-loop:{self.token_loop}"] if self.token_loop else []
            out += ["reset"] if self.reset else []
        return out + ([f"delay:{self.delay:g}s"] if self.delay else [])


def _every(n: int, count: int) -> bool:
    return n > 0 and count % n == 0


def _hit(every: int, from_page: int, count: int, page: int) -> bool:
    return _every(every, count) or (from_page > 0 and page >= from_page)


def _checked(name: str, value: Any) -> Any:
    spec = next((f for f in fields(Faults) if f.name == name), None)
    if spec is None:
        raise AttributeError(f"Faults has no field {name!r}")
    choices: tuple[str, ...] = spec.metadata.get("choices") or ()
    if isinstance(spec.default, tuple):
        value = (value,) if isinstance(value, str) else tuple(value or ())
        unknown = [v for v in value if choices and v not in choices]
        if unknown:
            raise ValueError(f"Faults.{name}: unknown {unknown}; choose from {list(choices)}")
        pattern = spec.metadata.get("pattern")
        bad = [v for v in value if pattern and not re.fullmatch(pattern, str(v))]
        if bad:
            raise ValueError(f"Faults.{name}: {bad} is not an account ID (12 digits)")
        return value
    if choices:
        if value is not None and value not in choices:
            raise ValueError(f"Faults.{name} must be one of {list(choices)} or None, not {value!r}")
        return value
    if isinstance(spec.default, bool):
        return bool(value)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
        raise ValueError(f"Faults.{name} must be a number >= 0, not {value!r}")
    return float(value) if isinstance(spec.default, float) else int(value)
