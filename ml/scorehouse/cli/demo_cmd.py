"""``scorehouse demo``: the whole loop on generated data (:mod:`scorehouse.demo_run`)."""

from __future__ import annotations

import click

from scorehouse.cli.context import Context
from scorehouse.cli.demo_data_cmd import DEFAULT_CUSTOMERS


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
    from scorehouse.demo_run import DemoRun, run_demo

    check_customers(customers)
    run_demo(DemoRun(ctx.project, ctx.target, customers, seed, echo=click.echo))
