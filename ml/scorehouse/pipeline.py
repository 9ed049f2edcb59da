"""The stages of scorehouse's loop, in order, with the dbt selection each builds.

One table read by ``scorehouse run`` (:mod:`scorehouse.loop`), ``scorehouse demo``
(:mod:`scorehouse.demo_run`) and the tests. A stage with a selection is a ``dbt build``; one
without is Python (training, the monitor, the campaign tests and verdicts). ``needs`` names
the stages that must have succeeded before it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scorehouse import selectors
from scorehouse.dbt import DbtRun, run_dbt
from scorehouse.project import Project, Target
from scorehouse.spec import find_specs

Selection = Callable[[Project], tuple[str, ...]]


@dataclass(frozen=True)
class Stage:
    name: str
    does: str
    needs: tuple[str, ...] = ()
    selection: Selection | None = None  # the arguments of its `dbt build`; None: Python


def _features(project: Project) -> tuple[str, ...]:
    specs = find_specs(project.model_paths).values()
    return selectors.features(
        [s.data.relation for s in specs] + [s.data.score_relation for s in specs]
    )


STAGES = (
    Stage("features", "dbt build of the relations the models use, upstream included", (),
          _features),
    Stage("retrain", "train the models due; promote those that pass the gate", ("features",)),
    Stage("score", "dbt build of the generated scoring models", ("features",),
          selectors.scoring),
    Stage("monitoring", "dbt build of the drift, quality and freshness models", ("score",),
          lambda _project: selectors.monitoring()),
    Stage("monitor", "SLA rules, alerts, webhook and kill switch"),
    Stage("rescore", "score and monitoring again, when the monitor switched a model"),
    Stage("segments", "dbt build of the audiences from the final scores",
          ("score", "rescore"), selectors.segments),
    Stage("uplift", "dbt build of the uplift tables; campaign tests and verdicts",
          ("score",), selectors.uplift),
)  # fmt: skip
STAGE = {stage.name: stage for stage in STAGES}


def build(project: Project, target: Target, name: str, *, quiet: bool = False) -> DbtRun:
    """``dbt build`` of stage ``name``'s selection."""
    selection = STAGE[name].selection
    if selection is None:
        raise ValueError(f"stage {name} is not a dbt build")
    return run_dbt(target, "build", *selection(project), quiet=quiet)


def describe(run: DbtRun) -> str:
    tests = run.count("test") + run.count("unit_test")
    return f"{run.count('model')} models, {tests} tests in {run.seconds:.0f} s"
