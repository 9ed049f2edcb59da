"""The audiences a project declares: dbt exposures with ``meta.scorehouse_audience``.

dbt checks each declaration when the segments are built (macros/segments/_audiences.sql);
Python only needs their names, to tell an unknown audience from an empty one.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from scorehouse.errors import ScorehouseError
from scorehouse.project import Project

SYNC_VIEW = "seg_audience_sync"


def declared_audiences(project: Project) -> dict[str, Path]:
    """Every declared audience's name, with the YAML file that declares it."""
    found: dict[str, Path] = {}
    for folder in project.model_paths:
        for path in sorted(folder.rglob("*.yml")):
            try:
                document = yaml.safe_load(path.read_text()) or {}
            except yaml.YAMLError as error:
                raise ScorehouseError(f"{path}: not valid YAML: {error}") from error
            for exposure in document.get("exposures") or []:
                meta = dict(exposure.get("meta") or {})
                meta.update((exposure.get("config") or {}).get("meta") or {})
                if "scorehouse_audience" in meta:
                    found[str(exposure.get("name"))] = path
    return found
