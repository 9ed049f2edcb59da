"""``scorehouse report``: write each model's HTML report."""

from __future__ import annotations

from pathlib import Path

import click

from scorehouse.cli.context import Context
from scorehouse.report import DEFAULT_DIR, write_reports


@click.command("report")
@click.argument("names", nargs=-1)
@click.option(
    "--out",
    "-o",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=f"Folder to write NAME.html into (default: {DEFAULT_DIR}/ in the dbt project).",
)
@click.pass_obj
def report_command(ctx: Context, names: tuple[str, ...], out_dir: Path | None) -> None:
    """Write one self-contained HTML report per model NAME (every model with a passport when
    none is given): passport, quality against the rule, campaign lift, uplift by decile, Qini
    and uplift curves, calibration and drift over time, and the verdict. It opens offline."""
    folder = out_dir if out_dir is not None else ctx.project.root / DEFAULT_DIR
    for path in write_reports(ctx.target, names, folder):
        click.echo(str(path))
