"""Golden SQL of the monitoring and uplift models for Snowflake, BigQuery and Trino.

Those warehouses cannot run here, so their SQL is checked as text. A copy of the project gets
a small DuckDB demo warehouse (demo data, features, the demo's two models trained and scored
twice), dbt runs every model of ``models/monitoring`` and ``models/uplift``, and the SQL dbt
compiled for each is transpiled by sqlglot from DuckDB to each dialect. The tests check that

- the text equals the model's golden file, ``golden/<folder>/<model>.<dialect>.sql``;
- each golden file parses in its dialect;
- each golden file, read in its dialect and written back as DuckDB, returns on the demo
  warehouse the rows the model built there (``ROUND_TRIP_FAILS`` lists where it does not).

What this shows is that the models' SQL has a faithful translation that sqlglot can write
and read, not what dbt-snowflake, dbt-bigquery or a Trino adapter would compile: there the
cross-database macros dispatch to each adapter's own version. ``NOTES`` (written into the
files' headers) lists what is known to be wrong in a translation.

The models are found from their folders: a new one gets golden files on the next update.
When a change to a model, to the demo data or to sqlglot is meant, regenerate and review:

    SCOREHOUSE_UPDATE_GOLDEN=1 .venv/bin/pytest tests/e2e/test_cloud_sql_golden.py

The drift models hold the reference bins of the trained models; they are rounded to six
decimals in the registry before the monitoring models run, so the text does not depend on the
last digits of the fit. Table names lose the DuckDB file's catalog name: ``main.ml_scores``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlglot
from sklearn.exceptions import ConvergenceWarning
from sqlglot import exp
from sqlglot.errors import ErrorLevel, UnsupportedError
from threadpoolctl import threadpool_limits

from scorehouse.dbt import run_dbt
from scorehouse.demo import load_demo
from scorehouse.engines import connect
from scorehouse.project import Target
from scorehouse.scoring.compile_models import compile_models
from scorehouse.training.train import train_model
from tests.support.golden import UPDATE, models_in, read_golden, write_golden
from tests.support.project import Warehouse, copy_project, duckdb_output, edit_spec, target_of

GOLDEN = Path(__file__).parent / "golden"
COMMAND = "SCOREHOUSE_UPDATE_GOLDEN=1 .venv/bin/pytest tests/e2e/test_cloud_sql_golden.py"
DIALECTS = ("snowflake", "bigquery", "trino")
FOLDERS = ("monitoring", "uplift")
CASES = [(folder, name) for folder in FOLDERS for name in models_in(folder)]
CUSTOMERS = 300
SEED = 11
MODELS = ("churn", "purchase")  # the demo's: the segments' audiences select by both
DATABASE = "warehouse"  # the DuckDB file's stem: the catalog dbt-duckdb writes in names
BACKFILLED = "2025-06-01"  # a scoring run before the demo campaign of 2025-06-02
REFERENCE_DECIMALS = 6
VOLATILE = frozenset({"computed_at"})  # the time the row was built
EXACT = 1e-9

# Notes written into a golden file's header: what is known to be wrong or odd in its text.
NOTES: dict[tuple[str, str], str] = {
    ("ml_drift_bins", "bigquery"): (
        "sqlglot cannot write NULLS LAST inside STRING_AGG(... ORDER BY category) for "
        "BigQuery, which sorts NULLs first; harmless: bin -1 holds no NULL category."
    ),
}
# (model, dialect) -> what sqlglot reports when asked to raise; the golden text is written
# regardless. The test fails once sqlglot translates the construct, so that the entry goes.
KNOWN_UNSUPPORTED: dict[tuple[str, str], str] = {
    ("ml_drift_bins", "bigquery"): "'NULLS LAST' translation not supported",
}
# (model, dialect) -> why the golden text, read back as DuckDB, fails or differs: those
# round trips are expected to fail (strictly: a fix shows as an unexpected pass).
ROUND_TRIP_FAILS: dict[tuple[str, str], str] = {}


@dataclass
class Lab:
    target: Target
    compiled: dict[tuple[str, str], str] = field(default_factory=dict)


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[Lab]:
    root = tmp_path_factory.mktemp("cloud-sql")
    project = copy_project(root, {"duckdb": duckdb_output(root / f"{DATABASE}.duckdb")})
    for name in MODELS:
        edit_spec(project, name, lambda b: b["estimator"]["model"]["params"].update(max_iter=10))
    target = target_of(project)
    load_demo(project, target, CUSTOMERS, SEED)
    run_dbt(target, "run", "--select", "+customer_training", quiet=True)
    # ten iterations are enough for SQL to compile and cheap; lbfgs says it stopped early
    with threadpool_limits(limits=1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for name in MODELS:
            train_model(project, target, name)
    Warehouse(target).execute(
        f"update {target.schema}.ml_reference_distributions "
        f"set upper_bound = round(upper_bound, {REFERENCE_DECIMALS})"
    )
    for name in MODELS:
        compile_models(project, target, name)
    scoring = ("--select", "path:models/ml")
    run_dbt(target, "run", *scoring, vars={"scorehouse_score_cutoff": BACKFILLED}, quiet=True)
    run_dbt(target, "run", *scoring, quiet=True)
    # the models with whatever else they read (staging, segments), but not again what ran
    selected = [f"+scorehouse.{folder}" for folder in FOLDERS]
    done = ("path:models/ml", "+customer_training")
    run_dbt(target, "run", "--select", *selected, "--exclude", *done, quiet=True)
    lab = Lab(target)
    for folder, name in CASES:
        (path,) = (root / "target" / "compiled").glob(f"*/models/{folder}/{name}.sql")
        lab.compiled[folder, name] = path.read_text()
        assert str(root) not in lab.compiled[folder, name]
    yield lab


def golden_path(folder: str, name: str, dialect: str) -> Path:
    return GOLDEN / folder / f"{name}.{dialect}.sql"


def without_catalog(sql: str) -> exp.Expression:
    """The DuckDB query with ``warehouse.main.t`` written ``main.t``."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    for table in tree.find_all(exp.Table):
        if table.catalog == DATABASE:
            table.set("catalog", None)
    return tree


