"""Which regions an account can use: `--region all` means the regions it has enabled.

botocore lists every region of the partition a service is offered in, opt-in regions
included (af-south-1, ap-east-1, me-south-1, il-central-1, ...). An account that has not
enabled one gets an authentication error there (HTTP 403 `UnrecognizedClientException`,
or `InvalidClientTokenId`: "The security token included in the request is invalid"), so
listing every botocore region could never finish. jobctl asks the Account API's
`ListRegions` for the regions whose opt status is ENABLED or ENABLED_BY_DEFAULT; when the
caller may not (AccessDenied), it lists every region and treats the documented
not-enabled answer, in a region it was not asked to list by name, as "not enabled,
skipped" (see `listing/run.py`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from jobctl.aws.clients import Clients, Target
from jobctl.aws.paging import pages

# The Account API is global: its endpoint is in the partition's first region.
ACCOUNT_API_REGION = "us-east-1"
ENABLED = ("ENABLED", "ENABLED_BY_DEFAULT")
# What AWS answers in a region the account has not enabled (the credentials are not
# valid there): an authentication error, HTTP 403.
NOT_ENABLED_CODES = frozenset({"UnrecognizedClientException", "InvalidClientTokenId"})
_DENIED = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"})


def enabled_regions(clients: Clients, target: Target) -> frozenset[str] | None:
    """The regions the target's account has enabled, or None when the Account API may not
    be asked (its permission denied): then every region is tried, and the not-enabled
    answers are read as skipped regions."""
    from botocore.exceptions import ClientError

    account = clients.client("account", replace(target, region=ACCOUNT_API_REGION))
    params = {"RegionOptStatusContains": list(ENABLED)}
    found: set[str] = set()
    try:
        for items, _ in pages(account, "list_regions", params, where="account"):
            found.update(str(item["RegionName"]) for item in items if item.get("RegionName"))
    except ClientError as exc:
        if _code(exc) in _DENIED:
            return None
        raise
    return frozenset(found)


def is_not_enabled(cause: BaseException | None) -> bool:
    """The answer of a region the account has not enabled (or of bad credentials: only
    another region answering the same credentials tells the two apart)."""
    from botocore.exceptions import ClientError

    return isinstance(cause, ClientError) and _code(cause) in NOT_ENABLED_CODES


def _code(exc: Any) -> str:
    return str(exc.response.get("Error", {}).get("Code") or "")
