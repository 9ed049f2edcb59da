"""Uplift benchmark: campaign lift, uplift by decile and Qini for 10,000,000 customers.

    .venv/bin/python bench/bench_uplift.py                 # 10,000,000 customers
    .venv/bin/python bench/bench_uplift.py --rows 200000   # a smoke run

One randomised campaign of N customers (treatment share 0.5), each with a model score
(rounded to 4 decimals, so ties happen) is written to a DuckDB file, with a copy of the dbt
project whose toy model's score history is that table. ``dbt compile`` renders the uplift
models; each compiled query is then timed in DuckDB as ``CREATE TABLE ... AS`` (every
column computed and stored, planning included), in dependency order:

- campaign lift      uplift_campaign_design + uplift_campaign_arms + uplift_campaign_lift
- uplift by decile   uplift_scored_assignments (scores joined to the campaign) +
                     uplift_by_decile
- Qini               uplift_curve_points + uplift_ranking (Qini coefficient and AUUC)

On the same rows, already in memory as numpy arrays (their load is not timed):

- campaign lift      pandas group-by + statsmodels proportions_ztest, the Wald interval
                     and ttest_ind(usevar='unequal') (scikit-uplift has no campaign lift)
- uplift by decile   sklift.metrics.uplift_by_percentile(bins=10, std=True)
- Qini               sklift.metrics.qini_auc_score + uplift_auc_score

Each side runs once; the machine is shared, so read the ratios more than the seconds. The
Qini coefficient and AUUC of both sides are printed, to show they agree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "ml"))

from scorehouse.dbt import run_dbt  # noqa: E402
from scorehouse.project import find_project, resolve_target  # noqa: E402

START = dt.date(2025, 3, 5)
CUTOFF = dt.date(2025, 3, 1)
GROUPS = {
    "campaign lift": ["uplift_campaign_design", "uplift_campaign_arms", "uplift_campaign_lift"],
    "uplift by decile": ["uplift_scored_assignments", "uplift_by_decile"],
    "Qini": ["uplift_curve_points", "uplift_ranking"],
}
SPEC = {"task": "binary", "data": {"entity_key": "customer_id", "cutoff": "cutoff_date"}}


def synthetic(n: int, seed: int = 0) -> dict[str, pa.Table]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    treated = rng.random(n) < 0.5
    p = 0.08 + treated * (0.1 / (1 + np.exp(-2 * x)) - 0.02)
    converted = rng.random(n) < p
    revenue = np.where(converted, np.round(rng.lognormal(3.5, 0.6, n), 2), 0.0)
    score = np.round(1 / (1 + np.exp(-(x + rng.normal(scale=0.8, size=n)))), 4)
    ids = np.arange(1, n + 1, dtype=np.int64)
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
    for part in ("dbt_project.yml", "models", "macros", "seeds"):
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, root / part, ignore=shutil.ignore_patterns("generated"))
        else:
            shutil.copy(source, root / part)
    output = {"type": "duckdb", "path": str(root / "bench.duckdb"), "schema": "main", "threads": 2}
    profile = {"scorehouse": {"target": "duckdb", "outputs": {"duckdb": output}}}
    (root / "profiles.yml").write_text(yaml.safe_dump(profile))
    ml = root / "models" / "ml"
    model = {"name": "bench_scores", "config": {"meta": {"scorehouse": SPEC}}}
    (ml / "bench.yml").write_text(yaml.safe_dump({"version": 2, "models": [model]}))
    (ml / "bench_scores.sql").write_text("select 1 as placeholder\n")
    (ml / "bench_score_history.sql").write_text(
        "{{ config(materialized='view') }}\nselect * from raw.bench_history\n"
    )
    project = find_project(root)
    return project, resolve_target(project, None, root)


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def python_side(data: dict[str, pa.Table]) -> dict[str, tuple[float, Any]]:
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

    def lift() -> list[Any]:
        out = []
        for _, group in frame.groupby("campaign_id"):
            t, c = group[group.t == 1], group[group.t == 0]
            count, nobs = [t.y.sum(), c.y.sum()], [len(t), len(c)]
            out.append(
                (
                    proportions_ztest(count, nobs),
                    confint_proportions_2indep(count[0], nobs[0], count[1], nobs[1], method="wald"),
                    ttest_ind(t.revenue.to_numpy(), c.revenue.to_numpy(), usevar="unequal"),
                )
            )
        return out

    return {
        "campaign lift": timed(lift),
        "uplift by decile": timed(
            lambda: uplift_by_percentile(y, score, treatment, bins=10, std=True)
        ),
        "Qini": timed(
            lambda: (qini_auc_score(y, score, treatment), uplift_auc_score(y, score, treatment))
        ),
    }


def main() -> None:
    warnings.filterwarnings("ignore", category=FutureWarning)  # sklift on scikit-learn 1.9
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    args = parser.parse_args()
    print(f"uplift benchmark: {args.rows:,} customers, one campaign, DuckDB {duckdb.__version__}")
    with tempfile.TemporaryDirectory(prefix="scorehouse-bench-uplift-") as tmp:
        root = Path(tmp)
        project, target = project_in(root)
        seconds, data = timed(lambda: synthetic(args.rows))
        print(f"  data generated in {seconds:.1f}s")
        con = duckdb.connect(str(root / "bench.duckdb"))
        con.execute("create schema raw")
        for name, table in data.items():
            con.register("incoming", table)
            con.execute(f"create table raw.{name} as select * from incoming")
            con.unregister("incoming")
        con.close()
        run_dbt(target, "run", "--select", "stg_raw__campaigns", "stg_raw__campaign_assignments",
                "bench_score_history", quiet=True)  # fmt: skip
        run_dbt(target, "compile", "--select", "path:models/uplift", quiet=True)
        compiled = root / "target" / "compiled" / "scorehouse" / "models" / "uplift"
        con = duckdb.connect(str(root / "bench.duckdb"))
        sql_times: dict[str, float] = {}
        for group, models in GROUPS.items():
            total = 0.0
            for model in models:
                sql = (compiled / f"{model}.sql").read_text()
                statement = f"create or replace table main.{model} as {sql}"
                seconds, _ = timed(lambda statement=statement: con.execute(statement))
                print(f"    {model}: {seconds:.2f}s")
                total += seconds
            sql_times[group] = total
        ranking = con.execute("select qini_coefficient, auuc from main.uplift_ranking").fetchone()
        con.close()
        py = python_side(data)
    print(f"  {'':<18}{'DuckDB SQL':>12}{'Python':>12}{'Python / SQL':>14}")
    for group in GROUPS:
        sql_s, py_s = sql_times[group], py[group][0]
        print(f"  {group:<18}{sql_s:>11.2f}s{py_s:>11.2f}s{py_s / sql_s:>13.1f}x")
    qini, auuc = py["Qini"][1]
    print(f"  Qini coefficient: SQL {ranking[0]:.12f}  scikit-uplift {qini:.12f}")
    print(f"  AUUC:             SQL {ranking[1]:.12f}  scikit-uplift {auuc:.12f}")


if __name__ == "__main__":
    main()
