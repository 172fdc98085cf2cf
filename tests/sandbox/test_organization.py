"""An organization of many accounts, through real boto3: STS's GetCallerIdentity and
AssumeRole, Organizations' ListAccounts, each account's own jobs, made on first use."""

from __future__ import annotations

import gc
import json
import threading
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

import boto3
import pytest
from boto_helpers import assume, error_code, http_status, make_client, walk
from botocore.credentials import (
    AssumeRoleCredentialFetcher,
    Credentials,
    DeferredRefreshableCredentials,
)
from botocore.exceptions import ClientError, ParamValidationError

from jobctl.sandbox import DataError, Faults, Sandbox, SandboxData, datafile
from jobctl.sandbox.clock import DEMO_ANCHOR
from jobctl.sandbox.org import ACCOUNT_ID, DEFAULT_EXTERNAL_ID, DEFAULT_ROLE, Organization

ROLE = DEFAULT_ROLE
MANAGEMENT_ARN = f"arn:aws:iam::{ACCOUNT_ID}:user/sandbox"


@pytest.fixture(scope="module")
def shared_org() -> Iterator[Sandbox]:
    with Sandbox(accounts=1000, jobs_per_service=5, clock=DEMO_ANCHOR) as sb:
        yield sb


@pytest.fixture
def org(shared_org: Sandbox) -> Iterator[Sandbox]:
    """The 1,000-account sandbox, with faults off and an empty request log."""
    shared_org.faults = Faults()
    shared_org.clear_requests()
    yield shared_org
    shared_org.faults = Faults()
    shared_org.organization.credential_ttl = None


def role_arn(account: str, role: str = ROLE) -> str:
    return f"arn:aws:iam::{account}:role/{role}"


def denied_message(account: str, role: str = ROLE, caller: str = MANAGEMENT_ARN) -> str:
    return (
        f"User: {caller} is not authorized to perform: sts:AssumeRole on resource: "
        f"{role_arn(account, role)}"
    )


def assume_error(sb: Sandbox, account: str, role: str = ROLE, **kwargs) -> ClientError:
    with pytest.raises(ClientError) as excinfo:
        assume(sb, account, role, **kwargs)
    return excinfo.value


def active_member(sb: Sandbox, number: int = 0) -> str:
    """An active member with the role and no external ID."""
    plain = [
        account.id
        for account in sb.organization.members
        if account.active and account.role and account.external_id is None
    ]
    return plain[number]


# -- the organization ------------------------------------------------------------------------


def test_the_generated_organization_is_deterministic_and_as_configured(org):
    organization = org.organization
    assert len(organization.accounts) == 1000 and organization.in_use
    assert organization.accounts[0].id == ACCOUNT_ID
    ids = organization.ids
    assert len(set(ids)) == 1000 and all(len(i) == 12 and i.isdigit() for i in ids)
    assert organization.accounts[7].name == "sandbox-0007"
    # About 5 % suspended, 5 % without the role, 1 % with an external ID, all different.
    assert len(organization.suspended) == 50
    assert len(organization.without_role) == 51  # and the management account has none
    assert ACCOUNT_ID in organization.without_role
    assert len(organization.requiring_external_id) == 10
    sets = [set(organization.suspended), set(organization.without_role) - {ACCOUNT_ID},
            set(organization.requiring_external_id)]  # fmt: skip
    assert sum(map(len, sets)) == len(set().union(*sets))
    # The same organization on every run.
    again = Organization.generate(1000, DEMO_ANCHOR)
    assert again.accounts == organization.accounts


def test_shares_counts_and_ids_select_members():
    ids = Organization.generate(10, DEMO_ANCHOR).ids
    organization = Organization.generate(
        10, DEMO_ANCHOR, suspended=3, without_role=[ids[4]], external_id_accounts=0.5
    )
    assert len(organization.suspended) == 3
    assert organization.without_role == [ACCOUNT_ID, ids[4]]
    assert organization.account(ids[4]).joined_method == "INVITED"
    assert len(organization.requiring_external_id) == 4  # half of the 9 members, rounded
    with pytest.raises(ValueError, match="is no member account"):
        Organization.generate(10, DEMO_ANCHOR, suspended=["999999999999"])
    with pytest.raises(ValueError, match="a share is from 0 to 1"):
        Organization.generate(10, DEMO_ANCHOR, suspended=1.5)
    with pytest.raises(ValueError, match="accounts must be a whole number"):
        Sandbox(accounts=0)


