"""Audiences for reverse ETL: what was declared (``audiences``) and delivery to a file
(``export``). The audiences themselves are dbt models, in models/segments."""
