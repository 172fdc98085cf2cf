"""One service, one place: the sandbox's generic code names no service, its layers import
downwards only, and every API of the registry has its sandbox module."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from jobctl import registry
from jobctl.sandbox import catalog
from jobctl.sandbox.service import SandboxService
from jobctl.services import spec_of_module

SANDBOX = Path(__file__).resolve().parents[2] / "jobctl" / "sandbox"
COMMAND = SANDBOX.parent / "cli" / "sandbox.py"
GENERIC = sorted(SANDBOX.glob("*.py"))

# Low to high: a module may import its own layer and the ones below. `services` stands for
# every module of jobctl/sandbox/services/.
LAYERS = [
    {"wire", "tokens", "models", "clock", "records", "protocols", "query", "org"},
    {"service"},
    {"store"},
    {"paginate", "demo", "datafile", "live"},
    {"services"},
    {"catalog"},
    {"faults"},
    {"server"},
    {"__init__"},
]
# What the sandbox may use of the rest of jobctl (and nothing of the product's layers).
PACKAGES = {"jobctl", "jobctl.sandbox", "jobctl.sandbox.services"}
ALLOWED_OUTSIDE = {
    "jobctl",
    "jobctl.aws.clients",
    "jobctl.registry",
    "jobctl.model",
    "jobctl.errors",
}


def service_words() -> set[str]:
    """Every spelling of a service's name: the registry's modules and commands, the
    sandbox's API names and their botocore names."""
    words = set(registry.APIS) | set(registry.APIS.values())
    for service in catalog.services():
        words |= {service.name, service.botocore_name}
    # The account every service belongs to (ACCOUNT_ID, the Account dataclass) is a word
    # of the generic code; the Account API itself lives in services/account.py.
    words.discard("account")
    return words


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def named_services(path: Path) -> list[str]:
    """The string literals (not docstrings) and identifiers of a module that name a service."""
    tree = ast.parse(path.read_text())
    docstrings = _docstrings(tree)
    words = service_words()
    pattern = re.compile(
        r"(?<![A-Za-z0-9])("
        + "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
        + r")(?![A-Za-z0-9])",
        re.IGNORECASE,
    )
    hits = []
    for node in ast.walk(tree):
        texts: list[str] = []
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                texts.append(node.value)
        elif isinstance(node, ast.Name):
            texts.append(node.id)
        elif isinstance(node, ast.Attribute):
            texts.append(node.attr)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            texts.append(node.name)
        elif isinstance(node, ast.arg):
            texts.append(node.arg)
        for text in texts:
            for found in pattern.findall(text.replace("_", "-")):
                hits.append(f"{path.name}:{getattr(node, 'lineno', '?')}: {found!r} in {text!r}")
    return hits


@pytest.mark.parametrize("path", [*GENERIC, COMMAND], ids=[*(p.name for p in GENERIC), "cli"])
def test_generic_sandbox_code_names_no_service(path: Path) -> None:
    assert named_services(path) == []


def test_the_check_would_see_a_service_named_in_code(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        '"""Docstrings may say Batch."""\n'
        "def f(spec):\n"
        "    if spec.name == 'batch-jobs':\n"
        "        return spec.snowball_view\n"
    )
    assert [hit.split(": ", 1)[1] for hit in named_services(probe)] == [
        "'batch-jobs' in 'batch-jobs'",
        "'snowball' in 'snowball_view'",
    ]


def _imports(path: Path) -> list[str]:
    """The jobctl modules a module imports at run time (TYPE_CHECKING blocks left out)."""
    tree = ast.parse(path.read_text())
    skipped = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for child in ast.walk(node)
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            # `from jobctl.sandbox import records` imports the module, not the package's
            # __init__ (which imports nothing at run time).
            if node.module not in PACKAGES:
                found.append(node.module)
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return [name for name in found if name == "jobctl" or name.startswith("jobctl.")]


def _layer_name(module: str) -> str | None:
    """The layer entry of a jobctl.sandbox module name, or None for a name inside one."""
    parts = module.split(".")
    if parts[:2] != ["jobctl", "sandbox"]:
        return None
    if len(parts) == 2:
        return "__init__"
    if parts[2] == "services":
        return "services"
    return parts[2]


def _layer(name: str) -> int:
    for index, layer in enumerate(LAYERS):
        if name in layer:
            return index
    raise AssertionError(f"{name} is in no layer of {__file__}")


def _sandbox_modules() -> list[tuple[Path, str]]:
    found = [(path, path.stem) for path in GENERIC if path.stem != "__main__"]
    found += [(path, "services") for path in sorted((SANDBOX / "services").glob("*.py"))]
    return found


def test_layers_import_downwards_only_and_nothing_of_the_product() -> None:
    known = {name for layer in LAYERS for name in layer}
    problems = []
    for path, name in _sandbox_modules():
        assert name in known, f"{path} is in no layer"
        for imported in _imports(path):
            target = _layer_name(imported)
            if target is None:
                if imported not in ALLOWED_OUTSIDE and not any(
                    imported.startswith(allowed + ".") for allowed in ALLOWED_OUTSIDE - {"jobctl"}
                ):
                    problems.append(f"{path.name} imports {imported}")
                continue
            if target not in known:  # `from jobctl.sandbox import records`: a module name
                continue
            if _layer(target) > _layer(name):
                problems.append(f"{path.name} ({name}) imports {imported} ({target}), above it")
    assert problems == []


def _dotted(path: Path, name: str) -> str:
    package = "jobctl.sandbox.services" if name == "services" else "jobctl.sandbox"
    return f"{package}.{path.stem}"


def test_no_import_cycle_within_the_sandbox() -> None:
    graph: dict[str, set[str]] = {}
    names = {path: _dotted(path, name) for path, name in _sandbox_modules()}
    modules = set(names.values())
    for path, me in names.items():
        graph[me] = {imported for imported in _imports(path) if imported in modules} - {me}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        if state.get(node) == 1:
            raise AssertionError("import cycle: " + " -> ".join([*trail, node]))
        if state.get(node) == 2:
            return
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            visit(nxt, [*trail, node])
        state[node] = 2

    for node in sorted(graph):
        visit(node, [])


@pytest.mark.parametrize("module", list(registry.APIS))
def test_every_api_of_the_registry_has_its_sandbox_module(module: str) -> None:
    sandbox = catalog.load(module)
    product = spec_of_module(module)
    assert isinstance(sandbox, SandboxService)
    assert sandbox.name == product.name
    assert (sandbox.botocore_name, sandbox.list_operation) == (product.client, product.operation)
    assert sandbox.list_operation in {op.name for op in sandbox.operations}
