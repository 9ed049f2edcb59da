"""Changing which version serves: promote one, roll back to the previous champion. Each
checks the version's artifacts first and regenerates the scoring models after."""

from __future__ import annotations

from functools import partial

from scorehouse.engines import connect
from scorehouse.project import Project, Target
from scorehouse.registry.artifacts import verified_dir
from scorehouse.registry.versions import Registry
from scorehouse.scoring.compile_models import compile_models
from scorehouse.spec import load_spec


def promote(
    project: Project, target: Target, name: str, version: int, *, regenerate: bool = True
) -> None:
    spec = load_spec(project.model_paths, name)
    with connect(target) as con:
        Registry(con, target.schema).promote(spec, version, partial(verified_dir, project.root))
    if regenerate:
        compile_models(project, target, name)


def rollback(project: Project, target: Target, name: str) -> int:
    """The version serving again."""
    spec = load_spec(project.model_paths, name)
    with connect(target) as con:
        version = Registry(con, target.schema).rollback(spec, partial(verified_dir, project.root))
    compile_models(project, target, name)
    return version
