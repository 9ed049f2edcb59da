"""Marketing campaigns: who is targeted, the random split, and how treatment changes buying.

A contacted customer's order intensity is multiplied by ``exp(theta)`` during the campaign
window. ``theta`` depends only on observable attributes (age band, acquisition channel,
how much the customer browses per order, how often the customer buys on discount), and
differently from churn risk: young customers from social and affiliate channels respond
(persuadables), frequent buyers buy anyway (sure things), churned customers cannot buy
(lost causes), and older referral customers, most of all by SMS, buy *less* when contacted
(sleeping dogs).

A conversion is simply an order inside the window, so the assignment table, the orders
table and the truth tables all describe one and the same process.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from scorehouse.demo.calendar import day_index
from scorehouse.demo.population import Population


@dataclass(frozen=True)
class Campaign:
    campaign_id: int
    name: str
    channel: str  # email, sms or ads
    offer: str
    start: dt.date
    end: dt.date  # last day of the response window, inclusive
    cost_per_contact: float
    treatment_share: float  # share of the targeted customers put in treatment
    targeted_share: float  # share of the eligible customers targeted at all
    strength: float  # average log change of the order rate of a contacted customer

    @property
    def first_day(self) -> int:
        return day_index(self.start)

    @property
    def stop_day(self) -> int:
        """The day after the window (exclusive bound)."""
        return day_index(self.end) + 1

    @property
    def is_discount(self) -> bool:
        return self.offer.startswith("discount")

    @property
    def discount_rate(self) -> float:
        """Share of the price taken off by the offer (``discount_15`` -> 0.15)."""
        return int(self.offer.split("_")[1]) / 100.0 if self.is_discount else 0.0


# One campaign a line: id | name | channel | offer | start | end of the response window |
# cost per contact | share of targeted put in treatment | share of eligible targeted |
# strength. Windows do not overlap, so at most one campaign acts on a customer on any day.
_PLAN = """
1 | Summer sale 2024  | email | discount_10    | 2024-06-03 | 2024-06-23 | 0.02 | 0.5 | 0.45 | 0.15
2 | Back to school    | sms   | free_shipping  | 2024-09-02 | 2024-09-22 | 0.08 | 0.8 | 0.35 | 0.10
3 | Black Friday 2024 | ads   | discount_20    | 2024-11-04 | 2024-11-24 | 0.45 | 0.8 | 0.40 | 0.20
4 | Winter win-back   | email | discount_15    | 2025-02-03 | 2025-02-23 | 0.02 | 0.5 | 0.50 | 0.10
5 | Spring loyalty    | sms   | loyalty_points | 2025-04-07 | 2025-04-27 | 0.08 | 0.5 | 0.40 | 0.05
6 | Summer ads 2025   | ads   | discount_10    | 2025-06-02 | 2025-06-22 | 0.40 | 0.8 | 0.35 | 0.10
7 | New collection    | email | free_shipping  | 2025-09-08 | 2025-09-28 | 0.02 | 0.5 | 0.45 | 0.10
8 | Black Friday 2025 | sms   | discount_20    | 2025-11-03 | 2025-11-23 | 0.08 | 0.8 | 0.40 | 0.20
"""


def _parse_plan(text: str) -> tuple[Campaign, ...]:
    campaigns = []
    for line in text.strip().splitlines():
        cid, name, channel, offer, start, end, cost, treated, targeted, strength = (
            cell.strip() for cell in line.split("|")
        )
        campaign = Campaign(
            int(cid), name, channel, offer, dt.date.fromisoformat(start),
            dt.date.fromisoformat(end), float(cost), float(treated), float(targeted),
            float(strength),
        )  # fmt: skip
        campaigns.append(campaign)
    return tuple(campaigns)


CAMPAIGNS: tuple[Campaign, ...] = _parse_plan(_PLAN)

# Share of treated customers the contact actually reaches.
DELIVERY_RATE = {"email": 0.95, "sms": 0.98, "ads": 0.6}
# Response by age band (18-24 .. 65+), scaled by how intrusive the channel is.
_AGE_RESPONSE = np.array([0.45, 0.35, 0.15, 0.0, -0.35, -0.7])
_CHANNEL_INTRUSION = {"email": 1.0, "sms": 1.5, "ads": 0.7}
# Response by acquisition channel (organic, paid_search, social, referral, email, affiliate).
_ACQUISITION_RESPONSE = np.array([-0.1, 0.2, 0.3, -0.45, 0.15, 0.35])
_MEAN_DISCOUNT_AFFINITY = 1.3 / (1.3 + 4.0)
_MEDIAN_SESSION_RATIO = 2.2
MAX_LOG_EFFECT = 1.6
ELIGIBLE_AFTER_SIGNUP_DAYS = 14
# The CRM's "active customers" list: no sign of lapse for half a year before the start.
ACTIVE_LIST_LAPSE_DAYS = 180


def log_effect(campaign: Campaign, pop: Population) -> np.ndarray:
    """``theta``: log multiplier of the order rate of each customer if contacted."""
    theta = (
        campaign.strength
        + _CHANNEL_INTRUSION[campaign.channel] * _AGE_RESPONSE[pop.age]
        + _ACQUISITION_RESPONSE[pop.channel]
        + 0.4 * np.log(pop.session_ratio / _MEDIAN_SESSION_RATIO)
    )
    if campaign.is_discount:
        theta = theta + 2.0 * (pop.discount_affinity - _MEAN_DISCOUNT_AFFINITY)
    return np.clip(theta, -MAX_LOG_EFFECT, MAX_LOG_EFFECT)


def _consent(campaign: Campaign, pop: Population) -> np.ndarray:
    return {"email": pop.email_consent, "sms": pop.sms_consent, "ads": pop.ads_consent}[
        campaign.channel
    ]


@dataclass(frozen=True)
class Assignment:
    """The customers one campaign targeted (local indices into the chunk) and their split."""

    campaign: Campaign
    member: np.ndarray  # int indices into the population chunk
    treated: np.ndarray  # bool
    contacted: np.ndarray  # bool
    theta: np.ndarray  # log effect if contacted


def assign(rng: np.random.Generator, pop: Population) -> list[Assignment]:
    """Target, split and contact customers for every campaign."""
    out = []
    for campaign in CAMPAIGNS:
        n = len(pop)
        eligible = (
            (pop.signup_day <= campaign.first_day - ELIGIBLE_AFTER_SIGNUP_DAYS)
            & _consent(campaign, pop)
            & (pop.churn_day > campaign.first_day - ACTIVE_LIST_LAPSE_DAYS)
        )
        targeted = eligible & (rng.random(n) < campaign.targeted_share)
        treated = rng.random(n) < campaign.treatment_share
        delivered = rng.random(n) < DELIVERY_RATE[campaign.channel]
        member = np.flatnonzero(targeted)
        out.append(
            Assignment(
                campaign=campaign,
                member=member,
                treated=treated[member],
                contacted=(treated & delivered)[member],
                theta=log_effect(campaign, pop)[member],
            )
        )
    return out


class RateMultiplier:
    """How the contacts change each customer's order intensity (and price), day by day."""

    def __init__(
        self,
        starts: np.ndarray,
        stops: np.ndarray,
        contacted: np.ndarray,
        factor: np.ndarray,
        discount: np.ndarray,
    ) -> None:
        self.starts = starts  # first day of each campaign window
        self.stops = stops  # day after each window
        self.contacted = contacted  # (campaigns, customers) bool
        self.factor = factor  # (campaigns, customers); 1.0 where not contacted
        self.discount = discount  # discount rate offered by each campaign
        self.max_factor = np.maximum(factor.max(axis=0, initial=1.0), 1.0)

    @classmethod
    def from_assignments(cls, n: int, assignments: list[Assignment]) -> RateMultiplier:
        contacted = np.zeros((len(assignments), n), dtype=bool)
        factor = np.ones((len(assignments), n))
        for k, a in enumerate(assignments):
            contacted[k, a.member] = a.contacted
            factor[k, a.member] = np.where(a.contacted, np.exp(a.theta), 1.0)
        starts = np.array([a.campaign.first_day for a in assignments], dtype=np.int64)
        stops = np.array([a.campaign.stop_day for a in assignments], dtype=np.int64)
        discount = np.array([a.campaign.discount_rate for a in assignments])
        return cls(starts, stops, contacted, factor, discount)

    def subset(self, mask: np.ndarray) -> RateMultiplier:
        return RateMultiplier(
            self.starts, self.stops, self.contacted[:, mask], self.factor[:, mask], self.discount
        )

    def _window(self, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The campaign whose window holds each day (any index when none) and whether one does."""
        k = np.maximum(np.searchsorted(self.starts, day, side="right") - 1, 0)
        return k, day < self.stops[k]

    def on(self, owner: np.ndarray, day: np.ndarray) -> np.ndarray:
        """The intensity factor of customers ``owner`` on ``day`` (aligned arrays)."""
        k, inside = self._window(day)
        return np.where(inside, self.factor[k, owner], 1.0)

    def offered_discount(self, owner: np.ndarray, day: np.ndarray) -> np.ndarray:
        """The discount rate a contact offers customers ``owner`` on ``day`` (0 if none)."""
        k, inside = self._window(day)
        return np.where(inside & self.contacted[k, owner], self.discount[k], 0.0)