# -- STS ------------------------------------------------------------------------------------


def test_get_caller_identity_names_the_management_account(org):
    answer = make_client(org, "sts").get_caller_identity()
    assert (answer["Account"], answer["Arn"]) == (ACCOUNT_ID, MANAGEMENT_ARN)
    assert answer["UserId"].startswith("AIDA")
    (record,) = org.requests
    assert (record.service, record.operation, record.protocol) == (
        "sts",
        "GetCallerIdentity",
        "query",
    )
    assert (record.account, record.caller, record.status) == (ACCOUNT_ID, MANAGEMENT_ARN, 200)


def test_assume_role_issues_credentials_that_name_the_account(org):
    account = active_member(org)
    before = datetime.now(timezone.utc)
    sts = make_client(org, "sts")
    answer = sts.assume_role(RoleArn=role_arn(account), RoleSessionName="jobctl@laptop")
    credentials, user = answer["Credentials"], answer["AssumedRoleUser"]
    assert credentials["AccessKeyId"].startswith(f"ASIA{account}")
    assert len(credentials["AccessKeyId"]) == 20
    assert credentials["SecretAccessKey"] and credentials["SessionToken"]
    lifetime = (credentials["Expiration"] - before).total_seconds()
    assert 3598 <= lifetime <= 3602  # DurationSeconds defaults to an hour
    assert user["Arn"] == f"arn:aws:sts::{account}:assumed-role/{ROLE}/jobctl@laptop"
    assert user["AssumedRoleId"].startswith("AROA") and user["AssumedRoleId"].endswith(
        ":jobctl@laptop"
    )
    # Two calls, two different key pairs.
    other = assume(org, account)
    assert other["AccessKeyId"] != credentials["AccessKeyId"]
    longer = assume(org, account, DurationSeconds=43200)
    assert 43190 <= (longer["Expiration"] - before).total_seconds() <= 43210
    record = next(r for r in org.requests if r.operation == "AssumeRole")
    assert (record.account, record.caller) == (account, MANAGEMENT_ARN)


def test_assumed_credentials_read_that_accounts_jobs(org):
    account = active_member(org, 1)
    credentials = assume(org, account)
    identity = make_client(org, "sts", credentials=credentials).get_caller_identity()
    assert identity["Account"] == account
    assert identity["Arn"] == f"arn:aws:sts::{account}:assumed-role/{ROLE}/jobctl-test"
    member_jobs = make_client(org, "iot", credentials=credentials).list_jobs()["jobs"]
    own_jobs = make_client(org, "iot").list_jobs()["jobs"]
    assert member_jobs and {j["jobArn"].split(":")[4] for j in member_jobs} == {account}
    assert {j["jobArn"].split(":")[4] for j in own_jobs} == {ACCOUNT_ID}
    stored = org.account_data(account).jobs("iot")
    assert sorted(j["jobId"] for j in member_jobs) == sorted(j["jobId"] for j in stored)
    # Seeded by the account: other jobs than the management account's, and another
    # member's.
    other = org.account_data(active_member(org, 2)).jobs("batch-jobs")
    mine = org.account_data(account).jobs("batch-jobs")
    assert {j["jobId"] for j in mine}.isdisjoint(j["jobId"] for j in org.data.jobs("batch-jobs"))
    assert {j["jobId"] for j in mine}.isdisjoint(j["jobId"] for j in other)
    listed = [r for r in org.requests if r.service == "iot"]
    assert [r.account for r in listed] == [account, ACCOUNT_ID]
    # A member's queues and apps are its own too.
    queues = make_client(org, "batch", credentials=credentials).describe_job_queues()
    assert {q["jobQueueArn"].split(":")[4] for q in queues["jobQueues"]} == {account}


@pytest.mark.parametrize(
    "case", ["without-role", "suspended", "management", "unknown", "wrong-name", "path"]
)
def test_assume_role_is_denied_as_aws_denies_it(org, case):
    organization = org.organization
    account, role = active_member(org), ROLE
    if case == "without-role":
        account = next(i for i in organization.without_role if i != ACCOUNT_ID)
    elif case == "suspended":
        account = organization.suspended[0]
    elif case == "management":
        account = ACCOUNT_ID  # AWS creates the role in the members only
    elif case == "unknown":
        account = "000000000042"
    elif case == "wrong-name":
        role = "OrganizationAccountAccessRole2"
    elif case == "path":
        role = f"admin/{ROLE}"
    error = assume_error(org, account, role)
    assert error.response["Error"]["Code"] == "AccessDenied"
    assert error.response["Error"]["Message"] == denied_message(account, role)
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert org.requests[-1].account == account


