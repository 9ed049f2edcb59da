"""``scorehouse uplift [NAME ...]``: campaign lift, targeting metrics and verdicts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from scorehouse.cli.context import Context
from scorehouse.uplift.lift import DEFAULT_BUDGET, UpliftResult, run_uplift

if TYPE_CHECKING:
    from scorehouse.cli.demo_cmd import DemoRun


def _number(value: object, fmt: str = "{:+.4f}") -> str:
    return "-" if value is None else fmt.format(value)


def format_result(result: UpliftResult) -> str:
    lines = ["Campaign lift (treatment against control):"]
    tests = {t.campaign_id: t for t in result.tests}
    for row in result.lift:
        t = tests[row["campaign_id"]]
        sizes = f"n={row['n_treatment']}/{row['n_control']}"
        head = f"  {row['campaign_id']:>3} {row['campaign_name'] or '':<22} {sizes}"
        if not row["is_reported"]:
            lines.append(
                f"{head}  split {row['srm_status']} "
                f"(SRM p={_number(t.srm_p_value, '{:.2g}')}): lift not reported"
            )
            continue
        lines.append(
            f"{head}  lift {_number(row['absolute_lift'])} "
            f"[{_number(row['absolute_lift_ci_low'])}, {_number(row['absolute_lift_ci_high'])}] "
            f"p={_number(t.z_p_value, '{:.3g}')}  ROMI {_number(row['romi'], '{:+.2f}')}"
        )
    lines.append("Verdicts:")
    for name, (version, verdict) in result.verdicts.items():
        label = verdict.verdict or "no verdict"
        lines.append(f"  {name} v{version if version is not None else '-'}: {label}")
        lines.extend(f"    - {reason}" for reason in verdict.reasons)
    return "\n".join(lines)


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
    result = run_uplift(ctx.project, ctx.target, names or None, budget=budget, build=build)
    click.echo(format_result(result))


def demo_step(run: DemoRun) -> None:
    """A step for ``scorehouse demo`` (``STEPS`` in demo_cmd.py), after scoring: the
    uplift tables, the campaign tests and every model's verdict, printed."""
    run.echo("uplift in the warehouse: dbt build of scorehouse's uplift models, tests, verdicts")
    result = run_uplift(run.context.project, run.context.target, quiet=True)
    if result.build is not None:
        run.builds.append(result.build)
    run.echo(format_result(result))
