"""The whole jobctl package, read from source: no import cycle, and one service, one place.

Every module is parsed with `ast`, never imported, so a module that would fail to import
is still checked. An import anywhere in a module counts, inside a function too: a lazy
import (kept out of `--help`'s start-up) would otherwise hide a cycle. Only imports under
`if TYPE_CHECKING:` are left out: they never run.

`from jobctl.sandbox import records` is an edge to the module `jobctl.sandbox.records`;
`from jobctl.services import all_specs` one to the package `jobctl.services` (its
`__init__`). A package's `__init__` running before its modules is not an edge: it would
make every package that imports its own modules a cycle. Modules found at run time by
name (`importlib.import_module(f"jobctl.services.{module}")`, through the registry) are
no edge either: that is how the generic code reaches a service without naming it.

tests/sandbox/test_structure.py holds the sandbox's own rules (layers, no service named
in its generic code).
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator
from pathlib import Path

from jobctl import registry
from jobctl.sandbox import services as sandbox_services

PACKAGE = Path(__file__).resolve().parents[1] / "jobctl"


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(root: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package under `root`, by dotted name."""
    return {module_name(path, root): path for path in sorted(root.rglob("*.py"))}


def _type_checking_only(tree: ast.AST) -> set[int]:
    """The nodes under an `if TYPE_CHECKING:` (or `typing.TYPE_CHECKING`) block."""
    return {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for statement in node.body
        for child in ast.walk(statement)
    }


def imported(path: Path, known: set[str]) -> Iterator[tuple[int, str]]:
    """(line, module) of every import of a module of `known` in one file, lazy ones too."""
    name = module_name(path, PACKAGE if path.is_relative_to(PACKAGE) else path.parents[1])
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(), filename=str(path))
    skipped = _type_checking_only(tree)
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = alias.name
                while target and target not in known:  # `import jobctl.x.y` → its module
                    target = target.rpartition(".")[0]
                if target:
                    yield node.lineno, target
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from .x import y / from .. import z
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                if f"{base}.{alias.name}" in known:  # a module of the package
                    yield node.lineno, f"{base}.{alias.name}"
                elif base in known:  # a name from a module (or a package's __init__)
                    yield node.lineno, base


def import_graph(root: Path = PACKAGE) -> dict[str, dict[str, int]]:
    """module → {module it imports: the line of the first such import}."""
    found = modules(root)
    known = set(found)
    graph: dict[str, dict[str, int]] = {}
    for name, path in found.items():
        edges: dict[str, int] = {}
        for line, target in imported(path, known):
            if target != name:
                edges.setdefault(target, line)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, dict[str, int]]) -> list[str] | None:
    """One import cycle, as the modules along it (the first repeated at the end)."""
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        trail: list[str] = [start]
        on_trail = {start}
        pending = [iter(sorted(graph[start]))]
        while pending:
            nxt = next(pending[-1], None)
            if nxt is None:
                pending.pop()
                done.add(trail[-1])
                on_trail.discard(trail.pop())
                continue
            if nxt in on_trail:
                return [*trail[trail.index(nxt) :], nxt]
            if nxt not in done:
                trail.append(nxt)
                on_trail.add(nxt)
                pending.append(iter(sorted(graph.get(nxt, ()))))
    return None


def describe(cycle: list[str], graph: dict[str, dict[str, int]]) -> str:
    steps = [f"{here} (line {graph[here][there]})" for here, there in itertools.pairwise(cycle)]
    return " -> ".join([*steps, cycle[-1]])


def test_the_package_has_no_import_cycle() -> None:
    graph = import_graph()
    assert len(graph) > 50  # the whole package was read
    assert "jobctl.registry" in graph["jobctl.services"]
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + describe(cycle, graph)


def test_the_check_sees_a_cycle_through_a_lazy_import(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.sub import b\n")
    (package / "sub" / "b.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from pkg import c  # never runs: no edge\n"
        "def later():\n"
        "    from ..c import name  # lazy and relative: an edge all the same\n"
    )
    (package / "c.py").write_text("import pkg.a\n")
    graph = import_graph(package)
    assert graph["pkg.sub.b"] == {"pkg.c": 5}
    cycle = find_cycle(graph)
    assert cycle is not None
    assert describe(cycle, graph) == (
        "pkg.a (line 1) -> pkg.sub.b (line 5) -> pkg.c (line 1) -> pkg.a"
    )


# Where a service may be named by module: its own modules and the registry.
SERVICE_HOMES = ("jobctl.services.", "jobctl.sandbox.services.")


def service_modules() -> set[str]:
    apis = set(registry.APIS)
    return {f"jobctl.services.{module}" for module in apis} | {
        f"jobctl.sandbox.services.{module}" for module in apis | set(sandbox_services.EXTRA_MODULES)
    }


def test_only_the_services_and_the_registry_import_a_service() -> None:
    graph = import_graph()
    services = service_modules()
    assert services <= set(graph)  # every module the registry names exists
    outside = [
        f"{module} imports {target} (line {line})"
        for module, edges in graph.items()
        if module != "jobctl.registry" and not module.startswith(SERVICE_HOMES)
        for target, line in edges.items()
        if target in services
    ]
    assert outside == []