def test_every_suspended_kind_is_denied(org):
    kinds = {(org.organization.account(i).status, org.organization.account(i).state): i
             for i in org.organization.suspended}  # fmt: skip
    assert set(kinds) == {("SUSPENDED", "SUSPENDED"), ("SUSPENDED", "CLOSED"),
                          ("PENDING_CLOSURE", "PENDING_CLOSURE")}  # fmt: skip
    for account in kinds.values():
        assert assume_error(org, account).response["Error"]["Code"] == "AccessDenied"


def test_an_external_id_is_required_where_the_role_says_so(org):
    account = org.organization.requiring_external_id[0]
    assert org.organization.account(account).external_id == DEFAULT_EXTERNAL_ID
    missing = assume_error(org, account)
    wrong = assume_error(org, account, ExternalId="not-the-one")
    for error in (missing, wrong):
        assert error.response["Error"]["Message"] == denied_message(account)
    credentials = assume(org, account, ExternalId=DEFAULT_EXTERNAL_ID)
    assert credentials["AccessKeyId"].startswith(f"ASIA{account}")
    # An external ID the role does not ask for is ignored, as by AWS.
    assert assume(org, active_member(org), ExternalId="anything")["AccessKeyId"]


def test_duration_and_session_name_are_validated_as_sts_does(org):
    account = active_member(org)
    with pytest.raises(ParamValidationError):  # botocore checks the minimum itself
        assume(org, account, DurationSeconds=899)
    raw = make_client(org, "sts", parameter_validation=False)
    cases = [
        ({"DurationSeconds": 899}, "Value '899' at 'durationSeconds' failed to satisfy "
         "constraint: Member must have value greater than or equal to 900"),
        ({"DurationSeconds": 43201}, "Value '43201' at 'durationSeconds' failed to satisfy "
         "constraint: Member must have value less than or equal to 43200"),
        ({"RoleSessionName": "x" * 65}, "Value '" + "x" * 65 + "' at 'roleSessionName' "
         "failed to satisfy constraint: Member must have length less than or equal to 64"),
        ({"RoleSessionName": "has space"}, "Value 'has space' at 'roleSessionName' failed "
         "to satisfy constraint: Member must satisfy regular expression pattern: "
         "[\\w+=,.@-]*"),
        ({"RoleArn": "arn:aws:iam::12:role/x-y-z-w"}, "Request ARN is invalid"),
    ]  # fmt: skip
    for change, message in cases:
        params = {"RoleArn": role_arn(account), "RoleSessionName": "ok", **change}
        with pytest.raises(ClientError) as excinfo:
            raw.assume_role(**params)
        assert error_code(excinfo) == "ValidationError"
        assert http_status(excinfo) == 400
        assert excinfo.value.response["Error"]["Message"].endswith(message), change


def test_role_chaining_is_limited_to_an_hour_and_to_the_trusted_account(org):
    first, second = active_member(org), active_member(org, 1)
    chained = make_client(org, "sts", credentials=assume(org, first))
    caller = f"arn:aws:sts::{first}:assumed-role/{ROLE}/jobctl-test"
    with pytest.raises(ClientError) as excinfo:  # the role trusts the management account
        chained.assume_role(RoleArn=role_arn(second), RoleSessionName="hop")
    assert excinfo.value.response["Error"]["Message"] == denied_message(second, caller=caller)
    # A session of the management account's own role may go on, for an hour at most.
    with Sandbox(accounts=3, jobs_per_service=0, management_role=True) as sb:
        assert sb.organization.without_role == []
        own = make_client(sb, "sts", credentials=assume(sb, ACCOUNT_ID))
        member = sb.organization.assumable()[1]
        with pytest.raises(ClientError) as excinfo:
            own.assume_role(RoleArn=role_arn(member), RoleSessionName="hop", DurationSeconds=3601)
        assert "1 hour session limit for roles assumed by role chaining" in str(excinfo.value)
        hop = own.assume_role(RoleArn=role_arn(member), RoleSessionName="hop")
        assert hop["AssumedRoleUser"]["Arn"].startswith(f"arn:aws:sts::{member}:")


