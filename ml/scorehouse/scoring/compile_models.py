"""``scorehouse compile NAME``: regenerate a model's scoring models from the registry."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from scorehouse.engines import Connection, connect, engine_of, qualified, quote
from scorehouse.package import check_relations
from scorehouse.project import Project, Target
from scorehouse.registry.artifacts import load_pipeline, verified_dir
from scorehouse.registry.versions import Registry
from scorehouse.scoring.generate import classes_of, write_scoring_models
from scorehouse.spec import Spec, load_spec
from scorehouse.training.data import check_columns, relation_columns


def label_classes(con: Connection, spec: Spec, schema: str) -> list[Any]:
    """The label's values, sorted as scikit-learn sorts ``classes_``."""
    label = quote(spec.data.label)
    rows = con.fetchall(
        f"SELECT DISTINCT {label} FROM {qualified(schema, spec.data.relation)} "
        f"WHERE {label} IS NOT NULL ORDER BY 1 LIMIT 3"
    )
    return [r[0] for r in rows]


def compile_models(project: Project, target: Target, name: str) -> list[Path]:
    spec = load_spec(project.model_paths, name)
    check_relations(project, spec)
    with connect(target) as con:
        check_columns(
            spec,
            relation_columns(con, spec.data.score_relation, target.schema),
            spec.data.score_relation,
        )
        registry = Registry(con, target.schema)
        registry.ensure_tables()
        champion = registry.champion(spec.name)
        challenger = registry.challenger(spec.name)
        classes = classes_of(champion) or label_classes(con, spec, target.schema)
        if registry.passport(spec.name) is None:
            registry.set_serving(
                spec,
                "rule" if champion is None else "model",
                "" if champion else "no trained champion yet",
            )
    estimators = {
        int(row["version"]): load_pipeline(verified_dir(project.root, row))
        for row in (champion, challenger)
        if row is not None
    }
    dialect = engine_of(target).dialect
    written = write_scoring_models(
        spec, project.generated_dir, champion, challenger, classes, dialect, estimators
    )
    forget_partial_parse(project)
    return written


def forget_partial_parse(project: Project) -> None:
    """Make the next dbt command parse the whole project again.

    dbt's partial parsing applies a properties file only when that file changes. A spec
    parsed before its generated model existed would never reach the model's node: dbt's
    graph would lack the spec (``config.meta.scorehouse``), which the monitoring models read.
    """
    target = os.environ.get("DBT_TARGET_PATH") or str(project.config.get("target-path", "target"))
    (project.root / target / "partial_parse.msgpack").unlink(missing_ok=True)
