"""Exit statuses and the one mapping from exceptions to a one-line message and a code."""

from __future__ import annotations

import re
from enum import IntEnum


class ExitStatus(IntEnum):
    """The exit codes of docs/reference.md."""

    OK = 0
    INTERNAL = 1
    USAGE = 2
    PARTIAL = 3
    AUTH = 4
    SERVICE = 5
    CHECK_FAILED = 6
    WATCH_TIMEOUT = 7
    SIGINT = 130
    SIGPIPE = 141
    SIGTERM = 143


class JobctlError(Exception):
    """An error with a one-line message, an exit status and an optional hint.

    It is shown as one line, `jobctl: <service>: <what happened> (<what to do>)`: the
    message names the service it concerns, the hint is what to do (docs/reference.md,
    "Messages")."""

    status = ExitStatus.INTERNAL

    def __init__(self, message: str, *, hint: str | None = None, status: ExitStatus | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        if status is not None:
            self.status = status

    @property
    def line(self) -> str:
        """The message and what to do, as one line (no full stop before the hint)."""
        return voice(self.message, self.hint)


def voice(what: str, to_do: str | None = None) -> str:
    """`what happened (what to do)`, one line: a trailing full stop goes (a server's
    message often ends with one), the hint goes in parentheses."""
    what = what.rstrip()
    if what.endswith(".") and not what.endswith(".."):
        what = what[:-1].rstrip()
    return f"{what} ({to_do})" if to_do else what


# The first errors a newcomer meets name --sandbox in the same line.
NO_REGION_HINT = "pass --region or set AWS_REGION, or try --sandbox"


class UsageError(JobctlError):
    status = ExitStatus.USAGE


class TokenError(UsageError):
    """A --starting-token that jobctl did not make, or made for another listing."""


class AuthError(JobctlError):
    status = ExitStatus.AUTH


class ServiceError(JobctlError):
    """The service or the network failed (after retries)."""

    status = ExitStatus.SERVICE


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived; a BaseException so no `except Exception` swallows it."""

    def __init__(self, status: ExitStatus):
        super().__init__(status.name)
        self.status = status


# Error codes by what they mean for the user. Codes come from the services' models and
# from the STS/IAM family that every signed request can meet.
_AUTH_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedException",
        "UnauthorizedOperation",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "ExpiredTokenException",
        "RequestExpired",
        "AuthFailure",
        "MissingAuthenticationToken",
        "MissingAuthenticationTokenException",
        "IncompleteSignature",
        "IncompleteSignatureException",
        "InvalidAccessKeyId",
        "NotAuthorized",
    }
)
_THROTTLE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
        "ProvisionedThroughputExceededException",
    }
)
_TOKEN_CODES = frozenset({"InvalidNextTokenException", "InvalidPaginationTokenException"})


def _auth_hint(code: str) -> str:
    if "Expired" in code:
        return "your session has expired: refresh your credentials, e.g. with aws sso login"
    if code in ("UnrecognizedClientException", "InvalidClientTokenId"):
        return (
            "check your credentials, and that the region is enabled for this account; "
            "or try --sandbox"
        )
    return "check your credentials and that they allow listing jobs; see --profile"


def classify(exc: BaseException, *, service: str | None, used_token: bool = False) -> JobctlError:
    """Turn any exception met while listing into a JobctlError with a one-line message."""
    try:
        return _classify(exc, service=service, used_token=used_token)
    except Exception:  # classifying must never be what fails
        return JobctlError(f"internal error: {type(exc).__name__}: {one_line(str(exc))}")


def _classify(exc: BaseException, *, service: str | None, used_token: bool) -> JobctlError:
    if isinstance(exc, JobctlError):
        return exc
    where = f"{service}: " if service else ""  # None: met before any service was named
    # botocore is imported lazily: `jobctl --help` must not pay for it.
    from botocore import exceptions as bce

    if isinstance(exc, bce.ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code") or "Unknown")
        message = one_line(str(error.get("Message") or ""))
        http = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        text = f"{where}{code}: {message}" if message else f"{where}{code}"
        if code.isdigit() and message.lstrip().startswith("<"):
            # Not an AWS error at all: a proxy's or a wrong endpoint's HTML page, which
            # botocore files under the HTTP status. Quoting its markup helps nobody.
            return ServiceError(
                f"{where}HTTP {code}: the endpoint answered with an HTML page, "
                "not an AWS response (check --endpoint-url)"
            )
        if code in _AUTH_CODES or http in (401, 403):
            return AuthError(text, hint=_auth_hint(code))
        if used_token and (code in _TOKEN_CODES or "token" in message.lower()):
            return UsageError(
                f"{where}the service rejected the starting token: {code}",
                hint="rerun without --starting-token",
            )
        if code in _TOKEN_CODES:
            return ServiceError(text)
        attempts = exc.response.get("ResponseMetadata", {}).get("RetryAttempts")
        if code in _THROTTLE_CODES or http == 429 or http >= 500:
            tries = (attempts or 0) + 1
            suffix = f" (after {tries} attempt{'s' if tries > 1 else ''})"
            suffix = suffix if attempts is not None else ""
            return ServiceError(voice(text) + suffix)
        # Any other 4xx: the service refused what we asked (unknown app, queue, bad value).
        return UsageError(text)
    if isinstance(
        exc,
        bce.NoCredentialsError
        | bce.PartialCredentialsError
        | bce.CredentialRetrievalError
        | bce.ProfileNotFound
        | bce.TokenRetrievalError
        | bce.SSOTokenLoadError
        | bce.UnauthorizedSSOTokenError,
    ):
        hint = "configure credentials with aws configure or AWS_PROFILE, or try --sandbox"
        if isinstance(exc, bce.ProfileNotFound):
            hint = "check the name; aws configure list-profiles lists the profiles"
        return AuthError(f"{where}{one_line(str(exc))}", hint=hint)
    if isinstance(exc, bce.ConfigParseError):
        # Local configuration, not the service: like an unknown profile, a credentials
        # and configuration problem (exit 4), with where to look.
        return AuthError(
            f"{where}{one_line(str(exc))}",
            hint="fix the file's syntax, [section] headers and key = value lines; or point "
            "AWS_CONFIG_FILE or AWS_SHARED_CREDENTIALS_FILE elsewhere",
        )
    if isinstance(exc, bce.NoRegionError):
        return UsageError(f"{where}no region given", hint=NO_REGION_HINT)
    if isinstance(exc, bce.ParamValidationError):
        return UsageError(f"{where}{one_line(str(exc))}")
    if isinstance(exc, bce.ConnectionClosedError):
        # The server took the request, then dropped or reset the connection mid-answer.
        return ServiceError(f"{where}connection lost: {one_line(str(exc))}")
    if isinstance(exc, bce.EndpointConnectionError):
        return ServiceError(f"{where}cannot connect: {one_line(str(exc))}")
    if isinstance(exc, bce.ReadTimeoutError | bce.ConnectTimeoutError):
        return ServiceError(f"{where}timed out: {one_line(str(exc))}")
    if isinstance(exc, bce.HTTPClientError):
        return ServiceError(f"{where}connection failed: {one_line(str(exc))}")
    from botocore.parsers import ResponseParserError

    if isinstance(exc, ResponseParserError):
        return ServiceError(f"{where}the service sent a response jobctl cannot read")
    if isinstance(exc, bce.PaginationError):
        return ServiceError(f"{where}{one_line(str(exc))}")
    if isinstance(exc, bce.BotoCoreError):
        return ServiceError(f"{where}{one_line(str(exc))}")
    return JobctlError(f"internal error: {type(exc).__name__}: {one_line(str(exc))}")


def is_not_found(exc: BaseException) -> bool:
    """Whether a service answered that the resource a request named does not exist (an
    Amplify app: NotFoundException, HTTP 404)."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return False
    code = str(response.get("Error", {}).get("Code") or "")
    http = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return http == 404 or code.endswith("NotFoundException") or code == "NotFound"


_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/@\s:]*:)[^@/\s]*@")


def redact_url(text: str) -> str:
    """Text with the password of any URL in it (`http://user:PASS@host`) hidden: error
    lines and --debug logs quote endpoint URLs."""
    return _URL_PASSWORD.sub(r"\1[REDACTED]@", text)


def one_line(text: str, limit: int = 300) -> str:
    """Collapse whitespace so a message stays on one line; long ones are cut."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
