"""B2B-style leads from web forms. Conversion depends on the form fields, plus noise, and is
only seen when it happened before the end of the recorded history."""

from __future__ import annotations

import numpy as np

from scorehouse.demo.calendar import N_DAYS

SOURCES = ("webinar", "whitepaper", "demo_request", "trade_show", "cold_outreach")
_SOURCE_SHARE = (0.2, 0.3, 0.15, 0.1, 0.25)
_SOURCE_EFFECT = np.array([0.2, -0.3, 1.0, 0.4, -0.9])
_DEMO_TICK_RATE = np.array([0.2, 0.1, 0.9, 0.3, 0.05])

COMPANY_SIZES = ("1-10", "11-50", "51-200", "201-1000", "1000+")
_SIZE_SHARE = (0.3, 0.28, 0.2, 0.14, 0.08)
_SIZE_EFFECT = np.array([-0.6, 0.0, 0.4, 0.5, 0.2])

INDUSTRIES = ("retail", "finance", "tech", "health", "manufacturing", "other")
_INDUSTRY_SHARE = (0.25, 0.12, 0.2, 0.1, 0.13, 0.2)
_INDUSTRY_EFFECT = np.array([0.4, -0.2, 0.3, -0.1, 0.0, -0.3])

JOB_LEVELS = ("staff", "manager", "director", "executive")
_LEVEL_SHARE = (0.4, 0.33, 0.17, 0.1)
_LEVEL_EFFECT = np.array([-0.5, 0.1, 0.5, 0.3])

MIN_LEADS = 300
_MEAN_DAYS_TO_CONVERT = 30.0


def lead_count(customers: int) -> int:
    return max(MIN_LEADS, customers // 10)


def draw_leads(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Columns of the leads table; times in simulation days, ``converted_time`` NaN if none."""
    source = rng.choice(len(SOURCES), size=n, p=_SOURCE_SHARE)
    size = rng.choice(len(COMPANY_SIZES), size=n, p=_SIZE_SHARE)
    industry = rng.choice(len(INDUSTRIES), size=n, p=_INDUSTRY_SHARE)
    level = rng.choice(len(JOB_LEVELS), size=n, p=_LEVEL_SHARE)
    pages = 1 + rng.negative_binomial(2, 0.3, size=n)
    demo = rng.random(n) < _DEMO_TICK_RATE[source]
    logit = (
        -2.0
        + _SOURCE_EFFECT[source]
        + _SIZE_EFFECT[size]
        + _INDUSTRY_EFFECT[industry]
        + _LEVEL_EFFECT[level]
        + 0.9 * np.log1p(pages)
        - 1.2
        + 1.1 * demo
        + rng.normal(0.0, 0.8, size=n)
    )
    created = np.sort(rng.random(n) * N_DAYS)
    converts = rng.random(n) < 1.0 / (1.0 + np.exp(-logit))
    converted_time = created + rng.gamma(2.0, _MEAN_DAYS_TO_CONVERT / 2.0, size=n)
    seen = converts & (converted_time < N_DAYS)
    return {
        "created": created,
        "source": source,
        "company_size": size,
        "industry": industry,
        "job_level": level,
        "pages_viewed": pages,
        "requested_demo": demo,
        "converted": seen,
        "converted_time": np.where(seen, converted_time, np.nan),
    }
