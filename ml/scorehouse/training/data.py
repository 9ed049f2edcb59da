"""Read a model's rows from the warehouse, with one query through the engine's client."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from scorehouse.engines import Connection, qualified, quote
from scorehouse.spec import Spec, SpecError

BASELINE_COLUMN = "__baseline_score"


def relation_types(con: Connection, name: str, schema: str) -> dict[str, pa.DataType]:
    """The columns of ``schema.name`` with their types, or an error saying to build it."""
    if name not in con.relation_columns(schema, [name]):
        raise SpecError(f"relation {schema}.{name} is not in the warehouse; run `dbt build` first")
    return con.relation_types(schema, name)


def relation_columns(con: Connection, name: str, schema: str) -> list[str]:
    return list(relation_types(con, name, schema))


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


def is_number(kind: pa.DataType) -> bool:
    return bool(
        pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_decimal(kind)
        or pa.types.is_boolean(kind)
    )


def is_text(kind: pa.DataType) -> bool:
    t = pa.types
    return bool(t.is_string(kind) or t.is_large_string(kind) or t.is_string_view(kind))


def check_types(spec: Spec, types: dict[str, Any], relation: str) -> None:
    """Numeric features, the label and the treatment must be numbers in the warehouse: a
    text column read as a number would silently turn into missing values."""
    d = spec.data
    where = f"{spec.path}: model {spec.name!r}"
    for column in d.numeric:
        if column in types and not is_number(types[column]):
            raise SpecError(
                f"{where}: feature {column!r} is listed under features.numeric, but "
                f"{relation}.{column} holds {types[column]}: list it under "
                "features.categorical, or make it a number in the relation"
            )
    needs_number = [("label", d.label)] if relation == d.relation else []
    if d.treatment is not None and relation == d.relation:
        needs_number.append(("treatment", d.treatment))
    for key, column in needs_number:
        if column in types and not is_number(types[column]):
            raise SpecError(
                f"{where}: data.{key} {column!r} must be a number (0/1 for a binary or uplift "
                f"model), but {relation}.{column} holds {types[column]}"
            )


def read_training_rows(con: Connection, spec: Spec, schema: str) -> pd.DataFrame:
    """Rows with a known label, with the rule baseline's score computed in the warehouse."""
    d = spec.data
    types = relation_types(con, d.relation, schema)
    check_columns(spec, list(types), d.relation)
    check_types(spec, types, d.relation)
    columns = [d.entity_key, d.cutoff, d.label, *d.features]
    if d.treatment is not None:
        columns.insert(3, d.treatment)
    listed = ", ".join(quote(c) for c in columns)
    sql = (
        f"SELECT {listed}, ({spec.baseline_sql}) AS {quote(BASELINE_COLUMN)} "
        f"FROM {qualified(schema, d.relation)} WHERE {quote(d.label)} IS NOT NULL"
    )
    try:
        frame = con.read_frame(sql)
    except Exception as error:
        raise _baseline_error(spec, str(error)) from error
    baseline = frame[BASELINE_COLUMN]
    if not (pd.api.types.is_numeric_dtype(baseline) or pd.api.types.is_bool_dtype(baseline)):
        example = next((v for v in baseline if v is not None), None)
        raise _baseline_error(spec, f"it gives {baseline.dtype} values such as {example!r}")
    return normalise(frame, spec)


def _baseline_error(spec: Spec, why: str) -> SpecError:
    return SpecError(
        f"{spec.path}: model {spec.name!r}: baseline.sql {spec.baseline_sql!r} must run on "
        f"{spec.data.relation} and give a number for every row: {why}"
    )


BINARY_VALUES = {0.0, 1.0}


def check_labels(spec: Spec, train: pd.DataFrame, holdout: pd.DataFrame) -> None:
    """A binary or uplift model learns a 0/1 label with both values in its training rows,
    and its holdout holds both, or its AUC and the comparison with the rule mean nothing."""
    if spec.task not in ("binary", "uplift"):
        return
    where = f"{spec.path}: model {spec.name!r}"
    label = spec.data.label
    found = sorted(set(pd.concat([train[label], holdout[label]]).astype(np.float64)))
    if not set(found) <= BINARY_VALUES:
        shown = ", ".join(f"{v:g}" for v in found[:10])
        raise SpecError(
            f"{where}: task {spec.task} needs label {label!r} to be 0 or 1; "
            f"{spec.data.relation} holds {shown}"
        )
    for name, rows in (("training", train), ("holdout", holdout)):
        classes = sorted(set(rows[label].astype(np.float64)))
        if len(classes) < 2:
            only = ", ".join(f"{v:g}" for v in classes) or "nothing"
            raise SpecError(
                f"{where}: the {name} rows of {spec.data.relation} hold only label {only}: "
                "a model needs both 0 and 1 there"
                + (
                    " (hold out more cutoffs: validation.holdout_cutoffs)"
                    if name == "holdout"
                    else ""
                )
            )
    treatment = spec.data.treatment
    if treatment is not None:
        values = set(pd.concat([train[treatment], holdout[treatment]]).astype(np.float64))
        if not values <= BINARY_VALUES:
            raise SpecError(f"{where}: data.treatment {treatment!r} must be 0 or 1")


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
