"""ARCHITECTURE.md's layer table, checked against every import in harness/.

A module may import from its own row or the rows above it (the facts at the top), at module
level or inside a function; imports under ``if TYPE_CHECKING:`` never run and are not counted.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HARNESS = ROOT / "harness"
_ROW = re.compile(r"^\|\s*([^|]+?)\s*\|\s*([^|]+?)\s*\|")


def layer_table() -> list[tuple[str, tuple[str, ...]]]:
    """The rows of the table under "Layers", top first: (layer, its harness modules)."""
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("## Layers", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        match = _ROW.match(line)
        if match and match.group(1) not in ("Layer", "---"):
            modules = tuple(re.findall(r"`(harness(?:\.\w+)*)`", match.group(2)))
            rows.append((match.group(1), modules))
    return rows


def layer_of(module: str, rows: list[tuple[str, tuple[str, ...]]]) -> int | None:
    """The row a module belongs to: the longest table entry it is, or is inside of."""
    best: tuple[int, int] | None = None
    for index, (_, entries) in enumerate(rows):
        for entry in entries:
            # the bare package name stands for its own __init__ only
            inside = entry != "harness" and module.startswith(entry + ".")
            if (module == entry or inside) and (best is None or len(entry) > best[1]):
                best = (index, len(entry))
    return best[0] if best else None


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in (
            "TYPE_CHECKING",
            "typing.TYPE_CHECKING",
        ):
            for child in node.body:
                skipped.update(id(inner) for inner in ast.walk(child))
    return skipped


def harness_imports(path: Path, module: str | None = None) -> list[tuple[int, str]]:
    """Every ``harness...`` module a file imports, with its line, wherever the import is."""
    module = module or _module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_only(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                package = module.split(".")
                if path.name != "__init__.py":
                    package = package[:-1]
                base = ".".join(package[: len(package) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.append((node.lineno, target))
    return [(line, name) for line, name in found if name.split(".")[0] == "harness"]


def test_the_table_names_every_package_of_harness() -> None:
    rows = layer_table()
    unplaced = sorted(
        name for path in HARNESS.rglob("*.py") if layer_of(name := _module_name(path), rows) is None
    )
    assert unplaced == [], "place these in ARCHITECTURE.md's layer table"


def test_the_new_packages_are_placed() -> None:
    rows = layer_table()
    for name in ("harness.policy", "harness.intercept", "harness.swagger", "harness.releases"):
        assert layer_of(name, rows) is not None, name
    assert layer_of("harness.pytest_intercept", rows) == layer_of("harness.pytest_plugin", rows)


@pytest.mark.parametrize(
    "path", sorted(HARNESS.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_every_import_points_to_the_same_layer_or_above(path: Path) -> None:
    rows = layer_table()
    mine = layer_of(_module_name(path), rows)
    assert mine is not None
    below = [
        f"line {line}: {name} ({rows[theirs][0]}, below {rows[mine][0]})"
        for line, name in harness_imports(path)
        if (theirs := layer_of(name, rows)) is not None and theirs > mine
    ]
    unknown = [
        f"line {line}: {name}"
        for line, name in harness_imports(path)
        if layer_of(name, rows) is None
    ]
    assert below == []
    assert unknown == []


def test_the_check_sees_an_import_below_inside_a_function(tmp_path: Path) -> None:
    rows = layer_table()
    spec, stub = layer_of("harness.spec", rows), layer_of("harness.stub", rows)
    assert spec is not None and stub is not None and spec < stub
    source = tmp_path / "probe.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from harness.drift import run_drift\n"
        "def f():\n    from harness.stub import Stub\n",
        encoding="utf-8",
    )
    assert harness_imports(source, "harness.spec.probe") == [(5, "harness.stub")]


def _import_graph() -> dict[str, set[str]]:
    """Module -> the harness modules it imports (``from pkg import module`` names the module)."""
    modules = {_module_name(path): path for path in HARNESS.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = _type_checking_only(tree)
        targets: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                for alias in node.names:
                    submodule = f"{node.module}.{alias.name}"
                    targets.add(submodule if submodule in modules else node.module)
        graph[name] = {target for target in targets if target in modules} - {name}
    return graph


def test_no_two_modules_import_each_other_through_a_chain() -> None:
    graph = _import_graph()
    # a package's __init__ re-exports its modules; a module importing its own package's
    # __init__ is a cycle in name only, so only module-to-module edges count
    packages = {
        name for name, path in graph.items() if (HARNESS.parent / name.replace(".", "/")).is_dir()
    }
    edges = {name: targets - packages for name, targets in graph.items() if name not in packages}
    cycles = []
    for start in edges:
        stack = [(start, (start,))]
        while stack:
            node, path = stack.pop()
            for target in edges.get(node, ()):
                if target == start:
                    cycles.append(" -> ".join((*path, start)))
                elif target not in path and target > start:
                    stack.append((target, (*path, target)))
    assert cycles == []
