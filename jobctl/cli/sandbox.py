"""``jobctl sandbox``: serve the embedded endpoint until Ctrl-C.

stdout carries only shell: ``export`` lines and ``#`` comments with commands to try, so
``eval "$(jobctl sandbox --print-env)"`` works. Progress and the request log go to stderr.
The fault flags are generated from the ``Faults`` dataclass, one flag per field.
"""

from __future__ import annotations

import re
import shlex
import signal
import threading
from collections.abc import Callable
from dataclasses import MISSING, fields
from typing import Any

import click

from jobctl.sandbox.faults import Faults
from jobctl.sandbox.org import DEFAULT_EXTERNAL_ID, DEFAULT_ROLE

DEFAULT_PORT = 4599
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "jobctl-sandbox", "AWS_SECRET_ACCESS_KEY": "sandbox"}
_FLAG_NAMES = {
    "regions": "--fault-region",
    "services": "--fault-service",
    "operations": "--fault-operation",
    "accounts": "--fault-account",
}
# The flags that shape a generated organization: meaningless without --accounts (a data
# file's accounts say all this themselves, but for the role's name).
ORGANIZATION_FLAGS = {
    "suspended": "--suspended",
    "without_role": "--without-role",
    "external_id_accounts": "--external-id-accounts",
    "external_id": "--external-id",
    "role_name": "--role-name",
    "management_role": "--management-role",
}
ACCOUNT_ID = re.compile(r"\d{12}")
# Faults fields whose keyword would collide with another option's (--accounts N).
_DESTS = {"accounts": "fault_accounts"}


