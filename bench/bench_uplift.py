"""Uplift benchmark: campaign lift, uplift by decile and Qini for 10,000,000 customers.

    .venv/bin/python bench/bench_uplift.py                  # 10,000,000 customers
    .venv/bin/python bench/bench_uplift.py --rows 1000000 --runs 3

One randomised campaign of N customers (treatment share 0.5), each with a model score
(rounded to 4 decimals, so ties happen), is written to a DuckDB file beside a user's dbt
project that installs scorehouse and maps the campaign to the package's input contracts.
``dbt compile`` renders the uplift models; each compiled query is then timed in DuckDB in
dependency order, built as dbt builds it (views, and uplift_scored_assignments a table),
except that the last model of each group is built as a table so that its work is done:

- campaign lift      uplift_campaigns, uplift_assignments, uplift_campaign_design,
                     uplift_campaign_arms, uplift_campaign_lift
- uplift by decile   uplift_scored_assignments (scores joined to the campaign, a table
                     every targeting model reads) + uplift_by_decile
- Qini               uplift_curve_points + uplift_ranking (Qini coefficient and AUUC)

On the same rows, already in memory as numpy arrays (their load is not timed):

- campaign lift      pandas group-by + statsmodels proportions_ztest, the Wald interval
                     and ttest_ind(usevar='unequal') (scikit-uplift has no campaign lift)
- uplift by decile   sklift.metrics.uplift_by_percentile(bins=10, std=True)
- Qini               sklift.metrics.qini_auc_score + uplift_auc_score

The values of both sides are compared: z, the interval and Welch's t; each decile's uplift
and its standard error; the Qini coefficient and AUUC.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "ml"))

from scorehouse import selectors  # noqa: E402
from scorehouse.dbt import run_dbt  # noqa: E402
from scorehouse.project import find_project, resolve_target  # noqa: E402

START = dt.date(2025, 3, 5)
CUTOFF = dt.date(2025, 3, 1)
GROUPS = {
    "campaign lift": [
        "uplift_campaigns",
        "uplift_assignments",
        "uplift_campaign_design",
        "uplift_campaign_arms",
        "uplift_campaign_lift",
    ],
    "uplift by decile": ["uplift_scored_assignments", "uplift_by_decile"],
    "Qini": ["uplift_curve_points", "uplift_ranking"],
}
TABLES = {"uplift_scored_assignments"}  # the uplift models dbt builds as tables, not views
Z = 1.959963984540054  # the models' two-sided 95 % normal quantile
SPEC = {"task": "binary", "data": {"entity_key": "customer_id", "cutoff": "cutoff_date"}}


def synthetic(n: int, seed: int = 0) -> dict[str, pa.Table]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    treated = rng.random(n) < 0.5
    p = 0.08 + treated * (0.1 / (1 + np.exp(-2 * x)) - 0.02)
    converted = rng.random(n) < p
    revenue = np.where(converted, np.round(rng.lognormal(3.5, 0.6, n), 2), 0.0)
    score = np.round(1 / (1 + np.exp(-(x + rng.normal(scale=0.8, size=n)))), 4)
    # as many digits each, so that their order as text (the contract's key) is numeric order
    ids = np.arange(10**9, 10**9 + n, dtype=np.int64)
    campaigns = pd.DataFrame(
        {
            "campaign_id": [1],
            "campaign_name": ["bench"],
            "channel": ["email"],
            "offer": ["discount_10"],
            "start_date": [START],
            "end_date": [START + dt.timedelta(days=20)],
            "cost_per_contact": [0.02],
        }
    )
    assignments = pa.table(
        {
            "campaign_id": np.ones(n, dtype=np.int32),
            "customer_id": ids,
            "assigned_at": pa.array(np.full(n, np.datetime64(START, "us"))),
            "treatment_group": np.where(treated, "treatment", "control"),
            "contacted": treated,
            "contact_cost": np.where(treated, 0.02, 0.0),
            "converted": converted,
            "converted_at": pa.nulls(n, pa.timestamp("us")),
            "revenue": revenue,
        }
    )
    history = pa.table(
        {
            "customer_id": ids,
            "cutoff_date": pa.array(np.full(n, np.datetime64(CUTOFF, "D"))),
            "model_name": pa.array(["bench"] * n),
            "model_version": np.ones(n, dtype=np.int32),
            "scored_by": pa.array(["model"] * n),
            "score": score,
        }
    )
    return {
        "campaigns": pa.Table.from_pandas(campaigns, preserve_index=False),
        "campaign_assignments": assignments,
        "bench_history": history,
    }


def project_in(root: Path) -> Any:
    """A user's dbt project that installs scorehouse by its path and maps the benchmark's
    raw tables to the package's input contracts, with one model, ``bench``, whose score
    history is the benchmark's scores."""
    config = {
        "name": "bench_uplift",
        "version": "1.0.0",
        "config-version": 2,
        "profile": "bench",
        "model-paths": ["models"],
        "vars": {
            "scorehouse_campaigns": "bench_campaigns",
            "scorehouse_campaign_assignments": "bench_assignments",
            "scorehouse_campaign_design": {1: 0.5},
        },
        "models": {"bench_uplift": {"+materialized": "view"}},
    }
    (root / "dbt_project.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    (root / "packages.yml").write_text(yaml.safe_dump({"packages": [{"local": str(REPO)}]}))
    output = {"type": "duckdb", "path": str(root / "bench.duckdb"), "schema": "main", "threads": 2}
    profile = {"bench": {"target": "duckdb", "outputs": {"duckdb": output}}}
    (root / "profiles.yml").write_text(yaml.safe_dump(profile))
    models = root / "models"
    models.mkdir()
    (models / "bench_campaigns.sql").write_text("select * from raw.campaigns\n")
    (models / "bench_assignments.sql").write_text(
        "select campaign_id, cast(customer_id as varchar) as customer_id, assigned_at,\n"
        "    treatment_group, treatment_group = 'treatment' as is_treatment,\n"
        "    contacted as was_contacted, contact_cost, converted as is_converted,\n"
        "    converted_at, revenue\n"
        "from raw.campaign_assignments\n"
    )
    model = {"name": "bench_scores", "config": {"meta": {"scorehouse": SPEC}}}
    (models / "bench.yml").write_text(yaml.safe_dump({"version": 2, "models": [model]}))
    (models / "bench_scores.sql").write_text("select 1 as placeholder\n")
    (models / "bench_score_history.sql").write_text("select * from raw.bench_history\n")
    project = find_project(root)
    return project, resolve_target(project, None, root)


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def python_side(data: dict[str, pa.Table]) -> dict[str, tuple[float, Any]]:
    """Each group's seconds and values with pandas, statsmodels and scikit-uplift."""
    from sklift.metrics import qini_auc_score, uplift_auc_score, uplift_by_percentile
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest
    from statsmodels.stats.weightstats import ttest_ind

    a = data["campaign_assignments"]
    treatment = (a["treatment_group"].to_numpy(zero_copy_only=False) == "treatment").astype(int)
    y = a["converted"].to_numpy(zero_copy_only=False).astype(int)
    revenue = a["revenue"].to_numpy()
    score = data["bench_history"]["score"].to_numpy()  # same customer order
    frame = pd.DataFrame(
        {"campaign_id": a["campaign_id"].to_numpy(), "t": treatment, "y": y, "revenue": revenue}
    )

    def lift() -> dict[str, float]:
        (_, group), *others = frame.groupby("campaign_id")
        assert not others
        t, c = group[group.t == 1], group[group.t == 0]
        count, nobs = [t.y.sum(), c.y.sum()], [len(t), len(c)]
        z, _ = proportions_ztest(count, nobs)
        low, high = confint_proportions_2indep(count[0], nobs[0], count[1], nobs[1], method="wald")
        t_stat, _, _ = ttest_ind(t.revenue.to_numpy(), c.revenue.to_numpy(), usevar="unequal")
        return {"z": z, "ci_low": low, "ci_high": high, "revenue_t": t_stat}

    return {
        "campaign lift": timed(lift),
        "uplift by decile": timed(
            lambda: uplift_by_percentile(y, score, treatment, bins=10, std=True)
        ),
        "Qini": timed(
            lambda: (qini_auc_score(y, score, treatment), uplift_auc_score(y, score, treatment))
        ),
    }


def sql_values(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    lift = con.execute(
        "select z_statistic, absolute_lift_ci_low, absolute_lift_ci_high, revenue_t_statistic "
        "from main.uplift_campaign_lift"
    ).fetchall()
    deciles = con.execute(
        f"select uplift, (uplift_ci_high - uplift) / {Z} from main.uplift_by_decile "
        "where subject = 'model' order by decile"
    ).fetchall()
    ranking = con.execute(
        "select qini_coefficient, auuc from main.uplift_ranking where subject = 'model'"
    ).fetchall()
    return {"lift": lift, "deciles": deciles, "ranking": ranking}


def differences(sql: dict[str, Any], py: dict[str, tuple[float, Any]]) -> dict[str, float]:
    """The largest absolute difference between the two sides, per group."""
    (lift_row,) = sql["lift"]
    lift = py["campaign lift"][1]
    expected = (lift["z"], lift["ci_low"], lift["ci_high"], lift["revenue_t"])
    by_decile = py["uplift by decile"][1]
    (ranking,) = sql["ranking"]
    qini, auuc = py["Qini"][1]
    return {
        "campaign lift": max(abs(a - b) for a, b in zip(lift_row, expected, strict=True)),
        "uplift by decile": max(
            max(abs(u - e), abs(se - es))
            for (u, se), e, es in zip(
                sql["deciles"], by_decile["uplift"], by_decile["std_uplift"], strict=True
            )
        ),
        "Qini": max(abs(ranking[0] - qini), abs(ranking[1] - auuc)),
    }


@dataclass
class Run:
    rows: int
    sql: dict[str, float]  # seconds per group
    per_model: dict[str, float]
    python: dict[str, float]
    differences: dict[str, float]


def run(rows: int) -> Run:
    with tempfile.TemporaryDirectory(prefix="scorehouse-bench-uplift-") as tmp:
        root = Path(tmp)
        project, target = project_in(root)
        data = synthetic(rows)
        con = duckdb.connect(str(root / "bench.duckdb"))
        con.execute("create schema raw")
        for name, table in data.items():
            con.register("incoming", table)
            con.execute(f"create table raw.{name} as select * from incoming")
            con.unregister("incoming")
        con.close()
        run_dbt(target, "deps", quiet=True)
        run_dbt(target, "run", "--select", "bench_campaigns", "bench_assignments",
                "bench_score_history", quiet=True)  # fmt: skip
        run_dbt(target, "compile", "--select", selectors.UPLIFT, quiet=True)
        compiled = root / "target" / "compiled" / "scorehouse" / "models" / "uplift"
        con = duckdb.connect(str(root / "bench.duckdb"))
        sql_times: dict[str, float] = {}
        per_model: dict[str, float] = {}
        for group, models in GROUPS.items():
            for model in models:
                sql = (compiled / f"{model}.sql").read_text()
                # as dbt builds it; a group's last model a table, so that its work is done
                kind = "table" if model in TABLES or model == models[-1] else "view"
                statement = f"create or replace {kind} main.{model} as {sql}"
                per_model[model], _ = timed(lambda statement=statement: con.execute(statement))
            sql_times[group] = sum(per_model[m] for m in models)
        values = sql_values(con)
        con.close()
    py = python_side(data)
    return Run(rows, sql_times, per_model, {g: py[g][0] for g in GROUPS}, differences(values, py))


def report(r: Run) -> None:
    print(f"uplift benchmark: {r.rows:,} customers, one campaign, DuckDB {duckdb.__version__}")
    for model, seconds in r.per_model.items():
        print(f"    {model}: {seconds:.2f}s")
    print(f"  {'':<18}{'DuckDB SQL':>12}{'Python':>12}{'Python / SQL':>14}{'max |diff|':>12}")
    for group in GROUPS:
        sql_s, py_s = r.sql[group], r.python[group]
        diff = r.differences[group]
        print(f"  {group:<18}{sql_s:>11.2f}s{py_s:>11.2f}s{py_s / sql_s:>13.1f}x{diff:>12.1e}")


def main() -> None:
    warnings.filterwarnings("ignore", category=FutureWarning)  # sklift on scikit-learn 1.9
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=1, help="repeat; best and median shown")
    args = parser.parse_args()
    runs = [run(args.rows) for _ in range(args.runs)]
    for r in runs:
        report(r)
    if len(runs) > 1:
        for group in GROUPS:
            ratios = sorted(r.python[group] / r.sql[group] for r in runs)
            print(
                f"  {group}: Python / SQL over {len(runs)} runs: best {ratios[-1]:.2f}x, "
                f"median {ratios[len(ratios) // 2]:.2f}x"
            )


if __name__ == "__main__":
    main()
