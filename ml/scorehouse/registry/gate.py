"""Whether a trained version may serve without a human's decision."""

from __future__ import annotations

from scorehouse.metrics.quality import HIGHER_IS_BETTER, Metric, headline
from scorehouse.spec import Spec


def why_held(spec: Spec, model_metrics: list[Metric], beats_baseline: bool | None) -> str | None:
    """Why a version must not become champion on its own, or ``None`` when it may: it must
    beat its rule baseline on the holdout and meet every metric threshold of its spec."""
    if beats_baseline is not True:
        return f"does not beat its rule baseline ({spec.baseline_name}) on the holdout"
    for metric, threshold in spec.thresholds.items():
        value = headline(model_metrics, metric)
        if value is None:
            return f"has no {metric} to check against its threshold {threshold}"
        ok = value >= threshold if metric in HIGHER_IS_BETTER else value <= threshold
        if not ok:
            return f"{metric} {value:.4f} misses its threshold {threshold}"
    return None