def _matching(pattern: str) -> Any:
    """A callback checking each value of a repeatable flag (--fault-account)."""

    def check(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> Any:
        bad = [value for value in values if not re.fullmatch(pattern, value)]
        if bad:
            raise click.BadParameter(f"{bad[0]!r} is not an account ID (12 digits)")
        return values

    return check


def _fault_options(command: Any) -> Any:
    """One click option per Faults field, in declaration order."""
    for spec in reversed([f for f in fields(Faults) if f.init]):
        flag = _FLAG_NAMES.get(spec.name, "--" + spec.name.replace("_", "-"))
        default = spec.default if spec.default is not MISSING else None
        extra: dict[str, Any] = {"help": spec.metadata["help"], "show_default": False}
        choices = spec.metadata.get("choices")
        if isinstance(default, tuple):
            extra |= {"multiple": True, "type": click.Choice(choices) if choices else str}
            if spec.metadata.get("pattern"):
                extra["callback"] = _matching(spec.metadata["pattern"])
        elif choices:
            extra["type"] = click.Choice(choices)
        elif isinstance(default, bool):
            extra["is_flag"] = True
        elif isinstance(default, float):
            extra |= {"type": click.FloatRange(min=0), "metavar": "SECONDS"}
        else:
            metavar = "K" if "page" in spec.name else "MS" if spec.name.endswith("_ms") else "N"
            extra |= {"type": click.IntRange(min=0), "metavar": metavar}
        dest = _DESTS.get(spec.name, spec.name)
        command = click.option(flag, dest, default=default, **extra)(command)
    return command


def _members_option(name: str, default: str, help_text: str) -> Callable[[Any], Any]:
    """An option selecting members of the organization: a share, a count or IDs."""
    return click.option(
        name,
        metavar="SHARE|N|IDS",
        default=default,
        show_default=True,
        callback=lambda ctx, param, value: _selector(value, param),
        help=help_text,
    )


@click.command("sandbox")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port to listen on; 0 picks a free one.",
)
@click.option(
    "--jobs",
    "jobs_per_service",
    type=click.IntRange(0, 100_000),
    default=300,
    show_default=True,
    help="Demo jobs per service in each demo region.",
)
@click.option(
    "--data",
    "data_file",
    type=click.Path(dir_okay=False),
    help="Serve the jobs in this JSON file instead of demo data (see docs/sandbox.md).",
)
@click.option("--region", default="us-east-1", show_default=True, help="Default region.")
@click.option(
    "--clock",
    metavar="TIME|live",
    callback=lambda ctx, param, value: _clock(value),
    help="Fix the clock at TIME (ISO 8601, like 2026-11-20T12:00:00Z): the demo data ends "
    "there, identical on every run, and no job moves. Default: JOBCTL_SANDBOX_CLOCK if set, "
    "else 'live': the data ends when the sandbox starts and a few jobs change state.",
)
@click.option(
    "--move-scale",
    type=click.FloatRange(min=0, min_open=True, max=1000),
    metavar="FACTOR",
    help="On a live clock, multiply the moving jobs' schedule (one to two minutes a job, a "
    "new wave every five) by FACTOR: 0.05 moves them in seconds. Default: "
    "JOBCTL_SANDBOX_MOVE_SCALE if set, else 1.",
)
@click.option(
    "--disabled-regions",
    metavar="R[,R...]",
    multiple=True,
    callback=lambda ctx, param, value: _region_list(value),
    help="Regions the account has not enabled (opt-in regions left off): requests signed "
    "for them get AWS's UnrecognizedClientException, and the Account API's ListRegions "
    "reports them DISABLED. Comma-separated or repeated.",
)
@click.option(
    "--account-api-denied",
    is_flag=True,
    help="Answer the Account API's ListRegions with AccessDeniedException, as for a caller "
    "not allowed account:ListRegions.",
)
@click.option(
    "--accounts",
    type=click.IntRange(1, 100_000),
    metavar="N",
    help="Serve an organization of N accounts: this sandbox's own (the management account, "
    "whose data is the usual demo data) and N-1 generated members, each with its own demo "
    "data, made on the first request that reaches an account and region (--jobs per API). "
    "AssumeRole hands out a member's credentials, ListAccounts lists them. Default: one "
    "account, in no organization.",
)
@_members_option(
    "--suspended",
    "5%",
    "With --accounts: the members that are suspended or closed (AssumeRole is denied "
    "there): a share (5%, 0.05), a count, or comma-separated account IDs.",
)
@_members_option(
    "--without-role",
    "5%",
    "With --accounts: the members without the role (invited accounts; AssumeRole is "
    "denied there). The management account has none either, unless --management-role.",
)
@_members_option(
    "--external-id-accounts",
    "1%",
    "With --accounts: the members whose role requires --external-id.",
)
@click.option(
    "--external-id",
    default=DEFAULT_EXTERNAL_ID,
    show_default=True,
    help="With --accounts: the ExternalId those roles require.",
)
@click.option(
    "--role-name",
    default=DEFAULT_ROLE,
    show_default=True,
    help="With --accounts (or --data with accounts): the role the members have (AssumeRole "
    "of any other is denied).",
)
@click.option(
    "--management-role",
    is_flag=True,
    help="With --accounts: the management account has the role too (AWS creates it only "
    "in the members it creates).",
)
@click.option(
    "--credential-ttl",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Make every credential AssumeRole issues expire after SECONDS, whatever "
    "DurationSeconds asked: requests signed with them then answer ExpiredToken(Exception), "
    "and botocore's refreshing credentials renew them.",
)
@click.option(
    "--print-env",
    is_flag=True,
    help="Print the export lines for --host/--port and exit, without serving.",
)
@click.option("-q", "--quiet", is_flag=True, help="Do not log requests on stderr.")
@_fault_options
@click.pass_context
def sandbox(ctx: click.Context, **options: Any) -> None:
    """Serve the job listings of every jobctl command locally.

    The endpoint speaks the services' real wire protocols, so boto3, the AWS CLI and
    jobctl work against it unchanged. It serves demo data that ends when it starts (a few
    jobs keep moving) or at --clock, or the jobs in --data. Fault flags make it misbehave
    on purpose, for testing clients.
    """
    fault_values = {
        f.name: options.pop(_DESTS.get(f.name, f.name)) for f in fields(Faults) if f.init
    }
    if options["print_env"]:
        if options["port"] == 0:
            raise click.UsageError("--print-env needs a fixed --port (the default is 4599)")
        url = f"http://{options['host']}:{options['port']}"
        click.echo(_env_lines(url, options["region"]))
        return
    source = ctx.get_parameter_source("jobs_per_service")
    if options["data_file"] and source is click.core.ParameterSource.COMMANDLINE:
        raise click.UsageError("--jobs and --data cannot be used together")
    if options["accounts"] is None:
        given = [
            flag
            for name, flag in ORGANIZATION_FLAGS.items()
            if ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE
            and not (name == "role_name" and options["data_file"])
        ]
        if given:
            raise click.UsageError(f"{given[0]} needs --accounts N")
    _serve(options, Faults(**fault_values))


