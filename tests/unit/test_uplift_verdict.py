"""The keep / rebuild / switch-off rules, one case each, and the pooling of campaigns."""

from __future__ import annotations

import math

import pytest

from scorehouse.uplift.verdict import KEEP, REBUILD, SWITCH_OFF, Evidence, Z, decide


def campaign(
    cid: int,
    diff: float,
    diff_se: float,
    revenue: float,
    model: float = 50.0,
    model_se: float = 10.0,
) -> Evidence:
    return Evidence(
        campaign_id=cid,
        model_conversions=model,
        model_conversions_ci_low=model - Z * model_se,
        conversions_difference=diff,
        conversions_difference_ci_high=diff + Z * diff_se,
        revenue_difference=revenue,
        revenue_difference_ci_high=revenue + 1000.0,
    )


def test_no_campaign_no_verdict():
    verdict = decide([], 400)
    assert verdict.verdict is None and "no randomised campaign" in verdict.reasons[0]


def test_no_uplift_over_the_rule_but_over_control_means_rebuild():
    verdict = decide([campaign(1, diff=3.0, diff_se=5.0, revenue=5000)], 400)
    assert verdict.verdict == REBUILD
    assert "no uplift over the rule" in verdict.reasons[0]
    assert "rebuild" in verdict.reasons[1]


def test_no_uplift_at_all_means_switch_off():
    verdict = decide([campaign(1, diff=3.0, diff_se=5.0, revenue=0, model=5.0, model_se=10.0)], 400)
    assert verdict.verdict == SWITCH_OFF and "nor against control" in verdict.reasons[1]


def test_uplift_that_costs_more_than_it_earns_means_switch_off():
    verdict = decide([campaign(1, diff=30.0, diff_se=5.0, revenue=300.0)], 400, currency="EUR")
    assert verdict.verdict == SWITCH_OFF
    assert "costs more than it earns" in verdict.reasons[1] and "400 EUR" in verdict.reasons[1]
    assert verdict.monthly_gain == 300.0


def test_stable_uplift_that_pays_for_itself_means_keep():
    evidence = [campaign(1, 30.0, 5.0, 2000.0), campaign(2, 20.0, 5.0, 1000.0)]
    verdict = decide(evidence, 400, campaigns_per_month=2)
    assert verdict.verdict == KEEP
    assert verdict.monthly_gain == pytest.approx(3000.0)
    assert verdict.conversions_difference == 50.0
    low, high = verdict.conversions_difference_ci  # type: ignore[misc]
    assert low == pytest.approx(50.0 - Z * math.sqrt(50.0))
    assert high == pytest.approx(50.0 + Z * math.sqrt(50.0))


def test_uplift_the_rule_matched_in_one_campaign_is_not_stable():
    evidence = [campaign(1, 60.0, 5.0, 4000.0), campaign(2, -2.0, 5.0, 500.0)]
    verdict = decide(evidence, 400)
    assert verdict.verdict == REBUILD and "not stable" in verdict.reasons[-1]
    assert "campaign(s) 2" in verdict.reasons[-1]
