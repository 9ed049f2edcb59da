"""The one way a value reaches SQL or Jinja text that scorehouse writes (generated dbt
models): quoted and escaped here, never pasted between quotes.

SQL that scorehouse runs itself binds its values as parameters instead (see
:mod:`scorehouse.engines`); the dbt macros quote through ``scorehouse.sql_string``.
"""

from __future__ import annotations

import json

from sqlglot import exp


def string_literal(value: str, dialect: str) -> str:
    """``value`` as a SQL string literal of ``dialect``, escaped as that dialect reads it."""
    return exp.Literal.string(str(value)).sql(dialect=dialect)


def jinja_string(value: str) -> str:
    """``value`` as a string literal inside a Jinja expression (``{{ f("...") }}``)."""
    return json.dumps(str(value))
