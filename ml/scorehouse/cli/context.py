"""What every sub-command needs: the dbt project and the chosen target."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from scorehouse.package import check_versions
from scorehouse.project import Project, Target, find_project, resolve_target


class Context:
    def __init__(self, project_dir: Path | None, target: str | None, profiles_dir: Path | None):
        self._project_dir = project_dir
        self._target_name = target
        self._profiles_dir = profiles_dir

    @cached_property
    def project(self) -> Project:
        project = find_project(self._project_dir)
        check_versions(project)
        return project

    @cached_property
    def target(self) -> Target:
        return resolve_target(self.project, self._target_name, self._profiles_dir)
