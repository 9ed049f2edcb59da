"""Column names and types of the raw tables, as fixed by ``models/staging/_sources.yml``.

The generator builds Arrow tables with exactly these schemas; the warehouse writer and the
seed export take their types from here, so the three cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa

_TS = pa.timestamp("us")

RAW_SCHEMAS: dict[str, pa.Schema] = {
    "customers": pa.schema(
        [
            ("customer_id", pa.int64()),
            ("signup_date", pa.date32()),
            ("acquisition_channel", pa.string()),
            ("region", pa.string()),
            ("age_band", pa.string()),
            ("email", pa.string()),
            ("phone", pa.string()),
            ("email_consent", pa.bool_()),
            ("sms_consent", pa.bool_()),
            ("ads_consent", pa.bool_()),
        ]
    ),
    "orders": pa.schema(
        [
            ("order_id", pa.int64()),
            ("customer_id", pa.int64()),
            ("ordered_at", _TS),
            ("amount", pa.float64()),
            ("category", pa.string()),
            ("discount", pa.float64()),
        ]
    ),
    "web_sessions": pa.schema(
        [
            ("session_id", pa.int64()),
            ("customer_id", pa.int64()),
            ("started_at", _TS),
            ("device", pa.string()),
        ]
    ),
    "web_events": pa.schema(
        [
            ("event_id", pa.int64()),
            ("session_id", pa.int64()),
            ("customer_id", pa.int64()),
            ("event_at", _TS),
            ("event_type", pa.string()),
        ]
    ),
    "support_tickets": pa.schema(
        [
            ("ticket_id", pa.int64()),
            ("customer_id", pa.int64()),
            ("created_at", _TS),
            ("topic", pa.string()),
            ("satisfaction", pa.int32()),
        ]
    ),
    "leads": pa.schema(
        [
            ("lead_id", pa.int64()),
            ("created_at", _TS),
            ("source", pa.string()),
            ("company_size", pa.string()),
            ("industry", pa.string()),
            ("job_level", pa.string()),
            ("pages_viewed", pa.int32()),
            ("requested_demo", pa.bool_()),
            ("converted", pa.bool_()),
            ("converted_at", _TS),
        ]
    ),
    "campaigns": pa.schema(
        [
            ("campaign_id", pa.int32()),
            ("campaign_name", pa.string()),
            ("channel", pa.string()),
            ("offer", pa.string()),
            ("start_date", pa.date32()),
            ("end_date", pa.date32()),
            ("cost_per_contact", pa.float64()),
        ]
    ),
    "campaign_assignments": pa.schema(
        [
            ("campaign_id", pa.int32()),
            ("customer_id", pa.int64()),
            ("assigned_at", _TS),
            ("treatment_group", pa.string()),
            ("contacted", pa.bool_()),
            ("contact_cost", pa.float64()),
            ("converted", pa.bool_()),
            ("converted_at", _TS),
            ("revenue", pa.float64()),
        ]
    ),
    "truth_churn": pa.schema(
        [
            ("customer_id", pa.int64()),
            ("cutoff_date", pa.date32()),
            ("churn_probability", pa.float64()),
        ]
    ),
    "truth_propensity": pa.schema(
        [
            ("customer_id", pa.int64()),
            ("cutoff_date", pa.date32()),
            ("purchase_probability", pa.float64()),
        ]
    ),
    "truth_uplift": pa.schema(
        [
            ("campaign_id", pa.int32()),
            ("customer_id", pa.int64()),
            ("true_uplift", pa.float64()),
        ]
    ),
}

TABLE_NAMES: tuple[str, ...] = tuple(RAW_SCHEMAS)


def arrow_table(name: str, columns: Mapping[str, object]) -> pa.Table:
    """An Arrow table of raw table ``name`` from column arrays, cast to its fixed schema."""
    schema = RAW_SCHEMAS[name]
    missing = set(schema.names) - set(columns)
    if missing:
        raise ValueError(f"table {name} lacks columns {sorted(missing)}")
    arrays = [_as_array(columns[field.name], field.type) for field in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def _as_array(values: object, type_: pa.DataType) -> pa.Array:
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values.cast(type_)
    return pa.array(values, type=type_)