def test_a_role_max_session_below_the_models_is_enforced():
    with Sandbox(accounts=3, jobs_per_service=0, clock=DEMO_ANCHOR) as sb:
        sb.organization.max_session_seconds = 3600  # AWS's default for a new role
        member = sb.organization.assumable()[0]
        with pytest.raises(ClientError, match="exceeds the MaxSessionDuration set for this role"):
            assume(sb, member, DurationSeconds=3601)
        assert assume(sb, member, DurationSeconds=3600)


def test_the_role_name_is_the_organizations(org):
    with Sandbox(accounts=3, jobs_per_service=0, role_name="JobctlReader") as sb:
        member = sb.organization.assumable()[0]
        assert assume(sb, member, "JobctlReader")["AccessKeyId"]
        assert assume_error(sb, member, ROLE).response["Error"]["Code"] == "AccessDenied"


def test_a_session_token_that_does_not_match_its_key_is_refused(org):
    credentials = assume(org, active_member(org))
    other = assume(org, active_member(org, 1))
    forged = {**credentials, "SessionToken": other["SessionToken"]}
    for broken in (forged, {**credentials, "SessionToken": credentials["SessionToken"][:-3]}):
        with pytest.raises(ClientError) as excinfo:
            make_client(org, "iot", credentials=broken).list_jobs()
        assert (error_code(excinfo), http_status(excinfo)) == ("UnrecognizedClientException", 403)
        with pytest.raises(ClientError) as excinfo:
            make_client(org, "sts", credentials=broken).get_caller_identity()
        assert error_code(excinfo) == "InvalidClientTokenId"
    # The key without its token: AWS does not know it either.
    bare = boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        region_name="us-east-1",
    ).client("snowball", endpoint_url=org.endpoint_url)
    with pytest.raises(ClientError) as excinfo:
        bare.list_jobs()
    assert error_code(excinfo) == "UnrecognizedClientException"


def test_credentials_hold_across_restarts_of_the_same_organization_only():
    with Sandbox(accounts=10, jobs_per_service=3, clock=DEMO_ANCHOR) as first:
        account = first.organization.assumable()[-1]  # a member a smaller one lacks
        credentials = assume(first, account)
        before = make_client(first, "iot", credentials=credentials).list_jobs()["jobs"]
    with Sandbox(accounts=10, jobs_per_service=3, clock=DEMO_ANCHOR) as again:
        after = make_client(again, "iot", credentials=credentials).list_jobs()["jobs"]
        assert after == before and {j["jobArn"].split(":")[4] for j in after} == {account}
    with Sandbox(accounts=3, jobs_per_service=3, clock=DEMO_ANCHOR) as smaller:
        assert account not in smaller.organization
        with pytest.raises(ClientError) as excinfo:
            make_client(smaller, "iot", credentials=credentials).list_jobs()
        assert error_code(excinfo) == "UnrecognizedClientException"
        assert smaller.requests[-1].account == account


# -- expiry ---------------------------------------------------------------------------------


def test_expired_credentials_answer_expired_token_on_every_protocol(org):
    org.organization.credential_ttl = 2
    asked = datetime.now(timezone.utc)
    credentials = assume(org, active_member(org), DurationSeconds=3600)
    assert 2 <= (credentials["Expiration"] - asked).total_seconds() <= 3.5
    make_client(org, "iot", credentials=credentials).list_jobs()  # fine while it lasts
    time.sleep(
        max(0.0, (credentials["Expiration"] - datetime.now(timezone.utc)).total_seconds()) + 0.2
    )
    expected = {
        "iot": ("ExpiredTokenException", 403),  # rest-json
        "snowball": ("ExpiredTokenException", 403),  # awsJson
        "sts": ("ExpiredToken", 403),  # query
    }
    calls = {
        "iot": lambda c: c.list_jobs(),
        "snowball": lambda c: c.list_jobs(),
        "sts": lambda c: c.get_caller_identity(),
    }
    for service, (code, status) in expected.items():
        client = make_client(org, service, credentials=credentials)
        with pytest.raises(ClientError) as excinfo:
            calls[service](client)
        assert (error_code(excinfo), http_status(excinfo)) == (code, status), service
        assert "security token included in the request is expired" in str(excinfo.value)
    assert {r.error for r in org.requests[-3:]} == {"ExpiredTokenException", "ExpiredToken"}


