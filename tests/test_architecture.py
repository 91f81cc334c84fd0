"""The dependency rule of docs/design.md, read from the source with ast: a forbidden arrow fails the suite.

Layers, top to bottom (a module imports its own layer or a lower one, never a higher one):

    cli (cli, console, demo)  →  web  →  app  →  domain (engine, probes, inventory, catalog, events, config, …)
    →  store, transport  →  leaves (errors, results, secrets, verdict, durations, logs, small model modules)

Besides: probes, inventory and catalog import neither the store nor the console; the web and the CLI never touch
the store's engine, its tables or SQLAlchemy; only app/ opens a database; no module imports itself in a circle
(type-only imports count), and no two packages depend on each other at run time.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "src"
PACKAGE = "sitewarden"

LEAVES = {
    "sitewarden",  # __version__ only
    "sitewarden.errors",
    "sitewarden.results",
    "sitewarden.secrets",
    "sitewarden.verdict",
    "sitewarden.acceptance",
    "sitewarden.durations",
    "sitewarden.logs",
    "sitewarden.passwords",
    "sitewarden.states",
    "sitewarden.clock",
    "sitewarden.memory",
    "sitewarden.registry",
    "sitewarden.names",
    "sitewarden.strict_json",  # strict RFC 8259 reading for the json kind and inventory documents
    "sitewarden.availability",  # SLA arithmetic over intervals, pure
    "sitewarden.trust",  # what a store-defined site may use: the site policy and HostPath
    # small model modules: data the store keeps, or settings the config is composed of, importing only leaves
    "sitewarden.events.model",
    "sitewarden.inventory.model",
    "sitewarden.catalog.records",
    "sitewarden.web.settings",
    "sitewarden.engine.settings",
}
LAYERS: dict[str, int] = {
    "cli": 5,
    "__main__": 5,
    "console": 5,
    "console_tables": 5,
    "terminal": 5,
    "demo": 5,
    "web": 4,
    "app": 3,
    "engine": 2,
    "probes": 2,
    "inventory": 2,
    "catalog": 2,
    "events": 2,
    "config": 2,
    "fleet": 2,
    "sites_import": 2,
    "store": 1,
    "transport": 1,
}
PURE = ("probes", "inventory", "catalog", "fleet")
"""Packages that import neither the store nor the console."""
THIN = ("cli", "console", "console_tables", "web")
"""Callers that reach the store only through app/ (type-only imports of store dataclasses are fine)."""
STORE_INTERNALS = ("sitewarden.store.database", "sitewarden.store.tables", "sqlalchemy")

TEMPORARY: set[tuple[str, str]] = set()
"""Arrows still to be removed by the workstream that owns the module; each must disappear, never grow."""
TEMPORARY_PACKAGE_CYCLES: set[frozenset[str]] = set()
"""Package cycles still to be removed (none left; an entry needs the comment that says who removes it)."""


@dataclass(frozen=True, slots=True)
class Arrow:
    """One import: from a module to a module (or external package), and whether it is only for type checking."""

    source: str
    target: str
    typing_only: bool
    line: int


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for path in sorted((SOURCE / PACKAGE).rglob("*.py"))
        if "migrations" not in path.relative_to(SOURCE).parts
    }


MODULES = source_modules()


def _typing_block(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, typing_only: bool = False) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, typing_only
        elif isinstance(node, ast.If) and _typing_block(node):
            for child in node.body:
                yield from _imports(ast.Module(body=[child], type_ignores=[]), True)
            for child in node.orelse:
                yield from _imports(ast.Module(body=[child], type_ignores=[]), typing_only)
        else:
            yield from _imports(node, typing_only)


def _resolve(name: str) -> str:
    """The module an import names: `sitewarden.a.b.C` → `sitewarden.a.b` when C is not a module itself."""
    if not name.startswith(PACKAGE):
        return name.split(".")[0]
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def arrows_of(module: str, path: Path) -> list[Arrow]:
    return arrows_in(module, path.read_text(encoding="utf-8"), is_package=path.name == "__init__.py")


def arrows_in(module: str, text: str, *, is_package: bool = False) -> list[Arrow]:
    """Every import of one module's source, relative imports resolved, names resolved to their module."""
    tree = ast.parse(text)
    package = module if is_package else module.rsplit(".", 1)[0]
    found = []
    for node, typing_only in _imports(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            names = [f"{base}.{alias.name}" for alias in node.names] if base.startswith(PACKAGE) else [base]
        for name in names:
            target = _resolve(name)
            if target != module:
                found.append(Arrow(module, target, typing_only, node.lineno))
    return found


ARROWS = [arrow for module, path in MODULES.items() for arrow in arrows_of(module, path)]
INTERNAL = [arrow for arrow in ARROWS if arrow.target.startswith(PACKAGE)]


def top(module: str) -> str:
    """The first name below `sitewarden` (package or module), or `sitewarden` itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else PACKAGE


def layer(module: str) -> int:
    if module in LEAVES:
        return 0
    return LAYERS[top(module)]


def describe(arrows: list[Arrow]) -> str:
    return "\n".join(f"{a.source} → {a.target} (line {a.line})" for a in arrows)


def test_every_module_has_a_layer() -> None:
    unplaced = sorted({module for module in MODULES if module not in LEAVES and top(module) not in LAYERS})
    assert unplaced == [], f"place these in LAYERS or LEAVES: {unplaced}"


def test_leaves_import_only_leaves() -> None:
    wrong = [a for a in INTERNAL if a.source in LEAVES and a.target not in LEAVES]
    assert wrong == [], describe(wrong)


def test_no_module_imports_a_higher_layer() -> None:
    upward = [
        a
        for a in INTERNAL
        if layer(a.target) > layer(a.source) and (a.source, a.target) not in TEMPORARY and not a.typing_only
    ]
    assert upward == [], "imports against the layer rule:\n" + describe(upward)


def test_store_imports_no_domain_logic() -> None:
    wrong = [a for a in INTERNAL if top(a.source) == "store" and top(a.target) != "store" and a.target not in LEAVES]
    assert wrong == [], describe(wrong)


@pytest.mark.parametrize("package", PURE)
def test_pure_packages_import_neither_store_nor_console(package: str) -> None:
    wrong = [
        a
        for a in INTERNAL
        if top(a.source) == package and top(a.target) in ("store", "console", "console_tables", "app")
    ]
    assert wrong == [], describe(wrong)


@pytest.mark.parametrize("caller", THIN)
def test_cli_and_web_reach_the_store_only_through_app(caller: str) -> None:
    wrong = [
        a
        for a in ARROWS
        if top(a.source) == caller
        and any(a.target == name or a.target.startswith(name + ".") for name in STORE_INTERNALS)
    ]
    assert wrong == [], describe(wrong)


def test_only_app_opens_a_database() -> None:
    callers = []
    for module, path in MODULES.items():
        if top(module) == "app" or module == "sitewarden.store.database":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            named = isinstance(node, ast.Name) and node.id == "open_database"
            named = named or (isinstance(node, ast.alias) and node.name == "open_database")
            if named:
                callers.append(f"{module} (line {getattr(node, 'lineno', '?')})")
    assert callers == [], f"open_database outside app/: {callers}"


def _cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            members = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                members.add(member)
                if member == node:
                    break
            if len(members) > 1:
                found.append(frozenset(members))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_between_modules() -> None:
    graph: dict[str, set[str]] = {}
    for arrow in INTERNAL:
        graph.setdefault(arrow.source, set()).add(arrow.target)
    assert _cycles(graph) == []


REGISTRIES = {"sitewarden.config.kinds"}
"""Modules that only gather other packages' registries; a node of their own, so asking them is no cycle."""


def _package_node(module: str) -> str:
    return module if module in LEAVES or module in REGISTRIES else top(module)


def test_registries_import_only_the_families_they_gather() -> None:
    wrong = [a for a in INTERNAL if a.source in REGISTRIES and top(a.target) == top(a.source)]
    assert wrong == [], describe(wrong)


def test_no_import_cycle_between_packages() -> None:
    graph: dict[str, set[str]] = {}
    for arrow in INTERNAL:
        if arrow.typing_only or (arrow.source, arrow.target) in TEMPORARY:
            continue
        source, target = _package_node(arrow.source), _package_node(arrow.target)
        if source != target:
            graph.setdefault(source, set()).add(target)
    unexpected = [sorted(cycle) for cycle in _cycles(graph) if cycle not in TEMPORARY_PACKAGE_CYCLES]
    assert unexpected == []


def test_reader_sees_upward_and_type_only_arrows() -> None:
    """The rule is not vacuous: a web import in the catalogue is upward, a TYPE_CHECKING import is marked so."""
    text = (
        "from typing import TYPE_CHECKING\n"
        "from ..web.context import web\n"
        "if TYPE_CHECKING:\n"
        "    from sitewarden.store.tables import checks\n"
    )
    arrows = [a for a in arrows_in("sitewarden.catalog.assess", text) if a.target.startswith(PACKAGE)]
    assert arrows == [
        Arrow("sitewarden.catalog.assess", "sitewarden.web.context", False, 2),
        Arrow("sitewarden.catalog.assess", "sitewarden.store.tables", True, 4),
    ]
    assert [a.target for a in arrows if layer(a.target) > layer(a.source)] == ["sitewarden.web.context"]
