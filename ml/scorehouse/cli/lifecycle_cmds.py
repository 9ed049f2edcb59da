"""``scorehouse train``, ``promote``, ``rollback`` and ``models``."""

from __future__ import annotations

import click

from scorehouse.cli.context import Context
from scorehouse.registry.listing import aligned, model_rows
from scorehouse.scoring import serving
from scorehouse.scoring.compile_models import compile_models
from scorehouse.training.train import summary, train_model


@click.command("train")
@click.argument("name")
@click.option(
    "--no-compile", is_flag=True, help="Do not regenerate the dbt scoring models afterwards."
)
@click.option(
    "--require-beats-rule",
    is_flag=True,
    help="A first version becomes champion only if it beats its rule baseline and meets its "
    "thresholds; otherwise it waits as a challenger and the rule keeps serving.",
)
@click.pass_obj
def train_command(ctx: Context, name: str, no_compile: bool, require_beats_rule: bool) -> None:
    """Train model NAME from its spec, evaluate it against its rule baseline on the newest
    cutoffs, and register it as a new version (champion if it is the first one, challenger
    otherwise). Then regenerate its dbt scoring models."""
    echo = lambda message: click.echo(message, err=True)  # noqa: E731 (progress on stderr)
    result = train_model(ctx.project, ctx.target, name, echo, require_beats_rule=require_beats_rule)
    click.echo("\n".join(summary(result, ctx.project.root)))
    if not no_compile:
        for path in compile_models(ctx.project, ctx.target, name):
            click.echo(f"  wrote {path.relative_to(ctx.project.root)}")


@click.command("promote")
@click.argument("name")
@click.argument("version", type=int)
@click.pass_obj
def promote_command(ctx: Context, name: str, version: int) -> None:
    """Make VERSION of model NAME the champion (the current one is retired), and regenerate
    the scoring models."""
    serving.promote(ctx.project, ctx.target, name, version)
    click.echo(f"{name} v{version} is now the champion; run `dbt build` to score with it")


@click.command("rollback")
@click.argument("name")
@click.pass_obj
def rollback_command(ctx: Context, name: str) -> None:
    """Make the previously promoted version of model NAME the champion again."""
    version = serving.rollback(ctx.project, ctx.target, name)
    click.echo(f"{name} rolled back to v{version}; run `dbt build` to score with it")


@click.command("models")
@click.pass_obj
def models_command(ctx: Context) -> None:
    """List every declared model with its champion, status, serving mode, age and due date."""
    for line in aligned(model_rows(ctx.project, ctx.target)):
        click.echo(line)


COMMANDS = (train_command, promote_command, rollback_command, models_command)
