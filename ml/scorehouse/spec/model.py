"""What a spec declares about a model, once read and checked (see :mod:`scorehouse.spec`)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scorehouse.errors import ScorehouseError

TASKS = ("binary", "regression", "uplift")
# How an uplift model turns the declared classifier into uplift (scorehouse.estimators)
UPLIFT_METHODS = ("two_model", "class_transformation")
ACTIONS = ("alert", "fallback", "disable")
CADENCES = {"daily": 1, "weekly": 7, "monthly": 30, "quarterly": 91}
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
