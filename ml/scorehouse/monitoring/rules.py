"""A model's SLA rules, evaluated against what the monitoring tables observed.

Every rule gives one :class:`Finding`. Its ``rule`` text is the rule's stable identity (an
alert for it stays open, not duplicated, while the breach lasts). Two kinds of rules:

- the spec's **degradation** rules, ``{metric, below_passport_minus | below | above}``: a
  breach is an error and asks for the spec's ``on_breach`` action;
- the **freshness** rules every model has: ``stale`` (the last scoring run is older than
  ``max_staleness``; an error, not checked while the model is switched off) and
  ``retrain_due`` (the champion is older than its refresh cadence; a warning, the scheduled
  loop retrains it). They only alert: switching to the rule fixes neither.

Metrics a degradation rule may name are listed in :data:`METRICS`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from scorehouse.monitoring.observe import Observations
from scorehouse.spec import Degradation, Spec

ERROR, WARNING = "error", "warning"
BREACH, OK, NO_DATA, SKIPPED, INVALID = "breach", "ok", "no data", "skipped", "invalid"
STALE, RETRAIN_DUE = "stale", "retrain_due"


@dataclass(frozen=True)
class Observed:
    value: float
    cutoff: dt.date | None = None
    detail: str = ""


@dataclass(frozen=True)
class Finding:
    """The outcome of one rule for one model version."""

    model: str
    version: int
    rule: str
    description: str
    metric: str
    state: str
    severity: str
    on_breach: str
    observed: float | None = None
    threshold: float | None = None
    cutoff: dt.date | None = None
    detail: str = ""

    @property
    def breached(self) -> bool:
        return self.state == BREACH


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _date(value: Any) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


def _quality(
    column: str, minus_baseline: bool = False
) -> Callable[[Observations], Observed | None]:
    def read(obs: Observations) -> Observed | None:
        model = obs.quality.get("model")
        value = _number(model[column]) if model else None
        if model is None or value is None:
            return None
        detail = f"{model['n_rows']} rows with matured labels"
        if minus_baseline:
            baseline = obs.quality.get("baseline")
            rule_value = _number(baseline[column]) if baseline else None
            if rule_value is None:
                return None
            detail = f"model {value:.4f}, rule {rule_value:.4f}; " + detail
            value -= rule_value
        return Observed(value, _date(model["cutoff"]), detail)

    return read


def _score_drift(column: str) -> Callable[[Observations], Observed | None]:
    def read(obs: Observations) -> Observed | None:
        row = obs.score_drift
        value = _number(row[column]) if row else None
        if row is None or value is None:
            return None
        return Observed(value, _date(row["cutoff"]), f"{row['n_rows']} scored rows")

    return read


def _worst_feature(
    value_of: Callable[[dict[str, Any]], float | None], what: str
) -> Callable[[Observations], Observed | None]:
    """The feature with the highest value, named in the detail."""

    def read(obs: Observations) -> Observed | None:
        rated = [(v, row) for row in obs.feature_drift if (v := value_of(row)) is not None]
        if not rated:
            return None
        value, row = max(rated, key=lambda pair: (pair[0], str(pair[1]["feature"])))
        detail = f"{what} of {row['feature']}"
        if row.get("new_category_examples") and row.get("new_categories"):
            detail += f" (new categories: {row['new_category_examples']})"
        return Observed(value, _date(row["cutoff"]), detail)

    return read


def _null_rate_increase(row: dict[str, Any]) -> float | None:
    now, before = _number(row["null_rate"]), _number(row["reference_null_rate"])
    return None if now is None or before is None else now - before


def _freshness(column: str) -> Callable[[Observations], Observed | None]:
    def read(obs: Observations) -> Observed | None:
        value = _number(obs.freshness[column]) if obs.freshness else None
        return None if value is None else Observed(value)

    return read


METRICS: dict[str, Callable[[Observations], Observed | None]] = {
    # quality at the newest cutoff whose labels matured (ml_quality, subject 'model')
    "roc_auc": _quality("roc_auc"),
    "pr_auc": _quality("pr_auc"),
    "brier": _quality("brier"),
    "lift_top_decile": _quality("lift_top_decile"),
    # the model's margin over the rule baseline on the same rows (model minus rule)
    "roc_auc_over_rule": _quality("roc_auc", minus_baseline=True),
    "pr_auc_over_rule": _quality("pr_auc", minus_baseline=True),
    "lift_top_decile_over_rule": _quality("lift_top_decile", minus_baseline=True),
    # drift at the newest scoring cutoff
    "score_psi": _score_drift("psi"),
    "scored_rows": _score_drift("n_rows"),
    # rows the model refused (a missing or infinite value it cannot take, ...): ml_unscored
    "unscored_share": _score_drift("unscored_share"),
    "feature_psi": _worst_feature(lambda r: _number(r["psi"]), "PSI"),
    "null_rate_increase": _worst_feature(_null_rate_increase, "null-rate increase"),
    "new_categories": _worst_feature(lambda r: _number(r["new_categories"]), "new categories"),
    # freshness
    "model_age_days": _freshness("model_age_days"),
    "days_since_scored": _freshness("days_since_scored"),
}


def _fmt(value: float) -> str:
    return f"{value:g}"


def rule_key(rule: Degradation) -> str:
    """A degradation rule's identity, e.g. ``roc_auc below_passport_minus 0.05``."""
    if rule.below_passport_minus is not None:
        return f"{rule.metric} below_passport_minus {_fmt(rule.below_passport_minus)}"
    if rule.below is not None:
        return f"{rule.metric} below {_fmt(rule.below)}"
    return f"{rule.metric} above {_fmt(rule.above or 0.0)}"


