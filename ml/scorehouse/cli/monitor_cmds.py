"""``scorehouse monitor``, ``enable`` and ``run`` (the scheduled loop)."""

from __future__ import annotations

import sys
import textwrap

import click

from scorehouse.cli.context import Context
from scorehouse.engines import connect
from scorehouse.errors import ScorehouseError
from scorehouse.loop import PROMOTE_POLICIES, format_loop, run_loop
from scorehouse.monitoring import enable_model, run_monitor
from scorehouse.monitoring.delivery import webhook_urls
from scorehouse.monitoring.monitor import select_specs
from scorehouse.monitoring.rules import METRICS
from scorehouse.monitoring.summary import format_report
from scorehouse.monitoring.webhook import ENV_VAR, WebhookSettings, check_url
from scorehouse.registry.versions import Registry, now, os_user
from scorehouse.spec import load_spec

NEEDS_HUMAN = 1

MONITOR_ATTENTION = (
    "an open error alert nobody acknowledged (a degraded or stale model), a serving change "
    "made by this run (fallback or disable), an SLA rule that cannot be evaluated, or an "
    "alert the webhook did not take"
)


def _exit_status(needs_human: str) -> str:
    """An epilog block click prints as it is: exit status 0 and 1, the latter wrapped."""
    wrapped = textwrap.wrap(f"1  something does: {needs_human}.", 78, subsequent_indent="   ")
    return "\b\nExit status:\n0  nothing needs a human;\n" + "\n".join(wrapped)


MONITOR_EPILOG = (
    "Rules: each sla.degradation rule of the spec, over one of the metrics "
    f"{', '.join(METRICS)}; and, for every model, `stale` (an error) and `retrain_due` (a "
    "warning) from ml_freshness.\n\n"
    + _exit_status(MONITOR_ATTENTION)
    + "\n\nA failure of the command itself (no warehouse, no monitoring tables) also exits "
    "non-zero, with its reason on stderr."
)
RUN_EPILOG = _exit_status(
    "a step failed, a retrained version was not promoted, or the monitor reports "
    + MONITOR_ATTENTION
)


