"""The passport of a model: one row of ``ml_passports`` that BI tools and the report read,
rewritten from the spec, the champion and the serving state whenever one of them changes.
The uplift verdict recorded on it is kept across rewrites."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from scorehouse.catalogue import PASSPORTS
from scorehouse.gateway import Gateway
from scorehouse.metrics.quality import HIGHER_IS_BETTER
from scorehouse.spec import Spec
from scorehouse.urls import shown

VERDICT_COLUMNS = ("verdict", "verdict_reasons", "verdict_version", "verdict_at")


def join_reasons(reasons: Sequence[str]) -> str:
    """The verdict's reasons as the passport stores them, one a line."""
    return "\n".join(reasons)


def split_reasons(stored: str | None) -> list[str]:
    """The reasons :func:`join_reasons` stored."""
    return [line for line in (stored or "").split("\n") if line.strip()]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def write_passport(
    tables: Gateway,
    spec: Spec,
    champion: dict[str, Any] | None,
    challenger: dict[str, Any] | None,
    serving: tuple[str, str] | None = None,
) -> None:
    """Rewrite ``spec``'s passport; ``serving`` (mode, reason) changes its serving state,
    which otherwise stays as it was (the rule while there is no champion)."""
    rows = tables.select(PASSPORTS, "model_name = ?", [spec.name])
    previous = rows[0] if rows else None
    if serving is None:
        serving = (previous["serving"], previous["serving_reason"]) if previous else ("model", "")
        if champion is None and serving[0] == "model":
            serving = ("rule", "no trained champion yet")
    trained_at = champion["trained_at"] if champion else None
    due_at = trained_at + dt.timedelta(days=spec.sla.refresh_days) if trained_at else None
    row = {
        "model_name": spec.name,
        "task": spec.task,
        "description": spec.description,
        "decisions": json.dumps(list(spec.decisions)),
        "owner": spec.people.owner,
        "business_owner": spec.people.business_owner,
        "kill_switch_owner": spec.people.kill_switch_owner,
        "champion_version": champion["version"] if champion else None,
        "challenger_version": challenger["version"] if challenger else None,
        "serving": serving[0],
        "serving_reason": serving[1],
        "trained_at": trained_at,
        "due_at": due_at,
        "refresh_cadence_days": spec.sla.refresh_days,
        "max_staleness_days": spec.sla.max_staleness_days,
        "degradation_rules": json.dumps([r.describe() for r in spec.sla.degradation]),
        "on_breach": spec.sla.on_breach,
        "alert_channel": shown(spec.sla.alert_channel),  # a webhook URL holds its secret
        "primary_metric": spec.primary_metric,
        "model_value": champion["model_value"] if champion else None,
        "baseline_name": spec.baseline_name,
        "baseline_value": champion["baseline_value"] if champion else None,
        "beats_baseline": champion["beats_baseline"] if champion else None,
        "business_metric": json.dumps(spec.business_metric),
        "maintenance_cost_per_month": spec.maintenance_cost_per_month,
        "currency": spec.currency,
        "spec_path": str(spec.path),
        "updated_at": now(),
        **{c: previous[c] if previous else None for c in VERDICT_COLUMNS},
        "warnings": "\n".join(champion_warnings(spec, champion)) or None,
    }
    tables.delete(PASSPORTS, "model_name = ?", [spec.name])
    tables.insert(PASSPORTS, [row])


def set_verdict(
    tables: Gateway,
    model: str,
    version: int,
    verdict: str | None,
    reasons: Sequence[str],
    at: dt.datetime,
) -> None:
    """Record the uplift verdict on the model's passport (kept across later rewrites)."""
    values = {
        "verdict": verdict,
        "verdict_reasons": join_reasons(reasons),
        "verdict_version": version,
        "verdict_at": at,
    }
    tables.update(PASSPORTS, values, "model_name = ?", [model])


def champion_warnings(spec: Spec, champion: dict[str, Any] | None) -> list[str]:
    """What the passport must say loudly about its champion: that it loses to (or cannot
    be compared with) its rule, or misses the spec's threshold on its primary metric."""
    if champion is None:
        return []
    what = f"champion v{champion['version']}"
    metric = spec.primary_metric
    model, rule = champion.get("model_value"), champion.get("baseline_value")
    out = []
    if champion.get("beats_baseline") is False:
        out.append(
            f"{what} does NOT beat its rule baseline {spec.baseline_name} on the holdout "
            f"({metric} {_fmt(model)} vs {_fmt(rule)}): rebuild it, or switch it off"
        )
    elif champion.get("beats_baseline") is None:
        out.append(f"{what} could not be compared with its rule baseline {spec.baseline_name}")
    threshold = spec.thresholds.get(metric)
    if threshold is not None and model is not None:
        ok = model >= threshold if metric in HIGHER_IS_BETTER else model <= threshold
        if not ok:
            out.append(f"{what} misses its {metric} threshold ({_fmt(model)} vs {threshold})")
    return out


def _fmt(value: Any) -> str:
    return "-" if value is None else f"{float(value):.4f}"
