"""``scorehouse run``: the whole scheduled loop, one command for cron, Airflow or Dagster.

Its stages are :data:`scorehouse.pipeline.STAGES`, in order:

1. **features** — ``dbt build`` of every relation the declared models train on and score,
   everything upstream of them, and their tests;
2. **retrain** — train each model whose newest version is older than its refresh cadence
   (or that has none yet). A retrained version that beats its rule baseline and meets the
   spec's metric thresholds on its holdout is promoted (``--promote gated``, the default);
   otherwise it stays a challenger, shadow-scored, and a human decides. Every model's
   scoring SQL is then regenerated from its champion;
3. **score** and **monitoring** — ``dbt build`` of the scoring models, then of the
   monitoring models that read the score histories;
4. **monitor** — ``scorehouse monitor``: SLA rules, alerts, webhook, kill switch;
5. **rescore** — only when the monitor switched a model to its rule or off: score and
   monitoring again, so the switch takes effect in this run rather than the next;
6. **segments** — ``dbt build`` of the audiences from the final scores: members, holdout,
   sync view, membership history, export log and offline conversions (when the project
   declares contacts);
7. **uplift** — the uplift tables, campaign tests and every model's keep / rebuild /
   switch-off verdict (``scorehouse uplift``), when the project declares campaigns or
   audiences.

A failed step skips the steps that need it, but the monitor still runs whenever the
warehouse is reachable: a kill switch must not wait for a green build. The loop needs a
human when a step failed, when the monitor says so, or when a retrained version was not
promoted.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from scorehouse import pipeline, selectors
from scorehouse.engines import connect
from scorehouse.errors import ScorehouseError
from scorehouse.monitoring.monitor import MonitorReport, run_monitor, select_specs
from scorehouse.monitoring.summary import format_report
from scorehouse.monitoring.webhook import DEFAULT_SETTINGS, WebhookSettings
from scorehouse.project import Project, Target
from scorehouse.registry.gate import why_held
from scorehouse.registry.versions import Registry, now
from scorehouse.scoring import serving
from scorehouse.scoring.compile_models import compile_models
from scorehouse.spec import Spec
from scorehouse.training.train import TrainResult, train_model
from scorehouse.uplift.lift import run_uplift

PROMOTE_POLICIES = ("gated", "never")
Echo = Callable[[str], None]


@dataclass
class Step:
    name: str
    status: str = "skipped"  # ok, failed, skipped
    seconds: float = 0.0
    detail: str = ""


@dataclass
class LoopReport:
    steps: list[Step] = field(default_factory=list)
    monitor: MonitorReport | None = None
    decisions: list[str] = field(default_factory=list)  # retrained versions left to a human
    retrained: list[str] = field(default_factory=list)

    def attention(self) -> list[str]:
        reasons = [f"step {s.name} failed: {s.detail}" for s in self.steps if s.status == "failed"]
        reasons += self.decisions
        if self.monitor is not None:
            reasons += self.monitor.attention()
        return reasons

    @property
    def needs_human(self) -> bool:
        return bool(self.attention())


def is_due(versions: list[dict[str, Any]], refresh_days: int, at: dt.datetime) -> bool:
    """Due when the model has no version, or its newest one is ``refresh_days`` old. A
    challenger waiting for a decision counts: the loop does not pile up a new one weekly."""
    if not versions:
        return True
    newest = max(v["trained_at"] for v in versions)
    return at - newest >= dt.timedelta(days=refresh_days)


def gate(spec: Spec, result: TrainResult) -> str | None:
    """Why a retrained version must not be promoted automatically, or ``None`` if it may."""
    return why_held(spec, result.model_metrics, result.beats_baseline)


class Loop:
    def __init__(
        self,
        project: Project,
        target: Target,
        echo: Echo,
        quiet: bool,
        require_beats_rule: bool = True,
    ):
        self.project, self.target, self.echo, self.quiet = project, target, echo, quiet
        self.require_beats_rule = require_beats_rule
        self.report = LoopReport()

    @contextmanager
    def step(self, name: str, needs: tuple[str, ...] | None = None) -> Iterator[Step | None]:
        """Run a step unless a step it needs (by default, what its stage needs) failed or
        was skipped; record its outcome."""
        if needs is None:
            needs = pipeline.STAGE[name].needs
        step = Step(name)
        self.report.steps.append(step)
        blocked = [s.name for s in self.report.steps if s.name in needs and s.status != "ok"]
        if blocked:
            step.detail = f"skipped: {', '.join(blocked)} did not succeed"
            self.echo(f"== {name}: {step.detail}")
            yield None
            return
        self.echo(f"== {name}")
        started = time.perf_counter()
        try:
            yield step
            step.status = "ok"
        except ScorehouseError as error:
            step.status, step.detail = "failed", str(error)
            self.echo(f"{name} failed: {error}")
        finally:
            step.seconds = time.perf_counter() - started

    def build(self, stage: str) -> str:
        """``dbt build`` of ``stage``; what it built, in words."""
        return pipeline.describe(pipeline.build(self.project, self.target, stage, quiet=self.quiet))

    def dbt_stage(self, name: str) -> None:
        """The dbt build of stage ``name`` as a step of the loop."""
        with self.step(name) as step:
            if step is not None:
                step.detail = self.build(name)

    def retrain(self, specs: dict[str, Spec], promote: str) -> None:
        with connect(self.target) as con:
            registry = Registry(con, self.target.schema)
            registry.ensure_tables()
            due = [
                n
                for n in sorted(specs)
                if is_due(registry.versions(n), specs[n].sla.refresh_days, now())
            ]
        failures = []
        for name in due:
            try:
                self._retrain_one(specs[name], promote)
            except ScorehouseError as error:
                failures.append(f"{name}: {error}")
                self.echo(f"training {name} failed: {error}")
        for name in sorted(specs):
            compile_models(self.project, self.target, name)
        if failures:
            raise ScorehouseError("; ".join(failures))

    def _retrain_one(self, spec: Spec, promote: str) -> None:
        result = train_model(
            self.project,
            self.target,
            spec.name,
            echo=self.echo,
            require_beats_rule=self.require_beats_rule,
        )
        self.report.retrained.append(f"{spec.name} v{result.version}")
        if result.status == "champion":
            self.echo(f"{spec.name} v{result.version} is the first version: champion")
            return
        why_not = (
            gate(spec, result)
            if promote == "gated"
            else "automatic promotion is off (--promote never)"
        )
        if why_not is None:
            # the loop regenerates every model's scoring SQL once retraining is done
            serving.promote(self.project, self.target, spec.name, result.version, regenerate=False)
            self.echo(
                f"{spec.name} v{result.version} promoted: it beats its rule, meets its thresholds"
            )
            return
        message = (
            f"{spec.name} v{result.version} stays a challenger ({why_not}): review it, then "
            f"`scorehouse promote {spec.name} {result.version}` or keep the champion"
        )
        self.report.decisions.append(message)
        self.echo(message)


def run_loop(
    project: Project,
    target: Target,
    *,
    webhook: str | None = None,
    settings: WebhookSettings = DEFAULT_SETTINGS,
    promote: str = "gated",
    retrain: bool = True,
    quiet: bool = False,
    echo: Echo = print,
    require_beats_rule: bool = True,
) -> LoopReport:
    """The scheduled loop (see the module doc); never raises for a failed step.

    ``require_beats_rule``: a model's first version becomes champion only when it beats its
    rule and meets its thresholds; otherwise it waits for a human as a challenger."""
    if promote not in PROMOTE_POLICIES:
        raise ValueError(promote)
    specs = select_specs(project)
    loop = Loop(project, target, echo, quiet, require_beats_rule)
    loop.dbt_stage("features")
    if retrain:
        with loop.step("retrain") as step:
            if step is not None:
                loop.retrain(specs, promote)
                step.detail = ", ".join(loop.report.retrained) or "nothing due"
    loop.dbt_stage("score")
    loop.dbt_stage("monitoring")
    with loop.step("monitor") as step:
        if step is not None:
            loop.report.monitor = run_monitor(project, target, webhook=webhook, settings=settings)
            step.detail = "needs a human" if loop.report.monitor.needs_human else "all rules hold"
    switched = (
        [m.name for m in loop.report.monitor.models if m.action] if loop.report.monitor else []
    )
    if switched:
        with loop.step("rescore") as step:
            if step is not None:
                builds = "; ".join(f"{s}: {loop.build(s)}" for s in ("score", "monitoring"))
                step.detail = f"{', '.join(switched)} switched: {builds}"
    with loop.step("segments") as step:
        if step is not None:
            if project.var("scorehouse_contacts"):
                step.detail = loop.build("segments")
            else:
                step.detail = "no contacts declared (var scorehouse_contacts): no audiences"
    with loop.step("uplift") as step:
        if step is not None:
            if selectors.uplift_enabled(project):
                built = loop.build("uplift")
                result = run_uplift(project, target)
                judged = ", ".join(
                    f"{name} {verdict.verdict or 'no verdict'}"
                    for name, (_, verdict) in sorted(result.verdicts.items())
                )
                measured = f"{len(result.lift)} campaign(s) measured"
                step.detail = f"{built}; {measured}; {judged or 'no model'}"
            else:
                step.detail = "no campaigns or audiences declared"
    return loop.report


def format_loop(report: LoopReport) -> list[str]:
    """What ``scorehouse run`` prints: a line per step, the monitor's report, and whether
    anything needs a human."""
    width = max((len(s.name) for s in report.steps), default=0) + 2
    lines = [""]
    for s in report.steps:
        lines.append(f"{s.name:<{width}}{s.status:<8}{s.seconds:>7.1f} s  {s.detail}".rstrip())
    if report.monitor is not None:
        lines.append("")
        lines += format_report(report.monitor, verdict=False)  # the loop's verdict follows
    lines.append("")
    reasons = report.attention()
    if not reasons:
        return [*lines, "nothing needs a human"]
    return [*lines, "needs a human:", *(f"  - {reason}" for reason in reasons)]
