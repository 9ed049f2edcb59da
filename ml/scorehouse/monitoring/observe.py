"""What the monitoring tables say about one model version, read once per monitor run.

Drift is read at the newest scoring cutoff of the version, quality at the newest cutoff
whose label window has closed (``ml_quality`` holds no other rows), freshness from the
model's one row. The passport's own values (the holdout metrics recorded at training) are
read too: rules like "AUC below the passport's value minus 0.05" compare against them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scorehouse.engines import Connection, quote
from scorehouse.monitoring.contract import CONTRACT

# ml_metrics names a metric and the top share it is taken at; the quality table's column
# for the same metric.
PASSPORT_METRICS = {
    ("roc_auc", None): "roc_auc",
    ("pr_auc", None): "pr_auc",
    ("brier", None): "brier",
    ("log_loss", None): "log_loss",
    ("lift", 0.1): "lift_top_decile",
}


@dataclass(frozen=True)
class Observations:
    """The monitoring rows of one model version that its SLA rules are evaluated against."""

    model: str
    version: int
    score_drift: dict[str, Any] | None = None
    feature_drift: list[dict[str, Any]] = field(default_factory=list)
    quality: dict[str, dict[str, Any]] = field(default_factory=dict)  # by subject
    freshness: dict[str, Any] | None = None
    passport: dict[str, float] = field(default_factory=dict)  # metric -> value at training


class Reader:
    """Reads the contract tables of one schema."""

    def __init__(self, con: Connection, schema: str):
        self.con = con
        self.schema = schema

    def _rows(
        self, table: str, where: str, params: list[Any], order: str = ""
    ) -> list[dict[str, Any]]:
        columns = [c for c, _ in CONTRACT[table]]
        listed = ", ".join(quote(c) for c in columns)
        rows = self.con.fetchall(
            f"SELECT {listed} FROM {quote(self.schema)}.{quote(table)} WHERE {where} {order}",
            params,
        )
        return [dict(zip(columns, row, strict=True)) for row in rows]

    def _at_latest_cutoff(
        self, table: str, model: str, version: int, extra: str = ""
    ) -> list[dict[str, Any]]:
        """The rows of ``table`` at the newest cutoff of a model version."""
        where = f"model_name = ? AND model_version = ?{extra}"
        latest = f"(SELECT max(cutoff) FROM {quote(self.schema)}.{quote(table)} WHERE {where})"
        return self._rows(table, f"{where} AND cutoff = {latest}", [model, version, model, version])

    def observe(
        self, model: str, version: int, primary_metric: str, primary_value: float | None
    ) -> Observations:
        drift = self._at_latest_cutoff("ml_score_drift", model, version)
        features = self._at_latest_cutoff("ml_feature_drift", model, version)
        # Quality at the newest matured cutoff the model itself was measured on, and the
        # rule baseline on the same rows.
        model_quality = self._at_latest_cutoff(
            "ml_quality", model, version, " AND subject = 'model'"
        )
        quality = {"model": model_quality[0]} if model_quality else {}
        if model_quality:
            cutoff = model_quality[0]["cutoff"]
            for row in self._rows(
                "ml_quality",
                "model_name = ? AND model_version = ? AND cutoff = ? AND subject <> 'model'",
                [model, version, cutoff],
            ):
                quality[str(row["subject"])] = row
        freshness = self._rows("ml_freshness", "model_name = ?", [model])
        return Observations(
            model=model,
            version=version,
            score_drift=drift[0] if drift else None,
            feature_drift=sorted(features, key=lambda r: str(r["feature"])),
            quality=quality,
            freshness=freshness[0] if freshness else None,
            passport=self.passport_metrics(model, version, primary_metric, primary_value),
        )

    def passport_metrics(
        self, model: str, version: int, primary_metric: str, primary_value: float | None
    ) -> dict[str, float]:
        """The version's holdout metrics recorded at training; the passport's headline value
        for its primary metric."""
        rows = self.con.fetchall(
            f'SELECT metric, "at", value FROM {quote(self.schema)}.{quote("ml_metrics")} '
            "WHERE model_name = ? AND version = ? AND subject = 'model' AND split = 'holdout'",
            [model, version],
        )
        values: dict[str, float] = {}
        for metric, at, value in rows:
            name = PASSPORT_METRICS.get((str(metric), None if at is None else float(at)))
            if name is not None and value is not None:
                values[name] = float(value)
        if primary_value is not None:
            values[primary_metric] = float(primary_value)
        return values
