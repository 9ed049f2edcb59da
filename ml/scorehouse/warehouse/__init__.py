"""Connections to the warehouse of a dbt target, through Ibis."""

from scorehouse.warehouse.connect import connect, duckdb_path

__all__ = ["connect", "duckdb_path"]
