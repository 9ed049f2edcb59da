"""The demo generator: determinism, sizes, behaviour, the randomised split and the truth."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import yaml
from statsmodels.stats.proportion import binom_test

from scorehouse.demo import behaviour, calendar, campaigns, population
from scorehouse.demo.intensity import DailyIntensity, activity
from scorehouse.demo.leads import lead_count
from scorehouse.demo.schema import RAW_SCHEMAS, TABLE_NAMES
from scorehouse.demo.simulate import MIN_CUSTOMERS, cutoff_dates, generate
from scorehouse.errors import ScorehouseError

N = 3000
REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "retailer"


def _tables(customers: int, seed: int, chunk_size: int = 50_000) -> dict[str, pa.Table]:
    parts: dict[str, list[pa.Table]] = {}
    for batch in generate(customers, seed, chunk_size=chunk_size):
        for name, table in batch.items():
            parts.setdefault(name, []).append(table)
    return {name: pa.concat_tables(tables) for name, tables in parts.items()}


@pytest.fixture(scope="module")
def data() -> dict[str, pa.Table]:
    return _tables(N, seed=11, chunk_size=1000)  # three chunks


def _np(table: pa.Table, column: str) -> np.ndarray:
    return table.column(column).to_numpy(zero_copy_only=False)


def test_schemas_follow_the_sources_contract():
    sources = yaml.safe_load((EXAMPLE / "models" / "staging" / "_sources.yml").read_text())
    (raw,) = sources["sources"]
    contract = {t["name"]: [c["name"] for c in t["columns"]] for t in raw["tables"]}
    assert contract == {name: schema.names for name, schema in RAW_SCHEMAS.items()}


def test_every_raw_table_has_its_contract_schema(data):
    assert tuple(data) == TABLE_NAMES
    for name, table in data.items():
        assert table.schema.equals(RAW_SCHEMAS[name]), name


def test_same_seed_same_tables_other_seed_other_tables(data):
    again = _tables(N, seed=11, chunk_size=1000)
    assert all(again[name].equals(data[name]) for name in TABLE_NAMES)
    other = _tables(N, seed=12, chunk_size=1000)
    assert not other["customers"].equals(data["customers"])
    assert other["orders"].num_rows != data["orders"].num_rows


def test_sizes_and_keys(data):
    assert _np(data["customers"], "customer_id").tolist() == list(range(1, N + 1))
    for table, key in [
        ("orders", "order_id"),
        ("web_sessions", "session_id"),
        ("web_events", "event_id"),
        ("support_tickets", "ticket_id"),
    ]:
        ids = _np(data[table], key)
        assert ids.tolist() == list(range(1, len(ids) + 1)), table  # unique across chunks
    per_customer = {t: data[t].num_rows / N for t in ("orders", "web_sessions", "web_events")}
    assert 2 < per_customer["orders"] < 15
    assert 4 < per_customer["web_sessions"] < 40
    assert 10 < per_customer["web_events"] < 100
    assert data["leads"].num_rows == lead_count(N) == 300
    assert lead_count(20_000) == 2000
    assert data["campaigns"].num_rows == len(campaigns.CAMPAIGNS)


def test_events_belong_to_their_session(data):
    sessions, events = data["web_sessions"], data["web_events"]
    index = _np(events, "session_id") - 1  # session ids are 1..n in row order
    assert np.array_equal(_np(events, "customer_id"), _np(sessions, "customer_id")[index])
    assert (_np(events, "event_at") >= _np(sessions, "started_at")[index]).all()
    first = np.r_[True, index[1:] != index[:-1]]
    types = _np(events, "event_type")
    assert set(types[first]) == {"page_view"}
    assert set(types) == set(behaviour.EVENT_TYPES)


def test_messy_contacts_and_consents(data):
    customers = data["customers"]
    email = customers.column("email")
    cleaned = pc.utf8_lower(pc.utf8_trim_whitespace(email))
    assert 0.1 < pc.mean(pc.not_equal(email, cleaned).cast(pa.int8())).as_py() < 0.6
    phone = customers.column("phone")
    assert 0.05 < phone.null_count / N < 0.2
    assert pc.sum(pc.starts_with(phone, "+33")).as_py() > 0
    assert pc.sum(pc.match_substring(phone, "-")).as_py() > 0
    for consent in ("email_consent", "sms_consent", "ads_consent"):
        share = _np(customers, consent).mean()
        assert 0.2 < share < 0.9, consent


def test_treatment_share_matches_the_declared_split(data):
    assign = data["campaign_assignments"]
    ids = _np(assign, "campaign_id")
    treated = _np(assign, "treatment_group") == "treatment"
    for c in campaigns.CAMPAIGNS:
        mine = treated[ids == c.campaign_id]
        assert len(mine) > 100
        assert binom_test(mine.sum(), len(mine), c.treatment_share) > 0.001, c.name
    contacted = _np(assign, "contacted")
    cost = _np(assign, "contact_cost")
    assert not contacted[~treated].any() and (cost[~treated] == 0).all()
    assert contacted[treated].mean() > 0.6 and (cost[contacted] > 0).all()


def test_assignments_only_target_consenting_signed_up_customers(data):
    assign, customers = data["campaign_assignments"], data["customers"]
    row = _np(assign, "customer_id") - 1
    signup = _np(customers, "signup_date")[row]
    assigned = _np(assign, "assigned_at").astype("datetime64[D]")
    assert (signup < assigned).all()
    channel = dict(
        zip(_np(data["campaigns"], "campaign_id"), _np(data["campaigns"], "channel"), strict=True)
    )
    for name in ("email", "sms", "ads"):
        on = np.array([channel[c] == name for c in _np(assign, "campaign_id")])
        assert _np(customers, f"{name}_consent")[row[on]].all()


def test_conversion_is_an_order_in_the_window(data):
    assign, orders = data["campaign_assignments"], data["orders"]
    conv = _np(assign, "converted")
    revenue = _np(assign, "revenue")
    assert (revenue[conv] > 0).all() and (revenue[~conv] == 0).all()
    assert assign.column("converted_at").null_count == (~conv).sum()
    first = assign.filter(pc.field("converted")).slice(0, 1).to_pylist()[0]
    match = orders.filter(
        (pc.field("customer_id") == first["customer_id"])
        & (pc.field("ordered_at") == first["converted_at"])
    )
    assert match.num_rows == 1


def test_truth_probabilities_are_valid_and_cover_the_cutoffs(data):
    cutoffs = cutoff_dates(dt.date(2025, 1, 1), dt.date(2025, 9, 1))
    assert len(cutoffs) == 9
    signup = _np(data["customers"], "signup_date")
    expected = sum(int((signup < np.datetime64(c)).sum()) for c in cutoffs)
    for name, column in (
        ("truth_churn", "churn_probability"),
        ("truth_propensity", "purchase_probability"),
    ):
        p = _np(data[name], column)
        assert len(p) == expected
        assert ((p >= 0) & (p <= 1)).all()
        assert p.std() > 0.01


def _ordered_within(data: dict[str, pa.Table], truth: str, days: int) -> np.ndarray:
    """For each row of a truth table: did the customer really order within ``days``?"""
    orders = data["orders"]
    cust, when = _np(orders, "customer_id"), _np(orders, "ordered_at")
    rows = data[truth]
    out = np.zeros(rows.num_rows, dtype=bool)
    t_cust, t_cut = _np(rows, "customer_id"), _np(rows, "cutoff_date").astype("datetime64[us]")
    for cutoff in np.unique(t_cut):
        inside = (when >= cutoff) & (when < cutoff + np.timedelta64(days, "D"))
        buyers = np.unique(cust[inside])
        here = t_cut == cutoff
        out[here] = np.isin(t_cust[here], buyers)
    return out


def test_churn_truth_is_calibrated_and_tracks_realised_churn(data):
    churned = ~_ordered_within(data, "truth_churn", calendar.CHURN_WINDOW_DAYS)
    p = _np(data["truth_churn"], "churn_probability")
    assert abs(p.mean() - churned.mean()) < 0.02
    assert p[churned].mean() - p[~churned].mean() > 0.3


def test_purchase_truth_is_calibrated_and_tracks_realised_purchases(data):
    bought = _ordered_within(data, "truth_propensity", calendar.PROPENSITY_WINDOW_DAYS)
    p = _np(data["truth_propensity"], "purchase_probability")
    assert abs(p.mean() - bought.mean()) < 0.02
    assert p[bought].mean() - p[~bought].mean() > 0.2


def test_uplift_is_heterogeneous_and_shows_in_realised_conversions(data):
    assign, truth = data["campaign_assignments"], data["truth_uplift"]
    assert np.array_equal(_np(assign, "customer_id"), _np(truth, "customer_id"))
    u = _np(truth, "true_uplift")
    assert (u > 0.05).mean() > 0.1  # persuadables
    assert (u < -0.02).mean() > 0.05  # sleeping dogs
    assert (np.abs(u) < 0.005).mean() > 0.1  # lost causes and sure things
    treated = _np(assign, "treatment_group") == "treatment"
    conv = _np(assign, "converted").astype(float)
    low, high = u <= np.quantile(u, 1 / 3), u >= np.quantile(u, 2 / 3)

    def realised(group: np.ndarray) -> float:
        return conv[group & treated].mean() - conv[group & ~treated].mean()

    assert realised(high) - realised(low) > 0.05


def test_uplift_depends_on_observables_not_like_churn_risk(data):
    truth, customers = data["truth_uplift"], data["customers"]
    age = _np(customers, "age_band")[_np(truth, "customer_id") - 1]
    u = _np(truth, "true_uplift")
    assert u[age == "18-24"].mean() > 0.03 > u[age == "65+"].mean()
    churn = data["truth_churn"].filter(pc.field("cutoff_date") == dt.date(2025, 1, 1))
    risk = np.full(N + 1, np.nan)
    risk[_np(churn, "customer_id")] = _np(churn, "churn_probability")
    on = ~np.isnan(risk[_np(truth, "customer_id")])
    assert abs(np.corrcoef(risk[_np(truth, "customer_id")][on], u[on])[0, 1]) < 0.8


def test_leads_convert_more_with_a_demo_request(data):
    leads = data["leads"]
    demo, conv = _np(leads, "requested_demo"), _np(leads, "converted")
    assert conv[demo].mean() > conv[~demo].mean() + 0.1
    assert leads.column("converted_at").null_count == (~conv).sum()
    assert (_np(leads, "converted_at")[conv] > _np(leads, "created_at")[conv]).all()


def test_too_few_customers_is_an_error():
    with pytest.raises(ScorehouseError, match="--customers"):
        next(generate(MIN_CUSTOMERS - 1, seed=1))
    with pytest.raises(ScorehouseError, match="--customers"):
        next(generate(-5, seed=1))


def test_cutoffs_outside_the_history_are_an_error():
    with pytest.raises(ScorehouseError, match="cutoff"):
        cutoff_dates(dt.date(2025, 1, 1), dt.date(2025, 12, 1))


# Behaviour of the processes, checked on the latent state the tables do not show.


@pytest.fixture(scope="module")
def world():
    rng = np.random.default_rng(5)
    pop = population.draw_population(rng, 1, 20_000)
    plan = campaigns.assign(rng, pop)
    boost = campaigns.RateMultiplier.from_assignments(len(pop), plan)
    intensity = DailyIntensity(calendar.season_factors())
    return pop, boost, intensity, rng


def _rate_by_days_to_churn(pop, owner, time, lo, hi) -> float:
    """Events per customer-day among days ``lo..hi`` before churn (within the history)."""
    ahead = pop.churn_day[owner] - np.floor(time)
    events = ((ahead > lo) & (ahead <= hi)).sum()
    days = 0
    for d in range(lo + 1, hi + 1):
        day = pop.churn_day - d
        days += ((day >= np.maximum(pop.signup_day, 0)) & (day < calendar.N_DAYS)).sum()
    return events / days


def test_no_activity_outside_signup_to_churn(world):
    pop, boost, intensity, rng = world
    orders = behaviour.draw_orders(rng, pop, intensity, boost)
    sessions = behaviour.draw_sessions(rng, pop, intensity)
    tickets = behaviour.draw_tickets(rng, pop)
    for owner, time in (
        (orders.owner, orders.time),
        (sessions.owner, sessions.time),
        (tickets.owner, tickets.time),
    ):
        assert (time < pop.churn_day[owner]).all()
        assert (time >= np.maximum(pop.signup_day[owner], 0)).all()
        assert (time < calendar.N_DAYS).all()


def test_orders_decay_and_tickets_surge_before_churn(world):
    pop, boost, intensity, rng = world
    orders = behaviour.draw_orders(rng, pop, intensity, boost)
    late = _rate_by_days_to_churn(pop, orders.owner, orders.time, 0, 30)
    early = _rate_by_days_to_churn(pop, orders.owner, orders.time, 150, 300)
    assert late < 0.6 * early
    tickets = behaviour.draw_tickets(rng, pop)
    late = _rate_by_days_to_churn(pop, tickets.owner, tickets.time, 0, 30)
    early = _rate_by_days_to_churn(pop, tickets.owner, tickets.time, 150, 300)
    assert late > 2.0 * early


def test_orders_peak_in_november_and_december(world):
    pop, boost, intensity, rng = world
    orders = behaviour.draw_orders(rng, pop, intensity, boost)
    months = calendar.days_to_dates(np.floor(orders.time)).astype("datetime64[M]")
    month = months.astype(int) % 12 + 1
    year_2024 = months < np.datetime64("2025-01")
    peak = np.isin(month, [11, 12]) & year_2024
    summer = np.isin(month, [6, 7, 8]) & year_2024
    assert peak.sum() / 61 > 1.3 * summer.sum() / 92


def test_intensity_integral_equals_the_daily_sum(world):
    pop, _, intensity, _ = world
    days = np.arange(calendar.N_DAYS)
    for i in range(50):
        signup, churn = pop.signup_day[i : i + 1], pop.churn_day[i : i + 1]
        alive = days >= max(signup[0], 0)
        daily = intensity.season * activity(days, churn[0]) * alive
        for lo, hi in ((0, calendar.N_DAYS), (366, 426), (500, 530)):
            exact = daily[lo:hi].sum()
            assert intensity.integral(signup, churn, lo, hi)[0] == pytest.approx(exact, abs=1e-7)
