"""``scorehouse init``: a first spec for a new model, from a relation's columns."""

from __future__ import annotations

from pathlib import Path

import click

from scorehouse.cli.context import Context
from scorehouse.training.scaffold import write_spec


@click.command("init")
@click.argument("name")
@click.option("--relation", required=True, help="The dbt model holding features and label.")
@click.option("--label", required=True, help="The label column.")
@click.option("--entity-key", required=True, help="The column identifying who is scored.")
@click.option("--cutoff", required=True, help="The snapshot date column.")
@click.option(
    "--task",
    type=click.Choice(["binary", "regression"]),
    default="binary",
    show_default=True,
    help="What the model predicts.",
)
@click.option(
    "--path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The spec file to write (default: NAME.yml beside the generated scoring folder).",
)
@click.pass_obj
def init_command(
    ctx: Context,
    name: str,
    relation: str,
    label: str,
    entity_key: str,
    cutoff: str,
    task: str,
    path: Path | None,
) -> None:
    """Write the spec of a new model NAME: numeric and categorical features judged from the
    warehouse types of RELATION's columns, owners and rule left as TODO (train refuses the
    spec until they are filled in)."""
    written = write_spec(
        ctx.project,
        ctx.target,
        name,
        relation=relation,
        label=label,
        entity_key=entity_key,
        cutoff=cutoff,
        task=task,
        path=path,
    )
    click.echo(f"wrote {written}: fill in every TODO, then `scorehouse train {name}`")
