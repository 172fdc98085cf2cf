"""boto3 sessions and clients: profile, account, region, endpoint, retries and timeouts.

A target is one (profile, account, region, endpoint). The caller's own account is reached
with the caller's credentials; another account of an Organization through an assumed
role, whose credentials botocore refreshes before they expire (a listing may outlast the
hour). Sessions share one botocore model loader, so a thousand accounts do not parse the
service models a thousand times, and the caches of sessions and clients are bounded, so
memory does not grow with the number of accounts: a listing works through one account's
targets before the next (see listing/plan.py).
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
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
    # An account of an Organization: its 12-digit ID, and the role assumed there (None:
    # the caller's own account, with the caller's own credentials).
    account: str | None = None
    role_arn: str | None = None
    external_id: str | None = None

    @property
    def caller(self) -> Target:
        """The target whose credentials reach this one: the same without the role."""
        return replace(self, account=None, role_arn=None, external_id=None)


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


# How many sessions (accounts) and clients are kept; the rest are made again on demand.
MAX_SESSIONS = 32
MAX_CLIENTS = 256
# AssumeRole calls in flight at once, whatever --concurrency is: STS throttles an account
# that asks for thousands of roles at once. Throttled calls are retried (adaptive mode).
MAX_ASSUMING = 4
STS_ATTEMPTS = 10


class _Bounded(OrderedDict[Any, Any]):
    """A cache that forgets its least recently used entries beyond `size`."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def get_or_make(self, key: Any, make: Callable[[], Any]) -> Any:
        if key in self:
            self.move_to_end(key)
            return self[key]
        value = self[key] = make()
        while len(self) > self.size:
            self.popitem(last=False)
        return value


@dataclass(frozen=True)
class _Session:
    boto: Any  # boto3.Session
    core: Any  # its botocore session (boto3 keeps it private)


class Clients:
    """Makes sessions and clients per target, on demand, thread-safe."""

    def __init__(self) -> None:
        self._sessions = _Bounded(MAX_SESSIONS)
        # One client per (service, target), shared by every stream of a fan-out: clients
        # are thread-safe, and making one per stream re-read botocore's models each time.
        self._clients = _Bounded(MAX_CLIENTS)
        self._lock = threading.RLock()
        self._loader: Any = None  # botocore's model loader, shared by every session
        self._assuming = threading.BoundedSemaphore(MAX_ASSUMING)
        self.session_name = f"jobctl-{int(time.time())}"
        # Credential values seen so far; the debug log's handler redacts them.
        self.secret_values: list[str] = []

    def session(self, target: Target) -> Any:
        """The boto3 session of a target."""
        with self._lock:
            return self._session(target).boto

    def _session(self, target: Target) -> _Session:
        key = (target.profile, target.sandbox, target.role_arn, target.external_id)
        made: _Session = self._sessions.get_or_make(key, lambda: self._new_session(target))
        return made

    def _new_session(self, target: Target) -> _Session:
        import boto3
        import botocore.session

        if target.role_arn is not None:
            base = self._session(target.caller).core
            core = (
                isolated_botocore_session()
                if target.sandbox
                else botocore.session.Session(profile=target.profile)
            )
            self._share_loader(core)
            self._assume_role(core, base, target)
            session = boto3.Session(botocore_session=core)
        elif target.sandbox:
            core = isolated_botocore_session()
            self._share_loader(core)
            session = boto3.Session(botocore_session=core, **SANDBOX_CREDENTIALS)
        else:
            core = botocore.session.Session(profile=target.profile)
            self._share_loader(core)
            session = boto3.Session(botocore_session=core)
        core.get_component("response_parser_factory").set_parser_defaults(
            timestamp_parser=_keep_wire_timestamps
        )
        return _Session(session, core)

    def _share_loader(self, core: Any) -> None:
        if self._loader is None:
            self._loader = core.get_component("data_loader")
        else:
            core.register_component("data_loader", self._loader)

    def _assume_role(self, core: Any, base: Any, target: Target) -> None:
        """Credentials of the role, assumed with the caller's, refreshed before they
        expire; a session name that says jobctl; few AssumeRole calls at once."""
        from botocore.config import Config
        from botocore.credentials import (
            AssumeRoleCredentialFetcher,
            CredentialProvider,
            CredentialResolver,
            DeferredRefreshableCredentials,
        )

        sts_config = Config(
            retries={"mode": "adaptive", "total_max_attempts": STS_ATTEMPTS},
            connect_timeout=CONNECT_TIMEOUT,
            read_timeout=read_timeout(),
            user_agent_extra=f"jobctl/{__version__}",
            proxies={} if target.sandbox else None,
        )
        region = target.default_region or os.environ.get("AWS_REGION") or "us-east-1"

        def sts_client(name: str, **credentials: Any) -> Any:
            return base.create_client(
                name,
                region_name=region,
                endpoint_url=target.endpoint_url,
                config=sts_config,
                **credentials,
            )

        extra = {"RoleSessionName": self.session_name}
        if target.external_id:
            extra["ExternalId"] = target.external_id
        fetcher = AssumeRoleCredentialFetcher(
            client_creator=sts_client,
            source_credentials=base.get_credentials(),
            role_arn=target.role_arn,
            extra_args=extra,
        )

        def fetch() -> Any:
            with self._assuming:
                fetched = fetcher.fetch_credentials()
            self._remember(
                fetched.get("access_key"), fetched.get("secret_key"), fetched.get("token")
            )
            return fetched

        class _Role(CredentialProvider):  # type: ignore[misc]
            METHOD = "jobctl-assume-role"

            def load(self) -> Any:
                return DeferredRefreshableCredentials(refresh_using=fetch, method=self.METHOD)

        core.register_component("credential_provider", CredentialResolver(providers=[_Role()]))

    def client(self, service: str, target: Target) -> Any:
        with self._lock:
            return self._clients.get_or_make(
                (service, target), lambda: self._new_client(service, target)
            )

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
        if target.role_arn is None:  # an assumed role's values are remembered as fetched
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
            self._remember(frozen.access_key, frozen.secret_key, frozen.token)

    def _remember(self, *values: str | None) -> None:
        with self._lock:
            for value in values:
                if value and value not in self.secret_values:
                    self.secret_values.append(value)
