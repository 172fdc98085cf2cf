"""The Account API in the sandbox: ListRegions, so a client can learn which regions the
account has enabled before it lists them.

Every region of botocore's `aws` partition is listed: those enabled for every account
(launched before March 2019) as ENABLED_BY_DEFAULT, the opt-in ones as ENABLED, and the
sandbox's disabled regions (``Sandbox(disabled_regions=...)``, ``--disabled-regions``) as
DISABLED; requests signed for those are refused as AWS refuses them (see
``service.REGION_DISABLED``). Every account of the organization has the same regions; the
management account may ask for a member's (``AccountId``). The Account API itself is
global: it answers whatever region a request is signed for. ``Sandbox(account_api_denied=True)``
(``--account-api-denied``) answers AccessDeniedException, as for a caller whose policy
does not allow account:ListRegions, so a client's fallback can be tested.
"""

from __future__ import annotations

from jobctl.sandbox import models
from jobctl.sandbox.service import (
    ACCOUNT_ID,
    Call,
    Errors,
    Operation,
    SandboxService,
    Selection,
    ServiceError,
)

# The regions every account has without opting in (AWS enabled them by default).
ENABLED_BY_DEFAULT = frozenset(
    {
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
        "ap-south-1",
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "ap-southeast-1",
        "ap-southeast-2",
        "ca-central-1",
        "eu-central-1",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "eu-north-1",
        "sa-east-1",
    }
)
ERRORS = Errors(
    validation="ValidationException",
    token="ValidationException",
    not_found=("ResourceNotFoundException", 404),
    throttle=("TooManyRequestsException", 429),
    server_error=("InternalServerException", 500),
)


def opt_status(region: str, disabled: frozenset[str]) -> str:
    if region in disabled:
        return "DISABLED"
    return "ENABLED_BY_DEFAULT" if region in ENABLED_BY_DEFAULT else "ENABLED"


def _list_regions(call: Call) -> Selection:
    params = call.params
    own = call.caller.account
    if call.account.regions_api_denied:
        raise ServiceError(
            "AccessDeniedException",
            f"User: {call.caller.arn} is not authorized to perform: "
            f"account:ListRegions on resource: arn:aws:account::{own}:account",
            403,
        )
    account = params.get("AccountId")
    if account == own:
        raise call.invalid(
            "The management account can't specify its own AccountId; call the operation without it."
        )
    organization = call.organization
    member = (
        organization is not None
        and organization.in_use
        and own == ACCOUNT_ID
        and account in organization
    )
    if account is not None and not member:
        # Only an organization's management account may name another account (one of
        # its members); every account's regions are the sandbox's.
        raise ServiceError(
            "AccessDeniedException",
            f"The account {own} is not the management account of an organization "
            f"that holds {account}.",
            403,
        )
    disabled = call.account.disabled_regions
    regions = sorted(set(models.partition_regions("aws")) | disabled)
    wanted = set(params.get("RegionOptStatusContains") or ())
    entries = [
        ((name,), {"RegionName": name, "RegionOptStatus": opt_status(name, disabled)})
        for name in regions
    ]
    if wanted:
        entries = [entry for entry in entries if entry[1]["RegionOptStatus"] in wanted]
    return Selection([sorted(wanted)], entries)


SANDBOX = SandboxService(
    name="account",
    botocore_name="account",
    list_operation="ListRegions",
    id_member="RegionName",
    status_member="RegionOptStatus",
    created_member="RegionName",  # regions have no creation time; they list by name
    errors=ERRORS,
    operations=(Operation("ListRegions", _list_regions, default_page_size=20),),
    global_service=True,
)
