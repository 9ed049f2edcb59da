"""One small reader per section of a spec, and :func:`parse_spec`, which runs them in order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scorehouse.metrics.quality import HEADLINE_METRICS
from scorehouse.spec.model import (
    ACTIONS,
    BUSINESS_METRIC_KEYS,
    DEGRADATION_METRICS,
    TASKS,
    UPLIFT_METHODS,
    Data,
    Degradation,
    Estimator,
    People,
    Sla,
    Spec,
    SpecError,
)
from scorehouse.spec.reader import Reader, parse_days, step, steps


def people(top: Reader) -> People:
    p = top.child("people", required=True)
    found = People(
        owner=p.text("owner", required=True),
        business_owner=p.text("business_owner", required=True),
        kill_switch_owner=p.text("kill_switch_owner", required=True),
    )
    p.done()
    return found


def data(top: Reader, task: str) -> Data:
    d = top.child("data", required=True)
    f = d.child("features", required=True)
    numeric, categorical = f.columns("numeric"), f.columns("categorical")
    f.done()
    if not numeric and not categorical:
        raise SpecError(f"{d.where}.features: list at least one numeric or categorical feature")
    relation = d.identifier("relation", required=True)
    found = Data(
        entity_key=d.identifier("entity_key", required=True),
        relation=relation,
        label=d.identifier("label", required=True),
        cutoff=d.identifier("cutoff", required=True),
        numeric=numeric,
        categorical=categorical,
        score_relation=d.identifier("score_relation", relation),
        treatment=d.identifier("treatment") or None,
    )
    d.done()
    if task == "uplift" and found.treatment is None:
        raise SpecError(f"{d.where}.treatment: required for task uplift (the 0/1 treated column)")
    duplicated = sorted({c for c in found.features if found.features.count(c) > 1})
    if duplicated:
        raise SpecError(f"{d.where}.features: listed twice: {', '.join(duplicated)}")
    return found


def estimator(top: Reader) -> Estimator:
    e = top.child("estimator", required=True)
    entry_point = e.text("entry_point") or None
    uplift = e.text("uplift", "two_model")
    if uplift not in UPLIFT_METHODS:
        raise SpecError(f"{e.where}.uplift: {uplift!r} is not one of {', '.join(UPLIFT_METHODS)}")
    model_item = e.get("model")
    pre = e.child("preprocess")
    numeric_steps, categorical_steps = steps(pre, "numeric"), steps(pre, "categorical")
    pre.done()
    e.done()
    if (entry_point is None) == (model_item is None):
        raise SpecError(f"{e.where}: give either 'model' (class and params) or 'entry_point'")
    return Estimator(
        model=step(model_item, f"{e.where}.model") if model_item is not None else None,
        numeric_steps=numeric_steps,
        categorical_steps=categorical_steps,
        entry_point=entry_point,
        uplift=uplift,
    )


def holdout_cutoffs(top: Reader) -> int:
    v = top.child("validation")
    holdout = v.get("holdout_cutoffs", 1)
    if not isinstance(holdout, int) or isinstance(holdout, bool) or holdout < 1:
        raise SpecError(f"{v.where}.holdout_cutoffs: expected a whole number ≥ 1, got {holdout!r}")
    v.done()
    return holdout


def baseline(top: Reader) -> tuple[str, str]:
    b = top.child("baseline", required=True)
    found = b.text("name", "rule"), b.text("sql", required=True)
    b.done()
    return found


def metrics(top: Reader, task: str) -> tuple[str, dict[str, float]]:
    """The primary metric and the thresholds, each a headline metric of the task."""
    m = top.child("metrics")
    default_primary = {"binary": "roc_auc", "uplift": "qini"}.get(task, "rmse")
    primary = m.text("primary", default_primary)
    known = HEADLINE_METRICS[task]
    if primary not in known:
        listed = ", ".join(known)
        raise SpecError(f"{m.where}.primary: {primary!r} is not a {task} metric ({listed})")
    given = m.get("thresholds", {}) or {}
    if not isinstance(given, dict):
        raise SpecError(f"{m.where}.thresholds: expected a mapping of metric: value")
    t = Reader(given, f"{m.where}.thresholds")
    for key in given:
        if key not in known:
            raise SpecError(f"{t.where}: {key!r} is not a {task} metric ({', '.join(known)})")
    thresholds = {str(k): t.number(k) for k in given}
    m.done()
    return primary, thresholds  # type: ignore[return-value]


def business_metric(top: Reader) -> dict[str, str]:
    bm = top.child("business_metric")
    found = {k: bm.text(k) for k in BUSINESS_METRIC_KEYS if bm.get(k) is not None}
    bm.done()
    return found


def _degradation(item: Any, where: str) -> Degradation:
    r = Reader(item, where)
    rule = Degradation(
        metric=r.choice("metric", DEGRADATION_METRICS),
        below_passport_minus=r.number("below_passport_minus"),
        below=r.number("below"),
        above=r.number("above"),
    )
    r.done()
    given = [x for x in (rule.below_passport_minus, rule.below, rule.above) if x is not None]
    if len(given) != 1:
        raise SpecError(f"{where}: give exactly one of below_passport_minus, below, above")
    return rule


def sla(top: Reader) -> Sla:
    s = top.child("sla", required=True)
    refresh = parse_days(s.get("refresh_cadence", required=True), f"{s.where}.refresh_cadence")
    staleness = parse_days(s.get("max_staleness", required=True), f"{s.where}.max_staleness")
    items = s.get("degradation", []) or []
    if not isinstance(items, list):
        raise SpecError(f"{s.where}.degradation: expected a list of rules")
    rules = tuple(_degradation(item, f"{s.where}.degradation[{i}]") for i, item in enumerate(items))
    action = s.text("on_breach", "alert")
    if action not in ACTIONS:
        raise SpecError(f"{s.where}.on_breach: {action!r} is not one of {', '.join(ACTIONS)}")
    found = Sla(refresh, staleness, rules, action, s.text("alert_channel") or None)
    s.done()
    return found


def cost(top: Reader) -> tuple[float, str]:
    c = top.child("cost")
    found = (c.number("maintenance_per_month", 0.0) or 0.0, c.text("currency", "EUR"))
    c.done()
    return found


def parse_spec(block: Any, name: str, path: Path) -> Spec:
    """Validate the ``meta.scorehouse`` block of model ``<name>_scores`` in ``path``."""
    top = Reader(block, f"{path}: model {name!r}")
    task = top.text("task", required=True)
    if task not in TASKS:
        raise SpecError(f"{top.where}.task: {task!r} is not one of {', '.join(TASKS)}")
    # read in the file's order, so the first problem reported is the first one there
    found_people, found_data = people(top), data(top, task)
    found_estimator, holdout = estimator(top), holdout_cutoffs(top)
    baseline_name, baseline_sql = baseline(top)
    primary, thresholds = metrics(top, task)
    found_business_metric, found_sla = business_metric(top), sla(top)
    maintenance, currency = cost(top)
    spec = Spec(
        name=name,
        task=task,
        description=top.text("description"),
        decisions=top.names("decisions"),
        people=found_people,
        data=found_data,
        estimator=found_estimator,
        holdout_cutoffs=holdout,
        baseline_name=baseline_name,
        baseline_sql=baseline_sql,
        primary_metric=primary,
        thresholds=thresholds,
        business_metric=found_business_metric,
        sla=found_sla,
        maintenance_cost_per_month=maintenance,
        currency=currency,
        path=path,
        raw=dict(block),
    )
    top.done()
    return spec
