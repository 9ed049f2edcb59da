"""A finished training run as the registry records it: one row of ``ml_model_versions``,
its holdout metrics (``ml_metrics``) and its reference bins
(``ml_reference_distributions``)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from scorehouse.engines.base import plain
from scorehouse.metrics.quality import Metric
from scorehouse.metrics.reference import Bin
from scorehouse.spec import Spec


@dataclass(frozen=True)
class TrainedVersion:
    """Everything a finished training run registers."""

    spec: Spec
    trained_at: dt.datetime
    train_rows: int
    holdout_rows: int
    train_cutoffs: list[str]
    holdout_cutoffs: list[str]
    model_metrics: list[Metric]
    baseline_metrics: list[Metric]
    model_value: float | None
    baseline_value: float | None
    beats_baseline: bool | None
    classes: list[Any]
    reference: list[Bin]
    hashes: dict[str, str]
    git_commit: str | None
    library_versions: dict[str, str]


def version_row(
    t: TrainedVersion, version: int, status: str, artifact_dir: str, digest: str
) -> dict[str, Any]:
    return {
        "model_name": t.spec.name,
        "version": version,
        "status": status,
        "task": t.spec.task,
        "trained_at": t.trained_at,
        "promoted_at": t.trained_at if status == "champion" else None,
        "train_rows": t.train_rows,
        "holdout_rows": t.holdout_rows,
        "train_cutoffs": ",".join(t.train_cutoffs),
        "holdout_cutoffs": ",".join(t.holdout_cutoffs),
        "primary_metric": t.spec.primary_metric,
        "model_value": t.model_value,
        "baseline_value": t.baseline_value,
        "beats_baseline": t.beats_baseline,
        "classes": json.dumps([plain(c) for c in t.classes]),
        "features": json.dumps(list(t.spec.data.features)),
        "spec_hash": t.hashes["spec"],
        "data_hash": t.hashes["data"],
        "sql_hash": t.hashes["sql"],
        "git_commit": t.git_commit,
        "library_versions": json.dumps(t.library_versions, sort_keys=True),
        "artifact_dir": artifact_dir,
        "artifact_hash": digest,
    }


def metric_rows(t: TrainedVersion, version: int) -> list[dict[str, Any]]:
    return [
        {
            "model_name": t.spec.name,
            "version": version,
            "subject": subject,
            "split": "holdout",
            "metric": m.name,
            "at": m.at,
            "value": m.value,
            "computed_at": t.trained_at,
        }
        for subject, metrics in (("model", t.model_metrics), ("baseline", t.baseline_metrics))
        for m in metrics
    ]


def reference_rows(t: TrainedVersion, version: int) -> list[dict[str, Any]]:
    return [
        {
            "model_name": t.spec.name,
            "version": version,
            "column_name": b.column,
            "kind": b.kind,
            "bin": b.bin,
            "lower_bound": b.lower,
            "upper_bound": b.upper,
            "category": b.category,
            "is_null": b.is_null,
            "share": b.share,
        }
        for b in t.reference
    ]


