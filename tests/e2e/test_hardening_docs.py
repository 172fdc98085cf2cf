"""docs/robustness.md names a test for every case: each name must exist, and every
hardening test must be named there."""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).parent
DOC = HERE.parent.parent / "docs" / "robustness.md"


def _defined() -> set[str]:
    names = set()
    for path in HERE.glob("test_hardening_*.py"):
        kind = path.stem.removeprefix("test_hardening_")
        if kind == "docs":
            continue
        for name in re.findall(r"^def test_(\w+)\(", path.read_text(), re.MULTILINE):
            names.add(f"{kind}::{name}")
    return names


def _documented() -> set[str]:
    return set(re.findall(r"`(\w+::\w+)`", DOC.read_text()))


def test_every_test_named_in_the_doc_exists() -> None:
    assert _documented() - _defined() == set()


def test_every_test_named_by_its_path_exists() -> None:
    """Cases proved outside the hardening files are named `tests/…/file.py::name`."""
    root = HERE.parent.parent
    named = [
        (path, name)
        for path, name in re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", DOC.read_text())
        if not name.startswith("test_")  # the doc's own example of the notation
    ]
    assert named
    missing = [
        f"{path}::{name}"
        for path, name in named
        if not re.search(rf"^def test_{name}\(", (root / path).read_text(), re.MULTILINE)
    ]
    assert missing == []


def test_every_hardening_test_is_in_the_doc() -> None:
    assert _defined() - _documented() == set()