def test_botocores_refreshing_credentials_renew_short_lived_ones(org):
    """What jobctl will do: botocore's own AssumeRole provider refreshes credentials as
    they near expiry; with a short TTL every call renews them and none fails."""
    org.organization.credential_ttl = 2
    account = active_member(org)
    session = boto3.Session(region_name="us-east-1")
    create = partial(session.client, endpoint_url=org.endpoint_url, region_name="us-east-1")
    fetcher = AssumeRoleCredentialFetcher(
        client_creator=create,
        source_credentials=Credentials("jobctl-sandbox", "sandbox"),
        role_arn=role_arn(account),
        extra_args={"RoleSessionName": "jobctl"},
    )
    refreshing = DeferredRefreshableCredentials(fetcher.fetch_credentials, "assume-role")
    session._session._credentials = refreshing  # what a profile's role_arn would set up
    iot = session.client("iot", endpoint_url=org.endpoint_url)
    seen = set()
    for _ in range(3):
        assert iot.list_jobs(maxResults=1)["jobs"]
        seen.add(iot._request_signer._credentials.get_frozen_credentials().access_key)
        time.sleep(1.1)
    assert len([r for r in org.requests if r.operation == "AssumeRole"]) >= 2
    assert len(seen) >= 2 and all(key.startswith(f"ASIA{account}") for key in seen)
    assert not [r for r in org.requests if r.error]


# -- ListAccounts ---------------------------------------------------------------------------


def test_list_accounts_pages_through_a_thousand_accounts(org):
    client = make_client(org, "organizations")
    accounts = walk(client, "list_accounts", "Accounts")
    assert [a["Id"] for a in accounts] == org.organization.ids
    assert len(org.requests) == 50  # 20 a page by default
    first, member = accounts[0], accounts[7]
    assert first["Name"] == "sandbox-management" and first["JoinedMethod"] == "CREATED"
    assert member["Name"] == "sandbox-0007"
    assert member["Email"] == "aws+sandbox-0007@example.com"
    assert (
        member["Arn"]
        == f"arn:aws:organizations::{ACCOUNT_ID}:account/o-jobctlsandbox/{member['Id']}"
    )
    assert member["JoinedTimestamp"] < datetime.now(timezone.utc)
    statuses = Counter(a["Status"] for a in accounts)
    assert statuses["ACTIVE"] == 950 and statuses["SUSPENDED"] + statuses["PENDING_CLOSURE"] == 50
    assert {a["Id"] for a in accounts if a["Status"] != "ACTIVE"} == set(org.organization.suspended)
    assert Counter(a["State"] for a in accounts)["CLOSED"] == 10
    invited = {a["Id"] for a in accounts if a["JoinedMethod"] == "INVITED"}
    assert invited == set(org.organization.without_role) - {ACCOUNT_ID}
    # Page sizes from 1 to 20; the tokens are bound to the listing.
    pages = list(client.get_paginator("list_accounts").paginate(PaginationConfig={"PageSize": 7}))
    assert [len(p["Accounts"]) for p in pages[:2]] == [7, 7] and len(pages) == 143
    with pytest.raises(ClientError) as excinfo:
        client.list_accounts(MaxResults=21)
    assert error_code(excinfo) == "InvalidInputException"
    with pytest.raises(ClientError) as excinfo:
        client.list_accounts(NextToken="not-a-token")
    assert error_code(excinfo) == "InvalidInputException"


def test_list_accounts_is_the_management_accounts_alone(org):
    credentials = assume(org, active_member(org))
    with pytest.raises(ClientError) as excinfo:
        make_client(org, "organizations", credentials=credentials).list_accounts()
    assert error_code(excinfo) == "AccessDeniedException"
    assert excinfo.value.response["Error"]["Message"] == (
        "You don't have permissions to access this resource."
    )


def test_a_sandbox_of_one_account_is_in_no_organization(sb):
    with pytest.raises(ClientError) as excinfo:
        make_client(sb, "organizations").list_accounts()
    assert error_code(excinfo) == "AWSOrganizationsNotInUseException"
    assert make_client(sb, "sts").get_caller_identity()["Account"] == ACCOUNT_ID
    assert assume_error(sb, "210987654321").response["Error"]["Code"] == "AccessDenied"
    assert sb.organization.accounts == (sb.organization.management,)


