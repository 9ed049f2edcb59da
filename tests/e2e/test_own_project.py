"""scorehouse in a dbt project of one's own, shaped unlike the retailer.

tests/projects/subscription is a subscription business: accounts with string keys
(``acc-0001``), usage events, plans, monthly snapshots keyed by ``snapshot_month``. It
installs the scorehouse dbt package through packages.yml by a local path (``dbt deps``)
and the Python package from the checkout, as a user would. On DuckDB and PostgreSQL:

1. with nothing declared, ``dbt build`` passes and builds nothing of scorehouse's that reads
   the project's tables (only scorehouse's own, empty, monitoring tables);
2. then it declares a binary and a regression model, an audience and a campaign with its own
   treatment share, runs ``scorehouse train`` and ``scorehouse run``, and the scores equal
   scikit-learn's, monitoring and uplift rows exist, the sync view holds only consenting
   members, and no relation of the demo retailer exists anywhere in its warehouse.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from scorehouse.cli.main import cli
from scorehouse.dbt import run_dbt
from scorehouse.engines import connect
from scorehouse.errors import ScorehouseError
from scorehouse.project import Project, Target, find_project
from scorehouse.registry.artifacts import load_pipeline, verified_dir
from tests.support.project import (
    EXAMPLE,
    REPO,
    Warehouse,
    duckdb_output,
    install_package,
    postgres_output,
    target_of,
)

SOURCE = REPO / "tests" / "projects" / "subscription"
ACCOUNTS = 500
SEED = 5
EXACT = 1e-12
CAMPAIGN_ID, TREATMENT_SHARE = 7, 0.7
PROFILE = "subscription"


# --- the business's raw data, as seeds ------------------------------------------------------


def raw_tables(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Accounts that use less before they cancel, weekly usage, three plans, and one
    randomised retention campaign that keeps some treated accounts."""
    plans = pd.DataFrame(
        {
            "plan_code": ["B", "P", "T"],
            "plan_name": ["basic", "pro", "team"],
            "monthly_price": [9.0, 29.0, 99.0],
        }
    )
    n = ACCOUNTS
    engagement = rng.lognormal(mean=1.0, sigma=0.8, size=n)
    opened = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D")
    # low engagement, higher monthly cancellation hazard
    hazard = 0.25 / (1.0 + engagement)
    months_to_cancel = rng.geometric(np.clip(hazard, 0.01, 0.9))
    cancelled = opened + pd.to_timedelta(months_to_cancel * 30 + rng.integers(0, 30, n), unit="D")
    cancelled = pd.Series(cancelled).where(cancelled < pd.Timestamp("2025-10-01"))
    ids = [f"acc-{i:04d}" for i in range(1, n + 1)]
    accounts = pd.DataFrame(
        {
            "account_ref": ids,
            "opened_on": opened.date,
            "plan_code": rng.choice(["B", "P", "T"], size=n, p=[0.6, 0.3, 0.1]),
            "country": rng.choice(["fr", "de", "es"], size=n),
            "billing_email": [f"  Owner.{i}@Example.COM " for i in range(1, n + 1)],
            "mobile": [f"06 {i % 100:02d} 34 56 {i % 97:02d}" for i in range(1, n + 1)],
            "newsletter_opt_in": rng.random(n) < 0.6,
            "sms_opt_in": rng.random(n) < 0.4,
            "cancelled_on": pd.to_datetime(cancelled).dt.date,
        }
    )
    weeks = pd.date_range("2024-01-01", "2025-09-29", freq="7D")
    rows = []
    for i, account in accounts.iterrows():
        open_weeks = weeks[(weeks >= pd.Timestamp(account.opened_on))]
        if pd.notna(account.cancelled_on):
            end = pd.Timestamp(account.cancelled_on)
            open_weeks = open_weeks[open_weeks < end]
            # usage fades in the two months before cancelling
            fading = np.clip((end - open_weeks).days / 60.0, 0.1, 1.0)
        else:
            fading = np.ones(len(open_weeks))
        minutes = rng.gamma(2.0, engagement[i] * 20.0, size=len(open_weeks)) * fading
        rows.append(
            pd.DataFrame(
                {
                    "account_ref": account.account_ref,
                    "used_on": open_weeks.date,
                    "minutes": np.round(minutes, 2),
                }
            )
        )
    usage = pd.concat(rows, ignore_index=True)
    start = dt.date(2025, 6, 15)
    targeted = accounts[
        (pd.to_datetime(accounts.opened_on) < pd.Timestamp(start))
        & (
            accounts.cancelled_on.isna()
            | (pd.to_datetime(accounts.cancelled_on) > pd.Timestamp(start))
        )
    ]
    treated = rng.random(len(targeted)) < TREATMENT_SHARE
    renewed = rng.random(len(targeted)) < np.where(treated, 0.55, 0.4)
    members = pd.DataFrame(
        {
            "campaign_id": CAMPAIGN_ID,
            "account_ref": targeted.account_ref.to_numpy(),
            "assigned_at": pd.Timestamp(start),
            "arm": np.where(treated, "treatment", "control"),
            "renewed": renewed,
            "revenue": np.where(renewed, 29.0, 0.0),
        }
    )
    campaigns = pd.DataFrame(
        {
            "campaign_id": [CAMPAIGN_ID],
            "campaign_name": ["Summer renewal offer"],
            "channel": ["email"],
            "offer": ["1 month free"],
            "start_date": [start],
            "end_date": [dt.date(2025, 7, 15)],
            "cost_per_contact": [0.05],
            "treatment_share": [TREATMENT_SHARE],
        }
    )
    return {
        "accounts": accounts,
        "usage_events": usage,
        "plans": plans,
        "campaigns": campaigns,
        "campaign_members": members,
    }


