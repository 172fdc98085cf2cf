"""The organization the sandbox plays: a management account and its member accounts.

Without ``accounts`` the sandbox is one account that belongs to no organization (as it
always was). With ``Organization.generate(count, ...)`` it is the management account
(``ACCOUNT_ID``, whose keys every request signed with non-temporary credentials uses)
and ``count - 1`` generated members, deterministic: 12-digit IDs derived from their
number, names ``sandbox-0001``..., a share of them suspended (closed accounts keep
SUSPENDED for 90 days, some are closing or closed), a share without the organization's
role (accounts that joined by invitation, where AWS creates no such role), and a few
whose role trusts the management account only with an external ID.

This module is plain data: who may assume what is decided by the module that serves the
credentials (``services/``), which reads it here. Nothing here names a service.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

ACCOUNT_ID = "123456789012"  # the sandbox's own account: the organization's management
DEFAULT_ROLE = "OrganizationAccountAccessRole"
DEFAULT_EXTERNAL_ID = "jobctl-sandbox-external-id"
ORGANIZATION_ID = "o-jobctlsandbox"
MAX_SESSION_SECONDS = 43200  # the most a role's MaxSessionDuration may be
# The default shares of generated members: suspended, without the role, needing an ID.
SUSPENDED_SHARE = 0.05
WITHOUT_ROLE_SHARE = 0.05
EXTERNAL_ID_SHARE = 0.01
# (Status, State) of suspended members, in turn: most closed within 90 days (SUSPENDED),
# some closed for good (State CLOSED) and some still closing (PENDING_CLOSURE).
SUSPENDED_KINDS = (
    ("SUSPENDED", "SUSPENDED"),
    ("SUSPENDED", "SUSPENDED"),
    ("SUSPENDED", "CLOSED"),
    ("SUSPENDED", "SUSPENDED"),
    ("PENDING_CLOSURE", "PENDING_CLOSURE"),
)
STATUSES = ("ACTIVE", "SUSPENDED", "PENDING_CLOSURE")
STATES = ("PENDING_ACTIVATION", "ACTIVE", "SUSPENDED", "PENDING_CLOSURE", "CLOSED")
JOINED_METHODS = ("INVITED", "CREATED")
ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}")
HISTORY = timedelta(days=2000)  # members joined over this long before the clock's start

# What selects members: a share (0.05), a count (3) or account IDs.
Selector = float | int | Iterable[str] | None


@dataclass(frozen=True)
class OrgAccount:
    """One account of the organization, as ListAccounts reports it, and its role."""

    id: str
    name: str
    email: str
    joined: datetime
    status: str = "ACTIVE"  # ACTIVE | SUSPENDED | PENDING_CLOSURE
    state: str = "ACTIVE"  # PENDING_ACTIVATION | ACTIVE | SUSPENDED | PENDING_CLOSURE | CLOSED
    joined_method: str = "CREATED"  # CREATED | INVITED
    role: bool = True  # the organization's role exists in it
    external_id: str | None = None  # the ExternalId its role's trust policy requires

    @property
    def active(self) -> bool:
        return self.status == "ACTIVE"


@dataclass
class Organization:
    """The accounts the sandbox serves. ``in_use`` is False for a sandbox of one account
    outside any organization. Attributes other than the accounts may change while the
    sandbox serves (``credential_ttl``, ``role_name``...); the next request sees them."""

    accounts: tuple[OrgAccount, ...]  # the management account first, then the members
    in_use: bool = True
    id: str = ORGANIZATION_ID
    role_name: str = DEFAULT_ROLE
    # Seconds every issued credential lives, whatever DurationSeconds asked (None: as asked).
    credential_ttl: float | None = None
    max_session_seconds: int = MAX_SESSION_SECONDS  # the role's MaxSessionDuration
    # What time it is for credentials: the wall clock, as clients compare expirations with.
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(timezone.utc))
    _by_id: dict[str, OrgAccount] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.accounts or self.accounts[0].id != ACCOUNT_ID:
            raise ValueError(f"an organization's first account is its management, {ACCOUNT_ID}")
        self._by_id = {account.id: account for account in self.accounts}
        if len(self._by_id) != len(self.accounts):
            raise ValueError("an organization's account IDs must differ")
        if not isinstance(self.role_name, str) or not ROLE_NAME.fullmatch(self.role_name):
            raise ValueError(f"role_name: {self.role_name!r} is not an IAM role name")
        if self.credential_ttl is not None and not self.credential_ttl > 0:
            raise ValueError(f"credential_ttl must be above 0 seconds, not {self.credential_ttl}")

    def __repr__(self) -> str:  # a thousand accounts make a useless repr
        return (
            f"Organization({self.id!r}, {len(self.accounts)} accounts, in_use={self.in_use}, "
            f"role_name={self.role_name!r}, credential_ttl={self.credential_ttl!r})"
        )

    # -- building one ----------------------------------------------------------------------

    @classmethod
    def single(
        cls,
        anchor: datetime,
        *,
        role_name: str = DEFAULT_ROLE,
        credential_ttl: float | None = None,
    ) -> Organization:
        """The sandbox's one account, in no organization."""
        return cls(
            (management(anchor),), in_use=False, role_name=role_name, credential_ttl=credential_ttl
        )

    @classmethod
    def generate(
        cls,
        count: int,
        anchor: datetime,
        *,
        suspended: Selector = SUSPENDED_SHARE,
        without_role: Selector = WITHOUT_ROLE_SHARE,
        external_id_accounts: Selector = EXTERNAL_ID_SHARE,
        external_id: str = DEFAULT_EXTERNAL_ID,
        management_role: bool = False,
        role_name: str = DEFAULT_ROLE,
        credential_ttl: float | None = None,
    ) -> Organization:
        """The management account and ``count - 1`` generated members.

        ``suspended``, ``without_role`` and ``external_id_accounts`` each select members: a
        share (a float from 0 to 1, rounded to whole accounts), a count (an int) or account
        IDs. Shares and counts pick different members for each (deterministically);
        IDs may overlap. ``management_role``: the management account has the role too (AWS
        creates it only in the members it creates)."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"accounts must be a whole number >= 1, not {count!r}")
        ids = member_ids(count - 1)
        order = list(ids)
        random.Random("jobctl-sandbox/organization").shuffle(order)
        taken: set[str] = set()
        chosen = {
            name: _select(name, spec, ids, order, taken)
            for name, spec in (
                ("suspended", suspended),
                ("without_role", without_role),
                ("external_id_accounts", external_id_accounts),
            )
        }
        _check_external_id(external_id)
        start = anchor - HISTORY
        members = []
        closing = 0
        for number, account_id in enumerate(ids, start=1):
            status = state = "ACTIVE"
            if account_id in chosen["suspended"]:
                status, state = SUSPENDED_KINDS[closing % len(SUSPENDED_KINDS)]
                closing += 1
            role = account_id not in chosen["without_role"]
            joined = start + HISTORY * number / count
            members.append(
                OrgAccount(
                    id=account_id,
                    name=f"sandbox-{number:04d}",
                    email=f"aws+sandbox-{number:04d}@example.com",
                    joined=joined.replace(microsecond=0),
                    status=status,
                    state=state,
                    # AWS creates the role in the accounts it creates, not in invited ones.
                    joined_method="CREATED" if role else "INVITED",
                    role=role,
                    external_id=(
                        external_id if account_id in chosen["external_id_accounts"] else None
                    ),
                )
            )
        head = management(anchor, role=management_role)
        return cls((head, *members), role_name=role_name, credential_ttl=credential_ttl)

    # -- reading it ------------------------------------------------------------------------

    @property
    def management(self) -> OrgAccount:
        return self.accounts[0]

    @property
    def members(self) -> tuple[OrgAccount, ...]:
        return self.accounts[1:]

    def account(self, account_id: str) -> OrgAccount | None:
        return self._by_id.get(account_id)

    def __contains__(self, account_id: object) -> bool:
        return account_id in self._by_id

    @property
    def ids(self) -> list[str]:
        return [account.id for account in self.accounts]

    @property
    def suspended(self) -> list[str]:
        """The accounts that are not ACTIVE (suspended, closing or closed)."""
        return [account.id for account in self.accounts if not account.active]

    @property
    def without_role(self) -> list[str]:
        """The accounts where the organization's role does not exist (the management
        account among them unless it was given one)."""
        return [account.id for account in self.accounts if not account.role]

    @property
    def requiring_external_id(self) -> list[str]:
        return [account.id for account in self.accounts if account.external_id is not None]

    def assumable(self) -> list[str]:
        """The accounts where the management account can assume the organization's role
        (given the external ID where one is required): active, with the role."""
        return [account.id for account in self.accounts if account.active and account.role]

    def now(self) -> datetime:
        moment = self.clock()
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def management(anchor: datetime, *, role: bool = False) -> OrgAccount:
    return OrgAccount(
        id=ACCOUNT_ID,
        name="sandbox-management",
        email="aws+management@example.com",
        joined=(anchor - HISTORY).replace(microsecond=0),
        joined_method="CREATED",
        role=role,
    )


def member_ids(count: int) -> list[str]:
    """``count`` distinct 12-digit IDs, the same on every run (leading zeros happen, as in
    AWS: an account ID is text, not a number)."""
    found: list[str] = []
    seen = {ACCOUNT_ID}
    for number in range(1, count + 1):
        salt = 0
        while True:
            digest = hashlib.sha256(f"jobctl-sandbox/account/{number}/{salt}".encode()).digest()
            account_id = f"{int.from_bytes(digest[:8], 'big') % 10**12:012d}"
            if account_id not in seen:
                break
            salt += 1
        seen.add(account_id)
        found.append(account_id)
    return found


def _select(
    name: str, spec: Selector, ids: Sequence[str], order: list[str], taken: set[str]
) -> set[str]:
    if spec is None or spec is False:
        return set()
    if isinstance(spec, bool):
        raise ValueError(f"{name}: expected a share, a count or account IDs, not {spec!r}")
    if isinstance(spec, (int, float)):
        if isinstance(spec, float):
            if not 0 <= spec <= 1:
                raise ValueError(f"{name}: a share is from 0 to 1, not {spec!r}")
            count = round(spec * len(ids))
        else:
            if spec < 0:
                raise ValueError(f"{name}: a count is >= 0, not {spec!r}")
            count = min(spec, len(ids))
        free = [account_id for account_id in order if account_id not in taken]
        picked = set(free[:count])
        taken |= picked
        return picked
    wanted = {spec} if isinstance(spec, str) else set(spec)
    known = set(ids)
    unknown = sorted(wanted - known)
    if unknown:
        raise ValueError(f"{name}: {', '.join(unknown)} is no member account of the organization")
    return wanted


def _check_external_id(value: str) -> None:
    if not isinstance(value, str) or not re.fullmatch(r"[\w+=,.@:/-]{2,1224}", value):
        raise ValueError(
            f"external_id must be 2 to 1224 characters of letters, digits and +=,.@:/-, "
            f"not {value!r}"
        )
