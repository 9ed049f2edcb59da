"""Locate the dbt project scorehouse stands in, and the dbt profile target it uses.

scorehouse reads the same profile as dbt, so the warehouse is configured once. The
profiles file is looked up the way dbt does it (``--profiles-dir``, ``DBT_PROFILES_DIR``,
the project folder, ``~/.dbt``); when none exists, the project's ``profiles.example.yml``
is used as it is, so the demo runs without copying anything.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import yaml

from scorehouse.errors import ScorehouseError

PROFILES_FILE = "profiles.yml"
GENERATED_DIR_VAR = "scorehouse_generated_dir"
EXAMPLE_PROFILES_FILE = "profiles.example.yml"


@dataclass(frozen=True)
class Target:
    """One output of a dbt profile, with its settings rendered."""

    profile: str
    name: str
    settings: dict[str, Any]
    profiles_path: Path
    project_dir: Path

    @property
    def type(self) -> str:
        return str(self.settings.get("type", ""))

    @property
    def schema(self) -> str:
        return str(self.settings.get("schema", "main"))


@dataclass(frozen=True)
class Project:
    """A dbt project folder and its ``dbt_project.yml``."""

    root: Path
    config: dict[str, Any] = field(repr=False)

    @property
    def profile_name(self) -> str:
        return str(self.config.get("profile", self.config.get("name", "")))

    def var(self, name: str, default: Any = None) -> Any:
        return (self.config.get("vars") or {}).get(name, default)

    @property
    def model_paths(self) -> list[Path]:
        """The folders dbt reads models (and their YAML) from."""
        return [self.root / p for p in self.config.get("model-paths", ["models"])]

    @property
    def generated_dir(self) -> Path:
        """Where ``scorehouse compile`` writes the generated scoring models: var
        ``scorehouse_generated_dir`` (relative to the project), by default
        ``<first model path>/scorehouse/generated``."""
        configured = self.var(GENERATED_DIR_VAR)
        if not configured:
            return self.model_paths[0] / "scorehouse" / "generated"
        folder = (self.root / str(configured)).resolve()
        inside = [p for p in self.model_paths if folder.is_relative_to(p.resolve())]
        if not inside:
            raise ScorehouseError(
                f"var {GENERATED_DIR_VAR} is {configured!r}, outside the project's model paths "
                f"({', '.join(str(p.relative_to(self.root)) for p in self.model_paths)}): dbt "
                "would not read the models written there"
            )
        return self.root / str(configured)


def find_project(start: Path | None = None) -> Project:
    """The dbt project containing ``start`` (default: the working directory)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "dbt_project.yml"
        if candidate.is_file():
            return Project(root=folder, config=_read_yaml(candidate))
    raise ScorehouseError(
        f"no dbt_project.yml in {here} or any folder above it: run scorehouse inside a dbt "
        "project, or pass --project-dir"
    )


def profiles_path(project: Project, profiles_dir: Path | None = None) -> Path:
    """Where the profiles file is, following dbt's own search order."""
    candidates: list[Path] = []
    explicit = profiles_dir if profiles_dir is not None else os.environ.get("DBT_PROFILES_DIR")
    if explicit:
        # asked for by name: its absence is an error, never a silent fall-back to the example
        given = "--profiles-dir" if profiles_dir is not None else "DBT_PROFILES_DIR"
        path = Path(explicit) / PROFILES_FILE
        if not path.is_file():
            raise ScorehouseError(
                f"{given} names {explicit}, but there is no {PROFILES_FILE} in it"
                + ("" if Path(explicit).is_dir() else " (the folder does not exist)")
            )
        return path
    candidates += [project.root / PROFILES_FILE, Path.home() / ".dbt" / PROFILES_FILE]
    candidates.append(project.root / EXAMPLE_PROFILES_FILE)
    for path in candidates:
        if path.is_file():
            return path
    looked = ", ".join(str(p) for p in candidates)
    raise ScorehouseError(f"no dbt profiles file found; looked in: {looked}")


def resolve_target(
    project: Project, target: str | None = None, profiles_dir: Path | None = None
) -> Target:
    """The rendered settings of ``target`` (default: the profile's own default target)."""
    path = profiles_path(project, profiles_dir)
    profiles = _read_yaml(path)
    name = project.profile_name
    if name not in profiles:
        known = ", ".join(sorted(k for k in profiles if k != "config")) or "none"
        raise ScorehouseError(f"profile {name!r} is not in {path} (profiles there: {known})")
    profile = profiles[name] or {}
    outputs = profile.get("outputs") or {}
    chosen = target or os.environ.get("DBT_TARGET") or profile.get("target")
    if chosen not in outputs:
        known = ", ".join(sorted(outputs)) or "none"
        raise ScorehouseError(
            f"unknown target {chosen!r} in profile {name!r} of {path}; targets there: {known}"
        )
    settings = _render(outputs[chosen])
    return Target(
        profile=name,
        name=str(chosen),
        settings=settings,
        profiles_path=path,
        project_dir=project.root,
    )


def dbt_profiles_dir(target: Target) -> Path:
    """A folder holding a ``profiles.yml`` for dbt that matches ``target``.

    When the profile came from ``profiles.example.yml``, dbt cannot read it under that name,
    so a copy named ``profiles.yml`` is kept in the project's ``.scorehouse`` folder.
    """
    if target.profiles_path.name == PROFILES_FILE:
        return target.profiles_path.parent
    scratch = target.project_dir / ".scorehouse"
    scratch.mkdir(exist_ok=True)
    copy = scratch / PROFILES_FILE
    text = target.profiles_path.read_text()
    if not copy.is_file() or copy.read_text() != text:
        copy.write_text(text)
    return scratch


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise ScorehouseError(f"{path} is not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise ScorehouseError(f"{path} should hold a mapping at its top level")
    return data


def _env_var(name: str, default: str | None = None) -> str:
    if name in os.environ:
        return os.environ[name]
    if default is None:
        raise ScorehouseError(
            f"the profile needs the environment variable {name}, which is not set"
        )
    return default


def _render(value: Any) -> Any:
    """Render the ``{{ env_var(...) }}`` templates dbt allows in profiles."""
    if isinstance(value, dict):
        return {k: _render(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_render(v) for v in value]
    if isinstance(value, str) and "{{" in value:
        rendered = jinja2.Environment().from_string(value).render(env_var=_env_var)
        return yaml.safe_load(rendered) if rendered.strip() else rendered
    return value
