"""Ground truth computed from the simulation's own intensities, never estimated.

Orders of a customer form a Poisson process with intensity ``lambda(t)``, so the number of
orders in a window is Poisson with mean ``L = integral of lambda`` over it, and:

- churn_probability = P(no order with cutoff <= ordered_at < cutoff + 60 days) = exp(-L60);
- purchase_probability = P(at least one order in the 30 days from the cutoff) = 1 - exp(-L30);
- true_uplift = P(order in the campaign window | assigned to treatment)
  - P(order in the window | control) = delivery_rate * (exp(-L) - exp(-exp(theta) * L)).

``L`` includes the effect of the campaign contacts the customer actually received.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from scorehouse.demo.calendar import CHURN_WINDOW_DAYS, PROPENSITY_WINDOW_DAYS, day_index
from scorehouse.demo.campaigns import DELIVERY_RATE, Assignment, RateMultiplier
from scorehouse.demo.intensity import DailyIntensity
from scorehouse.demo.population import Population


def expected_orders(
    pop: Population, intensity: DailyIntensity, boost: RateMultiplier, lo: int, hi: int
) -> np.ndarray:
    """Expected number of orders of each customer on days ``[lo, hi)``."""
    total = intensity.integral(pop.signup_day, pop.churn_day, lo, hi)
    for k in range(len(boost.starts)):
        a, b = max(lo, int(boost.starts[k])), min(hi, int(boost.stops[k]))
        if b > a:
            extra = intensity.integral(pop.signup_day, pop.churn_day, a, b)
            total = total + (boost.factor[k] - 1.0) * extra
    return pop.order_rate * total


def churn_and_propensity(
    pop: Population,
    intensity: DailyIntensity,
    boost: RateMultiplier,
    cutoffs: tuple[dt.date, ...],
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Columns of truth_churn and truth_propensity: customers signed up before each cutoff."""
    ids, dates, churn, buy = [], [], [], []
    for cutoff in cutoffs:
        c = day_index(cutoff)
        known = pop.signup_day < c
        sub = pop.subset(known)
        ids.append(pop.customer_id[known])
        dates.append(np.full(int(known.sum()), np.datetime64(cutoff.isoformat(), "D")))
        sub_boost = boost.subset(known)
        churn.append(np.exp(-expected_orders(sub, intensity, sub_boost, c, c + CHURN_WINDOW_DAYS)))
        buy.append(
            -np.expm1(-expected_orders(sub, intensity, sub_boost, c, c + PROPENSITY_WINDOW_DAYS))
        )
    customer_id = np.concatenate(ids)
    cutoff_date = np.concatenate(dates)
    return (
        {
            "customer_id": customer_id,
            "cutoff_date": cutoff_date,
            "churn_probability": np.concatenate(churn),
        },
        {
            "customer_id": customer_id,
            "cutoff_date": cutoff_date,
            "purchase_probability": np.concatenate(buy),
        },
    )


def uplift(
    pop: Population, intensity: DailyIntensity, assignments: list[Assignment]
) -> dict[str, np.ndarray]:
    """Columns of truth_uplift: one row per campaign and targeted customer."""
    campaign_ids, ids, effects = [], [], []
    for a in assignments:
        m = a.member
        window = intensity.integral(
            pop.signup_day[m], pop.churn_day[m], a.campaign.first_day, a.campaign.stop_day
        )
        expected = pop.order_rate[m] * window
        effect = np.exp(-expected) - np.exp(-np.exp(a.theta) * expected)
        campaign_ids.append(np.full(len(m), a.campaign.campaign_id, dtype=np.int32))
        ids.append(pop.customer_id[m])
        effects.append(DELIVERY_RATE[a.campaign.channel] * effect)
    return {
        "campaign_id": np.concatenate(campaign_ids),
        "customer_id": np.concatenate(ids),
        "true_uplift": np.concatenate(effects),
    }
