"""boto3 sessions and clients: profile, region, endpoint, retries and timeouts."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from jobctl import __version__
from jobctl.errors import UsageError, redact_url

# Standard retry mode with a stated budget: 5 attempts in all (the first and 4 retries),
# with botocore's exponential backoff and jitter. AWS_MAX_ATTEMPTS overrides the count.
DEFAULT_MAX_ATTEMPTS = 5
CONNECT_TIMEOUT = 10
READ_TIMEOUT = 30  # seconds; JOBCTL_READ_TIMEOUT overrides (a slow proxy, a quick test)
SANDBOX_CREDENTIALS = {"aws_access_key_id": "jobctl-sandbox", "aws_secret_access_key": "sandbox"}

N = TypeVar("N", int, float)


@dataclass(frozen=True)
class Target:
    """Where a listing's requests go: one (profile, region, endpoint)."""

    profile: str | None
    region: str | None
    endpoint_url: str | None
    sandbox: bool = False
    # The region when none is asked for, ahead of AWS_REGION: the sandbox's, whose demo
    # data is in its own regions whatever region the user's shell names.
    default_region: str | None = None


def _env_setting(
    name: str, default: N, parse: Callable[[str], N], valid: Callable[[N], bool], rule: str
) -> N:
    """A number from the environment: `default` when unset or empty, a usage error before
    any request when it breaks `rule` (not silently the default: a CI job that set it
    means it)."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = parse(text)
    except ValueError:
        value = None
    if value is None or not valid(value):  # NaN fails `valid` too
        raise UsageError(f"{name} must be {rule}, not {text!r}")
    return value


def max_attempts() -> int:
    """Attempts per request in all: AWS_MAX_ATTEMPTS, else DEFAULT_MAX_ATTEMPTS."""
    return _env_setting(
        "AWS_MAX_ATTEMPTS",
        DEFAULT_MAX_ATTEMPTS,
        int,
        lambda n: 1 <= n <= 100,
        "a whole number from 1 to 100",
    )


def read_timeout() -> float:
    """The read timeout in seconds: JOBCTL_READ_TIMEOUT, else READ_TIMEOUT."""
    return _env_setting(
        "JOBCTL_READ_TIMEOUT",
        float(READ_TIMEOUT),
        float,
        lambda seconds: 0 < seconds <= 3600,
        "a number of seconds above 0, at most 3600",
    )


def check_endpoint_url(url: str | None, source: str) -> None:
    """A usage error for an endpoint botocore would refuse with a bare ValueError (or
    would send nowhere useful), before any request. An empty value given on purpose
    (`--endpoint-url ''`) is refused too: it is not "no endpoint"."""
    if url is None:
        return
    from urllib.parse import urlsplit

    from botocore.utils import is_valid_endpoint_url, is_valid_ipv6_endpoint_url

    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in url
        parts.port  # noqa: B018 -- raises ValueError when out of range
        # botocore's own rule for the host (no leading hyphen, no underscore, ...).
        valid = valid and bool(is_valid_endpoint_url(url) or is_valid_ipv6_endpoint_url(url))
    except ValueError:
        valid = False
    if not valid:
        raise UsageError(
            f"{source}: {redact_url(url)!r} is not an http:// or https:// URL with a valid "
            "host name",
            hint="for example --endpoint-url http://127.0.0.1:4599",
        )


def _keep_wire_timestamps(value: Any) -> Any:
    # botocore's timestamp parsing is a large share of its per-item cost; jobctl keeps the
    # wire value (epoch seconds or ISO text) and converts it once, in the normalizer.
    return value


def isolated_botocore_session() -> Any:
    """A botocore session that reads none of the user's AWS configuration: the sandbox
    must work whatever AWS_PROFILE names (a missing profile, or an SSO one that needs a
    login), and no config file setting may change how it is reached."""
    import botocore.session

    session = botocore.session.Session()
    # On the config store itself: Session.set_config_variable cannot set None (its
    # instance variables fall through to AWS_PROFILE when empty).
    store = session.get_component("config_store")
    for name, value in (
        ("profile", None),
        ("config_file", os.devnull),
        ("credentials_file", os.devnull),
    ):
        store.set_config_variable(name, value)
    return session


class Clients:
    """Makes one boto3 session per target and clients from it, on demand."""

    def __init__(self) -> None:
        self._sessions: dict[tuple[str | None, bool], Any] = {}
        # One client per (service, target), shared by every stream of a fan-out: clients
        # are thread-safe, and making one per stream re-read botocore's models each time.
        self._clients: dict[tuple[str, Target], Any] = {}
        self._lock = threading.RLock()
        # Credential values seen so far; the debug log's handler redacts them.
        self.secret_values: list[str] = []

    def session(self, target: Target) -> Any:
        with self._lock:
            return self._session(target)

    def _session(self, target: Target) -> Any:
        key = (target.profile, target.sandbox)
        if key not in self._sessions:
            import boto3

            if target.sandbox:
                session = boto3.Session(
                    botocore_session=isolated_botocore_session(), **SANDBOX_CREDENTIALS
                )
            else:
                session = boto3.Session(profile_name=target.profile)
            parsers = session._session.get_component("response_parser_factory")
            parsers.set_parser_defaults(timestamp_parser=_keep_wire_timestamps)
            self._sessions[key] = session
        return self._sessions[key]

    def client(self, service: str, target: Target) -> Any:
        with self._lock:
            key = (service, target)
            if key not in self._clients:
                self._clients[key] = self._new_client(service, target)
            return self._clients[key]

    def _new_client(self, service: str, target: Target) -> Any:
        from botocore.config import Config

        config = Config(
            retries={"mode": "standard", "total_max_attempts": max_attempts()},
            connect_timeout=CONNECT_TIMEOUT,
            read_timeout=read_timeout(),
            user_agent_extra=f"jobctl/{__version__}",
            # The embedded sandbox is on 127.0.0.1: an HTTP_PROXY from the environment
            # (most corporate machines) would send its requests to the proxy instead.
            proxies={} if target.sandbox else None,
        )
        session = self.session(target)
        client = session.client(
            service, region_name=target.region, endpoint_url=target.endpoint_url, config=config
        )
        self._remember_secrets(session)
        return client

    def region_of(self, target: Target) -> str | None:
        # AWS_REGION is the variable the AWS SDKs document; boto3 reads only
        # AWS_DEFAULT_REGION, so honour AWS_REGION ourselves, first.
        return (
            target.region
            or target.default_region
            or os.environ.get("AWS_REGION")
            or self.session(target).region_name
        )

    def _remember_secrets(self, session: Any) -> None:
        creds = session.get_credentials()
        if creds is not None:
            frozen = creds.get_frozen_credentials()
            for value in (frozen.access_key, frozen.secret_key, frozen.token):
                if value and value not in self.secret_values:
                    self.secret_values.append(value)
