"""The layout is the architecture: each layer imports only the layers below it.

config/terms/errors ← build ← store ← protocol ← catalog ← service ←
linked_data ← web ← cli. An import that runs upward, or fastapi outside
``kg.web``, fails here with the file and line. Imports under ``if
TYPE_CHECKING:`` are type hints, not dependencies, and are allowed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
LAYERS = [
    ("base", ["kg", "kg.config", "kg.errors", "kg.terms", "kg.headers", "kg.results", "kg.rq"]),
    ("build", ["kg.build"]),
    ("store", ["kg.store"]),
    ("protocol", ["kg.protocol"]),
    ("catalog", ["kg.catalog"]),
    ("service", ["kg.service", "kg.loading"]),
    ("linked_data", ["kg.linked_data"]),
    ("web", ["kg.web"]),
    ("cli", ["kg.cli"]),
]
WEB_ONLY = ("fastapi", "starlette", "uvicorn", "jinja2")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted((SRC / "kg").rglob("*.py"))}


def layer_of(module: str) -> int:
    """The layer of a module: the longest listed prefix that names it or its package."""
    best, depth = None, -1
    for index, (_name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and prefix.count(".") > depth:
                best, depth = index, prefix.count(".")
    if best is None:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS")
    return best


def imports(path: Path) -> list[tuple[str, int]]:
    """(imported module, line) for every import outside ``if TYPE_CHECKING:`` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:  # "from kg.build import graph" imports the module kg.build.graph
                candidate = f"{node.module}.{alias.name}"
                found.append((candidate if candidate in MODULES else node.module, node.lineno))
    return found


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        layer_of(module)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_run_only_downward(module: str) -> None:
    own = layer_of(module)
    upward = [
        f"{MODULES[module].relative_to(SRC)}:{line} imports {imported} ({LAYERS[layer_of(imported)][0]})"
        for imported, line in imports(MODULES[module])
        if imported.split(".")[0] == "kg" and layer_of(imported) > own
    ]
    assert not upward, f"{module} ({LAYERS[own][0]}) imports upward:\n" + "\n".join(upward)


@pytest.mark.parametrize("module", sorted(m for m in MODULES if not m.startswith("kg.web")))
def test_the_web_framework_stays_in_kg_web(module: str) -> None:
    web = [f"line {line}: {name}" for name, line in imports(MODULES[module]) if name.split(".")[0] in WEB_ONLY]
    assert not web, f"{module} imports the web framework:\n" + "\n".join(web)


def test_an_upward_import_is_caught(tmp_path: Path) -> None:
    """The check itself: a store module that imports the service is reported."""
    sample = tmp_path / "sample.py"
    sample.write_text("from kg.service import Service\nif TYPE_CHECKING:\n    from kg.web.app import create_app\n")
    found = imports(sample)
    assert found == [("kg.service", 1)]
    assert layer_of("kg.service") > layer_of("kg.store.sparql")
