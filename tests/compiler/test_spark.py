"""What is particular to Spark: literal and result types, and whole-stage code generation.

The exactness of every model on Spark is checked where the other engines' is (the
``engine`` fixture); these tests look at what Spark alone does with the compiled SQL.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeRegressor

import scorehouse
from tests.compiler.harness import ROW_ID, assert_scores_match, with_row_id
from tests.compiler.test_models_exact import _data, complete_rows, probe_frame
from tests.support.spark import codegen, to_spark

WHOLE_STAGE = "spark.sql.codegen.wholeStage"


def _scored(spark, model, X: pd.DataFrame):
    """The compiled Spark SQL over ``X`` as the view ``src``: (DataFrame, rows as pandas)."""
    sql = scorehouse.compile_sql(model, source="src", dialect="spark", keep=[ROW_ID])
    to_spark(spark, with_row_id(X)).createOrReplaceTempView("src")
    df = spark.sql(sql)
    out = pd.DataFrame([tuple(r) for r in df.collect()], columns=df.columns)
    return df, out.sort_values(ROW_ID).reset_index(drop=True)


def test_spark_reads_a_decimal_literal_as_decimal_and_exponent_form_as_double(spark_session):
    """Why the compiler writes numbers as ``0.94e0``: ``0.94`` is DECIMAL(2,2) in Spark."""
    row = spark_session.sql("SELECT typeof(0.94) AS plain, typeof(0.94e0) AS exponent").first()
    assert (row.plain, row.exponent) == ("decimal(2,2)", "double")


@pytest.mark.parametrize("kind", ["binary", "multiclass", "regressor"])
def test_score_columns_are_double_on_spark(spark_session, kind):
    X, binary, three, continuous = _data()
    if kind == "binary":
        model = GradientBoostingClassifier(n_estimators=3, max_depth=2, random_state=0)
        model.fit(X, binary)
        scores = ["score"]
    elif kind == "multiclass":
        model = LogisticRegression().fit(X, three)
        scores = [f"proba_{c}" for c in model.classes_]
    else:
        model = DecisionTreeRegressor(max_depth=3, random_state=0).fit(X, continuous)
        scores = ["prediction"]
    sql = scorehouse.compile_sql(model, source="src", dialect="spark")
    to_spark(spark_session, X.head(3)).createOrReplaceTempView("src")
    types = spark_session.sql(
        f"SELECT {', '.join(f'typeof(`{c}`) AS `{c}`' for c in scores)} FROM ({sql}) AS scored"
    ).collect()
    assert {t for row in types for t in row} == {"double"}
    schema = {f.name: f.dataType.simpleString() for f in spark_session.sql(sql).schema.fields}
    assert all(schema[c] == "double" for c in scores), schema


def test_small_model_runs_as_generated_code(spark_session):
    X, binary, _, _ = _data()
    model = GradientBoostingClassifier(n_estimators=4, max_depth=2, random_state=0)
    df, out = _scored(spark_session, model.fit(X, binary), X)
    assert_scores_match(model, X, out)
    plan = codegen(df)
    assert plan.subtrees >= 1 and not plan.falls_back, plan


def test_large_case_model_scores_exactly_with_and_without_whole_stage_codegen(spark_session):
    """150 trees of depth 3 as nested CASE: the generated method passes the JVM's 64 KB.

    Measured on Spark 4.0.5: 100 such trees make a 62 KB method, 150 do not compile, and
    Spark runs the projection interpreted (after logging "Code grows beyond 64 KB"). The
    scores are the same doubles with whole-stage code generation on and off.
    """
    rng = np.random.default_rng(21)
    X = pd.DataFrame(rng.normal(size=(400, 6)), columns=[f"x{i}" for i in range(6)])
    y = (X.x0 + X.x1 * X.x2 + rng.normal(scale=0.7, size=len(X)) > 0).to_numpy().astype(int)
    model = GradientBoostingClassifier(n_estimators=150, max_depth=3, random_state=0).fit(X, y)
    rows = probe_frame(model, X.head(40))  # with NULL rows, which this model refuses
    complete = complete_rows(model, rows)
    spark = spark_session
    try:
        spark.conf.set(WHOLE_STAGE, "true")
        df, out = _scored(spark, model, rows)
        assert_scores_match(model, rows, out, complete)
        plan = codegen(df)
        assert plan.falls_back, plan
        spark.conf.set(WHOLE_STAGE, "false")
        df, out_interpreted = _scored(spark, model, rows)
        assert codegen(df).subtrees == 0
        assert_scores_match(model, rows, out_interpreted, complete)
        on, off = (pd.to_numeric(o["score"]).to_numpy(dtype=float) for o in (out, out_interpreted))
        assert np.array_equal(on, off, equal_nan=True)
    finally:
        spark.conf.set(WHOLE_STAGE, "true")