def _region_list(values: tuple[str, ...]) -> tuple[str, ...]:
    """--disabled-regions a,b --disabled-regions c: each a region name."""
    from jobctl.sandbox.datafile import REGION_PATTERN

    names = tuple(dict.fromkeys(n.strip() for v in values for n in v.split(",") if n.strip()))
    bad = [name for name in names if not REGION_PATTERN.fullmatch(name)]
    if bad:
        raise click.BadParameter(f"{bad[0]!r} is not a region name (like ap-east-1)")
    return names


def _selector(value: str, param: click.Parameter) -> float | int | list[str]:
    """--suspended 5% | 0.05 | 12 | 210987654321,... : a share, a count or account IDs."""
    text = value.strip()
    try:
        if text.endswith("%"):
            share = float(text[:-1]) / 100
        elif "." in text:
            share = float(text)
        elif "," in text or ACCOUNT_ID.fullmatch(text):
            ids = [part.strip() for part in text.split(",") if part.strip()]
            bad = [i for i in ids if not ACCOUNT_ID.fullmatch(i)]
            if bad:
                raise click.BadParameter(f"{bad[0]!r} is not an account ID (12 digits)")
            return ids
        else:
            return int(text)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is neither a share (5%, 0.05), a count nor account IDs"
        ) from None
    if not 0 <= share <= 1:
        raise click.BadParameter(f"a share is from 0% to 100%, not {value!r}")
    return share


def _clock(value: str | None) -> str | None:
    """--clock checked when the command line is read (a bad value is a usage error)."""
    if value is not None:
        from jobctl.sandbox.clock import ClockError, parse

        try:
            parse(value, "--clock")
        except ClockError as exc:
            raise click.BadParameter(exc.message.removeprefix("--clock: ")) from None
    return value


