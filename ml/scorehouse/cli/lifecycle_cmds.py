"""``scorehouse train``, ``promote``, ``rollback`` and ``models``."""

from __future__ import annotations

import datetime as dt
from functools import partial

import click

from scorehouse.cli.context import Context
from scorehouse.lifecycle.artifacts import verified_dir
from scorehouse.lifecycle.registry import Registry
from scorehouse.lifecycle.spec import load_spec
from scorehouse.lifecycle.train import model_paths, train_model
from scorehouse.scoring.compile_models import compile_models
from scorehouse.warehouse import connect
from scorehouse.warehouse.session import Session


def _echo(message: str) -> None:
    click.echo(message, err=True)


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
    result = train_model(
        ctx.project, ctx.target, name, echo=_echo, require_beats_rule=require_beats_rule
    )
    metric = result.spec.primary_metric
    model_value = next(
        (m.value for m in result.model_metrics if m.name == metric and m.at is None), None
    )
    rule_value = next(
        (m.value for m in result.baseline_metrics if m.name == metric and m.at is None), None
    )
    verdict = {True: "beats", False: "does NOT beat", None: "cannot be compared with"}[
        result.beats_baseline
    ]
    click.echo(f"{name} v{result.version} registered as {result.status}")
    click.echo(
        f"  {metric}: model {_fmt(model_value)}, rule {result.spec.baseline_name} {_fmt(rule_value)}"
    )
    click.echo(f"  the model {verdict} the rule baseline on the holdout")
    if result.held and result.status == "champion":
        click.echo(
            f"  WARNING: v{result.version} is champion as the first version although it "
            f"{result.held}; its passport says so. Use --require-beats-rule to keep such a "
            "version waiting as a challenger."
        )
    elif result.held:
        click.echo(f"  v{result.version} waits as a challenger: it {result.held}")
    click.echo(f"  artifacts: {result.artifact_dir.relative_to(ctx.project.root)}")
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
    spec = load_spec(model_paths(ctx.project), name)
    con = connect(ctx.target)
    try:
        Registry(Session(con), ctx.target.schema).promote(
            spec, version, partial(verified_dir, ctx.project.root)
        )
    finally:
        con.disconnect()
    compile_models(ctx.project, ctx.target, name)
    click.echo(f"{name} v{version} is now the champion; run `dbt build` to score with it")


@click.command("rollback")
@click.argument("name")
@click.pass_obj
def rollback_command(ctx: Context, name: str) -> None:
    """Make the previously promoted version of model NAME the champion again."""
    spec = load_spec(model_paths(ctx.project), name)
    con = connect(ctx.target)
    try:
        version = Registry(Session(con), ctx.target.schema).rollback(
            spec, partial(verified_dir, ctx.project.root)
        )
    finally:
        con.disconnect()
    compile_models(ctx.project, ctx.target, name)
    click.echo(f"{name} rolled back to v{version}; run `dbt build` to score with it")


@click.command("models")
@click.pass_obj
def models_command(ctx: Context) -> None:
    """List every declared model with its champion, status, serving mode, age and due date."""
    specs = _specs(ctx)
    con = connect(ctx.target)
    try:
        registry = Registry(Session(con), ctx.target.schema)
        registry.ensure_tables()
        versions = registry.versions()
        passports = {p["model_name"]: p for p in registry.passports()}
    finally:
        con.disconnect()
    today = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    header = (
        "model",
        "versions",
        "champion",
        "challenger",
        "serving",
        "age",
        "due",
        "metric",
        "model",
        "rule",
    )
    rows = []
    for name in sorted(set(specs) | {v["model_name"] for v in versions}):
        mine = [v for v in versions if v["model_name"] == name]
        passport = passports.get(name, {})
        champion = next((v for v in mine if v["status"] == "champion"), None)
        challenger = next((v for v in reversed(mine) if v["status"] == "challenger"), None)
        age = f"{(today - champion['trained_at']).days} d" if champion else "-"
        due = passport.get("due_at")
        overdue = " (overdue)" if due and due < today else ""
        rows.append(
            (
                name,
                str(len(mine)),
                f"v{champion['version']}" if champion else "-",
                f"v{challenger['version']}" if challenger else "-",
                passport.get("serving") or "rule",
                age,
                (due.date().isoformat() + overdue) if due else "-",
                passport.get("primary_metric") or specs[name].primary_metric
                if name in specs
                else "-",
                _fmt(champion["model_value"]) if champion else "-",
                _fmt(champion["baseline_value"]) if champion else "-",
            )
        )
    widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        click.echo("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


def _specs(ctx: Context) -> dict:
    from scorehouse.lifecycle.spec import find_specs

    return find_specs(model_paths(ctx.project))


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


COMMANDS = (train_command, promote_command, rollback_command, models_command)
