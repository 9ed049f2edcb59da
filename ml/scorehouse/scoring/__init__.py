"""Scoring inside the warehouse: the dbt models generated for each model's champion."""
