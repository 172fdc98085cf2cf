"""Regions the account has not enabled, and the Account API's ListRegions that tells a client
which regions it has, through boto3."""

from __future__ import annotations

import pytest
from boto_helpers import SERVICES, error_code, http_status, list_case, listing, make_client, walk
from botocore.exceptions import ClientError
from click.testing import CliRunner

from jobctl.cli import cli
from jobctl.cli import sandbox as command
from jobctl.sandbox import Sandbox
from jobctl.sandbox.clock import DEMO_ANCHOR
from jobctl.sandbox.models import partition_regions

DISABLED = ("ap-east-1", "me-south-1")
MESSAGE = "The security token included in the request is invalid."


@pytest.fixture(scope="module")
def account():
    with Sandbox(jobs_per_service=30, clock=DEMO_ANCHOR, disabled_regions=DISABLED) as sb:
        yield sb


@pytest.fixture
def sb(account):
    account.clear_requests()
    yield account
    account.account.regions_api_denied = False
    account.account.disabled_regions = frozenset(DISABLED)


def refused(call):
    with pytest.raises(ClientError) as excinfo:
        call()
    assert (error_code(excinfo), http_status(excinfo)) == ("UnrecognizedClientException", 403)
    assert excinfo.value.response["Error"]["Message"] == MESSAGE
    return excinfo


@pytest.mark.parametrize("service", SERVICES)
def test_every_list_operation_is_refused_in_a_disabled_region(sb, service):
    case = listing(sb, service)
    refused(lambda: list_case(sb, case, region="ap-east-1"))
    (record,) = sb.requests
    assert (record.region, record.status, record.error) == (
        "ap-east-1",
        403,
        "UnrecognizedClientException",
    )
    assert list_case(sb, case, region="us-east-1")  # the enabled ones answer as ever


@pytest.mark.parametrize(
    ("client", "call"),
    [
        ("amplify", lambda c: c.list_apps()),
        ("amplify", lambda c: c.list_branches(appId="d1")),
        ("amplify", lambda c: c.list_backend_environments(appId="d1")),
        ("batch", lambda c: c.describe_job_queues()),
    ],
    ids=["ListApps", "ListBranches", "ListBackendEnvironments", "DescribeJobQueues"],
)
def test_discovery_is_refused_too(sb, client, call):
    refused(lambda: call(make_client(sb, client, region="me-south-1")))


def test_over_rpc_v2_cbor_too(sb):
    refused(
        lambda: make_client(
            sb, "snowball", region="ap-east-1", protocol="smithy-rpc-v2-cbor"
        ).list_jobs()
    )


def test_a_disabled_us_region_leaves_snowballs_us_view(sb):
    both = walk(make_client(sb, "snowball"), "list_jobs", "JobListEntries")
    sb.account.disabled_regions = frozenset({*DISABLED, "us-west-2"})
    east = walk(make_client(sb, "snowball"), "list_jobs", "JobListEntries")
    assert sorted(j["JobId"] for j in east) == sorted(
        j["JobId"] for j in sb.data.jobs("snowball", region="us-east-1")
    )
    assert len(both) == 2 * len(east)
    refused(lambda: make_client(sb, "snowball", region="us-west-2").list_jobs())


# -- the Account API ------------------------------------------------------------------------


def regions(sb, region="us-east-1", **kwargs):
    return walk(make_client(sb, "account", region=region), "list_regions", "Regions", **kwargs)


def test_list_regions_reports_each_regions_opt_in_status(sb):
    listed = {r["RegionName"]: r["RegionOptStatus"] for r in regions(sb)}
    assert sorted(listed) == sorted(partition_regions("aws"))
    assert [name for name, status in listed.items() if status == "DISABLED"] == list(DISABLED)
    assert listed["us-east-1"] == listed["eu-west-1"] == "ENABLED_BY_DEFAULT"
    assert listed["af-south-1"] == "ENABLED"  # an opt-in region the account has enabled
    assert set(listed.values()) == {"ENABLED", "ENABLED_BY_DEFAULT", "DISABLED"}


def test_list_regions_filters_and_pages(sb):
    disabled = regions(sb, RegionOptStatusContains=["DISABLED"])
    assert [r["RegionName"] for r in disabled] == list(DISABLED)
    paged = regions(sb, PaginationConfig={"PageSize": 7})
    assert paged == regions(sb)
    assert len([r for r in sb.requests if r.operation == "ListRegions"]) > 5
    with pytest.raises(ClientError) as excinfo:
        make_client(sb, "account").list_regions(MaxResults=51)
    assert error_code(excinfo) == "ValidationException"


def test_the_account_api_answers_in_every_region_and_follows_the_switch(sb):
    assert regions(sb, region="ap-east-1") == regions(sb)  # global, even where disabled
    sb.account.disabled_regions = frozenset({"af-south-1"})
    listed = {r["RegionName"]: r["RegionOptStatus"] for r in regions(sb)}
    assert listed["af-south-1"] == "DISABLED" and listed["ap-east-1"] == "ENABLED"
    assert make_client(sb, "iot", region="ap-east-1").list_jobs()["jobs"] == []


def test_a_denied_account_api_is_access_denied(sb):
    sb.account.regions_api_denied = True
    with pytest.raises(ClientError) as excinfo:
        make_client(sb, "account").list_regions()
    assert (error_code(excinfo), http_status(excinfo)) == ("AccessDeniedException", 403)
    assert "account:ListRegions" in excinfo.value.response["Error"]["Message"]
    assert make_client(sb, "iot").list_jobs(maxResults=1)["jobs"]  # nothing else denied


@pytest.mark.parametrize(
    ("account_id", "code"),
    [("123456789012", "ValidationException"), ("210987654321", "AccessDeniedException")],
)
def test_an_account_id_is_refused_outside_an_organization(sb, account_id, code):
    with pytest.raises(ClientError) as excinfo:
        make_client(sb, "account").list_regions(AccountId=account_id)
    assert error_code(excinfo) == code


def test_a_bad_region_name_is_refused():
    with pytest.raises(ValueError, match="'Mars' is not a region name"):
        Sandbox(jobs_per_service=1, disabled_regions=("Mars",))


def test_the_command_takes_the_switches(monkeypatch):
    seen = []
    monkeypatch.setattr(command, "_serve", lambda options, faults: seen.append(options))
    run = CliRunner().invoke(
        command.sandbox,
        ["--disabled-regions", "ap-east-1,me-south-1", "--disabled-regions", "af-south-1",
         "--account-api-denied"],
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    assert seen[0]["disabled_regions"] == ("ap-east-1", "me-south-1", "af-south-1")
    assert seen[0]["account_api_denied"] is True
    bad = CliRunner().invoke(command.sandbox, ["--disabled-regions", "ap east"])
    assert bad.exit_code == 2 and "'ap east' is not a region name" in bad.stderr


def test_jobctl_meets_a_disabled_region_as_an_auth_failure(sb):
    result = CliRunner().invoke(
        cli,
        ["iot", "--endpoint-url", sb.endpoint_url, "--region", "us-east-1,ap-east-1"],
        prog_name="jobctl",
    )
    assert result.exit_code in (3, 4), result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "ap-east-1" in line]
    assert "UnrecognizedClientException" in line and line.startswith("jobctl: iot ap-east-1")
