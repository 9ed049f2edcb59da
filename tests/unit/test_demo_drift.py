"""The demo data's built-in drift: what changes from 2025-07-01 on, and nothing else."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from scorehouse.demo import drift
from scorehouse.demo.schema import TABLE_NAMES
from scorehouse.demo.simulate import generate

N = 2000
SEED = 5
START = np.datetime64(drift.DRIFT_START.isoformat(), "s")


def _tables() -> dict[str, pa.Table]:
    parts: dict[str, list[pa.Table]] = {}
    for batch in generate(N, SEED, chunk_size=1000):
        for name, table in batch.items():
            parts.setdefault(name, []).append(table)
    return {name: pa.concat_tables(tables) for name, tables in parts.items()}


@pytest.fixture(scope="module")
def drifted() -> dict[str, pa.Table]:
    return _tables()


@pytest.fixture(scope="module")
def undrifted() -> dict[str, pa.Table]:
    """The same seed with both changes switched off."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(drift, "double_fired_product_views", lambda events: events)
        patch.setattr(drift, "age_band_labels", _plain_age_bands)
        return _tables()


def _plain_age_bands(pop) -> pa.Array:
    from scorehouse.demo.population import AGE_BANDS

    return pa.array(np.asarray(AGE_BANDS, dtype=object)[pop.age], type=pa.string())


def _np(table: pa.Table, column: str) -> np.ndarray:
    return table.column(column).to_numpy(zero_copy_only=False)


def test_only_web_events_and_age_bands_change(drifted, undrifted):
    for name in TABLE_NAMES:
        if name in ("web_events", "customers"):
            continue
        assert drifted[name].equals(undrifted[name]), name
    customers = drifted["customers"].drop_columns(["age_band"])
    assert customers.equals(undrifted["customers"].drop_columns(["age_band"]))


def test_product_views_from_the_start_day_on_are_recorded_twice(drifted, undrifted):
    def events(tables: dict[str, pa.Table]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        t = tables["web_events"]
        return _np(t, "session_id"), _np(t, "event_at"), _np(t, "event_type")

    session, at, kind = events(drifted)
    plain_session, plain_at, plain_kind = events(undrifted)
    doubled = (plain_kind == "product_view") & (plain_at >= START)
    assert doubled.sum() > 100
    # each doubled event is followed by its copy; every other event is as it was
    copies = 1 + doubled.astype(int)
    assert np.array_equal(session, np.repeat(plain_session, copies))
    assert np.array_equal(at, np.repeat(plain_at, copies))
    assert np.array_equal(kind, np.repeat(plain_kind, copies))
    assert np.array_equal(_np(drifted["web_events"], "event_id"), np.arange(1, len(session) + 1))


def test_new_age_bands_only_for_the_oldest_customers_signed_up_from_the_start(drifted, undrifted):
    customers = drifted["customers"]
    band, plain = _np(customers, "age_band"), _np(undrifted["customers"], "age_band")
    late = _np(customers, "signup_date") >= np.datetime64(drift.DRIFT_START)
    changed = band != plain
    assert np.array_equal(changed, late & (plain == drift.SPLIT_AGE_BAND))
    assert changed.sum() > 5
    ids = _np(customers, "customer_id")
    expected = np.where(ids[changed] % 2 == 0, *drift.NEW_AGE_BANDS)
    assert np.array_equal(band[changed], expected)
    assert set(band[~late]) == set(plain)  # before the change, no new band anywhere
    assert pc.sum(
        pc.is_in(customers.column("age_band"), pa.array(drift.NEW_AGE_BANDS))
    ).as_py() == (changed.sum())


def test_the_first_drifted_cutoff_has_a_30_day_window_wholly_after_the_change():
    window = dt.timedelta(days=30)
    assert drift.FIRST_DRIFTED_CUTOFF - window >= drift.DRIFT_START
    previous_cutoff = dt.date(
        drift.FIRST_DRIFTED_CUTOFF.year, drift.FIRST_DRIFTED_CUTOFF.month - 1, 1
    )
    assert previous_cutoff <= drift.DRIFT_START  # features use data strictly before a cutoff
