"""The package's imports point one way: down the map in ml/scorehouse/README.md."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.support.project import REPO

PACKAGE = REPO / "ml" / "scorehouse"


def _layers() -> list[set[str]]:
    """The map's lines, top first: the units (folders and modules) each names."""
    block = (PACKAGE / "README.md").read_text().split("```")[1]
    layers: list[set[str]] = []
    for line in block.splitlines():
        if not line.strip():
            continue
        if line.startswith(" "):  # a continued description
            continue
        head = line.split("  ")[0]  # the names, before the description
        names = {re.sub(r"(/|\.py)$", "", n.strip()) for n in head.split(",") if n.strip()}
        layers.append(names)
    # dbt.py's line names selectors.py and package.py in its description too
    for layer in layers:
        if "dbt" in layer:
            layer |= {"selectors", "package"}
    return layers


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found |= {_unit(n) for n in names if n.startswith("scorehouse.")}
    # `from scorehouse import __version__` names the package itself, not a unit
    return {u for u in found if (PACKAGE / u).is_dir() or (PACKAGE / f"{u}.py").is_file()}


def test_every_unit_is_on_the_map():
    on_map = set().union(*_layers())
    units = {p.stem for p in PACKAGE.glob("*.py")} | {
        p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()
    }
    units.discard("__init__")
    assert units <= on_map, sorted(units - on_map)


def test_imports_only_point_down_the_map():
    layers = _layers()
    level = {unit: i for i, layer in enumerate(layers) for unit in layer}
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        unit = relative.parts[0].removesuffix(".py")
        if unit == "__init__":
            continue
        for imported in _imports(path) - {unit, ""}:
            if level[imported] < level[unit]:
                wrong.append(f"{relative} imports {imported}")
    assert wrong == []
