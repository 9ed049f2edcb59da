"""The p-values finished in Python, against statsmodels and scipy on raw samples."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW, ttest_ind

from scorehouse.uplift.metrics import campaign_tests, chi_square_p_value, z_p_value


def test_p_values_and_interval_from_summaries_equal_statsmodels():
    rng = np.random.default_rng(3)
    a, b = (
        rng.lognormal(3, 1, 400) * (rng.random(400) < 0.2),
        rng.lognormal(3, 1, 300) * (rng.random(300) < 0.15),
    )
    t, p, df = ttest_ind(a, b, usevar="unequal")
    se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    z, pz = proportions_ztest([80, 45], [400, 300])
    row = {
        "campaign_id": 1, "z_statistic": z, "revenue_t_statistic": t, "revenue_welch_df": df,
        "revenue_lift": a.mean() - b.mean(), "revenue_lift_se": se, "srm_chi_square": 4.0,
    }  # fmt: skip
    tests = campaign_tests(row)
    low, high = CompareMeans(DescrStatsW(a), DescrStatsW(b)).tconfint_diff(usevar="unequal")
    assert tests.z_p_value == pytest.approx(pz, rel=1e-12)
    assert tests.revenue_p_value == pytest.approx(p, rel=1e-12)
    assert (tests.revenue_lift_ci_low, tests.revenue_lift_ci_high) == pytest.approx(
        (low, high), rel=1e-12
    )
    assert tests.srm_p_value == pytest.approx(stats.chisquare([60, 40], [50, 50]).pvalue, rel=1e-12)


def test_missing_statistics_give_missing_p_values():
    row = dict.fromkeys(
        [
            "z_statistic",
            "revenue_t_statistic",
            "revenue_welch_df",
            "revenue_lift",
            "revenue_lift_se",
            "srm_chi_square",
        ]
    )
    tests = campaign_tests({**row, "campaign_id": 2})
    assert tests.z_p_value is None and tests.revenue_p_value is None and tests.srm_p_value is None
    assert z_p_value(None) is None and chi_square_p_value(None) is None
