"""What a model's report shows, read from the warehouse: one list of rows per table.

Every table is optional. A report is asked for at any stage of a model's life (before its
first campaign, before monitoring ran), so a table that does not exist yet reads as no rows
and the report says in words what is missing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from scorehouse.engines import Connection, qualified, quote

Rows = list[dict[str, Any]]

# section -> the table it reads (all filtered to the model when they have model_name)
TABLES = {
    "passport": "ml_passports",
    "versions": "ml_model_versions",
    "metrics": "ml_metrics",
    "quality": "ml_quality",
    "lift": "uplift_campaign_lift",
    "tests": "uplift_campaign_tests",
    "deciles": "uplift_by_decile",
    "curves": "uplift_curves",
    "ranking": "uplift_ranking",
    "model_vs_rule": "uplift_model_vs_rule",
    "verdicts": "uplift_verdicts",
    "calibration": "ml_calibration",
    "score_drift": "ml_score_drift",
    "feature_drift": "ml_feature_drift",
}
VERSION_COLUMNS = ("model_version", "version")


@dataclass
class ReportData:
    model_name: str
    generated_at: dt.datetime
    version: int | None = None
    sections: dict[str, Rows] = field(default_factory=dict)
    absent: list[str] = field(default_factory=list)  # tables not in the warehouse

    def rows(self, section: str) -> Rows:
        return self.sections.get(section, [])

    @property
    def passport(self) -> dict[str, Any] | None:
        rows = self.rows("passport")
        return rows[0] if rows else None


# the tables that name the models a report can be written for
MODEL_TABLES = ("ml_passports", "ml_model_versions", "uplift_verdicts", "uplift_by_decile")


def model_names(con: Connection, schema: str) -> list[str]:
    """Every model with a passport, a registered version, or uplift measured."""
    names: set[str] = set()
    for table in sorted(set(MODEL_TABLES) & set(con.relation_columns(schema, MODEL_TABLES))):
        rows = con.fetchall(f"SELECT DISTINCT model_name FROM {qualified(schema, table)}")
        names.update(str(name) for (name,) in rows if name is not None)
    return sorted(names)


def load_report_data(
    con: Connection, schema: str, model_name: str, *, now: dt.datetime | None = None
) -> ReportData:
    present = con.relation_columns(schema, list(TABLES.values()))
    data = ReportData(model_name, now or dt.datetime.now(dt.UTC).replace(tzinfo=None))
    for section, table in TABLES.items():
        if table not in present:
            data.absent.append(table)
            continue
        data.sections[section] = _read(con, schema, table, present[table], model_name)
    data.version = _champion(data)
    # the champion's rows, where a table keeps several versions
    for section, rows in data.sections.items():
        if section not in ("versions", "passport") and data.version is not None:
            data.sections[section] = [r for r in rows if _version(r) in (None, data.version)]
    return data


def _read(
    con: Connection, schema: str, table: str, columns: set[str], model_name: str
) -> Rows:
    sql = f"SELECT * FROM {qualified(schema, table)}"
    if "model_name" in columns:
        return con.read_rows(f"{sql} WHERE {quote('model_name')} = ?", [model_name])
    return con.read_rows(sql)


def _version(row: dict[str, Any]) -> int | None:
    for column in VERSION_COLUMNS:
        if row.get(column) is not None:
            return int(row[column])
    return None


def _champion(data: ReportData) -> int | None:
    """The passport's champion version; else the newest version registered."""
    passport = data.passport
    if passport and passport.get("champion_version") is not None:
        return int(passport["champion_version"])
    versions = [v for v in (_version(r) for r in data.rows("versions")) if v is not None]
    return max(versions, default=None)