def test_the_account_api_answers_for_a_member_asked_by_the_management_account(org):
    member = active_member(org)
    client = make_client(org, "account")
    regions = walk(client, "list_regions", "Regions", AccountId=member)
    assert {r["RegionName"] for r in regions} >= {"us-east-1", "eu-west-1"}
    member_client = make_client(org, "account", credentials=assume(org, member))
    with pytest.raises(ClientError) as excinfo:
        member_client.list_regions(AccountId=active_member(org, 1))
    assert error_code(excinfo) == "AccessDeniedException"
    assert walk(member_client, "list_regions", "Regions")  # its own, without AccountId


# -- made on first use ----------------------------------------------------------------------


def test_an_accounts_region_is_made_on_the_first_request_that_reaches_it():
    with Sandbox(accounts=1000, jobs_per_service=5, clock=DEMO_ANCHOR) as sb:
        management = [(ACCOUNT_ID, r) for r in ("us-east-1", "us-west-2", "eu-west-1")]
        assert sb.generated_regions() == management
        account = sb.organization.assumable()[3]
        credentials = assume(sb, account)
        assert sb.generated_regions() == management  # assuming makes nothing
        make_client(sb, "iot", credentials=credentials, region="eu-west-1").list_jobs()
        assert sb.generated_regions() == [*management, (account, "eu-west-1")]
        data = sb.account_data(account)
        assert sorted(data.deferred_regions()) == ["us-east-1", "us-west-2"]
        # Snowball's US view reads every US region of the account: both are made.
        make_client(sb, "snowball", credentials=credentials).list_jobs()
        assert sorted(data.filled_regions()) == ["eu-west-1", "us-east-1", "us-west-2"]
        # Nothing else was made, in any of the 999 other accounts.
        assert len(sb.generated_regions()) == 6


