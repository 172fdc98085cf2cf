"""Renderers: one per format behind one interface, found through a registry."""

from __future__ import annotations

import importlib

from jobctl.output.base import Renderer, RenderOptions
from jobctl.output.formats import FORMATS
from jobctl.output.streams import Streams
from jobctl.settings import Settings

# format → "module:class"; modules load on use so rich is imported only for a tty table.
_REGISTRY: dict[str, str] = {
    "table": "jobctl.output.table:TableRenderer",
    "json": "jobctl.output.jsonout:JsonRenderer",
    "jsonl": "jobctl.output.jsonout:JsonLinesRenderer",
    "csv": "jobctl.output.delimited:CsvRenderer",
    "tsv": "jobctl.output.delimited:TsvRenderer",
}


def renderer_for(name: str) -> type[Renderer]:
    module, _, attr = _REGISTRY[name.lower()].partition(":")
    found = getattr(importlib.import_module(module), attr)
    assert isinstance(found, type) and issubclass(found, Renderer)
    return found


def make_renderer(settings: Settings, streams: Streams, extra: tuple[str, ...] = ()) -> Renderer:
    """The renderer a listing's settings ask for, writing to the given streams."""
    options = RenderOptions(
        columns=settings.columns,
        headers=not settings.no_headers,
        tty=streams.stdout_tty,
        color=streams.color,
        csv_raw=settings.csv_raw,
        extra_columns=extra,
        table_format=settings.table_format,
    )
    if settings.summary:
        from jobctl.output.summary import SummaryRenderer

        return SummaryRenderer(streams.stdout, options, streams.stderr, output=settings.output)
    return renderer_for(settings.output)(streams.stdout, options, streams.stderr)


__all__ = ["FORMATS", "RenderOptions", "Renderer", "Streams", "make_renderer", "renderer_for"]
