"""The output format names, importable without loading any renderer."""

FORMATS: tuple[str, ...] = ("table", "json", "jsonl", "csv", "tsv")
