"""Keep, rebuild or switch off: the seed article's test of a model, from the campaigns.

The evidence is uplift_model_vs_rule at one budget share: on every randomised campaign the
model's scores were used on, the incremental conversions and revenue of the customers the
model would contact against the same number chosen by the rule. Campaigns are independent
samples, so their estimates add and so do their variances.

- No significant uplift over the rule (the 95 % interval of the extra conversions reaches
  0): **rebuild** when the model still lifts conversions against control (it works, only
  not better than the rule), **switch off** when it does not even do that.
- It beats the rule, but the extra revenue per month (per campaign, times the campaigns
  run a month) does not cover the spec's maintenance cost: **switch off**.
- It beats the rule, pays for itself, and beat the rule in every campaign: **keep**; when
  some campaign went the other way, the uplift is not stable: **rebuild**.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z = 1.959963984540054
KEEP, REBUILD, SWITCH_OFF = "keep", "rebuild", "switch_off"


@dataclass(frozen=True)
class Evidence:
    """One campaign's row of uplift_model_vs_rule."""

    campaign_id: int
    model_conversions: float
    model_conversions_ci_low: float
    conversions_difference: float
    conversions_difference_ci_high: float
    revenue_difference: float
    revenue_difference_ci_high: float


@dataclass(frozen=True)
class Verdict:
    verdict: str | None  # keep, rebuild, switch_off; None without evidence
    reasons: tuple[str, ...]
    campaigns: int
    conversions_difference: float | None = None
    conversions_difference_ci: tuple[float, float] | None = None
    monthly_gain: float | None = None


def _pooled(estimates: Sequence[float], highs: Sequence[float]) -> tuple[float, float]:
    """Sum of independent estimates and the standard error of the sum (from 95 % bounds)."""
    se = math.sqrt(sum(((high - est) / Z) ** 2 for est, high in zip(estimates, highs, strict=True)))
    return sum(estimates), se


def decide(
    evidence: Sequence[Evidence],
    maintenance_per_month: float,
    *,
    currency: str = "EUR",
    campaigns_per_month: float = 1.0,
) -> Verdict:
    if not evidence:
        return Verdict(None, ("no randomised campaign was run on this model's scores yet",), 0)
    n = len(evidence)
    ids = ", ".join(str(e.campaign_id) for e in evidence)
    seen = f"over {n} campaign{'s' if n > 1 else ''} ({ids})"
    diff, diff_se = _pooled(
        [e.conversions_difference for e in evidence],
        [e.conversions_difference_ci_high for e in evidence],
    )
    low, high = diff - Z * diff_se, diff + Z * diff_se
    over_rule = (
        f"at equal budget the model adds {diff:+.1f} conversions over the rule {seen} "
        f"(95 % CI {low:+.1f} to {high:+.1f})"
    )
    model, model_se = _pooled(
        [e.model_conversions for e in evidence],
        [2 * e.model_conversions - e.model_conversions_ci_low for e in evidence],
    )
    if low <= 0:
        reasons = [over_rule + ": no uplift over the rule"]
        if model - Z * model_se > 0:
            reasons.append(
                f"it does lift conversions against control ({model:+.1f}, 95 % CI lower bound "
                f"{model - Z * model_se:+.1f}): rebuild it to beat the rule, or serve the rule"
            )
            return Verdict(REBUILD, tuple(reasons), n, diff, (low, high))
        reasons.append(
            f"nor against control ({model:+.1f} conversions, 95 % CI reaches 0): switch it off"
        )
        return Verdict(SWITCH_OFF, tuple(reasons), n, diff, (low, high))
    revenue = sum(e.revenue_difference for e in evidence) / n
    gain = revenue * campaigns_per_month
    earns = (
        f"its extra revenue over the rule is {gain:,.0f} {currency} a month "
        f"({campaigns_per_month:g} campaign(s) a month) against "
        f"{maintenance_per_month:,.0f} {currency} of maintenance"
    )
    if gain <= maintenance_per_month:
        return Verdict(
            SWITCH_OFF,
            (over_rule, earns + ": it costs more than it earns"),
            n,
            diff,
            (low, high),
            gain,
        )
    against = [e.campaign_id for e in evidence if e.conversions_difference <= 0]
    if against:
        unstable = (
            f"but the rule did as well or better in campaign(s) {', '.join(map(str, against))}: "
            "the uplift is not stable"
        )
        return Verdict(REBUILD, (over_rule, earns, unstable), n, diff, (low, high), gain)
    return Verdict(
        KEEP,
        (over_rule, earns + ": it pays for itself", "it beat the rule in every campaign"),
        n,
        diff,
        (low, high),
        gain,
    )
