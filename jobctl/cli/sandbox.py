"""``jobctl sandbox``: serve the embedded endpoint until Ctrl-C.

stdout carries only shell: ``export`` lines and ``#`` comments with commands to try, so
``eval "$(jobctl sandbox --print-env)"`` works. Progress and the request log go to stderr.
The fault flags are generated from the ``Faults`` dataclass, one flag per field.
"""

from __future__ import annotations

import shlex
import signal
import threading
from dataclasses import MISSING, fields
from typing import Any

import click

from jobctl.sandbox.faults import Faults

DEFAULT_PORT = 4599
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "jobctl-sandbox", "AWS_SECRET_ACCESS_KEY": "sandbox"}
_FLAG_NAMES = {
    "regions": "--fault-region",
    "services": "--fault-service",
    "operations": "--fault-operation",
}


def _fault_options(command: Any) -> Any:
    """One click option per Faults field, in declaration order."""
    for spec in reversed([f for f in fields(Faults) if f.init]):
        flag = _FLAG_NAMES.get(spec.name, "--" + spec.name.replace("_", "-"))
        default = spec.default if spec.default is not MISSING else None
        extra: dict[str, Any] = {"help": spec.metadata["help"], "show_default": False}
        choices = spec.metadata.get("choices")
        if isinstance(default, tuple):
            extra |= {"multiple": True, "type": click.Choice(choices) if choices else str}
        elif choices:
            extra["type"] = click.Choice(choices)
        elif isinstance(default, bool):
            extra["is_flag"] = True
        elif isinstance(default, float):
            extra |= {"type": click.FloatRange(min=0), "metavar": "SECONDS"}
        else:
            metavar = "K" if "page" in spec.name else "MS" if spec.name.endswith("_ms") else "N"
            extra |= {"type": click.IntRange(min=0), "metavar": metavar}
        command = click.option(flag, spec.name, default=default, **extra)(command)
    return command


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
    fault_values = {f.name: options.pop(f.name) for f in fields(Faults) if f.init}
    if options["print_env"]:
        if options["port"] == 0:
            raise click.UsageError("--print-env needs a fixed --port (the default is 4599)")
        url = f"http://{options['host']}:{options['port']}"
        click.echo(_env_lines(url, options["region"]))
        return
    source = ctx.get_parameter_source("jobs_per_service")
    if options["data_file"] and source is click.core.ParameterSource.COMMANDLINE:
        raise click.UsageError("--jobs and --data cannot be used together")
    _serve(options, Faults(**fault_values))


def _region_list(values: tuple[str, ...]) -> tuple[str, ...]:
    """--disabled-regions a,b --disabled-regions c: each a region name."""
    from jobctl.sandbox.datafile import REGION_PATTERN

    names = tuple(dict.fromkeys(n.strip() for v in values for n in v.split(",") if n.strip()))
    bad = [name for name in names if not REGION_PATTERN.fullmatch(name)]
    if bad:
        raise click.BadParameter(f"{bad[0]!r} is not a region name (like ap-east-1)")
    return names


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
        where = " ".join(str(p) for p in (record.service, record.operation, record.region))
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
        )
    except DataError as exc:
        raise click.BadParameter(str(exc), param_hint="'--data'") from None
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
    lines = ["# Then try, for example:"]
    lines += [f"#   {example.jobctl}" for example in examples]
    lines += [f"#   {example.aws} --endpoint-url {sb.endpoint_url}" for example in examples]
    return "\n".join(lines)
