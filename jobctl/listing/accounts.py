"""Who a listing lists: each profile, or each account of an Organization (--accounts).

Without --accounts a listing runs once per profile (`--profile a,b`), as before. With
--accounts it runs once per account, account after account (so the clients of one
account are made, used and let go before the next: memory does not grow with the number
of accounts):

- `--accounts all` reads the Organization's ACTIVE accounts (aws/accounts.py); the
  others (suspended, closing) are counted in a note on stderr;
- the caller's own account (STS GetCallerIdentity) is listed with the caller's
  credentials, every other one through the role (`--role-name`, `--role-arn-template`,
  `--external-id`), assumed once up front: an account whose role cannot be assumed (it
  does not exist there, it does not trust the caller, an SCP denies it) is one line on
  stderr and left out, the others are listed (exit 3), and the resume token names it.

The accounts of a listing are part of what a resume token checks: a token carries a
digest of the account IDs and refuses a listing whose accounts changed (an account
joined or left the Organization), where positions would no longer say what is left.
Accounts with nothing listed yet are one bit each in the token (`AccountSet`), so a
token stays small at thousands of accounts.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from jobctl.aws import accounts as orgs
from jobctl.aws.clients import Clients, Target
from jobctl.errors import (
    AuthError,
    ExitStatus,
    JobctlError,
    ServiceError,
    TokenError,
    UsageError,
    classify,
    one_line,
)
from jobctl.listing.pages import Stream
from jobctl.listing.tokens import (
    DAMAGED,
    OTHER_LISTING,
    AccountsMark,
    Position,
    Resume,
    StreamKey,
)
from jobctl.settings import Settings

ACCOUNT_MARK = "#"  # a target key `#ACCOUNT@REGION` names an account, not a profile


@dataclass(frozen=True)
class Identity:
    """One of the listing's identities: a profile, or an account of the Organization."""

    target: Target  # its region is unset
    key: str  # what its targets' stream keys start with: the profile, or #ACCOUNT
    account: orgs.Account | None = None

    @property
    def label(self) -> str:
        """Names the account in messages: `account 123456789012 (prod)`."""
        if self.account is None:
            return f"profile {self.target.profile}"
        name = f" ({self.account.name})" if self.account.name else ""
        return f"account {self.account.id}{name}"


def target_key(identity: Identity, region: str) -> str:
    return f"{identity.key}@{region}"


def account_of_key(target: str) -> str | None:
    """The account a stream key's target names (`#123456789012@us-east-1`), if any."""
    if not target.startswith(ACCOUNT_MARK):
        return None
    return target[len(ACCOUNT_MARK) :].partition("@")[0]


