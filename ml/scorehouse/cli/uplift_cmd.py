"""``scorehouse uplift [NAME ...]``: campaign lift, targeting metrics and verdicts."""

from __future__ import annotations

import click

from scorehouse import pipeline
from scorehouse.cli.context import Context
from scorehouse.uplift.lift import DEFAULT_BUDGET, run_uplift
from scorehouse.uplift.summary import format_result


@click.command("uplift")
@click.argument("names", nargs=-1)
@click.option(
    "--budget",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=DEFAULT_BUDGET,
    show_default=True,
    help="Share of a campaign's customers contacted when judging a model against its rule.",
)
@click.option(
    "--build/--no-build",
    default=True,
    show_default=True,
    help="Run dbt build of models/uplift first.",
)
@click.pass_obj
def uplift_command(ctx: Context, names: tuple[str, ...], budget: float, build: bool) -> None:
    """Measure campaign lift and judge models NAMES (default: every model with a spec).

    Builds the uplift_ tables with dbt, adds the p-values (uplift_campaign_tests) and writes
    keep / rebuild / switch-off verdicts with their reasons (uplift_verdicts)."""
    if build:
        pipeline.build(ctx.project, ctx.target, "uplift", quiet=True)
    result = run_uplift(ctx.project, ctx.target, names or None, budget=budget)
    click.echo(format_result(result))