# --- what the project declares in step 2 ------------------------------------------------------

PEOPLE = {
    "owner": "data@subscription.example",
    "business_owner": "growth@subscription.example",
    "kill_switch_owner": "growth@subscription.example",
}
DATA = {
    "entity_key": "account_ref",
    "relation": "account_months",
    "cutoff": "snapshot_month",
}
NUMERIC = ["usage_30d", "usage_90d", "tenure_days", "monthly_price"]
# the data ends in 2025: scores of its last month must not count as stale
SLA = {"refresh_cadence": "monthly", "max_staleness": "5000d", "on_breach": "alert"}
CANCEL = {
    "task": "binary",
    "description": "Which accounts cancel next month.",
    "people": PEOPLE,
    "data": {
        **DATA,
        "label": "cancels_next_month",
        "features": {"numeric": NUMERIC, "categorical": ["plan_name", "country"]},
    },
    "estimator": {
        "preprocess": {
            "numeric": [{"class": "StandardScaler"}],
            "categorical": [{"class": "OneHotEncoder", "params": {"handle_unknown": "ignore"}}],
        },
        "model": {"class": "LogisticRegression", "params": {"max_iter": 500}},
    },
    "baseline": {"name": "everyone_alike", "sql": "0.5"},
    "sla": SLA,
}
USAGE = {
    "task": "regression",
    "description": "Minutes each account will use next month.",
    "people": PEOPLE,
    "data": {**DATA, "label": "usage_next_month", "features": {"numeric": NUMERIC}},
    "estimator": {"model": {"class": "LinearRegression"}},
    "baseline": {"name": "nothing", "sql": "0.0"},
    "sla": SLA,
}
AUDIENCE = {
    "name": "likely_cancellers_email",
    "type": "application",
    "owner": {"name": "Growth", "email": "growth@subscription.example"},
    "depends_on": ["ref('seg_audience_sync')"],
    "meta": {
        "scorehouse_audience": {
            "model": "cancel",
            "select": {"top_percent": 40},
            "destination": {"type": "email_list", "name": "newsletter tool: save offer"},
            "holdout": {"share": 0.2},
            "campaign_id": 900,
        }
    },
}
DECLARED_VARS = {
    "scorehouse_contacts": "account_contacts",
    "scorehouse_campaigns": "retention_campaigns",
    "scorehouse_campaign_assignments": "retention_assignments",
    "scorehouse_generated_dir": "models/predictions/generated",
}


def declare(project: Project) -> None:
    """Step 2: the two specs (where this project keeps its models), the audience, the vars."""
    predictions = project.root / "models" / "predictions"
    predictions.mkdir(exist_ok=True)  # git keeps no empty folder
    for name, spec in (("cancel", CANCEL), ("usage", USAGE)):
        model = {"name": f"{name}_scores", "config": {"meta": {"scorehouse": spec}}}
        (predictions / f"{name}.yml").write_text(
            yaml.safe_dump({"version": 2, "models": [model]}, sort_keys=False)
        )
    (predictions / "audiences.yml").write_text(
        yaml.safe_dump({"version": 2, "exposures": [AUDIENCE]}, sort_keys=False)
    )
    config_file = project.root / "dbt_project.yml"
    config = yaml.safe_load(config_file.read_text())
    config["vars"].update(DECLARED_VARS)
    config_file.write_text(yaml.safe_dump(config, sort_keys=False))