@dataclass(frozen=True)
class AccountSet:
    """The accounts of a listing, as a resume token knows them: a digest of their IDs
    (a token is refused when they change) and one bit per account."""

    ids: tuple[str, ...]  # sorted

    @classmethod
    def of(cls, ids: Iterable[str]) -> AccountSet:
        return cls(tuple(sorted(set(ids))))

    @property
    def digest(self) -> str:
        return hashlib.sha256(",".join(self.ids).encode()).hexdigest()[:16]

    def bits(self, chosen: Iterable[str]) -> str:
        """The chosen accounts as a bitmap (base64url, no padding)."""
        index = {account: n for n, account in enumerate(self.ids)}
        bitmap = bytearray((len(self.ids) + 7) // 8)
        for account in chosen:
            n = index[account]
            bitmap[n // 8] |= 1 << (n % 8)
        return base64.urlsafe_b64encode(bytes(bitmap)).rstrip(b"=").decode()

    def members(self, bits: str) -> set[str]:
        """The accounts a bitmap names; TokenError when it cannot be this set's."""
        try:
            bitmap = base64.urlsafe_b64decode(bits + "=" * (-len(bits) % 4))
        except ValueError:
            raise TokenError(DAMAGED) from None
        if len(bitmap) != (len(self.ids) + 7) // 8:
            raise TokenError(DAMAGED)
        chosen = {account for n, account in enumerate(self.ids) if bitmap[n // 8] & (1 << (n % 8))}
        spare = len(bitmap) * 8 - len(self.ids)
        if spare and bitmap[-1] >> (8 - spare):
            raise TokenError(DAMAGED)
        return chosen

    def check(self, digest: str) -> None:
        if digest != self.digest:
            raise TokenError(
                "--starting-token: the accounts have changed since this token was printed "
                "(one joined or left the Organization, or is no longer ACTIVE)",
                hint="list again without --starting-token, or name the accounts with "
                "--accounts ID,...",
            )


@dataclass
class Who:
    """The identities of a listing, and what stderr should say about them."""

    identities: list[Identity]
    accounts: AccountSet | None = None  # with --accounts
    notes: list[str] = field(default_factory=list)  # what stderr says about them


def identities(settings: Settings, base: Target, clients: Clients) -> Who:
    """Each profile of the listing, or with --accounts each account."""
    if not settings.accounts:
        if settings.role_name or settings.role_arn_template or settings.external_id:
            given = next(
                flag
                for flag, value in (
                    ("--role-name", settings.role_name),
                    ("--role-arn-template", settings.role_arn_template),
                    ("--external-id", settings.external_id),
                )
                if value
            )
            raise UsageError(f"{given} is for the roles of --accounts", hint="add --accounts")
        profiles: list[str | None] = [*settings.profile] or [base.profile]
        return Who([Identity(replace(base, profile=p, region=None), p or "") for p in profiles])
    if len(settings.profile) > 1:
        raise UsageError(
            "--accounts lists one Organization, with one profile's credentials",
            hint="give one --profile",
        )
    if settings.role_name and settings.role_arn_template:
        raise UsageError(
            "--role-name and --role-arn-template both name the role", hint="give one of them"
        )
    caller_target = replace(base, region=None)
    # STS answers in every region; Organizations in its partition's first region.
    sts_target = replace(base, region=clients.region_of(base) or orgs.GLOBAL_REGION)
    try:
        me = orgs.caller(clients, sts_target)
    except Exception as exc:
        raise classify(exc, service="sts") from exc
    notes: list[str] = []
    if list(settings.accounts) == ["all"]:
        found = _organization(clients, replace(base, region=orgs.GLOBAL_REGION))
        chosen = found.accounts
        if found.not_active:
            were = "account is" if found.not_active == 1 else "accounts are"
            notes.append(
                f"jobctl: {found.not_active} {were} not ACTIVE (suspended or closing), skipped"
            )
    else:
        chosen = [orgs.Account(account) for account in settings.accounts]
    role_name = settings.role_name or orgs.DEFAULT_ROLE
    listed: list[Identity] = []
    for account in chosen:
        if account.id == me.account:
            target = replace(caller_target, account=account.id)
        else:
            arn = orgs.role_arn(settings.role_arn_template, role_name, account.id, me.partition)
            target = replace(
                caller_target,
                account=account.id,
                role_arn=arn,
                external_id=settings.external_id,
            )
        listed.append(Identity(target, f"{ACCOUNT_MARK}{account.id}", account))
    if not listed:
        raise UsageError(
            "--accounts all: the Organization has no ACTIVE account", hint="check its accounts"
        )
    return Who(listed, AccountSet.of(i.target.account or "" for i in listed), notes)


_NOT_IN_ORG = {"AWSOrganizationsNotInUseException"}
_DENIED = {"AccessDeniedException", "AccessDenied"}


def _organization(clients: Clients, target: Target) -> orgs.Organization:
    from botocore.exceptions import ClientError

    try:
        return orgs.organization(clients, target)
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code") or "")
        if code in _NOT_IN_ORG:
            raise UsageError(
                "--accounts all: your account is not in an AWS Organization",
                hint="name the accounts with --accounts ID,ID",
            ) from exc
        if code in _DENIED:
            raise AuthError(
                "--accounts all: cannot list the Organization's accounts: "
                + one_line(str(exc.response.get("Error", {}).get("Message") or code)),
                hint="use the management account's or a delegated administrator's "
                "credentials, or name the accounts with --accounts ID,ID",
            ) from exc
        raise classify(exc, service="organizations") from exc
    except Exception as exc:
        raise classify(exc, service="organizations") from exc


def assume(clients: Clients, identity: Identity) -> None:
    """Assume the account's role now (once; botocore refreshes it later), so an account
    that cannot be reached is one error, not one per service and region."""
    if identity.target.role_arn is None:
        return
    try:
        credentials = clients.session(identity.target).get_credentials()
        credentials.get_frozen_credentials()
    except Exception as exc:
        raise account_error(exc, identity) from exc


def account_error(exc: BaseException, identity: Identity) -> JobctlError:
    """One line for an account whose role could not be assumed."""
    role = identity.target.role_arn or ""
    role_name = role.rpartition("/")[2] or role
    what = f"{identity.label}: cannot assume {role_name}"
    if isinstance(exc, KeyError):
        # botocore read an answer that was not STS's (an HTML page from a proxy).
        return ServiceError(f"{what}: STS sent a response jobctl cannot read")
    found = classify(exc, service=None)
    if found.status in (ExitStatus.AUTH, ExitStatus.USAGE):
        # Denied (no such role, not trusted, an SCP) or refused (a wrong external ID).
        code = str(getattr(exc, "response", {}).get("Error", {}).get("Code") or "")
        return AuthError(
            f"{what}: {code or found.message}",
            hint="check that the role exists there and trusts your account"
            + (" with this external ID" if identity.target.external_id else "")
            + ", or leave the account out of --accounts",
        )
    return JobctlError(f"{what}: {found.line}", status=found.status)


def compact(
    positions: Sequence[Position],
    streams: Iterable[Stream],
    accounts: AccountSet,
    unreached: Iterable[str] = (),
    touched: Iterable[str] = (),
) -> tuple[list[Position], AccountsMark]:
    """A token's positions, with the accounts of which nothing was listed yet (no stream
    finished or begun, every position from the start) turned into one bit each;
    `unreached`: accounts whose streams were not even made yet (later batches);
    `touched`: accounts with a stream finished that `streams` no longer holds."""
    finished = {
        stream.target.account
        for stream in streams
        if stream.done or stream.token is not None or stream.skip
    } | set(touched)
    fresh: dict[str, bool] = {}
    for position in positions:
        account = account_of_key(StreamKey.parse(position.key).target)
        if account is not None:
            start = position.token is None and position.skip == 0
            fresh[account] = fresh.get(account, True) and start and account not in finished
    redo = {account for account, whole in fresh.items() if whole} | set(unreached)
    kept = [p for p in positions if account_of_key(StreamKey.parse(p.key).target) not in redo]
    return kept, AccountsMark(accounts.digest, accounts.bits(redo))


def left_to_list(who: Who, resume: Resume) -> tuple[list[Identity], set[str]]:
    """The identities a resumed listing lists, and the accounts it lists afresh: with
    --accounts, those its token names (positions, or a bit); the others are finished."""
    redo = resume_accounts(resume, who.accounts)
    if who.accounts is None:
        return who.identities, redo
    named = {account_of_key(StreamKey.parse(p.key).target) for p in resume.positions}
    return [i for i in who.identities if i.target.account in redo | named], redo


def resume_accounts(resume: Resume, accounts: AccountSet | None) -> set[str]:
    """The accounts a token says to list afresh; TokenError when its accounts are not
    this listing's."""
    if resume.accounts is None and accounts is None:
        return set()
    if resume.accounts is None or accounts is None:
        raise TokenError(OTHER_LISTING)
    accounts.check(resume.accounts.digest)
    return accounts.members(resume.accounts.redo)
