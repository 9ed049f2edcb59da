"""Quality metrics of a score on holdout rows, for the model and the rule baseline alike."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from sklearn import metrics

from scorehouse.metrics.curves import qini_auc_score, uplift_auc_score

TOP_SHARES = (0.1, 0.2, 0.3)
CALIBRATION_BINS = 10
# A higher value is better for these; for the others (losses, errors) lower is better.
HIGHER_IS_BETTER = {"roc_auc", "pr_auc", "r2", "lift", "capture", "qini", "auuc", "uplift_at"}
# The single-number metrics of each task, one of which a spec names as its primary metric.
HEADLINE_METRICS = {
    "binary": ("roc_auc", "pr_auc", "log_loss", "brier"),
    "regression": ("rmse", "mae", "r2"),
    "uplift": ("qini", "auuc"),
}


@dataclass(frozen=True)
class Metric:
    name: str
    value: float
    at: float | None = None  # the top share (lift, capture) or the bin (calibration)


def top_sum(values: np.ndarray, score: np.ndarray, share: float) -> tuple[float, int]:
    """The sum of ``values`` over the highest ``share`` of rows by score, and that row count.

    A rule scores many rows alike. Rows tied at the cut count in proportion, so the result
    is what a random pick among them gives on average, and never depends on the order the
    warehouse returned the rows in.
    """
    n = max(1, int(round(share * len(score))))
    cut = np.sort(score)[::-1][n - 1]
    above, tied = score > cut, score == cut
    return float(values[above].sum() + (n - above.sum()) * values[tied].mean()), n


def binary_metrics(y: np.ndarray, score: np.ndarray) -> list[Metric]:
    y = np.asarray(y, dtype=np.float64)
    score = np.asarray(score, dtype=np.float64)
    out = [
        Metric("roc_auc", float(metrics.roc_auc_score(y, score))),
        Metric("pr_auc", float(metrics.average_precision_score(y, score))),
    ]
    if np.all((score >= 0) & (score <= 1)):
        # scikit-learn clips to [eps, 1 - eps] itself: a rule scoring exactly 0 or 1 gets
        # the very log loss sklearn.metrics reports.
        out.append(Metric("log_loss", float(metrics.log_loss(y, score, labels=[0, 1]))))
        out.append(Metric("brier", float(metrics.brier_score_loss(y, score))))
    base_rate = y.mean()
    positives = y.sum()
    for share in TOP_SHARES:
        hits, n = top_sum(y, score, share)
        out.append(Metric("lift", float(hits / n / base_rate) if base_rate else math.nan, share))
        out.append(Metric("capture", float(hits / positives) if positives else math.nan, share))
    out += calibration(y, score)
    return out


def calibration(y: np.ndarray, score: np.ndarray) -> list[Metric]:
    """Mean predicted score and observed rate per score decile (1 = lowest scores)."""
    order = np.argsort(score, kind="stable")
    out = []
    for b, rows in enumerate(np.array_split(order, CALIBRATION_BINS), start=1):
        if len(rows):
            out.append(Metric("calibration_predicted", float(score[rows].mean()), b))
            out.append(Metric("calibration_observed", float(y[rows].mean()), b))
    return out


def regression_metrics(y: np.ndarray, prediction: np.ndarray) -> list[Metric]:
    y = np.asarray(y, dtype=np.float64)
    prediction = np.asarray(prediction, dtype=np.float64)
    out = [
        Metric("rmse", float(math.sqrt(metrics.mean_squared_error(y, prediction)))),
        Metric("mae", float(metrics.mean_absolute_error(y, prediction))),
        Metric("r2", float(metrics.r2_score(y, prediction))),
    ]
    total = y.sum()
    for share in TOP_SHARES:
        captured, _ = top_sum(y, prediction, share)
        out.append(Metric("capture", captured / total if total else math.nan, share))
    return out


def uplift_metrics(y: np.ndarray, score: np.ndarray, treatment: np.ndarray) -> list[Metric]:
    """Qini coefficient and AUUC (scikit-uplift's definitions), and the observed uplift
    (treated rate - control rate) among the top shares by score."""
    y, t = np.asarray(y, dtype=np.float64), np.asarray(treatment, dtype=np.int64)
    score = np.asarray(score, dtype=np.float64)
    out = [
        Metric("qini", qini_auc_score(y, score, t)),
        Metric("auuc", uplift_auc_score(y, score, t)),
    ]
    order = np.argsort(-score, kind="mergesort")
    for share in TOP_SHARES:
        top = order[: max(1, int(round(share * len(score))))]
        treated, control = y[top][t[top] == 1], y[top][t[top] == 0]
        value = treated.mean() - control.mean() if len(treated) and len(control) else math.nan
        out.append(Metric("uplift_at", float(value), share))
    return out


def evaluate(
    task: str, y: np.ndarray, score: np.ndarray, treatment: np.ndarray | None = None
) -> list[Metric]:
    if task == "uplift":
        if treatment is None:
            raise ValueError("uplift metrics need the treatment column")
        return uplift_metrics(y, score, treatment)
    return binary_metrics(y, score) if task == "binary" else regression_metrics(y, score)


def headline(metric_list: list[Metric], name: str) -> float | None:
    for m in metric_list:
        if m.name == name and m.at is None:
            return m.value
    return None


def beats(model_value: float | None, baseline_value: float | None, metric: str) -> bool | None:
    if model_value is None or baseline_value is None:
        return None
    if metric in HIGHER_IS_BETTER:
        return model_value > baseline_value
    return model_value < baseline_value
