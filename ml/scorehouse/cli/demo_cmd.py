"""``scorehouse demo``: the whole loop on generated data, one step after another.

Each step is a function of the shared :class:`DemoRun`; ``STEPS`` lists them in order, so a
later stage of the loop (training, scoring, reports) is one more function appended there.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import click

from scorehouse.cli.context import Context
from scorehouse.cli.demo_data_cmd import DEFAULT_CUSTOMERS
from scorehouse.dbt import DbtRun

Echo = Callable[[str], None]


@dataclass
class DemoRun:
    """What the demo steps share: the settings, and what earlier steps produced."""

    context: Context
    customers: int
    seed: int
    echo: Echo = click.echo
    builds: list[DbtRun] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def generate_data(run: DemoRun) -> None:
    """Write the synthetic retailer's raw tables into the target's warehouse."""
    from scorehouse.demo import load

    project, target = run.context.project, run.context.target
    schema = load.raw_schema(project)
    run.echo(f"generating {run.customers:,} customers (seed {run.seed})")
    report = load.load_demo(project, target, run.customers, run.seed, schema, run.echo)
    run.echo(f"wrote {report.total_rows:,} raw rows into {load.where(target, schema)}")


def build_features(run: DemoRun) -> None:
    """``dbt build``: staging, features and labels, with every data and unit test."""
    from scorehouse.dbt import run_dbt

    run.echo("running dbt build")
    build = run_dbt(run.context.target, "build", "--exclude", "path:models/ml")
    run.builds.append(build)
    tests = build.count("test") + build.count("unit_test")
    run.echo(f"dbt build passed: {build.count('model')} models, {tests} tests")


def train_models(run: DemoRun) -> None:
    """Train every declared model, compare it with its rule, and generate its scoring SQL."""
    from scorehouse.lifecycle.spec import find_specs
    from scorehouse.lifecycle.train import model_paths, train_model
    from scorehouse.scoring.compile_models import compile_models

    project, target = run.context.project, run.context.target
    for name in sorted(find_specs(model_paths(project))):
        result = train_model(project, target, name, echo=run.echo)
        verdict = "beats" if result.beats_baseline else "does not beat"
        run.echo(f"{name} v{result.version} ({result.status}) {verdict} its rule baseline")
        compile_models(project, target, name)


def score_models(run: DemoRun) -> None:
    """``dbt build`` of the generated scoring models: the scores never leave the warehouse."""
    from scorehouse.dbt import run_dbt

    run.echo("scoring in the warehouse: dbt build of models/ml")
    build = run_dbt(run.context.target, "build", "--select", "path:models/ml")
    run.builds.append(build)
    run.echo(f"dbt build passed: {build.count('model')} scoring models")


def monitor_models(run: DemoRun) -> None:
    """``dbt build`` of the monitoring models after scoring: drift, quality and freshness of
    every scored model, computed in the warehouse. The demo data drifts from 2025-07-01 on
    (see ``scorehouse.demo.drift``): its drift shows here."""
    from scorehouse.dbt import run_dbt

    run.echo("monitoring in the warehouse: dbt build of models/monitoring")
    build = run_dbt(run.context.target, "build", "--select", "path:models/monitoring")
    run.builds.append(build)
    warnings = sum(1 for node in build.nodes if node.status == "warn")
    run.echo(f"dbt build passed: {build.count('model')} monitoring models, {warnings} warnings")


def measure_uplift(run: DemoRun) -> None:
    """Campaign lift against control, uplift by score decile, Qini, model against rule at
    equal budget, and each model's keep / rebuild / switch-off verdict."""
    from scorehouse.cli.uplift_cmd import demo_step

    demo_step(run)


def write_reports(run: DemoRun) -> None:
    """One self-contained HTML report per model, in reports/ of the project."""
    from scorehouse.report import DEFAULT_DIR
    from scorehouse.report import write_reports as write

    folder = run.context.project.root / DEFAULT_DIR
    for path in write(run.context.target, (), folder):
        run.echo(f"report: {path}")


def show_tables(run: DemoRun) -> None:
    """Print the tables the build wrote (not the intermediate ``int_`` ones), with their row
    counts, and where they live."""
    from scorehouse.demo.load import where
    from scorehouse.warehouse import connect

    relations = sorted(
        {
            node.relation
            for build in run.builds
            for node in build.relations()
            if not node.name.startswith("int_")
        }
    )
    if not relations:
        return
    con = connect(run.context.target)
    try:
        counts = {name: _count_rows(con, name) for name in relations}
    finally:
        con.disconnect()
    width = max(map(len, counts), default=0)
    run.echo("tables built:")
    for name, rows in counts.items():
        run.echo(f"  {name:<{width}}  {rows:>12,} rows")
    schema = run.context.target.schema
    run.echo(f"in {where(run.context.target, schema)}")


STEPS: list[Callable[[DemoRun], None]] = [
    generate_data,
    build_features,
    train_models,
    score_models,
    monitor_models,
    measure_uplift,
    write_reports,
    show_tables,
]


def run_demo(run: DemoRun) -> None:
    """Run every step of ``STEPS`` in order, timing each."""
    for step in STEPS:
        started = time.perf_counter()
        step(run)
        run.seconds[step.__name__] = time.perf_counter() - started
    timings = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in run.seconds.items())
    run.echo(f"demo finished in {sum(run.seconds.values()):.1f} s ({timings})")


def _count_rows(con: object, relation: str) -> int:
    schema, name = relation.split(".", 1)
    return int(con.table(name, database=schema).count().execute())  # type: ignore[attr-defined]


@click.command("demo")
@click.option(
    "--customers",
    type=int,
    default=DEFAULT_CUSTOMERS,
    show_default=True,
    help="Number of customers to generate (at least 100).",
)
@click.option("--seed", type=int, default=42, show_default=True, help="Random seed.")
@click.pass_obj
def demo_command(ctx: Context, customers: int, seed: int) -> None:
    """Run the demo end to end on the current dbt target: generate a synthetic retailer,
    build its features and labels with dbt (all tests included), train every declared model
    against its rule baseline, score them in the warehouse with dbt, and show where the
    tables are."""
    from scorehouse.demo.simulate import check_customers

    check_customers(customers)
    run_demo(DemoRun(context=ctx, customers=customers, seed=seed))