def _serve(options: dict[str, Any], faults: Faults) -> None:
    from jobctl.sandbox.clock import ClockError
    from jobctl.sandbox.records import DataError
    from jobctl.sandbox.server import RequestRecord, Sandbox

    def log(record: RequestRecord) -> None:
        # Requests arrive once the sandbox serves: `sb` is bound by then. In an
        # organization (--accounts or a data file's accounts) each names its account.
        parts = (record.service, record.operation, record.region)
        account = [record.account] if sb.organization.in_use else []
        where = " ".join(str(p) for p in (*parts, *account))
        outcome = f"{record.status}" + (f" {record.error}" if record.error else "")
        extra = f" [{', '.join(record.faults)}]" if record.faults else ""
        click.echo(f"{record.method} {record.path} {where} -> {outcome}{extra}", err=True)

    try:
        sb = Sandbox(
            options["jobs_per_service"],
            options["data_file"],
            faults,
            options["host"],
            options["port"],
            region=options["region"],
            on_request=None if options["quiet"] else log,
            clock=options["clock"],
            move_scale=options["move_scale"],
            disabled_regions=options["disabled_regions"],
            account_api_denied=options["account_api_denied"],
            accounts=options["accounts"],
            suspended=options["suspended"],
            without_role=options["without_role"],
            external_id_accounts=options["external_id_accounts"],
            external_id=options["external_id"],
            role_name=options["role_name"],
            management_role=options["management_role"],
            credential_ttl=options["credential_ttl"],
        )
    except DataError as exc:
        raise click.BadParameter(str(exc), param_hint="'--data'") from None
    except ValueError as exc:  # an organization that cannot be (IDs that are no members)
        raise click.UsageError(str(exc)) from None
    except ClockError as exc:  # from JOBCTL_SANDBOX_CLOCK or JOBCTL_SANDBOX_MOVE_SCALE
        raise click.UsageError(exc.message) from None
    try:
        sb.start()
    except OSError as exc:
        hint = " (pass --port 0 for a free port)" if options["port"] else ""
        raise click.ClickException(
            f"cannot listen on {options['host']}:{options['port']}: {exc.strerror}{hint}"
        ) from None
    stop = threading.Event()
    # Ctrl-C and SIGTERM (a supervisor, `kill`) both stop cleanly, exit 0: jobctl's own
    # handlers would turn them into an interrupted listing's 130 / 143. Installed before
    # the URL is printed, so a signal sent as soon as it is read is already ours.
    previous = {
        signum: signal.signal(signum, lambda *_: stop.set())
        for signum in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        click.echo(_env_lines(sb.endpoint_url, sb.region))
        click.echo(_examples(sb))
        moving = len(sb.moving_jobs())
        click.echo(
            f"jobctl sandbox: clock {sb.clock.describe()}"
            + (f"; {moving} jobs moving (more every few minutes)" if moving else ""),
            err=True,
        )
        if sb.organization.in_use:
            line = _organization_line(sb.organization, demo=not options["data_file"])
            click.echo(f"jobctl sandbox: {line}", err=True)
        click.echo(f"jobctl sandbox: serving on {sb.endpoint_url}; press Ctrl-C to stop", err=True)
        while not stop.wait(0.5):
            pass
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        sb.stop()
        click.echo("jobctl sandbox: stopped", err=True)


def _env_lines(url: str, region: str) -> str:
    values = {
        "AWS_ENDPOINT_URL": url,
        **CREDENTIALS,
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
    }
    lines = [f"export {name}={shlex.quote(value)}" for name, value in values.items()]
    # A profile or session token in the environment would win over the dummy keys.
    return "\n".join([*lines, "unset AWS_PROFILE AWS_SESSION_TOKEN"])


def _examples(sb: Any) -> str:
    """Commands that return data from this sandbox, each API's own (its module's)."""
    parents = sb.parents()
    examples = [
        example
        for service in sb.data.catalog
        if service.examples is not None
        for example in service.examples(parents)
    ]
    if sb.organization.in_use:
        examples += [
            example
            for service in sb.data.catalog
            if service.organization_examples is not None
            for example in service.organization_examples(sb.organization)
        ]
    lines = ["# Then try, for example:"]
    lines += [f"#   {example.jobctl}" for example in examples]
    lines += [f"#   {example.aws} --endpoint-url {sb.endpoint_url}" for example in examples]
    return "\n".join(lines)


def _organization_line(organization: Any, demo: bool) -> str:
    """How many accounts the organization has, and which of them a client cannot reach."""
    count = len(organization.accounts)
    roleless = len([i for i in organization.without_role if i != organization.management.id])
    management = " and the management account" if not organization.management.role else ""
    parts = [
        f"{len(organization.suspended)} suspended",
        f"{roleless} member{'s' if roleless != 1 else ''}{management} without the role "
        f"{organization.role_name}",
        f"{len(organization.requiring_external_id)} requiring an external ID",
    ]
    ttl = organization.credential_ttl
    lifetime = f"; credentials expire after {ttl:g} s" if ttl else ""
    made = "; each account's demo data is made on first use" if demo else ""
    return (
        f"organization {organization.id} of {count} account{'s' if count != 1 else ''} "
        f"({', '.join(parts)}){lifetime}{made}"
    )
