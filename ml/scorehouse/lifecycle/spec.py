"""The declarative model spec: one per model, kept beside its dbt models.

A spec is the ``meta.scorehouse`` block of the scoring model in a dbt properties file
(``models/ml/<name>.yml``), so dbt's docs show it and the project holds it in one place::

    models:
      - name: churn_scores
        config:
          meta:
            scorehouse:
              task: binary
              ...

Every key is checked: an unknown key, a missing owner, a bad cadence or a wrong type is
rejected with a message naming the file, the model and the key.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from scorehouse.errors import ScorehouseError
from scorehouse.lifecycle.evaluate import HEADLINE_METRICS
from scorehouse.names import IDENTIFIER_RULE, RULE, is_identifier, is_valid

TASKS = ("binary", "regression", "uplift")
# How an uplift model turns the declared classifier into uplift (scorehouse.uplift.estimators)
UPLIFT_METHODS = ("two_model", "class_transformation")
ACTIONS = ("alert", "fallback", "disable")
CADENCES = {"daily": 1, "weekly": 7, "monthly": 30, "quarterly": 91}
_DURATION = re.compile(r"^(\d+)\s*d(ays?)?$")
SCORES_SUFFIX = "_scores"
TODO = "TODO"
# What an SLA degradation rule may watch (scorehouse.monitoring.rules reads each of them)
DEGRADATION_METRICS = (
    "roc_auc",
    "pr_auc",
    "brier",
    "lift_top_decile",
    "roc_auc_over_rule",
    "pr_auc_over_rule",
    "lift_top_decile_over_rule",
    "score_psi",
    "scored_rows",
    "unscored_share",
    "feature_psi",
    "null_rate_increase",
    "new_categories",
    "model_age_days",
    "days_since_scored",
)
BUSINESS_METRIC_KEYS = ("name", "description")


class SpecError(ScorehouseError):
    """A spec that cannot be used, with every problem found in it."""


def parse_days(value: Any, where: str) -> int:
    """'weekly', 'monthly', '30d', '45 days' or an integer number of days."""
    if isinstance(value, bool):
        raise SpecError(f"{where}: expected a cadence such as 'weekly' or '30d', got {value!r}")
    if isinstance(value, int) and value > 0:
        return value
    text = str(value).strip().lower()
    if text in CADENCES:
        return CADENCES[text]
    match = _DURATION.match(text)
    if match and int(match.group(1)) > 0:
        return int(match.group(1))
    allowed = ", ".join(CADENCES)
    raise SpecError(
        f"{where}: {value!r} is not a cadence ({allowed}, or a number of days like '30d')"
    )


@dataclass(frozen=True)
class People:
    owner: str
    business_owner: str
    kill_switch_owner: str


@dataclass(frozen=True)
class Data:
    entity_key: str
    relation: str
    label: str
    cutoff: str
    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    score_relation: str
    # uplift: the 0/1 column saying who was treated in the randomised campaign
    treatment: str | None = None

    @property
    def features(self) -> tuple[str, ...]:
        return self.numeric + self.categorical


@dataclass(frozen=True)
class Step:
    cls: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Estimator:
    model: Step | None
    numeric_steps: tuple[Step, ...]
    categorical_steps: tuple[Step, ...]
    entry_point: str | None
    uplift: str = "two_model"  # task uplift: one of UPLIFT_METHODS


@dataclass(frozen=True)
class Degradation:
    metric: str
    below_passport_minus: float | None = None
    below: float | None = None
    above: float | None = None

    def describe(self) -> str:
        if self.below_passport_minus is not None:
            return f"{self.metric} below the passport's value minus {self.below_passport_minus}"
        if self.below is not None:
            return f"{self.metric} below {self.below}"
        return f"{self.metric} above {self.above}"


@dataclass(frozen=True)
class Sla:
    refresh_days: int
    max_staleness_days: int
    degradation: tuple[Degradation, ...]
    on_breach: str
    alert_channel: str | None


@dataclass(frozen=True)
class Spec:
    name: str
    task: str
    description: str
    decisions: tuple[str, ...]
    people: People
    data: Data
    estimator: Estimator
    holdout_cutoffs: int
    baseline_name: str
    baseline_sql: str
    primary_metric: str
    thresholds: dict[str, float]
    business_metric: dict[str, str]
    sla: Sla
    maintenance_cost_per_month: float
    currency: str
    path: Path
    raw: dict[str, Any] = field(repr=False, compare=False)

    @property
    def scores_model(self) -> str:
        return self.name + SCORES_SUFFIX

    @property
    def todo(self) -> list[str]:
        """The keys still holding a TODO placeholder (as `scorehouse init` writes them)."""
        found = []
        for key, value in (
            ("people.owner", self.people.owner),
            ("people.business_owner", self.people.business_owner),
            ("people.kill_switch_owner", self.people.kill_switch_owner),
            ("baseline.sql", self.baseline_sql),
        ):
            if value.strip().upper().startswith(TODO):
                found.append(key)
        return found

    def digest(self) -> str:
        return hashlib.sha256(
            json.dumps(self.raw, sort_keys=True, default=str).encode()
        ).hexdigest()


class _Reader:
    """Reads one mapping, recording which keys were used, so unknown keys can be named."""

    def __init__(self, mapping: Any, where: str):
        if not isinstance(mapping, dict):
            raise SpecError(f"{where}: expected a mapping, got {type(mapping).__name__}")
        self.mapping = mapping
        self.where = where
        self.used: set[str] = set()

    def get(self, key: str, default: Any = None, *, required: bool = False) -> Any:
        self.used.add(key)
        value = self.mapping.get(key, default)
        if required and (value is None or value == ""):
            raise SpecError(f"{self.where}: {key!r} is required")
        return value

    def text(self, key: str, default: str | None = None, *, required: bool = False) -> str:
        value = self.get(key, default, required=required)
        if value is not None and not isinstance(value, str):
            raise SpecError(f"{self.where}.{key}: expected text, got {value!r}")
        return value if value is not None else ""

    def identifier(self, key: str, default: str | None = None, *, required: bool = False) -> str:
        """A column or relation name, which the generated SQL writes as it is."""
        value = self.text(key, default, required=required)
        if value and not is_identifier(value):
            raise SpecError(f"{self.where}.{key}: {value!r} is not {IDENTIFIER_RULE}")
        return value

    def choice(self, key: str, allowed: tuple[str, ...], default: str | None = None) -> str:
        value = self.text(key, default, required=default is None)
        if value not in allowed:
            raise SpecError(f"{self.where}.{key}: {value!r} is not one of {', '.join(allowed)}")
        return value

    def names(self, key: str) -> tuple[str, ...]:
        value = self.get(key, []) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SpecError(f"{self.where}.{key}: expected a list of names")
        return tuple(value)

    def columns(self, key: str) -> tuple[str, ...]:
        value = self.names(key)
        for i, name in enumerate(value):
            if not is_identifier(name):
                raise SpecError(f"{self.where}.{key}[{i}]: {name!r} is not {IDENTIFIER_RULE}")
        return value

    def number(self, key: str, default: float | None = None) -> float | None:
        value = self.get(key, default)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise SpecError(f"{self.where}.{key}: expected a number, got {value!r}")
        return None if value is None else float(value)

    def child(self, key: str, *, required: bool = False) -> _Reader:
        value = self.get(key, None if required else {}, required=required)
        return _Reader(value, f"{self.where}.{key}")

    def done(self) -> None:
        unknown = sorted(set(self.mapping) - self.used)
        if unknown:
            known = ", ".join(sorted(self.used))
            raise SpecError(
                f"{self.where}: unknown key(s) {', '.join(unknown)} (known here: {known})"
            )


def _steps(reader: _Reader, key: str) -> tuple[Step, ...]:
    items = reader.get(key, []) or []
    if not isinstance(items, list):
        raise SpecError(f"{reader.where}.{key}: expected a list of steps")
    return tuple(_step(item, f"{reader.where}.{key}[{i}]") for i, item in enumerate(items))


def _step(item: Any, where: str) -> Step:
    r = _Reader(item, where)
    cls = r.text("class", required=True)
    params = r.get("params", {}) or {}
    if not isinstance(params, dict):
        raise SpecError(f"{where}.params: expected a mapping")
    r.done()
    return Step(cls, dict(params))


def parse_spec(block: Any, name: str, path: Path) -> Spec:
    """Validate the ``meta.scorehouse`` block of model ``<name>_scores`` in ``path``."""
    top = _Reader(block, f"{path}: model {name!r}")
    task = top.text("task", required=True)
    if task not in TASKS:
        raise SpecError(f"{top.where}.task: {task!r} is not one of {', '.join(TASKS)}")

    p = top.child("people", required=True)
    people = People(
        owner=p.text("owner", required=True),
        business_owner=p.text("business_owner", required=True),
        kill_switch_owner=p.text("kill_switch_owner", required=True),
    )
    p.done()

    d = top.child("data", required=True)
    f = d.child("features", required=True)
    numeric, categorical = f.columns("numeric"), f.columns("categorical")
    f.done()
    if not numeric and not categorical:
        raise SpecError(f"{d.where}.features: list at least one numeric or categorical feature")
    relation = d.identifier("relation", required=True)
    data = Data(
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
    if task == "uplift" and data.treatment is None:
        raise SpecError(f"{d.where}.treatment: required for task uplift (the 0/1 treated column)")
    duplicated = sorted({c for c in data.features if data.features.count(c) > 1})
    if duplicated:
        raise SpecError(f"{d.where}.features: listed twice: {', '.join(duplicated)}")

    e = top.child("estimator", required=True)
    entry_point = e.text("entry_point") or None
    uplift = e.text("uplift", "two_model")
    if uplift not in UPLIFT_METHODS:
        raise SpecError(f"{e.where}.uplift: {uplift!r} is not one of {', '.join(UPLIFT_METHODS)}")
    model_item = e.get("model")
    pre = e.child("preprocess")
    numeric_steps, categorical_steps = _steps(pre, "numeric"), _steps(pre, "categorical")
    pre.done()
    e.done()
    if (entry_point is None) == (model_item is None):
        raise SpecError(f"{e.where}: give either 'model' (class and params) or 'entry_point'")
    estimator = Estimator(
        model=_step(model_item, f"{e.where}.model") if model_item is not None else None,
        numeric_steps=numeric_steps,
        categorical_steps=categorical_steps,
        entry_point=entry_point,
        uplift=uplift,
    )

    v = top.child("validation")
    holdout = v.get("holdout_cutoffs", 1)
    if not isinstance(holdout, int) or isinstance(holdout, bool) or holdout < 1:
        raise SpecError(f"{v.where}.holdout_cutoffs: expected a whole number ≥ 1, got {holdout!r}")
    v.done()

    b = top.child("baseline", required=True)
    baseline_name, baseline_sql = b.text("name", "rule"), b.text("sql", required=True)
    b.done()

    m = top.child("metrics")
    default_primary = {"binary": "roc_auc", "uplift": "qini"}.get(task, "rmse")
    primary = m.text("primary", default_primary)
    if primary not in HEADLINE_METRICS[task]:
        known = ", ".join(HEADLINE_METRICS[task])
        raise SpecError(f"{m.where}.primary: {primary!r} is not a {task} metric ({known})")
    thresholds = m.get("thresholds", {}) or {}
    if not isinstance(thresholds, dict):
        raise SpecError(f"{m.where}.thresholds: expected a mapping of metric: value")
    t = _Reader(thresholds, f"{m.where}.thresholds")
    for key in thresholds:
        if key not in HEADLINE_METRICS[task]:
            known = ", ".join(HEADLINE_METRICS[task])
            raise SpecError(f"{t.where}: {key!r} is not a {task} metric ({known})")
    thresholds = {str(k): t.number(k) for k in thresholds}
    m.done()

    bm = top.child("business_metric")
    business_metric = {k: bm.text(k) for k in BUSINESS_METRIC_KEYS if bm.get(k) is not None}
    bm.done()

    s = top.child("sla", required=True)
    refresh = parse_days(s.get("refresh_cadence", required=True), f"{s.where}.refresh_cadence")
    staleness = parse_days(s.get("max_staleness", required=True), f"{s.where}.max_staleness")
    rules = []
    for i, item in enumerate(s.get("degradation", []) or []):
        r = _Reader(item, f"{s.where}.degradation[{i}]")
        rule = Degradation(
            metric=r.choice("metric", DEGRADATION_METRICS),
            below_passport_minus=r.number("below_passport_minus"),
            below=r.number("below"),
            above=r.number("above"),
        )
        r.done()
        given = [x for x in (rule.below_passport_minus, rule.below, rule.above) if x is not None]
        if len(given) != 1:
            raise SpecError(f"{r.where}: give exactly one of below_passport_minus, below, above")
        rules.append(rule)
    action = s.text("on_breach", "alert")
    if action not in ACTIONS:
        raise SpecError(f"{s.where}.on_breach: {action!r} is not one of {', '.join(ACTIONS)}")
    sla = Sla(refresh, staleness, tuple(rules), action, s.text("alert_channel") or None)
    s.done()

    c = top.child("cost")
    cost = c.number("maintenance_per_month", 0.0) or 0.0
    currency = c.text("currency", "EUR")
    c.done()

    spec = Spec(
        name=name,
        task=task,
        description=top.text("description"),
        decisions=top.names("decisions"),
        people=people,
        data=data,
        estimator=estimator,
        holdout_cutoffs=holdout,
        baseline_name=baseline_name,
        baseline_sql=baseline_sql,
        primary_metric=primary,
        thresholds=thresholds,
        business_metric=business_metric,
        sla=sla,
        maintenance_cost_per_month=cost,
        currency=currency,
        path=path,
        raw=dict(block),
    )
    top.done()
    return spec


def find_specs(model_paths: list[Path]) -> dict[str, Spec]:
    """Every spec in the project's model folders, by model name."""
    specs: dict[str, Spec] = {}
    for folder in model_paths:
        for path in sorted(folder.rglob("*.yml")):
            for name, block in _spec_blocks(path):
                if name in specs:
                    raise SpecError(
                        f"model {name!r} is declared twice: {specs[name].path} and {path}"
                    )
                specs[name] = parse_spec(block, name, path)
    return specs


