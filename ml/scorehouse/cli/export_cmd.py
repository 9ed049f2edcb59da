"""``scorehouse export``: an audience's syncable rows to a file."""

from __future__ import annotations

from pathlib import Path

import click

from scorehouse.cli.context import Context
from scorehouse.segments.export import FORMATS, export_audience

DEFAULT_DIR = "exports"


@click.command("export")
@click.argument("audience")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="csv",
    show_default=True,
    help="File format.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"File to write (default: {DEFAULT_DIR}/AUDIENCE.FORMAT in the dbt project).",
)
@click.option(
    "--allow-empty",
    is_flag=True,
    help="Write a file without rows when the audience never had a member (default: an error).",
)
@click.pass_obj
def export_command(
    ctx: Context, audience: str, fmt: str, output: Path | None, allow_empty: bool
) -> None:
    """Write AUDIENCE's rows of seg_audience_sync (holdout and customers without consent
    left out) to a CSV or Parquet file. The file is replaced in one step: a crash while
    writing leaves no partial file."""
    path = output if output is not None else ctx.project.root / DEFAULT_DIR / f"{audience}.{fmt}"
    result = export_audience(ctx.project, ctx.target, audience, fmt, path, allow_empty)
    click.echo(f"{result.rows:,} rows of audience {audience} written to {result.path}")
