"""Flags: page-size limits, enum values in any case, aliases, required flags, --help."""

from __future__ import annotations

import click
import pytest
from cli_cases import CASES, NAMES
from cli_harness import FakeAWS, invoke
from click.testing import CliRunner

from jobctl.cli import cli
from jobctl.cli.command import build_command
from jobctl.services import get_spec
from jobctl.services.spec import Flag, ServiceSpec

IOT_STATUSES = "IN_PROGRESS, CANCELED, COMPLETED, DELETION_IN_PROGRESS, SCHEDULED"
BATCH_STATUSES = "SUBMITTED, PENDING, RUNNABLE, SCHEDULED, STARTING, RUNNING, SUCCEEDED, FAILED"


def _expect_one_empty_page(aws: FakeAWS, name: str, params: dict[str, object]) -> None:
    case = CASES[name]
    aws.page(case.client, case.method, {case.result_key: []}, params)


# -- --page-size ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_page_size_over_the_api_maximum_is_refused_before_any_request(
    aws: FakeAWS, name: str
) -> None:
    case = CASES[name]
    over = str(case.page_size_limit + 1)
    run = invoke(name, *case.args, "--page-size", over)
    assert run.status == 2
    assert run.out == ""
    assert run.err == (
        f"jobctl: --page-size {over} is over {name}'s maximum of {case.page_size_limit} "
        "jobs per call\n"
    )
    assert aws.clients_made == [] and aws.requests == []


@pytest.mark.parametrize("name", NAMES)
def test_page_size_at_the_maximum_is_sent(aws: FakeAWS, name: str) -> None:
    case = CASES[name]
    _expect_one_empty_page(aws, name, case.request(case.max_page_size))
    run = invoke(name, *case.args, "--page-size", str(case.max_page_size), "-o", "json")
    assert (run.status, run.out, run.err) == (0, "[]\n", "")


@pytest.mark.parametrize("value", ["0", "-5", "ten"])
def test_page_size_and_max_items_must_be_positive_integers(aws: FakeAWS, value: str) -> None:
    for option in ("--page-size", "--max-items"):
        run = invoke("snowball", option, value)
        assert run.status == 2
        assert option in run.err
        assert run.out == ""
    assert aws.requests == []


def test_without_page_size_the_api_maximum_is_asked(aws: FakeAWS) -> None:
    _expect_one_empty_page(aws, "iot", {"maxResults": 250})
    run = invoke("iot", "-o", "jsonl")
    assert (run.status, run.out, run.err) == (0, "", "")


# -- enums -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "sent"),
    [
        (["--status", "completed"], {"status": "COMPLETED"}),
        (["--status", "In_Progress"], {"status": "IN_PROGRESS"}),
        (["--status", "deletion_in_progress"], {"status": "DELETION_IN_PROGRESS"}),
        (["--target-selection", "snapshot"], {"targetSelection": "SNAPSHOT"}),
        (
            ["--status", "SCHEDULED", "--target-selection", "Continuous"],
            {"status": "SCHEDULED", "targetSelection": "CONTINUOUS"},
        ),
    ],
)
def test_iot_enums_any_case(aws: FakeAWS, args: list[str], sent: dict[str, str]) -> None:
    _expect_one_empty_page(aws, "iot", {**sent, "maxResults": 250})
    run = invoke("iot", *args, "-o", "json")
    assert (run.status, run.out, run.err) == (0, "[]\n", "")


def test_batch_status_any_case(aws: FakeAWS) -> None:
    params = {"jobQueue": "q", "jobStatus": "SUCCEEDED", "maxResults": 100}
    _expect_one_empty_page(aws, "batch", params)
    run = invoke("batch", "--job-queue", "q", "--status", "succeeded", "-o", "json")
    assert (run.status, run.out, run.err) == (0, "[]\n", "")


def test_batch_status_all_any_case(aws: FakeAWS) -> None:
    params = {
        "jobQueue": "q",
        "filters": [{"name": "AFTER_CREATED_AT", "values": ["0"]}],
        "maxResults": 100,
    }
    _expect_one_empty_page(aws, "batch", params)
    run = invoke("batch", "--job-queue", "q", "--status", "ALL", "-o", "json")
    assert (run.status, run.out, run.err) == (0, "[]\n", "")


@pytest.mark.parametrize(
    ("args", "valid"),
    [
        (["iot", "--status", "DONE"], IOT_STATUSES),
        (["iot", "--target-selection", "sometimes"], "CONTINUOUS, SNAPSHOT"),
        (["batch", "--job-queue", "q", "--status", "RUNNING", "--status", "nope"], BATCH_STATUSES),
    ],
)
def test_bad_enum_is_a_usage_error_listing_valid_values(
    aws: FakeAWS, args: list[str], valid: str
) -> None:
    run = invoke(*args)
    assert run.status == 2
    assert run.out == ""
    assert valid in run.err
    assert "Traceback" not in run.err
    assert aws.requests == []


def test_batch_valid_values_include_all() -> None:
    run = invoke("batch", "--job-queue", "q", "--status", "everything")
    assert run.status == 2
    assert f"{BATCH_STATUSES}, all" in run.err


# -- aliases and flag values -----------------------------------------------------------------


def test_amplify_branch_name_alias(aws: FakeAWS) -> None:
    params = {"appId": "d1a2b3", "branchName": "release/1.0", "maxResults": 50}
    _expect_one_empty_page(aws, "amplify", params)
    run = invoke("amplify", "--app-id", "d1a2b3", "--branch-name", "release/1.0", "-o", "json")
    assert (run.status, run.out, run.err) == (0, "[]\n", "")


