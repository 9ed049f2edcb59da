"""``scorehouse demo-data``: generate the synthetic retailer into the warehouse or seeds/."""

from __future__ import annotations

import time

import click

from scorehouse.cli.context import Context

DEFAULT_CUSTOMERS = 10_000


@click.command("demo-data")
@click.option(
    "--customers",
    type=int,
    default=None,
    help=f"Number of customers (at least 100; default {DEFAULT_CUSTOMERS:,}, "
    "or 400 with --to-seeds).",
)
@click.option("--seed", type=int, default=42, show_default=True, help="Random seed.")
@click.option(
    "--schema",
    default=None,
    help="Schema for the raw tables (default: the dbt var scorehouse_raw_schema, else raw).",
)
@click.option(
    "--to-seeds",
    is_flag=True,
    help="Write the small CSV sample into the project's seeds/ folder instead.",
)
@click.pass_obj
def demo_data_command(
    ctx: Context, customers: int | None, seed: int, schema: str | None, to_seeds: bool
) -> None:
    """Generate a synthetic B2C retailer, deterministic for a seed, and write its raw tables
    (customers, orders, web sessions and events, support tickets, leads, campaigns with
    randomised assignments, and the truth_* tables) into the current dbt target.

    The previous tables are replaced in one transaction: a failure or Ctrl-C leaves them
    as they were. With --to-seeds, the sample in seeds/ is rewritten instead."""
    from scorehouse.demo import load, sample
    from scorehouse.demo.simulate import check_customers

    started = time.perf_counter()
    if to_seeds:
        customers = sample.SAMPLE_CUSTOMERS if customers is None else customers
        check_customers(customers)
        folder = ctx.project.root / "seeds"
        click.echo(f"writing a sample of {customers:,} customers into {folder}", err=True)
        rows = sample.write_seeds(folder, customers, seed)
        _summary(rows, f"CSV files in {folder}", time.perf_counter() - started)
        return
    customers = DEFAULT_CUSTOMERS if customers is None else customers
    check_customers(customers)
    target = ctx.target
    chosen = schema or load.raw_schema(ctx.project)
    click.echo(f"generating {customers:,} customers (seed {seed})", err=True)
    report = load.load_demo(
        ctx.project, target, customers, seed, chosen, lambda m: click.echo(m, err=True)
    )
    _summary(report.rows, load.where(target, chosen), time.perf_counter() - started)


def _summary(rows: dict[str, int], location: str, seconds: float) -> None:
    width = max(len(name) for name in rows)
    for name, count in rows.items():
        click.echo(f"{name:<{width}}  {count:>12,}")
    click.echo(f"{'total':<{width}}  {sum(rows.values()):>12,}")
    click.echo(f"written to {location} in {seconds:.1f} s")
