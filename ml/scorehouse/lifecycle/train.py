"""``scorehouse train NAME``: fit, evaluate against the rule, compile, register."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scorehouse.compiler import compile_sql
from scorehouse.errors import ScorehouseError
from scorehouse.lifecycle import artifacts
from scorehouse.lifecycle.data import (
    BASELINE_COLUMN,
    check_labels,
    read_training_rows,
    time_split,
)
from scorehouse.lifecycle.estimator import build_estimator
from scorehouse.lifecycle.evaluate import Metric, beats, evaluate, headline
from scorehouse.lifecycle.gate import why_held
from scorehouse.lifecycle.reference import reference_distributions
from scorehouse.lifecycle.registry import Registry, TrainedVersion, now
from scorehouse.lifecycle.spec import Spec, SpecError, load_spec
from scorehouse.package import check_relations
from scorehouse.project import Project, Target
from scorehouse.warehouse import connect
from scorehouse.warehouse.session import Session

DIALECTS = {"duckdb": "duckdb", "postgres": "postgres", "spark": "spark"}
Echo = Callable[[str], None]


def model_paths(project: Project) -> list[Path]:
    return project.model_paths


def dialect_of(target: Target) -> str:
    if target.type not in DIALECTS:
        raise ScorehouseError(
            f"target {target.name!r} of type {target.type!r} has no SQL dialect in scorehouse"
        )
    return DIALECTS[target.type]


@dataclass(frozen=True)
class TrainResult:
    spec: Spec
    version: int
    status: str
    model_metrics: list[Metric]
    baseline_metrics: list[Metric]
    beats_baseline: bool | None
    artifact_dir: Path
    # why the version may not serve without a human's decision (None: it may)
    held: str | None = None


@contextmanager
def step(echo: Echo, what: str) -> Iterator[None]:
    echo(f"{what} ...")
    started = time.perf_counter()
    yield
    echo(f"{what}: done in {time.perf_counter() - started:.1f} s")


def score(estimator: Any, spec: Spec, frame: pd.DataFrame) -> np.ndarray:
    X = frame[list(spec.data.features)]
    if spec.task == "binary":
        return np.asarray(estimator.predict_proba(X))[:, 1]
    # uplift: predict is the uplift; regression: the prediction
    return np.asarray(estimator.predict(X), dtype=np.float64)


def train_model(
    project: Project,
    target: Target,
    name: str,
    echo: Echo = lambda _: None,
    *,
    require_beats_rule: bool = False,
) -> TrainResult:
    """Fit, evaluate, compile and register model ``name``.

    The first version of a model becomes champion; with ``require_beats_rule`` it does so
    only when it beats its rule baseline and meets its spec's thresholds, else it waits as
    a challenger (and the rule keeps serving) until a human promotes it."""
    spec = load_spec(model_paths(project), name)
    check_relations(project, spec)
    if spec.todo:
        raise SpecError(
            f"{spec.path}: model {spec.name!r} still has TODO in {', '.join(spec.todo)}: fill "
            "them in before training (who owns the model, who may switch it off, its rule)"
        )
    estimator = build_estimator(spec)
    with step(echo, f"reading {spec.data.relation} from {target.name}"):
        con = connect(target)
        try:
            rows = read_training_rows(con, spec, target.schema)
        finally:
            con.disconnect()
    train_rows, holdout = time_split(rows, spec)
    check_labels(spec, train_rows, holdout)
    label = spec.data.label
    echo(
        f"{len(train_rows):,} training rows, {len(holdout):,} holdout rows (newest {spec.holdout_cutoffs} cutoff(s))"
    )
    with step(
        echo,
        f"fitting {type(estimator[-1]).__name__ if hasattr(estimator, 'steps') else type(estimator).__name__}",
    ):
        X, y = train_rows[list(spec.data.features)], train_rows[label]
        if spec.data.treatment is None:
            estimator.fit(X, y)
        else:
            estimator.fit(X, y, train_rows[spec.data.treatment])

    with step(echo, "evaluating against the rule baseline"):
        y_holdout = holdout[label].to_numpy()
        t_holdout = None if spec.data.treatment is None else holdout[spec.data.treatment].to_numpy()
        model_metrics = evaluate(spec.task, y_holdout, score(estimator, spec, holdout), t_holdout)
        baseline_metrics = evaluate(
            spec.task, y_holdout, holdout[BASELINE_COLUMN].to_numpy(dtype=np.float64), t_holdout
        )
        model_value = headline(model_metrics, spec.primary_metric)
        baseline_value = headline(baseline_metrics, spec.primary_metric)
        verdict = beats(model_value, baseline_value, spec.primary_metric)

    with step(echo, "compiling to SQL"):
        sql = compile_sql(
            estimator,
            source=f"{target.schema}.{spec.data.score_relation}",
            dialect=dialect_of(target),
            keep=[spec.data.entity_key, spec.data.cutoff],
        )

    classes = list(getattr(estimator, "classes_", []))
    reference = reference_distributions(
        rows, spec.data.numeric, spec.data.categorical, score(estimator, spec, rows)
    )
    hashes = {
        "spec": spec.digest(),
        "data": artifacts.frame_digest(rows),
        "sql": artifacts.sha256_text(sql),
    }
    trained = TrainedVersion(
        spec=spec,
        trained_at=now(),
        train_rows=len(train_rows),
        holdout_rows=len(holdout),
        train_cutoffs=_dates(train_rows[spec.data.cutoff]),
        holdout_cutoffs=_dates(holdout[spec.data.cutoff]),
        model_metrics=model_metrics,
        baseline_metrics=baseline_metrics,
        model_value=model_value,
        baseline_value=baseline_value,
        beats_baseline=verdict,
        classes=classes,
        reference=reference,
        hashes=hashes,
        git_commit=artifacts.git_commit(project.root),
        library_versions=artifacts.library_versions(),
    )
    held = why_held(spec, model_metrics, verdict)
    staged = artifacts.new_staging_dir(project.root)
    try:
        with step(echo, "writing artifacts (pipeline, ONNX, SQL, reference distributions)"):
            onnx_error = artifacts.write_artifacts(
                staged, estimator, spec, sql, reference, _metadata(trained)
            )
        if onnx_error:
            echo(f"warning: no ONNX export: {onnx_error}")
        with step(echo, "registering the version"):
            con = connect(target)
            try:
                registry = Registry(Session(con), target.schema)
                hold = held if require_beats_rule else None
                version = registry.register(trained, staged, project.root, hold=hold)
                row = registry.version(spec.name, version)
                status = row["status"]
            finally:
                con.disconnect()
    finally:
        if staged.exists():
            shutil.rmtree(staged, ignore_errors=True)
    return TrainResult(
        spec,
        version,
        status,
        model_metrics,
        baseline_metrics,
        verdict,
        project.root / str(row["artifact_dir"]),
        held,
    )


def _dates(values: pd.Series) -> list[str]:
    return [pd.Timestamp(v).date().isoformat() for v in sorted(values.unique())]


def _metadata(t: TrainedVersion) -> dict[str, Any]:
    return {
        "model": t.spec.name,
        "task": t.spec.task,
        "trained_at": t.trained_at.isoformat(),
        "features": {
            "numeric": list(t.spec.data.numeric),
            "categorical": list(t.spec.data.categorical),
        },
        "classes": [c.item() if hasattr(c, "item") else c for c in t.classes],
        "hashes": t.hashes,
        "git_commit": t.git_commit,
        "library_versions": t.library_versions,
        "primary_metric": t.spec.primary_metric,
        "model_value": t.model_value,
        "baseline_value": t.baseline_value,
        "beats_baseline": t.beats_baseline,
    }


def trained_at_iso(value: dt.datetime | None) -> str:
    return value.isoformat(sep=" ") if value else ""
