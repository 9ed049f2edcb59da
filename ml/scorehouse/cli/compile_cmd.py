"""``scorehouse compile``: a saved scikit-learn model to scoring SQL."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("compile")
@click.argument("model_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", required=True, help="The relation the SQL reads, e.g. a table name.")
@click.option("--dialect", default="duckdb", show_default=True, help="sqlglot dialect name.")
@click.option("--keep", multiple=True, help="A column to pass through unchanged (repeatable).")
@click.option(
    "--features",
    default=None,
    help="Comma-separated input column names, for a model fitted without column names.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the SQL to this file instead of standard output.",
)
def compile_command(
    model_file: Path,
    source: str,
    dialect: str,
    keep: tuple[str, ...],
    features: str | None,
    output: Path | None,
) -> None:
    """Compile a pickled scikit-learn estimator (joblib file) to one SQL query."""
    from scorehouse.compiler import compile_sql
    from scorehouse.compiler.model_file import load_estimator

    estimator = load_estimator(model_file)
    names = [f.strip() for f in features.split(",")] if features else None
    sql = compile_sql(estimator, source=source, dialect=dialect, features=names, keep=keep)
    if output is None:
        click.echo(sql)
    else:
        output.write_text(sql + "\n")
        click.echo(f"wrote {output} ({len(sql):,} bytes)", err=True)