def transpile(tree: exp.Expression, name: str, dialect: str) -> str:
    level = ErrorLevel.RAISE
    known = KNOWN_UNSUPPORTED.get((name, dialect))
    if known:
        try:
            tree.sql(dialect=dialect, unsupported_level=ErrorLevel.RAISE)
        except UnsupportedError as error:
            assert known in str(error), f"{name} in {dialect}: {error}"
        else:
            pytest.fail(f"sqlglot now writes {name} for {dialect}: drop its KNOWN_UNSUPPORTED")
        level = ErrorLevel.IGNORE
    return tree.sql(dialect=dialect, pretty=True, unsupported_level=level)


@pytest.mark.slow
@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize(("folder", "name"), CASES)
def test_sql_matches_golden_file(lab, folder, name, dialect):
    sql = transpile(without_catalog(lab.compiled[folder, name]), name, dialect)
    path = golden_path(folder, name, dialect)
    if UPDATE:
        notes = [
            f"models/{folder}/{name}.sql as dbt compiles it for DuckDB on the demo warehouse, "
            f"transpiled by sqlglot to {dialect}."
        ]
        if (name, dialect) in NOTES:
            notes.append(NOTES[name, dialect])
        write_golden(path, COMMAND, sql, tuple(notes))
    assert sql == read_golden(path), f"{path.name} differs; if meant, regenerate, review the diff"


def test_every_golden_file_has_a_model():
    expected = {golden_path(f, n, d) for f, n in CASES for d in DIALECTS}
    stale = sorted(p for p in GOLDEN.glob("*/*.sql") if p not in expected)
    if UPDATE:
        for path in stale:
            path.unlink()
        stale = []
    assert not stale, f"golden files of no model (regenerate to remove): {stale}"


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize(("folder", "name"), CASES)
def test_golden_file_parses_in_its_dialect(folder, name, dialect):
    sql = read_golden(golden_path(folder, name, dialect))
    tree = sqlglot.parse_one(sql, read=dialect, error_level=ErrorLevel.RAISE)
    assert isinstance(tree, exp.Query), f"{name}: not one query"


def _at_timezone(node: exp.Expression) -> exp.Expression:
    """sqlglot writes DuckDB's ``x AT TIME ZONE 'UTC'`` as Trino's ``AT_TIMEZONE(x, 'UTC')``
    but reads that back as an unknown function: turn it back into what it came from."""
    if isinstance(node, exp.Anonymous) and node.name.lower() == "at_timezone":
        this, zone = node.expressions
        return exp.AtTimeZone(this=this, zone=zone)
    return node


def _rows(con, sql: str) -> pd.DataFrame:
    frame = con.read_arrow(sql).to_pandas()
    frame = frame[[c for c in frame.columns if c not in VOLATILE]]
    return frame.sort_values(list(frame.columns), na_position="first").reset_index(drop=True)


def _assert_same_rows(got: pd.DataFrame, want: pd.DataFrame, what: str) -> None:
    assert list(got.columns) == list(want.columns), what
    assert len(got) == len(want), what
    for column in want.columns:
        a, b = got[column], want[column]
        if pd.api.types.is_float_dtype(a) or pd.api.types.is_float_dtype(b):
            np.testing.assert_allclose(
                a.to_numpy(dtype=np.float64),
                b.to_numpy(dtype=np.float64),
                rtol=EXACT,
                atol=EXACT,
                err_msg=f"{what}: {column}",
            )
        else:
            values = [[None if pd.isna(v) else v for v in s] for s in (a, b)]
            assert values[0] == values[1], f"{what}: {column}"


ROUND_TRIPS = [
    pytest.param(
        folder,
        name,
        dialect,
        marks=[pytest.mark.xfail(strict=True, reason=ROUND_TRIP_FAILS[name, dialect])]
        if (name, dialect) in ROUND_TRIP_FAILS
        else [],
    )
    for folder, name in CASES
    for dialect in DIALECTS
]


@pytest.mark.slow
@pytest.mark.parametrize(("folder", "name", "dialect"), ROUND_TRIPS)
def test_golden_file_read_back_gives_the_model_rows(lab, folder, name, dialect):
    tree = sqlglot.parse_one(read_golden(golden_path(folder, name, dialect)), read=dialect)
    if dialect == "trino":
        tree = tree.transform(_at_timezone)
    with connect(lab.target) as con:
        got = _rows(con, tree.sql(dialect="duckdb"))
        want = _rows(con, f"select * from {lab.target.schema}.{name}")
    _assert_same_rows(got, want, f"{name} via {dialect}")
