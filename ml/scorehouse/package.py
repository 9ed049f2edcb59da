"""scorehouse in a user's dbt project: the dbt package it installed, and what the project
holds.

The Python package and the dbt package are released together: a project whose
``dbt_packages/scorehouse`` is another version than the installed ``scorehouse`` command
would run macros and Python that do not agree, so every command checks it first.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from scorehouse import __version__
from scorehouse.errors import ScorehouseError
from scorehouse.project import Project
from scorehouse.spec import Spec, SpecError

PACKAGE = "scorehouse"
_SNAPSHOT = re.compile(r"{%-?\s*snapshot\s+([A-Za-z_][A-Za-z0-9_]*)")


def packages_dir(project: Project) -> Path:
    return project.root / str(project.config.get("packages-install-path", "dbt_packages"))


def installed_version(project: Project) -> str | None:
    """The version of the scorehouse dbt package the project installed (``dbt deps``), or
    None when it has none installed (the package's own repository, or before ``dbt deps``)."""
    path = packages_dir(project) / PACKAGE / "dbt_project.yml"
    if not path.is_file():
        return None
    config = yaml.safe_load(path.read_text()) or {}
    return str(config.get("version", "")) or None


def check_versions(project: Project) -> None:
    """Refuse to run when the project's dbt package and this Python package differ."""
    installed = installed_version(project)
    if installed is None or installed == __version__:
        return
    raise ScorehouseError(
        f"this project's dbt package scorehouse is version {installed} "
        f"({packages_dir(project) / PACKAGE}), but the scorehouse command is {__version__}. "
        f"Install the matching command (pip install 'scorehouse=={installed}'), or point "
        f"packages.yml at scorehouse {__version__} and run `dbt deps`"
    )


def needs_deps(project: Project) -> bool:
    """Whether the project declares packages (packages.yml or dependencies.yml) that are not
    installed yet."""
    for name in ("packages.yml", "dependencies.yml"):
        path = project.root / name
        if path.is_file():
            declared = (yaml.safe_load(path.read_text()) or {}).get("packages") or []
            if declared and not (packages_dir(project) / PACKAGE).exists():
                return True
    return False


def relations(project: Project) -> set[str]:
    """The names a ``ref()`` of the project can reach: its models, seeds and snapshots, and
    those of the packages it installed."""
    roots = [(project.root, project.config)]
    installed = packages_dir(project)
    if installed.is_dir():
        for folder in sorted(installed.iterdir()):
            config_file = folder / "dbt_project.yml"
            if config_file.is_file():
                roots.append((folder, yaml.safe_load(config_file.read_text()) or {}))
    found: set[str] = set()
    for root, config in roots:
        for folder in config.get("model-paths", ["models"]):
            found |= {p.stem for p in (root / folder).rglob("*.sql")}
            found |= {p.stem for p in (root / folder).rglob("*.py")}
        for folder in config.get("seed-paths", ["seeds"]):
            found |= {p.stem for p in (root / folder).rglob("*.csv")}
        for folder in config.get("snapshot-paths", ["snapshots"]):
            for path in (root / folder).rglob("*.sql"):
                found |= set(_SNAPSHOT.findall(path.read_text()))
    return found


def check_relations(project: Project, spec: Spec) -> None:
    """The relations a spec names must be models, seeds or snapshots of the project: the
    generated scoring models ``ref()`` them."""
    known = relations(project)
    for key in ("relation", "score_relation"):
        name = getattr(spec.data, key)
        if name not in known:
            raise SpecError(
                f"{spec.path}: model {spec.name!r}: data.{key} {name!r} is not a model, seed or "
                f"snapshot of the project {project.root} (nor of its installed packages)"
            )
