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
from scorehouse.engines import connect, engine_of
from scorehouse.metrics.quality import Metric, beats, evaluate, headline
from scorehouse.metrics.reference import reference_distributions
from scorehouse.package import check_relations
from scorehouse.project import Project, Target
from scorehouse.registry import artifacts
from scorehouse.registry.gate import why_held
from scorehouse.registry.trained import TrainedVersion
from scorehouse.registry.versions import Registry, now
from scorehouse.spec import Spec, SpecError, load_spec
from scorehouse.training.data import (
    BASELINE_COLUMN,
    check_labels,
    read_training_rows,
    time_split,
)
from scorehouse.training.estimator import build_estimator

Echo = Callable[[str], None]


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
    spec = load_spec(project.model_paths, name)
    check_relations(project, spec)
    if spec.todo:
        raise SpecError(
            f"{spec.path}: model {spec.name!r} still has TODO in {', '.join(spec.todo)}: fill "
            "them in before training (who owns the model, who may switch it off, its rule)"
        )
    estimator = build_estimator(spec)
    with step(echo, f"reading {spec.data.relation} from {target.name}"), connect(target) as con:
        rows = read_training_rows(con, spec, target.schema)
    train_rows, holdout = time_split(rows, spec)
    check_labels(spec, train_rows, holdout)
    label = spec.data.label
    echo(
        f"{len(train_rows):,} training rows, {len(holdout):,} holdout rows "
        f"(newest {spec.holdout_cutoffs} cutoff(s))"
    )
    final = estimator[-1] if hasattr(estimator, "steps") else estimator
    with step(echo, f"fitting {type(final).__name__}"):
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
            dialect=engine_of(target).dialect,
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
        with step(echo, "registering the version"), connect(target) as con:
            registry = Registry(con, target.schema)
            hold = held if require_beats_rule else None
            version = registry.register(trained, staged, project.root, hold=hold)
            row = registry.version(spec.name, version)
            status = row["status"]
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


def summary(result: TrainResult, project_root: Path) -> list[str]:
    """What a training run registered, for people: the version, its primary metric against
    the rule's, and whether it serves."""
    metric = result.spec.primary_metric
    model_value = headline(result.model_metrics, metric)
    rule_value = headline(result.baseline_metrics, metric)
    verdict = {True: "beats", False: "does NOT beat", None: "cannot be compared with"}[
        result.beats_baseline
    ]
    rule = result.spec.baseline_name
    lines = [
        f"{result.spec.name} v{result.version} registered as {result.status}",
        f"  {metric}: model {_fmt(model_value)}, rule {rule} {_fmt(rule_value)}",
        f"  the model {verdict} the rule baseline on the holdout",
    ]
    if result.held and result.status == "champion":
        lines.append(
            f"  WARNING: v{result.version} is champion as the first version although it "
            f"{result.held}; its passport says so. Use --require-beats-rule to keep such a "
            "version waiting as a challenger."
        )
    elif result.held:
        lines.append(f"  v{result.version} waits as a challenger: it {result.held}")
    lines.append(f"  artifacts: {result.artifact_dir.relative_to(project_root)}")
    return lines


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"
