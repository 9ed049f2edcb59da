"""The monitoring tables ``scorehouse monitor`` reads, as models/monitoring/README.md fixes them.

The dbt monitoring models build these tables; the monitor only reads them. The columns are
listed here with the SQL type each holds, so the monitor can say exactly which table or
column is missing when the models and this contract disagree, and so tests can build
fixture tables with known values.
"""

from __future__ import annotations

from scorehouse.engines import Connection
from scorehouse.errors import ScorehouseError

CONTRACT: dict[str, list[tuple[str, str]]] = {
    "ml_scores": [
        ("model_name", "TEXT"),
        ("model_version", "INTEGER"),
        ("scored_by", "TEXT"),
        ("entity_id", "TEXT"),
        ("cutoff", "DATE"),
        ("score", "FLOAT8"),
        ("decile", "INTEGER"),
        ("label", "INTEGER"),
        ("null_reason", "TEXT"),
        ("scored_at", "TIMESTAMP"),
    ],
    "ml_score_drift": [
        ("model_name", "TEXT"),
        ("model_version", "INTEGER"),
        ("cutoff", "DATE"),
        ("n_rows", "INTEGER"),
        ("psi", "FLOAT8"),
        ("unscored_rows", "INTEGER"),
        ("unscored_share", "FLOAT8"),
        ("computed_at", "TIMESTAMP"),
    ],
    "ml_unscored": [
        ("model_name", "TEXT"),
        ("model_version", "INTEGER"),
        ("cutoff", "DATE"),
        ("null_reason", "TEXT"),
        ("n_rows", "INTEGER"),
        ("share_of_run", "FLOAT8"),
        ("computed_at", "TIMESTAMP"),
    ],
    "ml_score_bins": [
        ("model_name", "TEXT"),
        ("model_version", "INTEGER"),
        ("cutoff", "DATE"),
        ("bin", "INTEGER"),
        ("expected_share", "FLOAT8"),
        ("actual_share", "FLOAT8"),
    ],
    "ml_feature_drift": [
        ("model_name", "TEXT"),
        ("model_version", "INTEGER"),
        ("cutoff", "DATE"),
        ("feature", "TEXT"),
        ("kind", "TEXT"),
        ("psi", "FLOAT8"),
        ("null_rate", "FLOAT8"),
        ("reference_null_rate", "FLOAT8"),
        ("new_categories", "INTEGER"),
        ("new_category_examples", "TEXT"),
    ],
    "ml_quality": [
        ("model_name", "TEXT"),
        ("model_version", "INTEGER"),
        ("cutoff", "DATE"),
        ("subject", "TEXT"),
        ("n_rows", "INTEGER"),
        ("positives", "INTEGER"),
        ("roc_auc", "FLOAT8"),
        ("pr_auc", "FLOAT8"),
        ("brier", "FLOAT8"),
        ("lift_top_decile", "FLOAT8"),
    ],
    "ml_calibration": [
        ("model_name", "TEXT"),
        ("model_version", "INTEGER"),
        ("cutoff", "DATE"),
        ("decile", "INTEGER"),
        ("n_rows", "INTEGER"),
        ("mean_predicted", "FLOAT8"),
        ("observed_rate", "FLOAT8"),
    ],
    "ml_freshness": [
        ("model_name", "TEXT"),
        ("champion_version", "INTEGER"),
        ("trained_at", "TIMESTAMP"),
        ("model_age_days", "INTEGER"),
        ("refresh_cadence_days", "INTEGER"),
        ("is_retrain_due", "BOOLEAN"),
        ("last_scored_at", "TIMESTAMP"),
        ("days_since_scored", "INTEGER"),
        ("max_staleness_days", "INTEGER"),
        ("is_stale", "BOOLEAN"),
    ],
}

# The tables the SLA rules read; the others serve charts.
READ_BY_MONITOR = ("ml_score_drift", "ml_feature_drift", "ml_quality", "ml_freshness")


def check_monitoring_tables(con: Connection, schema: str) -> None:
    """Raise, naming every missing table or column, unless the tables the monitor reads exist."""
    present = con.relation_columns(schema, READ_BY_MONITOR)
    problems = []
    for table in READ_BY_MONITOR:
        if table not in present:
            problems.append(f"table {schema}.{table} does not exist")
            continue
        missing = [c for c, _ in CONTRACT[table] if c not in present[table]]
        if missing:
            problems.append(f"{schema}.{table} lacks column(s) {', '.join(missing)}")
    if problems:
        raise ScorehouseError(
            "cannot evaluate the SLAs: " + "; ".join(problems) + ". Build the monitoring models "
            "first (`dbt build --select scorehouse.monitoring`, or `scorehouse run`); their "
            "columns are fixed in models/monitoring/README.md"
        )
