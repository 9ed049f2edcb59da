"""Customers: what the CRM shows of them and the latent traits that drive their behaviour."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scorehouse.demo.calendar import N_DAYS

ACQUISITION_CHANNELS = ("organic", "paid_search", "social", "referral", "email", "affiliate")
_CHANNEL_SHARE = (0.3, 0.2, 0.17, 0.1, 0.13, 0.1)
# Expected lifetime relative to the average, by acquisition channel.
_CHANNEL_LIFETIME = np.array([1.2, 0.8, 0.7, 1.3, 1.0, 0.6])

REGIONS = ("north", "south", "east", "west", "capital")
_REGION_SHARE = (0.18, 0.2, 0.17, 0.17, 0.28)

AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
_AGE_SHARE = (0.12, 0.24, 0.22, 0.18, 0.14, 0.1)
# Buying frequency relative to the average, by age band.
_AGE_ACTIVITY = np.array([0.8, 1.1, 1.2, 1.05, 0.9, 0.8])

CATEGORIES = ("electronics", "fashion", "home", "beauty", "grocery", "sports")
_CATEGORY_WEIGHT = np.array([0.12, 0.26, 0.18, 0.14, 0.2, 0.1])

MEDIAN_ORDERS_PER_YEAR = 4.0
MEAN_LIFETIME_DAYS = 650.0
FIRST_SIGNUP_DAY = -365  # 2023-01-01: some customers predate the recorded history


@dataclass(frozen=True)
class Population:
    """One chunk of customers. Arrays are aligned, one entry per customer.

    Observable: ``channel``, ``region``, ``age`` (indices into the tuples above), consents
    and ``signup_day``. Latent: the rest; they only show through behaviour.
    """

    customer_id: np.ndarray
    signup_day: np.ndarray  # int, days since HISTORY_START (negative: before the history)
    churn_day: np.ndarray  # int, first day without activity; may lie after the history
    channel: np.ndarray
    region: np.ndarray
    age: np.ndarray
    email_consent: np.ndarray
    sms_consent: np.ndarray
    ads_consent: np.ndarray
    order_rate: np.ndarray  # orders per day at full activity and average season
    session_ratio: np.ndarray  # sessions per order
    events_per_session: np.ndarray  # mean extra events after the landing page view
    ticket_rate: np.ndarray  # support tickets per day away from churn
    basket: np.ndarray  # typical order value, EUR
    discount_affinity: np.ndarray  # probability that an order carries a discount
    category_cdf: np.ndarray  # (n, n_categories) cumulative category preferences
    app_share: np.ndarray  # share of sessions on the app

    def __len__(self) -> int:
        return len(self.customer_id)

    def subset(self, mask: np.ndarray) -> Population:
        """The customers selected by a boolean mask or an index array."""
        return Population(**{name: value[mask] for name, value in vars(self).items()})


def draw_population(rng: np.random.Generator, first_id: int, n: int) -> Population:
    """Draw ``n`` customers with ids ``first_id .. first_id + n - 1``."""
    channel = rng.choice(len(ACQUISITION_CHANNELS), size=n, p=_CHANNEL_SHARE)
    region = rng.choice(len(REGIONS), size=n, p=_REGION_SHARE)
    age = rng.choice(len(AGE_BANDS), size=n, p=_AGE_SHARE)

    # A third signed up in 2023, the rest over the recorded history with growth.
    early = rng.random(n) < 0.3
    signup_day = np.where(
        early,
        rng.integers(FIRST_SIGNUP_DAY, 0, size=n),
        np.floor(N_DAYS * rng.random(n) ** 0.85).astype(np.int64),
    )

    base_rate = MEDIAN_ORDERS_PER_YEAR / 365.0
    order_rate = base_rate * _AGE_ACTIVITY[age] * rng.lognormal(0.0, 0.8, size=n)
    # Frequent buyers stay longer; the channel that brought them matters too.
    lifetime_mean = (
        MEAN_LIFETIME_DAYS * _CHANNEL_LIFETIME[channel] * (order_rate / base_rate) ** 0.35
    )
    churn_day = signup_day + 1 + np.floor(rng.exponential(lifetime_mean)).astype(np.int64)

    preferences = rng.gamma(_CATEGORY_WEIGHT * 3.0, size=(n, len(CATEGORIES)))
    preferences /= preferences.sum(axis=1, keepdims=True)
    category_cdf = np.cumsum(preferences, axis=1)
    category_cdf[:, -1] = 1.0

    young = age <= 1
    return Population(
        customer_id=np.arange(first_id, first_id + n, dtype=np.int64),
        signup_day=signup_day,
        churn_day=churn_day,
        channel=channel,
        region=region,
        age=age,
        email_consent=rng.random(n) < 0.72,
        sms_consent=rng.random(n) < np.where(young, 0.55, 0.4),
        ads_consent=rng.random(n) < 0.6,
        order_rate=order_rate,
        session_ratio=rng.lognormal(np.log(2.2), 0.5, size=n),
        events_per_session=rng.lognormal(np.log(2.2), 0.35, size=n),
        ticket_rate=rng.lognormal(np.log(0.25 / 365.0), 0.6, size=n),
        basket=rng.lognormal(np.log(45.0), 0.45, size=n),
        discount_affinity=rng.beta(1.3, 4.0, size=n),
        category_cdf=category_cdf,
        app_share=np.clip(rng.beta(2.0, 3.0, size=n) + np.where(young, 0.2, -0.1), 0.0, 1.0),
    )
