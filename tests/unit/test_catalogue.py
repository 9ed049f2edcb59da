"""The table catalogue: one set of facts for the tables scorehouse writes, the dbt contracts
of the tables others sync, the engines' types and the dataclasses that hold their rows."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import jinja2
import pyarrow as pa
import pytest
import yaml
from sqlglot import exp

from scorehouse.catalogue import ALERTS, AUDIENCE_SYNC, TABLES
from scorehouse.engines import ENGINES, connect
from scorehouse.engines.base import PORTABLE_TYPES
from scorehouse.gateway import Gateway
from scorehouse.monitoring.alerts import Alert
from tests.support.project import REPO, duckdb_output, output_target

SEGMENTS_YML = REPO / "models" / "segments" / "_segments.yml"


def _contract(name: str) -> list[dict]:
    document = yaml.safe_load(SEGMENTS_YML.read_text())
    (model,) = [m for m in document["models"] if m["name"] == name]
    assert model["config"]["contract"]["enforced"] is True
    return model["columns"]


def _dtype(sql_type: str, dialect: str) -> exp.DataType.Type:
    return exp.DataType.build(sql_type, dialect=dialect).this


@pytest.mark.parametrize("adapter", sorted(ENGINES))
def test_the_synced_audience_contract_holds_the_catalogue_types(adapter):
    engine = ENGINES[adapter]
    columns = _contract(AUDIENCE_SYNC.name)
    assert [c["name"] for c in columns] == AUDIENCE_SYNC.names
    for column, (name, portable) in zip(columns, AUDIENCE_SYNC.columns, strict=True):
        rendered = jinja2.Template(str(column["data_type"])).render(target={"type": adapter})
        assert _dtype(rendered, engine.dialect) == _dtype(
            engine.type_name(portable), engine.dialect
        ), f"{AUDIENCE_SYNC.name}.{name} on {adapter}"


def test_every_table_uses_portable_types_every_engine_has():
    for table in TABLES.values():
        assert len(set(table.names)) == len(table.names), table.name
        for name, portable in table.columns:
            assert portable in PORTABLE_TYPES, f"{table.name}.{name}: {portable}"
    for engine in ENGINES.values():
        assert set(engine.types) == set(PORTABLE_TYPES), engine.adapter


def test_an_alert_row_is_the_alerts_table():
    assert [f.name for f in dataclasses.fields(Alert)] == ALERTS.names


ARROW = {
    "text": pa.types.is_string,
    "integer": pa.types.is_int32,
    "bigint": pa.types.is_int64,
    "double": pa.types.is_float64,
    "boolean": pa.types.is_boolean,
    "timestamp": pa.types.is_timestamp,
    "date": pa.types.is_date32,
}


def test_the_gateway_creates_every_table_with_its_types(tmp_path: Path):
    output = duckdb_output(tmp_path / "w.duckdb", "catalogue", threads=1)
    with connect(output_target(output, tmp_path), create=True) as con:
        gateway = Gateway(con, "catalogue")
        written = [t for t in TABLES.values() if t is not AUDIENCE_SYNC]
        gateway.ensure(*written)
        for table in written:
            types = con.relation_types("catalogue", table.name)
            assert list(types) == table.names
            for name, portable in table.columns:
                assert ARROW[portable](types[name]), f"{table.name}.{name}: {types[name]}"


def test_a_table_of_an_older_version_gains_the_new_columns(tmp_path: Path):
    output = duckdb_output(tmp_path / "w.duckdb", "catalogue", threads=1)
    with connect(output_target(output, tmp_path), create=True) as con:
        con.execute('CREATE SCHEMA "catalogue"')
        con.execute('CREATE TABLE "catalogue"."ml_alerts" ("alert_id" VARCHAR)')
        con.execute("INSERT INTO \"catalogue\".\"ml_alerts\" VALUES ('kept')")
        Gateway(con, "catalogue").ensure(ALERTS)
        assert list(con.relation_types("catalogue", "ml_alerts")) == ALERTS.names
        rows = Gateway(con, "catalogue").select(ALERTS)
        assert [r["alert_id"] for r in rows] == ["kept"]
