"""Generate the demo retailer: every raw table, chunk by chunk of customers.

The data carries built-in drift from 2025-07-01 on (see ``drift``).

Determinism: chunk ``i`` draws from ``SeedSequence(seed, spawn_key=(1, i))`` and the leads
from ``spawn_key=(2,)``, with a fixed chunk size, so a seed always gives the same tables
however they are consumed, and memory stays bounded by one chunk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from scorehouse.demo import (
    behaviour,
    calendar,
    campaigns,
    drift,
    identity,
    leads,
    population,
    truth,
)
from scorehouse.demo.intensity import DailyIntensity
from scorehouse.demo.schema import TABLE_NAMES, arrow_table
from scorehouse.errors import ScorehouseError

CHUNK_SIZE = 50_000
MIN_CUSTOMERS = 100
DEFAULT_CUTOFFS = (dt.date(2025, 1, 1), dt.date(2025, 9, 1))

Batch = dict[str, pa.Table]


@dataclass
class _IdCounters:
    """Next free id of each event-like table, carried from chunk to chunk."""

    next_id: dict[str, int] = field(
        default_factory=lambda: {
            "orders": 1,
            "web_sessions": 1,
            "web_events": 1,
            "support_tickets": 1,
        }
    )

    def take(self, table: str, count: int) -> np.ndarray:
        first = self.next_id[table]
        self.next_id[table] = first + count
        return np.arange(first, first + count, dtype=np.int64)


def cutoff_dates(start: dt.date, end: dt.date) -> tuple[dt.date, ...]:
    """Monthly cutoffs whose churn window still lies inside the recorded history."""
    cutoffs = tuple(calendar.month_starts(start, end))
    if not cutoffs:
        raise ScorehouseError(f"no first-of-month between the cutoffs {start} and {end}")
    last_needed = cutoffs[-1] + dt.timedelta(days=calendar.CHURN_WINDOW_DAYS - 1)
    if cutoffs[0] <= calendar.HISTORY_START or last_needed > calendar.HISTORY_END:
        raise ScorehouseError(
            f"cutoffs {cutoffs[0]}..{cutoffs[-1]} need history from before the first one to "
            f"{last_needed}, but the demo history covers {calendar.HISTORY_START} to "
            f"{calendar.HISTORY_END}: set scorehouse_cutoff_start/end inside it"
        )
    return cutoffs


def check_customers(customers: int) -> None:
    if customers < MIN_CUSTOMERS:
        raise ScorehouseError(f"--customers must be at least {MIN_CUSTOMERS}, got {customers}")


def generate(
    customers: int,
    seed: int,
    cutoffs: tuple[dt.date, ...] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[Batch]:
    """Yield batches of rows for the raw tables; concatenated they are the whole data set.

    The first batch holds every table (campaigns and leads only appear there).
    """
    check_customers(customers)
    cutoffs = cutoffs or cutoff_dates(*DEFAULT_CUTOFFS)
    intensity = DailyIntensity(calendar.season_factors())
    counters = _IdCounters()
    for index, first in enumerate(range(0, customers, chunk_size)):
        n = min(chunk_size, customers - first)
        rng_seq = np.random.SeedSequence(seed, spawn_key=(1, index))
        batch = _chunk(rng_seq, first + 1, n, intensity, cutoffs, counters)
        if index == 0:
            batch["campaigns"] = _campaigns_table()
            lead_rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2,)))
            batch["leads"] = _leads_table(leads.draw_leads(lead_rng, leads.lead_count(customers)))
        yield {name: batch[name] for name in TABLE_NAMES if name in batch}


def _chunk(
    seq: np.random.SeedSequence,
    first_id: int,
    n: int,
    intensity: DailyIntensity,
    cutoffs: tuple[dt.date, ...],
    counters: _IdCounters,
) -> Batch:
    rngs = [np.random.default_rng(s) for s in seq.spawn(7)]
    pop = population.draw_population(rngs[0], first_id, n)
    plan = campaigns.assign(rngs[1], pop)
    boost = campaigns.RateMultiplier.from_assignments(n, plan)
    orders = behaviour.draw_orders(rngs[2], pop, intensity, boost)
    sessions = behaviour.draw_sessions(rngs[3], pop, intensity)
    events = drift.double_fired_product_views(behaviour.draw_events(rngs[4], pop, sessions))
    tickets = behaviour.draw_tickets(rngs[5], pop)
    churn, propensity = truth.churn_and_propensity(pop, intensity, boost, cutoffs)

    order_ids = counters.take("orders", len(orders.owner))
    session_ids = counters.take("web_sessions", len(sessions.owner))
    return {
        "customers": _customers_table(rngs[6], pop),
        "orders": arrow_table(
            "orders",
            {
                "order_id": order_ids,
                "customer_id": pop.customer_id[orders.owner],
                "ordered_at": _timestamps(orders.time),
                "amount": orders.amount,
                "category": _labels(population.CATEGORIES, orders.category),
                "discount": orders.discount,
            },
        ),
        "web_sessions": arrow_table(
            "web_sessions",
            {
                "session_id": session_ids,
                "customer_id": pop.customer_id[sessions.owner],
                "started_at": _timestamps(sessions.time),
                "device": _labels(("web", "app"), sessions.app.astype(np.int64)),
            },
        ),
        "web_events": arrow_table(
            "web_events",
            {
                "event_id": counters.take("web_events", len(events.session)),
                "session_id": session_ids[events.session],
                "customer_id": pop.customer_id[sessions.owner[events.session]],
                "event_at": _timestamps(events.time),
                "event_type": _labels(behaviour.EVENT_TYPES, events.event_type),
            },
        ),
        "support_tickets": arrow_table(
            "support_tickets",
            {
                "ticket_id": counters.take("support_tickets", len(tickets.owner)),
                "customer_id": pop.customer_id[tickets.owner],
                "created_at": _timestamps(tickets.time),
                "topic": _labels(behaviour.TICKET_TOPICS, tickets.topic),
                "satisfaction": _nullable(tickets.satisfaction, pa.int32()),
            },
        ),
        "campaign_assignments": _assignments_table(pop, plan, orders),
        "truth_churn": arrow_table("truth_churn", churn),
        "truth_propensity": arrow_table("truth_propensity", propensity),
        "truth_uplift": arrow_table("truth_uplift", truth.uplift(pop, intensity, plan)),
    }


def _customers_table(rng: np.random.Generator, pop: population.Population) -> pa.Table:
    return arrow_table(
        "customers",
        {
            "customer_id": pop.customer_id,
            "signup_date": calendar.days_to_dates(pop.signup_day),
            "acquisition_channel": _labels(population.ACQUISITION_CHANNELS, pop.channel),
            "region": _labels(population.REGIONS, pop.region),
            "age_band": drift.age_band_labels(pop),
            "email": identity.emails(rng, pop.customer_id),
            "phone": identity.phones(rng, len(pop)),
            "email_consent": pop.email_consent,
            "sms_consent": pop.sms_consent,
            "ads_consent": pop.ads_consent,
        },
    )


def _assignments_table(
    pop: population.Population, plan: list[campaigns.Assignment], orders: behaviour.Orders
) -> pa.Table:
    """Conversion = at least one order inside the campaign window; revenue = their sum."""
    parts = []
    for a in plan:
        c = a.campaign
        inside = (orders.time >= c.first_day) & (orders.time < c.stop_day)
        owner, when = orders.owner[inside], orders.time[inside]
        revenue = np.bincount(owner, weights=orders.amount[inside], minlength=len(pop))
        first_time = np.full(len(pop), np.nan)
        buyers, first_row = np.unique(owner, return_index=True)  # times sorted per owner
        first_time[buyers] = when[first_row]
        m = a.member
        converted = ~np.isnan(first_time[m])
        parts.append(
            arrow_table(
                "campaign_assignments",
                {
                    "campaign_id": np.full(len(m), c.campaign_id, dtype=np.int32),
                    "customer_id": pop.customer_id[m],
                    "assigned_at": np.full(len(m), np.datetime64(c.start.isoformat(), "s")),
                    "treatment_group": _labels(
                        ("control", "treatment"), a.treated.astype(np.int64)
                    ),
                    "contacted": a.contacted,
                    "contact_cost": np.where(a.contacted, c.cost_per_contact, 0.0),
                    "converted": converted,
                    "converted_at": _timestamps(first_time[m]),
                    "revenue": np.round(revenue[m], 2),
                },
            )
        )
    return pa.concat_tables(parts)


def _campaigns_table() -> pa.Table:
    rows = campaigns.CAMPAIGNS
    return arrow_table(
        "campaigns",
        {
            "campaign_id": [c.campaign_id for c in rows],
            "campaign_name": [c.name for c in rows],
            "channel": [c.channel for c in rows],
            "offer": [c.offer for c in rows],
            "start_date": [c.start for c in rows],
            "end_date": [c.end for c in rows],
            "cost_per_contact": [c.cost_per_contact for c in rows],
        },
    )


def _leads_table(cols: dict[str, np.ndarray]) -> pa.Table:
    return arrow_table(
        "leads",
        {
            "lead_id": np.arange(1, len(cols["created"]) + 1, dtype=np.int64),
            "created_at": _timestamps(cols["created"]),
            "source": _labels(leads.SOURCES, cols["source"]),
            "company_size": _labels(leads.COMPANY_SIZES, cols["company_size"]),
            "industry": _labels(leads.INDUSTRIES, cols["industry"]),
            "job_level": _labels(leads.JOB_LEVELS, cols["job_level"]),
            "pages_viewed": cols["pages_viewed"],
            "requested_demo": cols["requested_demo"],
            "converted": cols["converted"],
            "converted_at": _timestamps(cols["converted_time"]),
        },
    )


def _labels(words: tuple[str, ...], index: np.ndarray) -> pa.Array:
    return pc.take(pa.array(words), pa.array(index))


def _timestamps(days: np.ndarray) -> pa.Array:
    """Simulation days to a second-resolution timestamp array; NaN becomes null."""
    missing = np.isnan(days)
    seconds = calendar.days_to_seconds(np.where(missing, 0.0, days))
    return pa.array(seconds.astype("datetime64[s]"), mask=missing, type=pa.timestamp("s"))


def _nullable(values: np.ndarray, type_: pa.DataType) -> pa.Array:
    missing = np.isnan(values)
    return pa.array(np.where(missing, 0, values).astype(np.int64), mask=missing).cast(type_)
