"""Quality against the rule: the holdout measures of the model and of its rule
(``ml_metrics``), and the AUC on each scoring date once outcomes are known (``ml_quality``)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from scorehouse.report.data import ReportData
from scorehouse.report.formatting import dated_note
from scorehouse.report.layout import Section
from scorehouse.report.rows import by_subject, dated_points, subject_name, to_float
from scorehouse.report.svg import Series, line_chart
from scorehouse.report.tables import table

LOWER_IS_BETTER = ("brier", "log_loss")


def _holdout(data: ReportData) -> str:
    """One row per measure: model, rule, their difference and which is better."""
    by_metric: dict[str, dict[str, Any]] = defaultdict(dict)
    for r in data.rows("metrics"):
        if r.get("at") is None:  # a measure at a depth (lift@k) is not shown here
            by_metric[str(r.get("metric"))][str(r.get("subject"))] = r.get("value")
    rows = []
    for metric, values in sorted(by_metric.items()):
        model, rule = to_float(values.get("model")), to_float(values.get("baseline"))
        better = None
        if model is not None and rule is not None:
            lower_is_better = metric in LOWER_IS_BETTER
            better = "model" if (model < rule) == lower_is_better and model != rule else "rule"
        difference = None if model is None or rule is None else model - rule
        rows.append(
            {"metric": metric, "model": model, "rule": rule, "difference": difference,
             "better": better}
        )  # fmt: skip
    if not rows:
        return ""
    return table(
        rows,
        [
            ("metric", "Measure", "text"),
            ("model", "Model", "number"),
            ("rule", "Rule", "number"),
            ("difference", "Model − rule", "number"),
            ("better", "Better", "text"),
        ],
    )


def _over_time(data: ReportData) -> str:
    quality = data.rows("quality")
    if not quality:
        return ""
    series = [
        Series(subject_name(subject), dated_points(rows, "roc_auc"))
        for subject, rows in by_subject(quality)
    ]
    return (
        "<h3>AUC on each scoring date, once outcomes are known</h3>"
        + dated_note(quality)
        + line_chart(
            series,
            title="AUC over time",
            x_label="scoring date",
            x_dates=True,
            y_label="ROC AUC",
            zero=False,
        )
    )


SECTION = Section(
    "quality",
    "Quality against the rule",
    lead=(
        "How well the model ranks customers on data it did not learn from, next to the "
        "simple rule (RFM) it must beat. Higher is better for AUC and lift, lower for "
        "Brier and log loss."
    ),
    empty="No quality measured yet: the model has not been trained and evaluated.",
    body=lambda data: _holdout(data) + _over_time(data),
)
