"""Renderers: one per format behind one interface, found through a registry."""

from __future__ import annotations

from jobctl.output.base import Renderer, RenderOptions
from jobctl.output.formats import FORMATS, renderer_for
from jobctl.output.streams import Streams
from jobctl.settings import Settings


def make_renderer(
    settings: Settings,
    streams: Streams,
    extra: tuple[str, ...] = (),
    varying: frozenset[str] = frozenset(),
    now: float | None = None,
    spans: frozenset[str] = frozenset(),
) -> Renderer:
    """The renderer a listing's settings ask for, writing to the given streams.

    `extra`: the fields the listing adds (profile, parent); `varying`: which of service,
    region, profile, account and parent differ between its jobs (the table's columns);
    `now`: the clock for age and duration (None: the current time); `spans`: which of
    service, region, profile and parent the listing has several of (what a summary
    counts by, unless --summary-by says)."""
    from jobctl.output.width import terminal_width

    options = RenderOptions(
        columns=settings.columns,
        headers=not settings.no_headers,
        tty=streams.stdout_tty,
        color=streams.color,
        csv_raw=settings.csv_raw,
        extra_columns=extra,
        table_format=settings.table_format,
        varying=varying,
        width=terminal_width(streams.stdout) if streams.stdout_tty else None,
        now=now,
    )
    if settings.summary:
        from jobctl.output.summary import SummaryRenderer, default_by

        by = settings.summary_by or default_by(spans)
        return SummaryRenderer(
            streams.stdout, options, streams.stderr, output=settings.output, by=by
        )
    return renderer_for(settings.output)(streams.stdout, options, streams.stderr)


__all__ = ["FORMATS", "RenderOptions", "Renderer", "Streams", "make_renderer", "renderer_for"]
