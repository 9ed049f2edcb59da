"""The statistics of a campaign's lift that need distribution functions.

uplift_campaign_lift (a dbt model) computes everything with a closed form in the warehouse:
rates, lifts, Wald intervals, the pooled z statistic, Welch's t statistic and its
Satterthwaite degrees of freedom, the sample-ratio chi-square. What is left needs the
normal, t and chi-square distributions, which SQL dialects do not share: the p-values and
the t-based interval of the revenue lift. They are computed here from those per-campaign
statistics alone, with the same definitions as statsmodels (proportions_ztest,
ttest_ind(usevar='unequal'), CompareMeans.tconfint_diff) and scipy (chisquare).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

ALPHA = 0.05  # 95 % intervals


@dataclass(frozen=True)
class CampaignTests:
    campaign_id: int
    z_p_value: float | None
    revenue_p_value: float | None
    revenue_lift_ci_low: float | None
    revenue_lift_ci_high: float | None
    srm_p_value: float | None


def _finite(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return number if math.isfinite(number) else None


def z_p_value(z: float | None) -> float | None:
    """Two-sided p-value of a z statistic."""
    return None if z is None else float(2.0 * stats.norm.sf(abs(z)))


def welch(
    t: float | None, df: float | None, difference: float | None, se: float | None
) -> tuple[float | None, float | None, float | None]:
    """Two-sided p-value of Welch's t and the interval of the difference of means."""
    if t is None or df is None or difference is None or se is None:
        return None, None, None
    half = float(stats.t.ppf(1.0 - ALPHA / 2.0, df)) * se
    return float(2.0 * stats.t.sf(abs(t), df)), difference - half, difference + half


def chi_square_p_value(chi_square: float | None) -> float | None:
    """p-value of a one-degree-of-freedom chi-square (two arms against a declared split)."""
    return None if chi_square is None else float(stats.chi2.sf(chi_square, 1))


def campaign_tests(row: dict[str, object]) -> CampaignTests:
    """The tests of one row of uplift_campaign_lift."""
    p_value, low, high = welch(
        _finite(row["revenue_t_statistic"]),
        _finite(row["revenue_welch_df"]),
        _finite(row["revenue_lift"]),
        _finite(row["revenue_lift_se"]),
    )
    return CampaignTests(
        campaign_id=int(row["campaign_id"]),  # type: ignore[call-overload]
        z_p_value=z_p_value(_finite(row["z_statistic"])),
        revenue_p_value=p_value,
        revenue_lift_ci_low=low,
        revenue_lift_ci_high=high,
        srm_p_value=chi_square_p_value(_finite(row["srm_chi_square"])),
    )
