"""The accounts of a listing: the caller's own, and those of its AWS Organization.

`--accounts all` reads the Organization's accounts (Organizations `ListAccounts`, with the
caller's credentials, which must be the management account's or a delegated
administrator's) and keeps the ACTIVE ones; `--accounts ID,ID` names them. The caller's own
account (STS `GetCallerIdentity`) is listed with the caller's credentials — the member
role usually does not exist there — and every other account through a role assumed with
them (`aws.clients`).
"""

from __future__ import annotations

from dataclasses import dataclass

from jobctl.aws.clients import Clients, Target
from jobctl.aws.paging import pages

DEFAULT_ROLE = "OrganizationAccountAccessRole"
# Organizations is a global service, its endpoint in the partition's first region.
GLOBAL_REGION = "us-east-1"


@dataclass(frozen=True)
class Account:
    id: str  # 12 digits
    name: str | None = None


@dataclass(frozen=True)
class Organization:
    """The accounts to list, and how many of the Organization's were left out."""

    accounts: list[Account]
    not_active: int = 0


@dataclass(frozen=True)
class Caller:
    account: str
    partition: str = "aws"  # aws, aws-cn, aws-us-gov: the roles' ARNs are in it


def caller(clients: Clients, target: Target) -> Caller:
    """The caller's own account and partition (STS GetCallerIdentity)."""
    sts = clients.client("sts", target)
    identity = sts.get_caller_identity()
    arn = str(identity.get("Arn") or "")
    partition = arn.split(":")[1] if arn.startswith("arn:") and arn.count(":") >= 2 else "aws"
    return Caller(str(identity["Account"]), partition or "aws")


def organization(clients: Clients, target: Target) -> Organization:
    """Every ACTIVE account of the caller's Organization, in the API's order, with names.

    An account's state is its `State` (the newer member), else its `Status`."""
    orgs = clients.client("organizations", target)
    active: list[Account] = []
    left_out = 0
    for items, _ in pages(orgs, "list_accounts", {}, where="organizations"):
        for item in items:
            state = str(item.get("State") or item.get("Status") or "")
            if state != "ACTIVE":
                left_out += 1
                continue
            active.append(Account(str(item["Id"]), item.get("Name")))
    return Organization(active, left_out)


def role_arn(template: str | None, role_name: str, account: str, partition: str = "aws") -> str:
    """The role to assume in an account: the template's (`{account}` replaced), else
    the Organization's usual layout with `role_name`, in the caller's partition."""
    if template:
        return template.replace("{account}", account)
    return f"arn:{partition}:iam::{account}:role/{role_name}"