def test_concurrent_first_requests_make_an_account_region_once(org):
    account = active_member(org, 5)
    credentials = assume(org, account)
    start = threading.Barrier(8)

    def first_listing(_: int) -> list[str]:
        client = make_client(org, "batch", credentials=credentials, region="us-west-2")
        start.wait()
        return sorted(q["jobQueueName"] for q in client.describe_job_queues()["jobQueues"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(first_listing, range(8)))
    assert answers[0] and all(answer == answers[0] for answer in answers)
    assert org.account_data(account).filled_regions() == ["us-west-2"]
    assert len(org.account_data(account).resources("queue", region="us-west-2")) == len(answers[0])


def test_a_thousand_accounts_cost_little_until_they_are_used():
    """The organization itself is small; each account-region costs only once reached.
    (Measured with tracemalloc; the figures in docs/sandbox.md come from here.)"""
    gc.collect()
    tracemalloc.start()
    one = Sandbox(jobs_per_service=5, clock=DEMO_ANCHOR)
    single, _ = tracemalloc.get_traced_memory()
    del one
    gc.collect()
    tracemalloc.reset_peak()
    base, _ = tracemalloc.get_traced_memory()
    started = time.perf_counter()
    sb = Sandbox(accounts=1000, jobs_per_service=5, clock=DEMO_ANCHOR)
    took = time.perf_counter() - started
    organization = tracemalloc.get_traced_memory()[0] - base
    for account in sb.organization.assumable()[:20]:
        sb.account_data(account).jobs("iot", region="us-east-1")
    twenty = tracemalloc.get_traced_memory()[0] - base - organization
    tracemalloc.stop()
    print(f"\nsingle {single / 1e6:.2f} MB; +1000 accounts {organization / 1e6:.2f} MB "
          f"in {took:.2f} s; 20 account-regions of 5 jobs {twenty / 1e6:.2f} MB")  # fmt: skip
    assert organization < single + 2_000_000  # the organization adds under 2 MB
    assert twenty < 20 * 300_000  # an account-region of 5 jobs an API: well under 300 kB


# -- faults and the request log -------------------------------------------------------------


def test_faults_scoped_to_an_account(org, no_backoff):
    throttled, other = active_member(org), active_member(org, 1)
    org.faults = Faults(throttle_every=1, operations=("AssumeRole",), accounts=(throttled,))
    no_retry = make_client(org, "sts", retries={"mode": "standard", "total_max_attempts": 1})
    with pytest.raises(ClientError) as excinfo:
        no_retry.assume_role(RoleArn=role_arn(throttled), RoleSessionName="jobctl")
    assert (error_code(excinfo), http_status(excinfo)) == ("Throttling", 400)
    assert excinfo.value.response["Error"]["Message"] == "Rate exceeded"
    assert no_retry.assume_role(RoleArn=role_arn(other), RoleSessionName="jobctl")["Credentials"]
    # Access denied in one account: its listings fail, the management account's do not.
    org.faults = Faults()
    credentials = {a: assume(org, a) for a in (throttled, other)}
    org.faults = Faults(access_denied=True, accounts=(throttled,))
    with pytest.raises(ClientError) as excinfo:
        make_client(org, "iot", credentials=credentials[throttled]).list_jobs()
    assert error_code(excinfo) == "AccessDeniedException"
    caller = f"arn:aws:sts::{throttled}:assumed-role/{ROLE}/jobctl-test"
    assert excinfo.value.response["Error"]["Message"].startswith(f"User: {caller} is not")
    assert f"arn:aws:iot:us-east-1:{throttled}:*" in excinfo.value.response["Error"]["Message"]
    assert make_client(org, "iot", credentials=credentials[other]).list_jobs()["jobs"]
    assert make_client(org, "iot").list_jobs()["jobs"]
    denied = [r for r in org.requests if r.faults == ["access-denied"]]
    assert [(r.account, r.caller) for r in denied] == [(throttled, caller)]
    with pytest.raises(ValueError, match="not an account ID"):
        Faults(accounts=("12345",))


def test_sts_throttling_is_retried_by_botocore(org, no_backoff):
    org.faults = Faults(throttle_every=2, services=("sts",))
    sts = make_client(org, "sts", retries={"mode": "standard", "total_max_attempts": 3})
    for _ in range(3):
        assert sts.get_caller_identity()["Account"] == ACCOUNT_ID
    throttled = [r for r in org.requests if r.faults == ["throttle"]]
    assert throttled and {(r.error, r.status) for r in throttled} == {("Throttling", 400)}


def test_expired_from_page_and_server_errors_over_the_query_protocol(org):
    org.faults = Faults(server_error_every=1, services=("sts",))
    no_retry = make_client(org, "sts", retries={"mode": "standard", "total_max_attempts": 1})
    with pytest.raises(ClientError) as excinfo:
        no_retry.get_caller_identity()
    assert (error_code(excinfo), http_status(excinfo)) == ("InternalFailure", 500)
    org.faults = Faults(expired_from_page=1, services=("sts",))
    with pytest.raises(ClientError) as excinfo:
        no_retry.get_caller_identity()
    assert (error_code(excinfo), http_status(excinfo)) == ("ExpiredToken", 403)


# -- accounts in a data file ----------------------------------------------------------------

ORG_EXAMPLE = Path(__file__).parents[2] / "examples" / "sandbox-organization.json"


def test_a_data_file_describes_the_organization_and_each_accounts_jobs():
    with Sandbox(data_file=ORG_EXAMPLE) as sb:
        accounts = walk(make_client(sb, "organizations"), "list_accounts", "Accounts")
        keys = ("Id", "Name", "Status", "State", "JoinedMethod")
        assert [tuple(a[k] for k in keys) for a in accounts] == [
            ("123456789012", "acme-management", "ACTIVE", "ACTIVE", "CREATED"),
            ("210987654321", "acme-payments-prod", "ACTIVE", "ACTIVE", "CREATED"),
            ("045678901234", "acme-partner-sandbox", "ACTIVE", "ACTIVE", "CREATED"),
            ("310987654320", "acme-legacy-invited", "ACTIVE", "ACTIVE", "INVITED"),
            ("411111111110", "acme-closed-2026", "SUSPENDED", "CLOSED", "CREATED"),
        ]  # fmt: skip
        assert accounts[1]["JoinedTimestamp"] == datetime(2024, 3, 1, 9, tzinfo=timezone.utc)
        payments = assume(sb, "210987654321")
        batch = make_client(sb, "batch", credentials=payments)
        jobs = batch.list_jobs(jobQueue="settlement-nightly", jobStatus="RUNNING")["jobSummaryList"]
        assert [j["jobName"] for j in jobs] == ["settle-2026-11-20"]
        assert jobs[0]["jobArn"].startswith("arn:aws:batch:us-east-1:210987654321:job/")
        iot = make_client(sb, "iot", credentials=payments, region="eu-west-1")
        assert [j["jobId"] for j in iot.list_jobs()["jobs"]] == ["rotate-pos-certs"]
        assert make_client(sb, "iot", credentials=payments).list_jobs()["jobs"] == []
        assert [j["jobId"] for j in make_client(sb, "iot").list_jobs()["jobs"]] == [
            "ota-firmware-v3"
        ]
        # The partner's role wants its own external ID; the others are denied.
        assert assume_error(sb, "045678901234", ExternalId=DEFAULT_EXTERNAL_ID)
        partner = assume(sb, "045678901234", ExternalId="acme-partner-7f3a")
        snowball = make_client(sb, "snowball", credentials=partner, region="us-west-2")
        assert len(snowball.list_jobs()["JobListEntries"]) == 1
        for account in ("310987654320", "411111111110", ACCOUNT_ID):
            assert assume_error(sb, account).response["Error"]["Code"] == "AccessDenied"
        assert sb.organization.requiring_external_id == ["045678901234"]


@pytest.mark.parametrize(
    "document, message",
    [
        ({"accounts": {"12345": {}}}, "accounts.12345: '12345' is not an account ID (12 digits)"),
        ({"accounts": {"210987654321": {"Colour": "red"}}},
         "accounts.210987654321: unknown key(s) Colour"),
        ({"accounts": {"210987654321": {"Status": "GONE"}}},
         "accounts.210987654321.Status: 'GONE' is not one of ACTIVE, SUSPENDED, PENDING_CLOSURE"),
        ({"accounts": {"210987654321": {"role": "yes"}}},
         "accounts.210987654321.role: expected true or false, got str"),
        ({"accounts": {"210987654321": {"regions": {"us-east-1": {"iot": {"jobs": [{}]}}}}}},
         "accounts.210987654321.regions.us-east-1.iot.jobs[0]: missing required field(s)"),
        ({"regions": {}, "accounts": {ACCOUNT_ID: {"regions": {}}}},
         "accounts.123456789012.regions: the management account's regions are given at the "
         "top level already"),
    ],
)  # fmt: skip
def test_a_bad_account_in_a_data_file_names_the_value(tmp_path, document, message):
    path = tmp_path / "org.json"
    path.write_text(json.dumps(document))
    with pytest.raises(DataError) as excinfo:
        Sandbox(data_file=path)
    assert str(excinfo.value).startswith(f"{path}: {message}")


def test_a_data_file_with_accounts_excludes_generated_ones(tmp_path):
    with pytest.raises(DataError, match="the file lists the organization's accounts"):
        Sandbox(data_file=ORG_EXAMPLE, accounts=5)
    with pytest.raises(DataError, match="describes an organization; load it with Sandbox"):
        datafile.load(ORG_EXAMPLE, SandboxData())
    # A file without accounts and a generated organization: the members hold nothing.
    path = tmp_path / "plain.json"
    job = {"jobId": "j", "status": "QUEUED", "createdAt": "2026-11-20T10:00:00Z"}
    path.write_text(json.dumps({"iot": {"jobs": [job]}}))
    with Sandbox(data_file=path, accounts=4, clock=DEMO_ANCHOR) as sb:
        member = sb.organization.assumable()[0]
        assert make_client(sb, "iot", credentials=assume(sb, member)).list_jobs()["jobs"] == []
        assert [j["jobId"] for j in make_client(sb, "iot").list_jobs()["jobs"]] == ["j"]
        assert sb.generated_regions() == []


def test_broken_bodies_over_the_query_protocol(org):
    """What botocore makes of a broken 200 from STS (docs/sandbox.md lists it)."""
    from botocore.parsers import ResponseParserError

    sts = make_client(org, "sts", retries={"mode": "standard", "total_max_attempts": 1})
    params = {"RoleArn": role_arn(active_member(org)), "RoleSessionName": "broken"}
    org.faults = Faults(bad_body="html", services=("sts",))
    with pytest.raises(KeyError, match="AssumeRoleResult"):  # valid XML, not STS's
        sts.assume_role(**params)
    org.faults = Faults(bad_body="truncated", services=("sts",))
    with pytest.raises(ResponseParserError):
        sts.assume_role(**params)
    org.faults = Faults(bad_body="no-list", services=("sts",))
    answer = sts.assume_role(**params)
    assert "Credentials" not in answer and answer["ResponseMetadata"]["HTTPStatusCode"] == 200
