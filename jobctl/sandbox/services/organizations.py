"""Organizations in the sandbox: ListAccounts, for the management account.

The organization is the sandbox's (``Sandbox(accounts=N)``, ``jobctl sandbox --accounts
N``; see ``jobctl.sandbox.org``): the management account first, then the members in the
order they joined. Only the management account may list them; a member's credentials
get AccessDeniedException, and a sandbox of one account (no ``accounts``) answers
AWSOrganizationsNotInUseException, as an account in no organization does.
"""

from __future__ import annotations

from typing import Any

from jobctl.sandbox.org import OrgAccount, Organization
from jobctl.sandbox.service import (
    Call,
    Errors,
    Example,
    Operation,
    SandboxService,
    Selection,
    ServiceError,
)

ERRORS = Errors(
    validation="InvalidInputException",
    token="InvalidInputException",
    not_found=("AccountNotFoundException", 400),
    throttle=("TooManyRequestsException", 400),
    server_error=("ServiceException", 500),
)


def account_item(organization: Organization, account: OrgAccount) -> dict[str, Any]:
    """An Account as ListAccounts returns it."""
    management = organization.management.id
    return {
        "Id": account.id,
        "Arn": f"arn:aws:organizations::{management}:account/{organization.id}/{account.id}",
        "Email": account.email,
        "Name": account.name,
        "Status": account.status,
        "State": account.state,
        "JoinedMethod": account.joined_method,
        "JoinedTimestamp": account.joined,
    }


def _list_accounts(call: Call) -> Selection:
    organization = call.organization
    if organization is None or not organization.in_use:
        raise ServiceError(
            "AWSOrganizationsNotInUseException",
            "Your account is not a member of an organization.",
        )
    if call.caller.account != organization.management.id:
        raise ServiceError(
            "AccessDeniedException", "You don't have permissions to access this resource."
        )
    return Selection([organization.id], _entries(organization))


# The last organization listed and its entries: its accounts never change, and building
# ten thousand items for every page of 20 made a walk quadratic.
_listed: list[tuple[Organization, list[tuple[tuple[int], dict[str, Any]]]]] = []


def _entries(organization: Organization) -> list[tuple[tuple[int], dict[str, Any]]]:
    found = next((entries for known, entries in _listed if known is organization), None)
    if found is None:
        found = [
            ((number,), account_item(organization, account))
            for number, account in enumerate(organization.accounts)
        ]
        _listed[:] = [(organization, found)]
    return found


def _examples(organization: Organization) -> list[Example]:
    return [
        Example(
            "jobctl all --accounts all --region us-east-1,us-west-2 --summary",
            "aws organizations list-accounts",
        )
    ]


SANDBOX = SandboxService(
    name="organizations",
    botocore_name="organizations",
    list_operation="ListAccounts",
    id_member="Id",
    status_member="Status",
    created_member="JoinedTimestamp",
    errors=ERRORS,
    operations=(Operation("ListAccounts", _list_accounts, default_page_size=20),),
    global_service=True,
    organization_examples=_examples,
)
