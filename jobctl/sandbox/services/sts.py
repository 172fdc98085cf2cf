"""STS in the sandbox: GetCallerIdentity and AssumeRole, over the query protocol.

Every key the sandbox did not issue (its own ``jobctl-sandbox``, or any other) signs as
the management account's user ``arn:aws:iam::123456789012:user/sandbox``. AssumeRole into
a member account's role (``OrganizationAccountAccessRole`` unless the organization says
otherwise) issues temporary credentials whose access key ID names the account:
``ASIA`` + the 12-digit account ID + 4 characters. Requests signed with them are served
that account's data. The session token carries (signed) the account, the role, the session
name and the expiration, so credentials hold across restarts and need no table; a token
that does not match its key is refused as AWS refuses one it did not issue, and an expired
one answers ExpiredToken (ExpiredTokenException over the JSON protocols).

AssumeRole is refused with AWS's AccessDenied (the same words whatever the reason, as AWS
does not say which) for an account outside the organization, a suspended or closed one,
one without the role, a role name other than the organization's, a missing or wrong
ExternalId where the role requires one, and a caller its trust policy does not name (it
trusts the management account; a member's session cannot hop to another member).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import itertools
import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from jobctl.sandbox.org import ACCOUNT_ID, DEFAULT_ROLE, Organization
from jobctl.sandbox.service import (
    CREDENTIALS_EXPIRED,
    REGION_DISABLED,
    Call,
    Caller,
    Errors,
    Example,
    Operation,
    SandboxService,
    ServiceError,
    management_caller,
)

ERRORS = Errors(
    validation="ValidationError",
    token="ValidationError",
    not_found=("NoSuchEntity", 404),
    throttle=("Throttling", 400),
    server_error=("InternalFailure", 500),
)
DEFAULT_DURATION = 3600
CHAINED_MAX = 3600  # a session assumed with a role's credentials lasts an hour at most
ROLE_ARN = re.compile(r"arn:aws:iam::(\d{12}):role/((?:[\w+=,.@-]+/)*)([\w+=,.@-]{1,64})")
# Full matches: STS checks the whole value, though the model's patterns are unanchored.
FULL_PATTERNS = {"RoleSessionName": r"[\w+=,.@-]*", "ExternalId": r"[\w+=,.@:/-]*"}
ACCESS_KEY = re.compile(r"ASIA(\d{12})[A-Z2-7]{4}")
_KEY = b"jobctl-sandbox-credentials-v1"
_TOKEN_PREFIX = "FwoGZXIvYXdzEJb//////////"  # what an STS session token starts like
_issued = itertools.count(1)

# AWS's front door: a key it did not issue, or whose session token does not match, is as
# unknown to it as any key in a region not enabled; an expired session is expired.
INVALID_TOKEN = REGION_DISABLED
EXPIRED_TOKEN = CREDENTIALS_EXPIRED


# -- credentials ------------------------------------------------------------------------------


def _digest(*parts: str) -> bytes:
    return hmac.new(_KEY, "/".join(parts).encode(), hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def role_id(account: str, role: str) -> str:
    """A role's unique ID (AROA + 17 characters), the same on every run."""
    return "AROA" + base64.b32encode(_digest("role", account, role)).decode()[:17]


def session_arn(account: str, role: str, session: str) -> str:
    return f"arn:aws:sts::{account}:assumed-role/{role}/{session}"


def issue(account: str, role: str, session: str, expiration: datetime) -> dict[str, Any]:
    """Temporary credentials for a role session (Credentials' boto3 members)."""
    nonce = f"{next(_issued)}/{expiration.timestamp():.0f}"
    suffix = base64.b32encode(_digest("key", account, role, session, nonce)).decode()[:4]
    access_key = f"ASIA{account}{suffix}"
    payload = json.dumps(
        {"k": access_key, "a": account, "r": role, "s": session, "e": expiration.timestamp()},
        separators=(",", ":"),
    ).encode()
    token = f"{_TOKEN_PREFIX}{_b64(payload)}.{_b64(_digest('token', payload.decode())[:16])}"
    secret = base64.b64encode(_digest("secret", access_key)).decode()[:40]
    return {
        "AccessKeyId": access_key,
        "SecretAccessKey": secret,
        "SessionToken": token,
        "Expiration": expiration,
    }


def _read_token(token: str) -> dict[str, Any] | None:
    """The signed payload of a session token the sandbox issued, or None."""
    if not token.startswith(_TOKEN_PREFIX):
        return None
    body, _, signature = token[len(_TOKEN_PREFIX) :].partition(".")
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        good = hmac.compare_digest(_b64(_digest("token", raw.decode())[:16]), signature)
        payload = json.loads(raw) if good else None
    except (ValueError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) else None


