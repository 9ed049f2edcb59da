"""End to end: generate a small retailer, ``dbt build`` the features, check the numbers.

The project is copied into a temporary folder with its own profiles.yml and DuckDB file, so
the tests never touch the checkout's warehouse. Features and labels are recomputed in
pandas from the raw tables; the leakage test rebuilds one cutoff from raw data cut at that
cutoff and demands the very same features.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from sklearn.metrics import roc_auc_score

from scorehouse.cli.main import cli
from scorehouse.dbt import DbtRun, run_dbt
from scorehouse.demo import load_demo
from scorehouse.project import Target, find_project
from tests.support.project import (
    Warehouse,
    copy_project,
    duckdb_output,
    postgres_output,
    target_of,
)

pytestmark = pytest.mark.slow

CUSTOMERS = 1000
SEED = 7
LEAK_CUTOFF = pd.Timestamp("2025-05-01")
RAW_CUT_SCHEMA = "raw_cut"


@pytest.fixture(scope="module")
def duckdb_build(tmp_path_factory) -> tuple[Target, DbtRun]:
    root = tmp_path_factory.mktemp("project")
    duckdb_file = root / "warehouse.duckdb"
    project = copy_project(
        root,
        {
            "duckdb": duckdb_output(duckdb_file),
            # Same file, other schema: the leakage test rebuilds from cut raw data there.
            "leak": duckdb_output(duckdb_file, schema="leak"),
        },
    )
    target = target_of(project)
    load_demo(project, target, CUSTOMERS, SEED)
    return target, run_dbt(target, "build", quiet=True)


@pytest.fixture(scope="module")
def warehouse(duckdb_build) -> Warehouse:
    return Warehouse(duckdb_build[0])


@pytest.fixture(scope="module")
def raw(warehouse) -> Callable[[str], pd.DataFrame]:
    cache: dict[str, pd.DataFrame] = {}

    def read(name: str) -> pd.DataFrame:
        if name not in cache:
            cache[name] = warehouse.read("raw", name)
        return cache[name]

    return read


@pytest.fixture(scope="module")
def features(warehouse) -> pd.DataFrame:
    return warehouse.read("main", "customer_features")


@pytest.fixture(scope="module")
def training(warehouse) -> pd.DataFrame:
    return warehouse.read("main", "customer_training")


def at_cutoff(frame: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    rows = frame[pd.to_datetime(frame["cutoff_date"]) == cutoff]
    return rows.set_index("customer_id").sort_index()


def per_customer(series: pd.Series, index: pd.Index) -> pd.Series:
    """A per-customer aggregate aligned on ``index``, 0 where the customer had none."""
    return series.reindex(index).fillna(0).astype(float)


# ---------------------------------------------------------------------------------------
# The build


def test_build_runs_every_model_and_test(duckdb_build):
    _, run = duckdb_build
    assert not [node.name for node in run.nodes if node.failed]
    assert run.count("model") >= 20
    assert run.count("unit_test") >= 7
    assert run.count("test") >= 100
    built = {node.relation for node in run.relations()}
    assert {"main.customer_features", "main.customer_training", "main.lead_features"} <= built


def test_rows_are_customers_signed_up_before_each_cutoff(features, raw):
    customers = raw("customers")
    cutoffs = sorted(pd.to_datetime(features["cutoff_date"]).unique())
    assert len(cutoffs) == 9  # 2025-01-01 .. 2025-09-01, monthly
    for cutoff in cutoffs:
        expected = set(
            customers.loc[pd.to_datetime(customers["signup_date"]) < cutoff, "customer_id"]
        )
        assert set(at_cutoff(features, cutoff).index) == expected
    # The generator's truth tables describe the very same population.
    truth = raw("truth_churn")
    truth_keys = set(zip(truth["customer_id"], pd.to_datetime(truth["cutoff_date"]), strict=True))
    keys = set(zip(features["customer_id"], pd.to_datetime(features["cutoff_date"]), strict=True))
    assert keys == truth_keys


def test_numeric_features_are_double(features):
    numeric = features.drop(columns=["customer_id", "cutoff_date"]).select_dtypes("number")
    assert {str(dtype) for dtype in numeric.dtypes if not str(dtype).startswith("int")} == {
        "float64"
    }
    for column in ("recency_days", "frequency", "monetary", "orders_30d", "share_fashion"):
        assert features[column].dtype == np.float64


# ---------------------------------------------------------------------------------------
# Feature values, recomputed in pandas


@pytest.mark.parametrize("cutoff", [pd.Timestamp("2025-01-01"), pd.Timestamp("2025-06-01")])
def test_rfm_matches_pandas(features, raw, cutoff):
    expected_rows = at_cutoff(features, cutoff)
    orders = raw("orders")
    before = orders[orders["ordered_at"] < cutoff].groupby("customer_id")
    index = expected_rows.index

    frequency = per_customer(before.size(), index)
    monetary = per_customer(before["amount"].sum(), index)
    last = before["ordered_at"].max().reindex(index)
    recency = (cutoff - last.dt.normalize()).dt.days.astype(float)

    assert (expected_rows["frequency"] == frequency).all()
    np.testing.assert_allclose(expected_rows["monetary"], monetary, rtol=1e-9)
    pd.testing.assert_series_equal(
        expected_rows["recency_days"], recency, check_names=False, check_index_type=False
    )
    assert expected_rows["frequency"].gt(0).sum() > 50  # a real population of buyers
    never = expected_rows["frequency"] == 0
    assert (expected_rows.loc[never, "rfm_segment"] == "prospect").all()
    assert (expected_rows.loc[never, "rule_score"] == 0).all()


@pytest.mark.parametrize(
    ("table", "time_column", "where", "feature"),
    [
        ("orders", "ordered_at", None, "orders_30d"),
        ("web_sessions", "started_at", None, "sessions_7d"),
        ("web_events", "event_at", ("event_type", "product_view"), "product_views_90d"),
        ("support_tickets", "created_at", None, "tickets_90d"),
    ],
)
def test_rolling_window_counts_match_pandas(features, raw, table, time_column, where, feature):
    cutoff = pd.Timestamp("2025-04-01")
    days = int(feature.rsplit("_", 1)[1].rstrip("d"))
    rows = raw(table)
    in_window = (rows[time_column] < cutoff) & (
        rows[time_column] >= cutoff - pd.Timedelta(days=days)
    )
    if where is not None:
        in_window &= rows[where[0]] == where[1]
    expected_rows = at_cutoff(features, cutoff)
    counts = per_customer(rows[in_window].groupby("customer_id").size(), expected_rows.index)
    assert (expected_rows[feature] == counts).all()
    assert counts.sum() > 0


def test_category_shares_and_campaign_history(features, raw):
    cutoff = pd.Timestamp("2025-09-01")
    rows = at_cutoff(features, cutoff)
    orders = raw("orders")
    before = orders[orders["ordered_at"] < cutoff]
    share = before.groupby("customer_id")["category"].apply(lambda c: (c == "home").mean())
    np.testing.assert_allclose(rows["share_home"], per_customer(share, rows.index), atol=1e-12)

    assignments = raw("campaign_assignments")
    contacted = assignments[assignments["contacted"] & (assignments["assigned_at"] < cutoff)]
    times = per_customer(contacted.groupby("customer_id").size(), rows.index)
    assert (rows["times_contacted"] == times).all()
    converted = assignments[assignments["converted"] & (assignments["converted_at"] < cutoff)]
    conversions = per_customer(converted.groupby("customer_id").size(), rows.index)
    assert (rows["past_campaign_conversions"] == conversions).all()


# ---------------------------------------------------------------------------------------
# Labels


def test_labels_match_raw_orders(training, raw):
    orders = raw("orders")
    assert training["is_label_window_closed"].all()  # every cutoff ends 90+ days before the data
    for cutoff in (pd.Timestamp("2025-02-01"), pd.Timestamp("2025-08-01")):
        rows = at_cutoff(training, cutoff)
        after = orders[orders["ordered_at"] >= cutoff]

        def within(days: int, frame: pd.DataFrame = after, start: pd.Timestamp = cutoff):
            return frame[frame["ordered_at"] < start + pd.Timedelta(days=days)]

        bought_60 = set(within(60)["customer_id"])
        bought_30 = set(within(30)["customer_id"])
        revenue = per_customer(within(90).groupby("customer_id")["amount"].sum(), rows.index)

        assert (rows["churned_60d"] == [int(c not in bought_60) for c in rows.index]).all()
        assert (rows["purchased_30d"] == [int(c in bought_30) for c in rows.index]).all()
        np.testing.assert_allclose(rows["revenue_90d"], revenue, rtol=1e-9)
        assert 0 < rows["churned_60d"].mean() < 1


def test_rule_baseline_ranks_buyers(training):
    """The RFM rule is a real baseline: it ranks next-month buyers above the rest."""
    auc = roc_auc_score(training["purchased_30d"], training["rule_score"])
    assert auc > 0.65
    by_segment = training.groupby("rfm_segment")["purchased_30d"].mean()
    assert by_segment["champions"] > by_segment["lost"]


def test_lead_labels_match_raw_leads(warehouse, raw):
    leads = raw("leads").set_index("lead_id").sort_index()
    rows = warehouse.read("main", "lead_features").set_index("lead_id").sort_index()
    assert list(rows.index) == list(leads.index)
    horizon = leads["created_at"] + pd.Timedelta(days=90)
    closed = horizon <= leads["created_at"].max()
    converted = leads["converted"] & (leads["converted_at"] < horizon)
    assert (rows["is_label_window_closed"] == closed).all()
    assert (rows.loc[closed, "converted"] == converted[closed].astype(int)).all()
    assert rows.loc[~closed, "converted"].isna().all()
    assert rows["rule_score"].between(0, 1).all()


# ---------------------------------------------------------------------------------------
# No leakage


def test_features_ignore_everything_from_the_cutoff_on(duckdb_build, warehouse, features):
    """Rebuild one cutoff from raw data that ends at it: the features must not change.

    Every raw row at or after the cutoff is dropped, and campaign outcomes that happened
    after it are erased, in a copy of the raw schema; dbt then rebuilds the features of
    that cutoff alone, into another schema, from the copy.
    """
    target, _ = duckdb_build
    cutoff = LEAK_CUTOFF.date().isoformat()
    time_columns = {
        "customers": "signup_date",
        "orders": "ordered_at",
        "web_sessions": "started_at",
        "web_events": "event_at",
        "support_tickets": "created_at",
        "leads": "created_at",
        "campaign_assignments": "assigned_at",
    }
    statements = [f"create schema if not exists {RAW_CUT_SCHEMA}"]
    for table, column in time_columns.items():
        statements.append(
            f"create or replace table {RAW_CUT_SCHEMA}.{table} as "
            f"select * from raw.{table} where {column} < date '{cutoff}'"
        )
    statements.append(
        f"update {RAW_CUT_SCHEMA}.campaign_assignments "
        f"set converted = false, converted_at = null, revenue = 0 "
        f"where converted_at >= date '{cutoff}'"
    )
    for table in ("campaigns", "truth_churn", "truth_propensity", "truth_uplift"):
        statements.append(
            f"create or replace table {RAW_CUT_SCHEMA}.{table} as select * from raw.{table}"
        )
    warehouse.execute(*statements)
    dropped = warehouse.read("raw", "orders")["ordered_at"].ge(LEAK_CUTOFF).sum()
    assert dropped > 100  # the cut removes real future data

    leak_target = target_of(find_project(target.project_dir), "leak")
    run_dbt(
        leak_target,
        "run",
        "--select",
        "+customer_features",
        vars={
            "scorehouse_raw_schema": RAW_CUT_SCHEMA,
            "scorehouse_cutoff_start": cutoff,
            "scorehouse_cutoff_end": cutoff,
        },
        quiet=True,
    )
    rebuilt = Warehouse(leak_target).read("leak", "customer_features").set_index("customer_id")
    original = at_cutoff(features, LEAK_CUTOFF)
    pd.testing.assert_frame_equal(
        rebuilt.sort_index()[original.columns],
        original,
        check_exact=False,
        rtol=1e-9,
        check_index_type=False,
    )


# ---------------------------------------------------------------------------------------
# The demo command


def test_demo_command_generates_builds_and_shows_tables(tmp_path):
    duckdb_file = tmp_path / "demo.duckdb"
    copy_project(
        tmp_path, {"duckdb": {"type": "duckdb", "path": str(duckdb_file), "schema": "main"}}
    )
    args = ["--project-dir", str(tmp_path), "--profiles-dir", str(tmp_path)]
    result = CliRunner().invoke(cli, [*args, "demo", "--customers", "300", "--seed", "3"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    shown = {line.split()[0]: line.split()[1] for line in lines if line.startswith("  main.")}
    # the demo runs the loop's stages: the features the two models use (not the example's
    # lead features, which no model declares), then it trains, scores, monitors (ml_*),
    # builds audiences (seg_) and measures uplift (uplift_*)
    assert {n for n in shown if not n.startswith(("main.ml_", "main.uplift_", "main.seg_"))} == {
        "main.customer_cutoffs",
        "main.customer_features",
        "main.customer_labels",
        "main.customer_training",
        "main.churn_scores",
        "main.churn_score_history",
        "main.purchase_scores",
        "main.purchase_score_history",
    }
    assert shown["main.customer_cutoffs"] == "9"
    scored = int(shown["main.churn_scores"].replace(",", ""))
    assert scored > 0
    assert shown["main.purchase_scores"] == shown["main.churn_scores"]
    assert shown["main.churn_score_history"] == shown["main.churn_scores"]
    assert {
        "main.ml_score_drift",
        "main.ml_feature_drift",
        "main.uplift_campaign_lift",
        "main.seg_audience_members",
        "main.seg_membership_history",
        "main.seg_export_log",
    } <= set(shown)
    assert (tmp_path / "reports" / "churn.html").is_file()
    assert any(str(duckdb_file) in line for line in lines)
    assert "demo finished" in lines[-1]


# ---------------------------------------------------------------------------------------
# PostgreSQL


@pytest.mark.postgres
def test_postgres_build_gives_the_same_features(postgres_server, tmp_path, features):
    """The same generated data on PostgreSQL: dbt build passes and the features agree."""
    db = postgres_server.create_database("scorehouse_features")
    project = copy_project(tmp_path, {"postgres": postgres_output(db, schema="analytics")})
    target = target_of(project)
    load_demo(project, target, CUSTOMERS, SEED)
    run = run_dbt(target, "build", quiet=True)
    assert not [node.name for node in run.nodes if node.failed]

    on_postgres = Warehouse(target).read("analytics", "customer_features")
    key = ["customer_id", "cutoff_date"]
    on_postgres = on_postgres.assign(cutoff_date=pd.to_datetime(on_postgres["cutoff_date"]))
    on_duckdb = features.assign(cutoff_date=pd.to_datetime(features["cutoff_date"]))
    left = on_postgres.sort_values(key).reset_index(drop=True)[on_duckdb.columns]
    right = on_duckdb.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right, check_exact=False, rtol=1e-9, check_dtype=False)
