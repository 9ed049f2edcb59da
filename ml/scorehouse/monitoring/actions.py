"""The kill switch: what a breach does to a model's serving mode, and switching it back.

``alert`` only records and posts the alert. ``fallback`` sets the passport's serving to
``rule`` and ``disable`` to ``off``; the generated scoring model reads the passport when dbt
runs, so the next ``dbt build`` scores with the rule baseline, or publishes nothing. An
action only ever tightens serving (a model already off is not brought back to the rule),
and only a new alert acts: a breach that stays open does not act again, so a model a human
enabled is not switched off again for the same breach. ``scorehouse enable`` is the only way
back, and ``ml_serving_changes`` records who used it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from scorehouse.errors import ScorehouseError
from scorehouse.monitoring.alerts import AlertTable
from scorehouse.monitoring.rules import Finding
from scorehouse.registry.versions import Registry
from scorehouse.spec import Spec

MONITOR = "scorehouse monitor"
TARGETS = {"fallback": "rule", "disable": "off"}
STRENGTH = {"model": 0, "rule": 1, "off": 2}


def serving_after(on_breach: str, serving: str, new_breaches: Sequence[Finding]) -> str | None:
    """The serving mode new breaches switch a model to, or ``None`` when nothing changes."""
    if on_breach not in TARGETS or not any(f.on_breach in TARGETS for f in new_breaches):
        return None
    target = TARGETS[on_breach]
    return target if STRENGTH[target] > STRENGTH.get(serving, 0) else None


def _value(value: float | None) -> str:
    return "-" if value is None else f"{value:.4g}"


def reason(name: str, breaches: Sequence[Finding], at: dt.datetime) -> str:
    """The passport's ``serving_reason`` after an action: which rules broke, and by how much."""
    listed = "; ".join(
        f"{f.description} (observed {_value(f.observed)} vs threshold {_value(f.threshold)}"
        f"{f' at cutoff {f.cutoff}' if f.cutoff else ''})"
        for f in breaches
    )
    return (
        f"{MONITOR} {at:%Y-%m-%d %H:%M} UTC: {listed}; switch back with `scorehouse enable {name}`"
    )


@dataclass(frozen=True)
class Enabled:
    model: str
    version: int
    previous: str
    changed: bool
    acknowledged: int


def enable_model(
    registry: Registry, spec: Spec, by: str, note: str | None, at: dt.datetime
) -> Enabled:
    """Serve model ``spec`` from its champion again, recording ``by``; acknowledges its open
    alerts. Nothing changes when it is already served by the model."""
    registry.ensure_tables()
    alerts = AlertTable(registry.connection, registry.schema)
    alerts.ensure()
    passport = next((p for p in registry.passports() if p["model_name"] == spec.name), None)
    champion = registry.champion(spec.name)
    if passport is None or champion is None:
        raise ScorehouseError(
            f"model {spec.name!r} has no champion to serve: "
            f"train it (`scorehouse train {spec.name}`)"
        )
    previous = str(passport["serving"] or "rule")
    if previous == "model":
        return Enabled(spec.name, int(champion["version"]), previous, False, 0)
    why = f"enabled by {by} on {at:%Y-%m-%d %H:%M} UTC" + (f": {note}" if note else "")
    with registry.connection.transaction():
        registry.record_serving(spec, "model", why, changed_by=by)
        acknowledged = alerts.acknowledge(spec.name, by, at)
    return Enabled(spec.name, int(champion["version"]), previous, True, acknowledged)
