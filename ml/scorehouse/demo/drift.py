"""Drift built into the demo data, so that monitoring has something real to find.

Two changes start on ``DRIFT_START`` (2025-07-01). Neither draws a random number, so every
seed still gives the same tables, and everything else in them stays as it was:

- **Double-fired product views.** A tag-manager change shipped with the product-page
  redesign fires every ``product_view`` event twice. Customers behave as before, but from
  the 2025-08-01 cutoff on, whose 30-day window lies wholly after the change,
  ``product_views_30d`` (and ``events_30d``) of active customers roughly double: the models'
  inputs shift while the outcomes do not.
- **New age bands.** The signup form replaces the age band ``65+`` by ``65-74`` and ``75+``.
  Customers of 65 or older who sign up from that day on get one of the new bands (which
  one alternates with the customer id): categories no model saw in training. They enter
  the feature snapshots at the 2025-08-01 cutoff.

Features at a cutoff use only data from before it, so cutoffs up to 2025-07-01 carry no
drift at all.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from scorehouse.demo.behaviour import EVENT_TYPES, Events
from scorehouse.demo.calendar import day_index
from scorehouse.demo.population import AGE_BANDS, Population

DRIFT_START = dt.date(2025, 7, 1)
FIRST_DRIFTED_CUTOFF = dt.date(2025, 8, 1)
SPLIT_AGE_BAND = "65+"
NEW_AGE_BANDS = ("65-74", "75+")

_PRODUCT_VIEW = EVENT_TYPES.index("product_view")


def double_fired_product_views(events: Events) -> Events:
    """``events`` with every product view from ``DRIFT_START`` on recorded twice, the copy
    right after the original (same session, same time)."""
    twice = (events.event_type == _PRODUCT_VIEW) & (events.time >= day_index(DRIFT_START))
    copies = 1 + twice.astype(np.int64)
    return Events(
        np.repeat(events.session, copies),
        np.repeat(events.time, copies),
        np.repeat(events.event_type, copies),
    )


def age_band_labels(pop: Population) -> pa.Array:
    """The age band the CRM shows: the new bands for customers of 65 or older who signed up
    from ``DRIFT_START`` on (even ids ``65-74``, odd ids ``75+``)."""
    labels = np.asarray(AGE_BANDS, dtype=object)[pop.age]
    late = (pop.signup_day >= day_index(DRIFT_START)) & (labels == SPLIT_AGE_BAND)
    labels[late] = np.where(pop.customer_id[late] % 2 == 0, *NEW_AGE_BANDS)
    return pa.array(labels, type=pa.string())