def _spec_blocks(path: Path) -> list[tuple[str, Any]]:
    try:
        document = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as error:
        raise SpecError(f"{path} is not valid YAML: {error}") from error
    found = []
    for model in document.get("models", []) or [] if isinstance(document, dict) else []:
        if not isinstance(model, dict):
            continue
        meta = (model.get("config") or {}).get("meta") or model.get("meta") or {}
        if "scorehouse" not in meta:
            continue
        dbt_name = str(model.get("name", ""))
        if not dbt_name.endswith(SCORES_SUFFIX):
            raise SpecError(
                f"{path}: the scorehouse spec sits on model {dbt_name!r}; put it on the scoring "
                f"model, named '<model name>{SCORES_SUFFIX}'"
            )
        name = dbt_name[: -len(SCORES_SUFFIX)]
        if not is_valid(name):
            raise SpecError(
                f"{path}: model {dbt_name!r} declares a scorehouse spec named {name!r}, which "
                f"breaks the naming rule: {RULE}"
            )
        found.append((name, meta["scorehouse"]))
    return found


def load_spec(model_paths: list[Path], name: str) -> Spec:
    if not is_valid(name):
        raise SpecError(f"{name!r} cannot be a model name: the naming rule is {RULE}")
    specs = find_specs(model_paths)
    if name not in specs:
        known = ", ".join(sorted(specs)) or "none"
        raise SpecError(f"no model spec named {name!r} (specs in this project: {known})")
    return specs[name]