def identify(access_key: str, token: str | None, organization: Organization) -> Caller:
    """Who signed a request: a role session for a key the sandbox issued (refused when
    its token does not match or has expired), else the management account's user."""
    found = ACCESS_KEY.fullmatch(access_key)
    if found is None:
        return management_caller(access_key)
    account = found.group(1)
    payload = _read_token(token) if token else None
    if payload is None or payload.get("k") != access_key or payload.get("a") != account:
        return Caller(account, "", "", access_key, refusal=INVALID_TOKEN)
    if account not in organization:  # issued by a sandbox of another organization
        return Caller(account, "", "", access_key, refusal=INVALID_TOKEN)
    role, session = str(payload.get("r")), str(payload.get("s"))
    try:
        expiration = datetime.fromtimestamp(float(payload["e"]), tz=timezone.utc)
    except (KeyError, TypeError, ValueError, OverflowError):
        return Caller(account, "", "", access_key, refusal=INVALID_TOKEN)
    caller = Caller(
        account,
        session_arn(account, role, session),
        f"{role_id(account, role)}:{session}",
        access_key,
        role,
        session,
        expiration,
    )
    if organization.now() >= expiration:
        return dataclasses.replace(caller, refusal=EXPIRED_TOKEN)
    return caller


# -- operations ------------------------------------------------------------------------------


def _get_caller_identity(call: Call) -> dict[str, Any]:
    caller = call.caller
    return {"UserId": caller.user_id, "Account": caller.account, "Arn": caller.arn}


def _role_account(params: Mapping[str, Any]) -> str | None:
    found = ROLE_ARN.fullmatch(str(params.get("RoleArn", "")))
    return found.group(1) if found else None


def _check_patterns(call: Call) -> None:
    problems = [
        f"Value '{call.params[name]}' at '{name[0].lower()}{name[1:]}' failed to satisfy "
        f"constraint: Member must satisfy regular expression pattern: {pattern}"
        for name, pattern in FULL_PATTERNS.items()
        if name in call.params and not re.fullmatch(pattern, call.params[name])
    ]
    if problems:
        count = f"{len(problems)} validation error{'s' if len(problems) > 1 else ''}"
        raise call.invalid(f"{count} detected: {'; '.join(problems)}")


def _assume_role(call: Call) -> dict[str, Any]:
    _check_patterns(call)
    params, caller = call.params, call.caller
    organization = call.organization
    assert organization is not None
    role_arn, session = params["RoleArn"], params["RoleSessionName"]
    found = ROLE_ARN.fullmatch(role_arn)
    if found is None:
        raise call.invalid("Request ARN is invalid")
    account_id, path, name = found.groups()
    account = organization.account(account_id)
    denied = ServiceError(
        "AccessDenied",
        f"User: {caller.arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}",
        403,
    )
    if (
        account is None
        or not account.active
        or not account.role
        or path
        or name != organization.role_name
        # The role trusts the management account (any of its principals) only.
        or caller.account != ACCOUNT_ID
        or (account.external_id is not None and params.get("ExternalId") != account.external_id)
    ):
        raise denied
    duration = params.get("DurationSeconds", DEFAULT_DURATION)
    if caller.assumed and duration > CHAINED_MAX:
        raise call.invalid(
            "The requested DurationSeconds exceeds the 1 hour session limit for roles "
            "assumed by role chaining."
        )
    if duration > organization.max_session_seconds:
        raise call.invalid(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
        )
    lifetime = organization.credential_ttl or duration
    expiration = organization.now() + timedelta(seconds=lifetime)
    if lifetime >= 1 and expiration.microsecond:
        # AWS's expirations are whole seconds: round up, never below the lifetime asked
        # (a test's fraction of a second stays as it is).
        expiration += timedelta(microseconds=1_000_000 - expiration.microsecond)
    return {
        "Credentials": issue(account_id, name, session, expiration),
        "AssumedRoleUser": {
            "AssumedRoleId": f"{role_id(account_id, name)}:{session}",
            "Arn": session_arn(account_id, name, session),
        },
    }


def _examples(organization: Organization) -> list[Example]:
    assumable = organization.assumable()
    members = [i for i in assumable if i != organization.management.id]
    if not members:
        return []
    role = organization.role_name
    member = organization.account(members[0])
    assert member is not None
    with_id = [organization.account(i) for i in organization.requiring_external_id]
    needs = next((a for a in with_id if a is not None and a.active and a.role), None)
    named = f" --role-name {role}" if role != DEFAULT_ROLE else ""
    listing = f"jobctl iot --accounts {','.join(members[:2])}{named}"
    if needs is not None:
        accounts = f"{members[0]},{needs.id}"
        listing = f"jobctl iot --accounts {accounts}{named} --external-id {needs.external_id}"
    assume = (
        f"aws sts assume-role --role-arn arn:aws:iam::{member.id}:role/{role} "
        f"--role-session-name jobctl"
    )
    return [Example(listing, assume)]


SANDBOX = SandboxService(
    name="sts",
    botocore_name="sts",
    list_operation="GetCallerIdentity",  # it lists nothing; no job shape is read from it
    id_member="Arn",
    status_member="Arn",
    created_member="Arn",
    errors=ERRORS,
    operations=(
        Operation("GetCallerIdentity", answer=_get_caller_identity),
        Operation("AssumeRole", answer=_assume_role, account_of=_role_account),
    ),
    global_service=True,
    identify=identify,
    organization_examples=_examples,
)
