"""The builder that makes a service's subcommand from the specs of the APIs serving it.

A subcommand's flags are the union of its APIs' flags (`jobctl batch`: ListServiceJobs'
and ListJobs'); each API then lists what its own flags can honour.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import click

from jobctl import model
from jobctl.cli.options import ListOption, listing_options, validate_time
from jobctl.services.spec import Flag, Part, ServiceSpec
from jobctl.settings import Settings

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem


class ModelChoice(click.Choice):
    """Choices read from botocore's model only when needed (help, parsing, completion),
    matched case-insensitively, and always shown and returned as the model spells them."""

    def __init__(self, sources: Sequence[tuple[str, str, str]], extra: Sequence[str] = ()):
        self._sources = tuple(sources)  # (client, operation, member) of each API's flag
        self._extra = tuple(extra)
        super().__init__((), case_sensitive=True)

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        values = [value for source in self._sources for value in model.enum_values(*source)]
        return tuple(dict.fromkeys([*values, *self._extra]))

    @choices.setter
    def choices(self, value: Sequence[str]) -> None:  # click's __init__ assigns it
        pass

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        by_folded = {choice.casefold(): choice for choice in self.choices}
        found = by_folded.get(str(value).strip().casefold())
        if found is None:
            self.fail(f"{value!r} is not one of {', '.join(self.choices)}", param, ctx)
        return found

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        # Matched as convert() matches (any case), offered as the model spells them, so
        # `--status in<TAB>` becomes IN_PROGRESS. click's own would match case-sensitively.
        from click.shell_completion import CompletionItem

        folded = incomplete.casefold()
        return [CompletionItem(c) for c in self.choices if c.casefold().startswith(folded)]


def _member_validator(spec: ServiceSpec, flag: Flag) -> Callable[..., Any]:
    """Check a value against the model's length and pattern before any request is sent."""

    def check(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is None:
            return value
        values = value if isinstance(value, tuple) else (value,)
        for item in values:
            _check_text(spec, flag, item)
        return value

    return check


def _check_text(spec: ServiceSpec, flag: Flag, value: str) -> None:
    if not value.strip():
        raise click.BadParameter("must not be empty")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise click.BadParameter("must not contain control characters")
    if flag.pattern and not re.fullmatch(flag.pattern, value):
        raise click.BadParameter(f"{value!r} is not valid: expected {flag.pattern_help}")
    if flag.validate_member is None:
        return
    shape = model.member_shape(spec.client, spec.operation, flag.validate_member)
    low, high, pattern = shape.get("min"), shape.get("max"), shape.get("pattern")
    if low is not None and len(value) < low:
        raise click.BadParameter(f"must be at least {low} characters")
    if high is not None and len(value) > high:
        raise click.BadParameter(f"must be at most {high} characters")
    if pattern and not re.fullmatch(pattern, value):
        raise click.BadParameter(f"{value!r} is not a valid value (expected {pattern})")


def make_option(flag: Flag, owners: Sequence[ServiceSpec]) -> Callable[[Any], Any]:
    """The click option of a flag that one or more of a command's APIs declare. A flag
    that declares `multiple` follows the one rule for lists (ListOption): repeated,
    comma-separated, or both."""
    names = [flag.option, *flag.aliases, flag.dest]
    kwargs: dict[str, Any] = {
        "help": flag.help,
        "required": flag.required,
        "metavar": flag.metavar,
    }
    if flag.multiple:
        kwargs["cls"] = ListOption
        kwargs["fold_case"] = flag.any_case
        kwargs["metavar"] = f"{flag.metavar}[,{flag.metavar}]"
        kwargs["help"] = f"{flag.help} Several: comma-separated or repeated."
    if flag.enum_member:
        sources = [(spec.client, spec.operation, flag.enum_member) for spec in owners]
        kwargs["type"] = ModelChoice(sources, flag.extra_choices)
        kwargs.pop("metavar")
    elif flag.kind == "time":
        kwargs["callback"] = validate_time
        kwargs["metavar"] = "TIME"
    else:
        kwargs["callback"] = _member_validator(owners[0], flag)
    return click.option(*names, **kwargs)


def _flags(specs: Sequence[ServiceSpec]) -> list[tuple[Flag, list[ServiceSpec]]]:
    """Each distinct flag of the APIs, in declaration order, with the APIs declaring it."""
    found: dict[str, tuple[Flag, list[ServiceSpec]]] = {}
    for spec in specs:
        for flag in spec.flags:
            if flag.dest in found:
                found[flag.dest][1].append(spec)
            else:
                found[flag.dest] = (flag, [spec])
    return list(found.values())


def parts_for(specs: Sequence[ServiceSpec], values: dict[str, Any]) -> list[Part]:
    """The APIs that can honour the flags given: an API that does not declare a flag the
    user gave cannot have a job matching it (ListServiceJobs has no --job-definition)."""
    given = {name for name, value in values.items() if value not in (None, ())}
    return [Part(spec, values) for spec in specs if given <= {flag.dest for flag in spec.flags}]


def examples_epilog(command: str, examples: Sequence[tuple[str, str]]) -> str:
    """The examples section of a command's help; `\b` keeps click from rewrapping each
    paragraph."""
    paragraphs = ["Examples (the --sandbox demo data; drop --sandbox to list your AWS jobs):"]
    for what, args in examples:
        paragraphs.append(f"\b\n  # {what}\n  jobctl {command} --sandbox {args}")
    return "\n\n".join(paragraphs)


def build_command(name: str, specs: Sequence[ServiceSpec]) -> click.Command:
    """The click command of a service: its APIs' flags plus every shared option."""
    primary = specs[0]

    @click.pass_context
    def callback(ctx: click.Context, **kwargs: Any) -> None:
        from jobctl.cli.context import current_run
        from jobctl.listing.run import run_parts

        settings = Settings.pop_from(kwargs)
        run = current_run()
        run.debug = settings.debug
        ctx.exit(int(run_parts(parts_for(specs, kwargs), settings, run.io())))

    # The service's own flags first in --help, then the shared options.
    command: Callable[..., Any] = listing_options(callback)
    for flag, owners in reversed(_flags(specs)):
        command = make_option(flag, owners)(command)
    return click.command(
        name,
        help=f"{primary.summary}\n\n{primary.description}".strip(),
        short_help=primary.summary,
        epilog="\n\n".join(
            x for x in (primary.epilog, examples_epilog(name, primary.examples)) if x
        ),
    )(command)