def test_amplify_backend_environment_name_alias(aws: FakeAWS) -> None:
    params = {"AppId": "d1a2b3", "BackendEnvironmentName": "prod", "MaxResults": 25}
    _expect_one_empty_page(aws, "amplify-backend", params)
    run = invoke(
        "amplify-backend", "--app-id", "d1a2b3", "--backend-environment-name", "prod", "-o", "json"
    )
    assert (run.status, run.out, run.err) == (0, "[]\n", "")


def test_amplify_backend_filters_are_sent_as_given(aws: FakeAWS) -> None:
    params = {
        "AppId": "d1",
        "BackendEnvironmentName": "prod",
        "JobId": "j-1",
        "Operation": "CreateBackendAuth",
        "Status": "in_progress",
        "MaxResults": 25,
    }
    _expect_one_empty_page(aws, "amplify-backend", params)
    run = invoke(
        "amplify-backend",
        "--app-id=d1",
        "--env=prod",
        "--job-id=j-1",
        "--operation=CreateBackendAuth",
        "--status=in_progress",
        "-o",
        "json",
    )
    assert (run.status, run.out, run.err) == (0, "[]\n", "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["amplify", "--app-id", "not-an-app", "--branch", "main"], "--app-id"),
        (["amplify", "--app-id", "d" + "1" * 20, "--branch", "main"], "at most 20"),
        (["iot", "--thing-group-name", "bad name"], "--thing-group-name"),
        (["iot", "--namespace-id", "a/b"], "--namespace-id"),
        (["batch", "--job-queue", ""], "--job-queue: an empty value in ''"),
        (["batch", "--job-queue", "q\x1b[2J"], "control characters"),
        (["batch", "--job-queue", "q", "--created-after", "last tuesday"], "not a time"),
    ],
)
def test_bad_flag_values_are_refused_before_any_request(
    aws: FakeAWS, args: list[str], message: str
) -> None:
    run = invoke(*args)
    assert run.status == 2
    assert message in run.err
    assert run.out == ""
    assert aws.requests == []


def test_batch_time_flags_reach_the_filter(aws: FakeAWS) -> None:
    params = {
        "jobQueue": "q",
        "filters": [{"name": "AFTER_CREATED_AT", "values": ["1714521599999"]}],  # strict bound
        "maxResults": 100,
    }
    _expect_one_empty_page(aws, "batch", params)
    run = invoke("batch", "--job-queue", "q", "--created-after", "2024-05-01", "-o", "json")
    assert (run.status, run.out, run.err) == (0, "[]\n", "")


def test_unknown_column_is_a_usage_error(aws: FakeAWS) -> None:
    run = invoke("snowball", "--columns", "id,colour")
    assert run.status == 2
    assert "unknown column 'colour'" in run.err
    assert aws.requests == []


# -- required flags ----------------------------------------------------------------------


def test_a_required_flag_is_enforced_before_anything_runs() -> None:
    """The builder's `required` is click's: exit 2 naming the flag (every service spec
    that declares a required flag gets this)."""
    spec = ServiceSpec(
        name="demo",
        service="demo",
        client="iot",
        operation="ListJobs",
        paginator="list_jobs",
        result_key="jobs",
        limit_member="maxResults",
        summary="Demo.",
        flags=(Flag("--queue", "jobQueue", "The queue.", aliases=("--job-queue",), required=True),),
        to_job=lambda item, region: {},
        states={},
    )
    result = CliRunner().invoke(build_command("demo", [spec]), [])
    assert result.exit_code == 2
    assert "Missing option '--queue'" in result.stderr


# -- --help ------------------------------------------------------------------------------


def _commands() -> list[str]:
    group = cli
    assert isinstance(group, click.Group)
    with click.Context(group) as ctx:
        return group.list_commands(ctx)


def test_root_help() -> None:
    result = CliRunner().invoke(cli, prog_name="jobctl", args=["--help"])
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: jobctl [OPTIONS] COMMAND [ARGS]...")
    for name in NAMES:
        assert f"  {name} " in result.stdout


def test_every_service_is_a_command() -> None:
    assert set(NAMES) <= set(_commands())


@pytest.mark.parametrize("name", _commands())
def test_subcommand_help(name: str) -> None:
    result = CliRunner().invoke(cli, prog_name="jobctl", args=[name, "--help"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Usage: jobctl {name} [OPTIONS]")
    assert result.stderr == ""


@pytest.mark.parametrize("name", NAMES)
def test_service_help_lists_every_flag_and_shared_option(name: str) -> None:
    result = CliRunner().invoke(cli, prog_name="jobctl", args=[name, "--help"])
    text = result.stdout
    for flag in get_spec(name).flags:
        assert flag.option in text
        for alias in flag.aliases:
            assert alias in text
    for option in (
        "--output",
        "--columns",
        "--no-headers",
        "--max-items",
        "--page-size",
        "--starting-token",
        "--profile",
        "--region",
        "--endpoint-url",
        "--sandbox",
        "--debug",
    ):
        assert option in text, option


def test_batch_help_says_the_default_is_every_status() -> None:
    text = " ".join(
        CliRunner().invoke(cli, prog_name="jobctl", args=["batch", "--help"]).stdout.split()
    )
    assert "Every status by default" in text
    assert "--status running asks for that" in text  # the API's own RUNNING-only default


def test_iot_help_lists_statuses() -> None:
    text = CliRunner().invoke(cli, prog_name="jobctl", args=["iot", "--help"]).stdout
    assert "IN_PROGRESS|CANCELED|COMPLETED|DELETION_IN_PROGRESS|SCHEDULED" in text
