"""Orders, web sessions with their events, and support tickets of one chunk of customers.

Each is an inhomogeneous Poisson process per customer (see ``intensity``), sampled by
thinning, all in numpy arrays: no Python loop runs over customers or events.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scorehouse.demo.calendar import N_DAYS
from scorehouse.demo.campaigns import RateMultiplier
from scorehouse.demo.intensity import DECAY_DAYS, DailyIntensity, activity, sample_poisson_times
from scorehouse.demo.population import Population

# Price level of each category relative to the customer's usual basket.
_CATEGORY_PRICE = np.array([3.0, 1.1, 1.6, 0.7, 0.6, 1.3])
_DISCOUNT_RATES = np.array([0.05, 0.1, 0.15, 0.2, 0.3])

EVENT_TYPES = ("page_view", "product_view", "add_to_cart", "pricing_page")
_FOLLOW_UP_EVENT_SHARE = (0.42, 0.42, 0.11, 0.05)
_SECONDS_BETWEEN_EVENTS = 45.0

TICKET_TOPICS = ("delivery", "refund", "product", "account", "billing")
_TOPIC_SHARE = (0.3, 0.2, 0.25, 0.15, 0.1)
# Tickets are up to 1 + _TICKET_SURGE times more frequent just before churn.
_TICKET_SURGE = 4.0
_UNANSWERED_SURVEY_SHARE = 0.35


@dataclass(frozen=True)
class Orders:
    owner: np.ndarray  # local customer index
    time: np.ndarray  # days since HISTORY_START
    category: np.ndarray
    amount: np.ndarray
    discount: np.ndarray


@dataclass(frozen=True)
class Sessions:
    owner: np.ndarray
    time: np.ndarray
    app: np.ndarray  # bool


@dataclass(frozen=True)
class Events:
    session: np.ndarray  # local session index
    time: np.ndarray
    event_type: np.ndarray


@dataclass(frozen=True)
class Tickets:
    owner: np.ndarray
    time: np.ndarray
    topic: np.ndarray
    satisfaction: np.ndarray  # float, NaN when the survey was not answered


def _alive_span(pop: Population) -> tuple[np.ndarray, np.ndarray]:
    lo = np.clip(pop.signup_day, 0, N_DAYS)
    hi = np.clip(pop.churn_day, lo, N_DAYS)
    return lo, hi


def draw_orders(
    rng: np.random.Generator, pop: Population, intensity: DailyIntensity, boost: RateMultiplier
) -> Orders:
    lo, hi = _alive_span(pop)
    season, top = intensity.season, intensity.season_max

    def accept(owner: np.ndarray, day: np.ndarray) -> np.ndarray:
        return (
            season[day]
            / top
            * activity(day, pop.churn_day[owner])
            * boost.on(owner, day)
            / boost.max_factor[owner]
        )

    bound = pop.order_rate * top * boost.max_factor
    owner, time = sample_poisson_times(rng, lo, hi, bound, accept)
    m = len(owner)
    category = (rng.random(m)[:, None] > pop.category_cdf[owner]).sum(axis=1)
    gross = pop.basket[owner] * _CATEGORY_PRICE[category] * rng.lognormal(0.0, 0.35, size=m)
    discounted = rng.random(m) < pop.discount_affinity[owner]
    rate = np.where(discounted, rng.choice(_DISCOUNT_RATES, size=m), 0.0)
    # A contacted customer buying inside a discount campaign's window uses its offer.
    rate = np.maximum(rate, boost.offered_discount(owner, np.floor(time).astype(np.int64)))
    discount = np.round(gross * rate, 2)
    amount = np.round(gross, 2) - discount
    return Orders(owner, time, category, amount, discount)


def draw_sessions(rng: np.random.Generator, pop: Population, intensity: DailyIntensity) -> Sessions:
    lo, hi = _alive_span(pop)
    season, top = intensity.season, intensity.season_max

    def accept(owner: np.ndarray, day: np.ndarray) -> np.ndarray:
        return season[day] / top * activity(day, pop.churn_day[owner])

    bound = pop.order_rate * pop.session_ratio * top
    owner, time = sample_poisson_times(rng, lo, hi, bound, accept)
    app = rng.random(len(owner)) < pop.app_share[owner]
    return Sessions(owner, time, app)


def draw_events(rng: np.random.Generator, pop: Population, sessions: Sessions) -> Events:
    """A landing page view, then a customer-dependent number of follow-up events."""
    counts = 1 + rng.poisson(pop.events_per_session[sessions.owner])
    session = np.repeat(np.arange(len(counts)), counts)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    event_type = rng.choice(len(EVENT_TYPES), size=len(session), p=_FOLLOW_UP_EVENT_SHARE)
    event_type[first] = 0
    gaps = rng.exponential(_SECONDS_BETWEEN_EVENTS / 86400.0, size=len(session))
    gaps[first] = 0.0
    elapsed = np.cumsum(gaps)
    elapsed -= np.repeat(elapsed[first], counts)
    time = sessions.time[session] + elapsed
    # A session started minutes before churn or the end of the history stops there.
    keep = time < np.minimum(pop.churn_day[sessions.owner[session]], N_DAYS)
    return Events(session[keep], time[keep], event_type[keep])


def draw_tickets(rng: np.random.Generator, pop: Population) -> Tickets:
    """Tickets at a base rate that surges in the weeks before churn."""
    lo, hi = _alive_span(pop)

    def surge(owner: np.ndarray, day: np.ndarray) -> np.ndarray:
        ahead = np.maximum(pop.churn_day[owner] - day, 0)
        return np.exp(-ahead / DECAY_DAYS)

    def accept(owner: np.ndarray, day: np.ndarray) -> np.ndarray:
        return (1.0 + _TICKET_SURGE * surge(owner, day)) / (1.0 + _TICKET_SURGE)

    bound = pop.ticket_rate * (1.0 + _TICKET_SURGE)
    owner, time = sample_poisson_times(rng, lo, hi, bound, accept)
    m = len(owner)
    topic = rng.choice(len(TICKET_TOPICS), size=m, p=_TOPIC_SHARE)
    near = surge(owner, np.floor(time).astype(np.int64))
    score = np.clip(np.round(4.1 - 2.2 * near + rng.normal(0.0, 0.9, size=m)), 1, 5)
    score[rng.random(m) < _UNANSWERED_SURVEY_SHARE] = np.nan
    return Tickets(owner, time, topic, score)
