"""The output format names, importable without loading any renderer."""

FORMATS: tuple[str, ...] = ("table", "wide", "json", "jsonl", "csv", "tsv")
