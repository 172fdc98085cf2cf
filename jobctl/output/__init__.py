"""Renderers: one per format behind one interface, found through a registry."""

from __future__ import annotations

import importlib

from jobctl.output.base import Renderer, RenderOptions
from jobctl.output.formats import FORMATS

# format → "module:class"; a module loads when its format is used.
_REGISTRY: dict[str, str] = {
    "table": "jobctl.output.table:TableRenderer",
    "wide": "jobctl.output.table:WideTableRenderer",
    "json": "jobctl.output.jsonout:JsonRenderer",
    "jsonl": "jobctl.output.jsonout:JsonLinesRenderer",
    "csv": "jobctl.output.delimited:CsvRenderer",
    "tsv": "jobctl.output.delimited:TsvRenderer",
}


def renderer_for(name: str) -> type[Renderer]:
    module, _, attr = _REGISTRY[name.lower()].partition(":")
    return getattr(importlib.import_module(module), attr)  # type: ignore[no-any-return]


__all__ = ["FORMATS", "RenderOptions", "Renderer", "renderer_for"]
