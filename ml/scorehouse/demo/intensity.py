"""Daily intensities, their exact integrals, and sampling from them.

A customer's activity on day ``d`` is ``rate * season[d] * activity(d)``, where
``activity`` is 1 far from churn, decays to ``1 - DECAY_DEPTH`` on the last day before
churn, and is 0 from the churn day on (and before signup). Because the intensity is constant
within a day, its integral over a span of days is a difference of two cumulative sums;
that is what gives the truth tables their exact probabilities.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from scorehouse.demo.calendar import N_DAYS

DECAY_DEPTH = 0.9
DECAY_DAYS = 50.0


def activity(day: np.ndarray, churn_day: np.ndarray) -> np.ndarray:
    """Activity multiplier on ``day`` of a customer who churns on ``churn_day``."""
    ahead = (churn_day - day).astype(np.float64)
    return np.where(ahead > 0, 1.0 - DECAY_DEPTH * np.exp(-ahead / DECAY_DAYS), 0.0)


class DailyIntensity:
    """Integrals of ``season[d] * activity(d)`` over spans of days, for many customers."""

    def __init__(self, season: np.ndarray) -> None:
        self.season = season
        self.season_max = float(season.max())
        days = np.arange(N_DAYS)
        self._cum = np.concatenate([[0.0], np.cumsum(season)])
        # exp((d - N_DAYS) / DECAY_DAYS) keeps the terms at most 1, so nothing overflows.
        weighted = season * np.exp((days - N_DAYS) / DECAY_DAYS)
        self._cum_decay = np.concatenate([[0.0], np.cumsum(weighted)])

    def integral(
        self,
        signup_day: np.ndarray,
        churn_day: np.ndarray,
        lo: np.ndarray | int,
        hi: np.ndarray | int,
    ) -> np.ndarray:
        """Sum of ``season * activity`` over days ``[lo, hi)`` while the customer is alive."""
        a = np.clip(np.maximum(np.maximum(lo, signup_day), 0), 0, N_DAYS)
        b = np.clip(np.minimum(hi, churn_day), 0, N_DAYS)
        b = np.maximum(a, b)
        plain = self._cum[b] - self._cum[a]
        scale = np.exp(np.minimum((N_DAYS - churn_day) / DECAY_DAYS, 700.0))
        decayed = scale * (self._cum_decay[b] - self._cum_decay[a])
        return np.where(b > a, np.maximum(plain - DECAY_DEPTH * decayed, 0.0), 0.0)


def sample_poisson_times(
    rng: np.random.Generator,
    lo: np.ndarray,
    hi: np.ndarray,
    bound: np.ndarray,
    accept: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """Event times of one inhomogeneous Poisson process per customer, by thinning.

    Customer ``i`` has candidate events at rate ``bound[i]`` per day on ``[lo[i], hi[i])``;
    ``accept(owner, day)`` gives each candidate's true intensity divided by its owner's
    bound (within [0, 1]). Returns the owners (sorted) and event times in days, sorted by
    time within each owner.
    """
    span = np.maximum(hi - lo, 0).astype(np.float64)
    counts = rng.poisson(bound * span)
    owner = np.repeat(np.arange(len(lo)), counts)
    times = lo[owner] + rng.random(len(owner)) * span[owner]
    keep = rng.random(len(owner)) < accept(owner, np.floor(times).astype(np.int64))
    owner, times = owner[keep], times[keep]
    # One float key sorts by owner, then time (times are below 4096 days): faster than
    # lexsort, and exact to well under a second.
    order = np.argsort(owner * 4096.0 + times, kind="stable")
    return owner[order], times[order]
