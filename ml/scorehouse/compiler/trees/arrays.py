"""Arrays of numbers in SQL, per dialect: the one place that knows how each engine spells them.

The array encoding of trees (``walk.py``) needs three things: a per-row array of inputs, a
constant array parsed from one string literal, and 1-based element access. Engines agree on
none of the spellings, and sqlglot does not translate them faithfully (PostgreSQL has no
``SPLIT``, Spark's ``a[i]`` counts from 0), so they are written here for each dialect that
has been checked. Other dialects get ``None`` from :func:`array_dialect` and the trees are
compiled as nested CASE there instead.

- DuckDB: lists, ``CAST(STRING_SPLIT(s, ',') AS DOUBLE[])``, ``LIST_EXTRACT(a, i)``.
- PostgreSQL: ``ARRAY[...]``, ``CAST(STRING_TO_ARRAY(s, ',') AS DOUBLE PRECISION[])``,
  ``a[i]`` with INTEGER subscripts.
- Spark / Databricks: ``ARRAY(...)``, ``CAST(SPLIT(s, ',') AS ARRAY<DOUBLE>)``,
  ``ELEMENT_AT(a, i)`` (1-based; ``a[i]`` would count from 0).
- Trino: ``ARRAY[...]``, ``CAST(SPLIT(s, ',') AS ARRAY(DOUBLE))``, ``ELEMENT_AT(a, i)``.

Snowflake and BigQuery are left out: their arrays hold VARIANTs or refuse NULL elements,
and both cap a statement at about 1 MB, far below what a large forest needs.

Every number goes through the engine's string-to-DOUBLE cast, which rounds correctly in all
of these engines, so the shortest round-trip text of a double (``repr``) is read back to the
same bits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlglot import exp


@dataclass(frozen=True)
class ArrayDialect:
    name: str
    split: str  # the function splitting a string into an array of strings
    element_function: str | None  # None: a[i] counts from 1
    integer: str  # the integer type of node numbers (PostgreSQL subscripts are INTEGER)

    def array(self, items: Sequence[exp.Expression]) -> exp.Expression:
        return exp.Array(expressions=list(items))

    def element(self, array: exp.Expression, index: exp.Expression) -> exp.Expression:
        """``array[index]``, counting from 1."""
        if self.element_function is None:
            return exp.Bracket(this=array, expressions=[index])
        return exp.Anonymous(this=self.element_function, expressions=[array, index])

    def parse(self, text: exp.Expression, element_type: str) -> exp.Expression:
        """The array in ``text``, comma-separated numbers (one token, however long)."""
        split = exp.Anonymous(this=self.split, expressions=[text, exp.Literal.string(",")])
        return exp.Cast(this=split, to=exp.DataType.build(f"ARRAY<{element_type}>"))


def integer_text(values: np.ndarray) -> str:
    return ",".join(map(str, np.asarray(values, dtype=np.int64).tolist()))


def double_text(values: np.ndarray) -> str:
    """Comma-separated shortest round-trip texts; ±inf as ``Infinity`` and ``-Infinity``,
    which every engine here reads back as a DOUBLE."""
    v = np.asarray(values, dtype=np.float64)
    if np.isnan(v).any():
        raise ValueError("NaN has no place in a tree's constants")
    return ",".join(_TEXTS.get(x) or repr(x) for x in v.tolist())


_TEXTS = {float("inf"): "Infinity", float("-inf"): "-Infinity"}


_DIALECTS = {
    # LIST_EXTRACT is what DuckDB's a[i] means; sqlglot renders a[i] slowly for DuckDB
    "duckdb": ArrayDialect("duckdb", "STRING_SPLIT", "LIST_EXTRACT", "BIGINT"),
    "postgres": ArrayDialect("postgres", "STRING_TO_ARRAY", None, "INT"),
    "spark": ArrayDialect("spark", "SPLIT", "ELEMENT_AT", "INT"),
    "databricks": ArrayDialect("databricks", "SPLIT", "ELEMENT_AT", "INT"),
    "trino": ArrayDialect("trino", "SPLIT", "ELEMENT_AT", "BIGINT"),
}


def array_dialect(dialect: str | None) -> ArrayDialect | None:
    """How ``dialect`` spells arrays, or None where trees stay nested CASE."""
    return _DIALECTS.get(dialect or "")