# --- the lab ----------------------------------------------------------------------------------


@dataclass
class Lab:
    project: Project
    target: Target
    first_build: list[str]  # relations the build with nothing declared made
    run_output: str
    run_exit: int

    def table(self, name: str) -> pd.DataFrame:
        return Warehouse(self.target).read(self.target.schema, name)

    def relations(self) -> set[str]:
        """Every table and view of every schema of the warehouse."""
        con = connect(self.target)
        try:
            rows = con.fetchall("SELECT table_name FROM information_schema.tables")
        finally:
            con.close()
        return {str(row[0]) for row in rows}


def _invoke(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--project-dir", str(root), *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a crash shows its traceback, not a bare exit code
    return result.exit_code, result.output


def _copy_with_seeds(root: Path) -> None:
    """The subscription project into ``root`` with its raw tables as seeds (git keeps no
    empty ``seeds/`` folder, so it is made here)."""
    shutil.copytree(SOURCE, root, dirs_exist_ok=True)
    (root / "seeds").mkdir(exist_ok=True)
    for name, frame in raw_tables(np.random.default_rng(SEED)).items():
        frame.to_csv(root / "seeds" / f"{name}.csv", index=False)


@pytest.fixture(
    scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def lab(request, tmp_path_factory) -> Iterator[Lab]:
    root = tmp_path_factory.mktemp(f"subscription-{request.param}")
    _copy_with_seeds(root)
    if request.param == "duckdb":
        output = duckdb_output(root / "warehouse.duckdb", schema="analytics")
    else:
        db = request.getfixturevalue("postgres_server").create_database("scorehouse_own")
        output = postgres_output(db, schema="analytics")
    profiles = {PROFILE: {"target": "dev", "outputs": {"dev": output}}}
    (root / "profiles.yml").write_text(yaml.safe_dump(profiles))
    install_package(root)  # packages.yml with the checkout's path, then `dbt deps`
    project = find_project(root)
    target = target_of(project)

    # 1. nothing declared
    build = run_dbt(target, "build", quiet=True)
    first = sorted(node.name for node in build.nodes if node.resource_type == "model")

    # 2. two models, an audience, a campaign with its own share
    declare(project)
    project = find_project(root)
    for name in ("cancel", "usage"):
        code, output = _invoke(root, "train", name)
        assert code == 0, output
    code, output = _invoke(root, "run")
    yield Lab(project, target, first, output, code)


def test_with_nothing_declared_only_scorehouse_own_tables_are_built(lab):
    own = {"stg_accounts", "stg_usage_events", "stg_plans", "account_months", "account_contacts",
           "retention_campaigns", "retention_assignments"}  # fmt: skip
    scorehouse = set(lab.first_build) - own
    assert scorehouse and all(name.startswith("ml_") for name in scorehouse), scorehouse
    assert not {n for n in lab.first_build if n.startswith(("seg_", "uplift_"))}


def test_the_loop_ran(lab):
    assert lab.run_exit in (0, 1), lab.run_output
    for step in ("features", "score", "monitor", "segments", "uplift"):
        assert any(
            line.startswith(f"{step} ") and " ok " in line for line in lab.run_output.splitlines()
        ), (step, lab.run_output)


def _champion(lab: Lab, name: str) -> tuple[Any, dict[str, Any]]:
    versions = lab.table("ml_model_versions")
    row = versions[(versions.model_name == name) & (versions.status == "champion")].iloc[0]
    return load_pipeline(verified_dir(lab.project.root, row.to_dict())), row.to_dict()


def _snapshot(lab: Lab, cutoff: Any) -> pd.DataFrame:
    rows = lab.table("account_months")
    rows = rows[pd.to_datetime(rows.snapshot_month) == pd.Timestamp(cutoff)]
    for column in NUMERIC:
        rows[column] = rows[column].astype(np.float64)
    return rows.set_index("account_ref")


@pytest.mark.parametrize("name", ["cancel", "usage"])
def test_scores_equal_scikit_learn(lab, name):
    scores = lab.table(f"{name}_scores")
    assert len(scores) > 0 and set(scores.scored_by) == {"model"}
    (cutoff,) = scores.snapshot_month.unique()
    pipeline, champion = _champion(lab, name)
    rows = _snapshot(lab, cutoff).loc[scores.account_ref]
    features = rows[list(pipeline.feature_names_in_)]
    if name == "cancel":
        expected = pipeline.predict_proba(features)[:, 1]
        assert list(scores.label) == list(pipeline.predict(features))
    else:
        expected = pipeline.predict(features)
    np.testing.assert_allclose(scores.score.to_numpy(np.float64), expected, rtol=0, atol=EXACT)
    assert set(scores.model_version) == {champion["version"]}


def test_monitoring_rows_exist(lab):
    drift = lab.table("ml_score_drift")
    assert set(drift.model_name) == {"cancel", "usage"}
    assert (drift.n_rows > 0).all()
    assert len(lab.table("ml_feature_drift")) > 0
    assert set(lab.table("ml_freshness").model_name) == {"cancel", "usage"}


def test_uplift_rows_for_its_campaign_with_the_share_it_declared(lab):
    design = lab.table("uplift_campaign_design").set_index("campaign_id")
    assert design.loc[CAMPAIGN_ID, "treatment_share"] == pytest.approx(TREATMENT_SHARE, abs=0)
    assert design.loc[CAMPAIGN_ID, "declared_by"] == "campaigns column"
    lift = lab.table("uplift_campaign_lift").set_index("campaign_id")
    assert CAMPAIGN_ID in lift.index
    assert lift.loc[CAMPAIGN_ID, "srm_status"] != "undeclared"


def test_the_sync_view_holds_only_consenting_members(lab):
    synced = lab.table("seg_audience_sync")
    members = lab.table("seg_audience_members")
    assert len(synced) > 0 and len(members) > len(synced)
    contacts = lab.table("account_contacts").set_index("customer_id")
    assert contacts.loc[synced.crm_id, "has_email_consent"].all()
    assert synced.email.str.fullmatch(r"owner\.\d+@example\.com").all()


def test_no_relation_of_the_retailer_exists(lab):
    retailer = {p.stem for p in (EXAMPLE / "models").rglob("*.sql")}
    retailer |= {p.stem for p in (REPO / "seeds").glob("*.csv")}
    # names this project happens to share (it has campaigns too) are its own
    own = {p.stem for p in lab.project.root.glob("models/**/*.sql")}
    own |= {p.stem for p in lab.project.root.glob("seeds/*.csv")}
    assert not (retailer - own) & lab.relations()
    assert "customer_features" in retailer and "stg_raw__customers" in retailer


# --- inputs that do not fit their contract --------------------------------------------------


def _fresh(root: Path) -> Target:
    """The subscription project in ``root`` on DuckDB, its own models built, nothing of
    scorehouse's declared."""
    _copy_with_seeds(root)
    output = duckdb_output(root / "warehouse.duckdb", schema="analytics")
    (root / "profiles.yml").write_text(
        yaml.safe_dump({PROFILE: {"target": "dev", "outputs": {"dev": output}}})
    )
    install_package(root)
    target = target_of(find_project(root))
    run_dbt(target, "build", "--exclude", "package:scorehouse", quiet=True)
    return target


def _set_vars(root: Path, **values: Any) -> None:
    config_file = root / "dbt_project.yml"
    config = yaml.safe_load(config_file.read_text())
    config["vars"].update(values)
    config_file.write_text(yaml.safe_dump(config, sort_keys=False))


def test_a_relation_missing_a_contract_column_stops_the_build_naming_all_three(tmp_path):
    target = _fresh(tmp_path)
    _set_vars(tmp_path, scorehouse_contacts="stg_plans")
    with pytest.raises(ScorehouseError) as failure:
        run_dbt(target, "build", "--select", "scorehouse.segments", quiet=True)
    message = str(failure.value)
    assert "var scorehouse_contacts names stg_plans" in message
    assert "lacks column(s) customer_id, email, phone, region" in message


def test_a_campaign_without_a_declared_share_is_undeclared_never_guessed(tmp_path):
    target = _fresh(tmp_path)
    (tmp_path / "models" / "marketing" / "campaigns_without_share.sql").write_text(
        "select campaign_id, campaign_name, channel, offer, start_date, end_date, "
        "cost_per_contact from {{ ref('retention_campaigns') }}\n"
    )
    _set_vars(
        tmp_path,
        scorehouse_campaigns="campaigns_without_share",
        scorehouse_campaign_assignments="retention_assignments",
    )
    run_dbt(target, "build", "--select", "campaigns_without_share", "scorehouse.uplift", quiet=True)
    design = Warehouse(target).read("analytics", "uplift_campaign_design")
    (row,) = design.to_dict("records")
    assert row["campaign_id"] == CAMPAIGN_ID and row["declared_by"] == "undeclared"
    assert pd.isna(row["treatment_share"])
    lift = Warehouse(target).read("analytics", "uplift_campaign_lift")
    assert list(lift.srm_status) == ["undeclared"]