def _http_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--webhook`` must be an http(s) URL; the error shows it without its secrets."""
    if value is None:
        return None
    try:
        return check_url(value, "URL")
    except ScorehouseError as error:
        raise click.BadParameter(str(error), ctx, param) from None


def webhook_options(command):  # type: ignore[no-untyped-def]
    options = [
        click.option(
            "--webhook",
            default=None,
            metavar="URL",
            callback=_http_url,
            help="Post alerts of every model to this Slack-compatible webhook (http or https "
            "only). Without it, a model whose alert_channel is a URL posts there, the others "
            f"to ${ENV_VAR}.",
        ),
        click.option(
            "--webhook-timeout",
            type=float,
            default=5.0,
            show_default=True,
            help="Seconds per attempt.",
        ),
        click.option(
            "--webhook-attempts",
            type=click.IntRange(1, 10),
            default=3,
            show_default=True,
            help="Attempts per alert (backoff 1 s, 2 s, ...) before it is left for the next run.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.command("monitor", epilog=MONITOR_EPILOG)
@click.option(
    "--model", "models", multiple=True, metavar="NAME", help="Only this model (repeatable)."
)
@webhook_options
@click.option("--dry-run", is_flag=True, help="Evaluate and print; write, switch and post nothing.")
@click.pass_obj
def monitor_command(
    ctx: Context,
    models: tuple[str, ...],
    webhook: str | None,
    webhook_timeout: float,
    webhook_attempts: int,
    dry_run: bool,
) -> None:
    """Evaluate every model's SLA against the monitoring tables, record breaches in
    ml_alerts (an open breach is not repeated; one no longer observed is resolved), post
    every alert not yet delivered to the webhook (the warehouse is released meanwhile), and
    apply the spec's on_breach action: `alert` only alerts,
    `fallback` serves the rule baseline from the next `dbt build`, `disable` publishes no
    scores. `scorehouse enable NAME` switches a model back."""
    report = run_monitor(
        ctx.project,
        ctx.target,
        models=models,
        webhook=webhook,
        settings=WebhookSettings(timeout=webhook_timeout, attempts=webhook_attempts),
        dry_run=dry_run,
    )
    for line in format_report(report):
        click.echo(line)
    if report.needs_human:
        sys.exit(NEEDS_HUMAN)


@click.command("enable")
@click.argument("name")
@click.option("--by", default=None, help="Who switches the model back (default: the OS user).")
@click.option("--note", default=None, help="Why, for the passport and the serving log.")
@click.pass_obj
def enable_command(ctx: Context, name: str, by: str | None, note: str | None) -> None:
    """Serve model NAME from its champion again after a fallback or disable. Records who did
    it and when (ml_serving_changes, the passport's serving_reason) and acknowledges the
    model's open alerts. Takes effect on the next `dbt build`."""
    spec = load_spec(ctx.project.model_paths, name)
    who = by or os_user()
    with connect(ctx.target) as con:
        done = enable_model(Registry(con, ctx.target.schema), spec, who, note, now())
    if not done.changed:
        click.echo(f"{name} is already served by its champion v{done.version}; nothing changed")
        return
    click.echo(f"{name} v{done.version}: serving switched from {done.previous} to model by {who}")
    if done.acknowledged:
        click.echo(
            f"  acknowledged {done.acknowledged} open alert(s); they resolve when the breach ends"
        )
    click.echo("  run `dbt build` (or `scorehouse run`) to publish the model's scores again")


@click.command("run", epilog=RUN_EPILOG)
@webhook_options
@click.option(
    "--promote",
    type=click.Choice(PROMOTE_POLICIES),
    default="gated",
    show_default=True,
    help="gated: promote a retrained version that beats its rule and meets its thresholds; "
    "never: keep it a challenger for a human to promote.",
)
@click.option("--no-retrain", is_flag=True, help="Skip training, even for models due.")
@click.option(
    "--require-beats-rule/--no-require-beats-rule",
    default=True,
    show_default=True,
    help="A model's first version becomes champion only if it beats its rule baseline and "
    "meets its thresholds; otherwise it waits as a challenger for a human.",
)
@click.option("--quiet", is_flag=True, help="Keep dbt's progress lines off the output.")
@click.pass_obj
def run_command(
    ctx: Context,
    webhook: str | None,
    webhook_timeout: float,
    webhook_attempts: int,
    promote: str,
    no_retrain: bool,
    require_beats_rule: bool,
    quiet: bool,
) -> None:
    """The scheduled loop, in one command: `dbt build` of the features the models use,
    retraining of every model due by its refresh cadence (promoted when it beats its rule),
    `dbt build` of the scoring and monitoring models, then `scorehouse monitor`; when the
    monitor switches a model to its rule or off, the scores are rebuilt at once.

    \b
    Schedule it weekly, e.g.
      cron:     0 6 * * 1  cd /srv/analytics && scorehouse run --quiet
      Airflow:  BashOperator(task_id="scorehouse",
                             bash_command="cd /srv/analytics && scorehouse run")
      Dagster:  an op running `scorehouse run` with subprocess, failing on a non-zero exit
    A failed step skips what depends on it; the monitor still runs."""
    # A webhook URL the monitor would refuse is refused now, before anything is built.
    webhook_urls(select_specs(ctx.project), webhook)
    settings = WebhookSettings(timeout=webhook_timeout, attempts=webhook_attempts)
    report = run_loop(
        ctx.project,
        ctx.target,
        webhook=webhook,
        settings=settings,
        promote=promote,
        retrain=not no_retrain,
        quiet=quiet,
        echo=lambda m: click.echo(m, err=True),
        require_beats_rule=require_beats_rule,
    )
    for line in format_loop(report):
        click.echo(line)
    if report.needs_human:
        sys.exit(NEEDS_HUMAN)


COMMANDS = (monitor_command, enable_command, run_command)
