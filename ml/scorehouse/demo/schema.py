"""Column names and types of the raw tables, as fixed by ``models/staging/_sources.yml``.

The generator builds Arrow tables with exactly these schemas; the warehouse writer and the
seed export take their types from here, so the three cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa

_TYPES = {
    "bigint": pa.int64(),
    "integer": pa.int32(),
    "double": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
    "varchar": pa.string(),
}

# Each raw table as "column type, ...", in the order of _sources.yml.
_COLUMNS = {
    "customers": "customer_id bigint, signup_date date, acquisition_channel varchar, "
    "region varchar, age_band varchar, email varchar, phone varchar, email_consent boolean, "
    "sms_consent boolean, ads_consent boolean",
    "orders": "order_id bigint, customer_id bigint, ordered_at timestamp, amount double, "
    "category varchar, discount double",
    "web_sessions": "session_id bigint, customer_id bigint, started_at timestamp, device varchar",
    "web_events": "event_id bigint, session_id bigint, customer_id bigint, "
    "event_at timestamp, event_type varchar",
    "support_tickets": "ticket_id bigint, customer_id bigint, created_at timestamp, "
    "topic varchar, satisfaction integer",
    "leads": "lead_id bigint, created_at timestamp, source varchar, company_size varchar, "
    "industry varchar, job_level varchar, pages_viewed integer, requested_demo boolean, "
    "converted boolean, converted_at timestamp",
    "campaigns": "campaign_id integer, campaign_name varchar, channel varchar, offer varchar, "
    "start_date date, end_date date, cost_per_contact double",
    "campaign_assignments": "campaign_id integer, customer_id bigint, assigned_at timestamp, "
    "treatment_group varchar, contacted boolean, contact_cost double, converted boolean, "
    "converted_at timestamp, revenue double",
    "truth_churn": "customer_id bigint, cutoff_date date, churn_probability double",
    "truth_propensity": "customer_id bigint, cutoff_date date, purchase_probability double",
    "truth_uplift": "campaign_id integer, customer_id bigint, true_uplift double",
}


def _schema(columns: str) -> pa.Schema:
    pairs = (column.split() for column in columns.split(","))
    return pa.schema([(name, _TYPES[type_]) for name, type_ in pairs])


RAW_SCHEMAS: dict[str, pa.Schema] = {name: _schema(cols) for name, cols in _COLUMNS.items()}

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