def evaluate_degradation(spec: Spec, rule: Degradation, obs: Observations) -> Finding:
    def finding(state: str, **values: Any) -> Finding:
        return Finding(
            model=spec.name,
            version=obs.version,
            rule=rule_key(rule),
            description=rule.describe(),
            metric=rule.metric,
            state=state,
            severity=ERROR,
            on_breach=spec.sla.on_breach,
            **values,
        )

    read = METRICS.get(rule.metric)
    if read is None:
        return finding(
            INVALID, detail=f"unknown metric {rule.metric!r} (known: {', '.join(METRICS)})"
        )
    if rule.below_passport_minus is not None:
        reference = obs.passport.get(rule.metric)
        if reference is None:
            return finding(
                INVALID, detail=f"the passport of v{obs.version} records no {rule.metric}"
            )
        threshold = reference - rule.below_passport_minus
    else:
        threshold = rule.below if rule.below is not None else float(rule.above or 0.0)
    seen = read(obs)
    if seen is None:
        return finding(NO_DATA, threshold=threshold, detail="not observed yet")
    low = rule.above is None
    breached = seen.value < threshold if low else seen.value > threshold
    return finding(
        BREACH if breached else OK,
        observed=seen.value,
        threshold=threshold,
        cutoff=seen.cutoff,
        detail=seen.detail,
    )


# rule, description, severity, the flag column, the observed and the limit column
FRESHNESS_RULES = (
    (
        STALE,
        "scores older than the maximum staleness",
        ERROR,
        "is_stale",
        "days_since_scored",
        "max_staleness_days",
    ),
    (
        RETRAIN_DUE,
        "champion older than its refresh cadence",
        WARNING,
        "is_retrain_due",
        "model_age_days",
        "refresh_cadence_days",
    ),
)


def evaluate_freshness(spec: Spec, obs: Observations, serving: str) -> list[Finding]:
    row = obs.freshness
    findings = []
    for rule, description, severity, flag, observed, limit in FRESHNESS_RULES:
        base = Finding(
            model=spec.name,
            version=obs.version,
            rule=rule,
            description=description,
            metric=observed,
            state=NO_DATA,
            severity=severity,
            on_breach="alert",
            detail="no freshness row",
        )
        if row is None or row[flag] is None:
            findings.append(base)
        elif rule == STALE and serving == "off":
            findings.append(
                replace(base, state=SKIPPED, detail="switched off: no scores are expected")
            )
        else:
            findings.append(
                replace(
                    base,
                    state=BREACH if row[flag] else OK,
                    observed=_number(row[observed]),
                    threshold=_number(row[limit]),
                    detail="",
                )
            )
    return findings


def evaluate(spec: Spec, obs: Observations, serving: str) -> list[Finding]:
    """Every SLA rule of ``spec`` against the observations of its champion."""
    findings = [evaluate_degradation(spec, rule, obs) for rule in spec.sla.degradation]
    return findings + evaluate_freshness(spec, obs, serving)
