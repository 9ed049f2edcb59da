"""``scorehouse demo``: the loop's stages on generated data, one after another.

The demo writes the synthetic retailer into the target's warehouse, then runs the stages of
:data:`scorehouse.pipeline.STAGES` that need no history (features, training of every
model, scoring, monitoring models, segments, uplift), writes each model's report and shows
the tables built. ``STEPS`` lists them in order; each is a function of the shared
:class:`DemoRun`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from scorehouse import pipeline
from scorehouse.dbt import DbtRun, run_dbt
from scorehouse.demo import load
from scorehouse.engines import Connection, connect, qualified
from scorehouse.package import needs_deps
from scorehouse.project import Project, Target
from scorehouse.report import DEFAULT_DIR, write_reports
from scorehouse.scoring.compile_models import compile_models
from scorehouse.spec import find_specs
from scorehouse.training.train import train_model
from scorehouse.uplift.lift import run_uplift
from scorehouse.uplift.summary import format_result

Echo = Callable[[str], None]


@dataclass
class DemoRun:
    """What the demo steps share: the settings, and what earlier steps produced."""

    project: Project
    target: Target
    customers: int
    seed: int
    echo: Echo = print
    builds: list[DbtRun] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def build(self, stage: str) -> DbtRun:
        """``dbt build`` of a stage of the pipeline; what it built is echoed."""
        self.echo(f"{stage}: {pipeline.STAGE[stage].does}")
        run = pipeline.build(self.project, self.target, stage)
        self.builds.append(run)
        self.echo(f"dbt build passed: {pipeline.describe(run)}")
        return run


def generate_data(run: DemoRun) -> None:
    """Write the synthetic retailer's raw tables into the target's warehouse."""
    if needs_deps(run.project):
        run.echo("installing the project's dbt packages (dbt deps)")
        run_dbt(run.target, "deps", quiet=True)
    schema = load.raw_schema(run.project)
    run.echo(f"generating {run.customers:,} customers (seed {run.seed})")
    report = load.load_demo(run.project, run.target, run.customers, run.seed, schema, run.echo)
    run.echo(f"wrote {report.total_rows:,} raw rows into {load.where(run.target, schema)}")


def build_features(run: DemoRun) -> None:
    run.build("features")


def train_models(run: DemoRun) -> None:
    """Train every declared model, compare it with its rule, and generate its scoring SQL."""
    for name in sorted(find_specs(run.project.model_paths)):
        result = train_model(run.project, run.target, name, echo=run.echo)
        verdict = "beats" if result.beats_baseline else "does not beat"
        run.echo(f"{name} v{result.version} ({result.status}) {verdict} its rule baseline")
        compile_models(run.project, run.target, name)


def score_models(run: DemoRun) -> None:
    run.build("score")


def monitor_models(run: DemoRun) -> None:
    """The demo data drifts from 2025-07-01 on (see ``scorehouse.demo.drift``): its drift
    shows in these tables."""
    build = run.build("monitoring")
    warnings = sum(1 for node in build.nodes if node.status == "warn")
    run.echo(f"monitoring: {warnings} data test warnings")


def build_segments(run: DemoRun) -> None:
    run.build("segments")


def measure_uplift(run: DemoRun) -> None:
    """Campaign lift against control, uplift by score decile, Qini, model against rule at
    equal budget, and each model's keep / rebuild / switch-off verdict."""
    run.build("uplift")
    run.echo(format_result(run_uplift(run.project, run.target)))


def write_model_reports(run: DemoRun) -> None:
    """One self-contained HTML report per model, in reports/ of the project."""
    for path in write_reports(run.target, (), run.project.root / DEFAULT_DIR):
        run.echo(f"report: {path}")


def show_tables(run: DemoRun) -> None:
    """Print the tables the builds wrote (not the intermediate ``int_`` ones), with their
    row counts, and where they live."""
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
    with connect(run.target) as con:
        counts = {relation: _count(con, relation) for relation in relations}
    width = max(map(len, counts), default=0)
    run.echo("tables built:")
    for name, rows in counts.items():
        run.echo(f"  {name:<{width}}  {rows:>12,} rows")
    run.echo(f"in {load.where(run.target, run.target.schema)}")


def _count(con: Connection, relation: str) -> int:
    schema, name = relation.split(".", 1)
    return int(con.fetchall(f"SELECT count(*) FROM {qualified(schema, name)}")[0][0])


STEPS: list[Callable[[DemoRun], None]] = [
    generate_data,
    build_features,
    train_models,
    score_models,
    build_segments,
    monitor_models,
    measure_uplift,
    write_model_reports,
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
