"""The output formats: their names, importable without loading any renderer, and the
renderer of each, loaded when its format is used.

The summary renders its rows through `renderer_for` too: it lives here, below both the
package and the summary, so neither imports the other.
"""

from __future__ import annotations

import importlib

from jobctl.output.base import Renderer

FORMATS: tuple[str, ...] = ("table", "wide", "json", "jsonl", "csv", "tsv")

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
    found = getattr(importlib.import_module(module), attr)
    assert isinstance(found, type) and issubclass(found, Renderer)
    return found
