"""Finding specs in a project's model folders: every ``meta.scorehouse`` block of a
``<name>_scores`` model in a properties file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from scorehouse.names import RULE, is_valid
from scorehouse.spec.model import SCORES_SUFFIX, Spec, SpecError
from scorehouse.spec.sections import parse_spec


def find_specs(model_paths: list[Path]) -> dict[str, Spec]:
    """Every spec in the project's model folders, by model name."""
    specs: dict[str, Spec] = {}
    for folder in model_paths:
        for path in sorted(folder.rglob("*.yml")):
            for name, block in _spec_blocks(path):
                if name in specs:
                    raise SpecError(
                        f"model {name!r} is declared twice: {specs[name].path} and {path}"
                    )
                specs[name] = parse_spec(block, name, path)
    return specs


def _spec_blocks(path: Path) -> list[tuple[str, Any]]:
    try:
        document = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as error:
        raise SpecError(f"{path} is not valid YAML: {error}") from error
    found = []
    for model in document.get("models", []) or [] if isinstance(document, dict) else []:
        if not isinstance(model, dict):
            continue
        meta = (model.get("config") or {}).get("meta") or model.get("meta") or {}
        if "scorehouse" not in meta:
            continue
        dbt_name = str(model.get("name", ""))
        if not dbt_name.endswith(SCORES_SUFFIX):
            raise SpecError(
                f"{path}: the scorehouse spec sits on model {dbt_name!r}; put it on the scoring "
                f"model, named '<model name>{SCORES_SUFFIX}'"
            )
        name = dbt_name[: -len(SCORES_SUFFIX)]
        if not is_valid(name):
            raise SpecError(
                f"{path}: model {dbt_name!r} declares a scorehouse spec named {name!r}, which "
                f"breaks the naming rule: {RULE}"
            )
        found.append((name, meta["scorehouse"]))
    return found


def load_spec(model_paths: list[Path], name: str) -> Spec:
    if not is_valid(name):
        raise SpecError(f"{name!r} cannot be a model name: the naming rule is {RULE}")
    specs = find_specs(model_paths)
    if name not in specs:
        known = ", ".join(sorted(specs)) or "none"
        raise SpecError(f"no model spec named {name!r} (specs in this project: {known})")
    return specs[name]
