"""Read a model's rows from the warehouse through Ibis, the same way on every backend."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from scorehouse.lifecycle.spec import Spec, SpecError

BASELINE_COLUMN = "__baseline_score"


def relation_table(con: Any, name: str, schema: str) -> Any:
    """The Ibis table ``schema.name``, or an error saying to build it first."""
    try:
        return con.table(name, database=schema)
    except Exception as error:
        raise SpecError(
            f"relation {schema}.{name} is not in the warehouse ({type(error).__name__}); "
            "run `dbt build` first"
        ) from error


def relation_columns(con: Any, name: str, schema: str) -> list[str]:
    return list(relation_table(con, name, schema).columns)


def check_columns(spec: Spec, columns: list[str], relation: str) -> None:
    d = spec.data
    needed = [d.entity_key, d.cutoff, *d.features]
    if relation == d.relation:
        needed.append(d.label)
        if d.treatment is not None:
            needed.append(d.treatment)
    missing = [c for c in needed if c not in columns]
    if missing:
        raise SpecError(
            f"{spec.path}: model {spec.name!r}: column(s) {', '.join(missing)} are not in "
            f"relation {relation!r}"
        )


def read_training_rows(con: Any, spec: Spec, schema: str) -> pd.DataFrame:
    """Rows with a known label, with the rule baseline's score computed in the warehouse."""
    d = spec.data
    table = relation_table(con, d.relation, schema)
    check_columns(spec, list(table.columns), d.relation)
    relation_sql = f'"{schema}"."{d.relation}"'
    # With the schema given, Ibis runs the query as it is. Left to infer it, Ibis 12 creates
    # and drops a temporary view, and on PostgreSQL its DROP statement comes out without the
    # view's name under sqlglot 30.
    query_schema = {**table.schema(), BASELINE_COLUMN: "float64"}
    columns = [d.entity_key, d.cutoff, d.label, *d.features, BASELINE_COLUMN]
    if d.treatment is not None:
        columns.insert(3, d.treatment)
    try:
        expr = con.sql(
            f"SELECT *, ({spec.baseline_sql}) AS {BASELINE_COLUMN} FROM {relation_sql}",
            schema=query_schema,
        )
        frame = expr.select(*columns).filter(expr[d.label].notnull()).to_pandas()
    except Exception as error:
        raise SpecError(
            f"{spec.path}: model {spec.name!r}: baseline sql {spec.baseline_sql!r} does not run on "
            f"{d.relation}: {error}"
        ) from error
    return normalise(frame, spec)


def normalise(frame: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    """Numeric features as float64 (NULL → NaN); categories as object with NaN for NULL,
    which scikit-learn's imputers and encoders treat as missing (None they do not)."""
    out = frame.copy()
    for c in spec.data.numeric:
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(np.float64)
    for c in spec.data.categorical:
        values = out[c].astype(object)
        out[c] = values.where(values.notna(), np.nan)
    out[spec.data.cutoff] = pd.to_datetime(out[spec.data.cutoff])
    return out


def time_split(frame: pd.DataFrame, spec: Spec) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hold out the newest ``holdout_cutoffs`` cutoffs; train on everything before them."""
    cutoffs = np.sort(frame[spec.data.cutoff].unique())
    if len(cutoffs) <= spec.holdout_cutoffs:
        raise SpecError(
            f"model {spec.name!r}: {len(cutoffs)} cutoff(s) with known labels in "
            f"{spec.data.relation}, but validation holds out {spec.holdout_cutoffs}: "
            "add cutoffs or hold out fewer"
        )
    first_holdout = cutoffs[-spec.holdout_cutoffs]
    is_holdout = frame[spec.data.cutoff] >= first_holdout
    return frame[~is_holdout].reset_index(drop=True), frame[is_holdout].reset_index(drop=True)
