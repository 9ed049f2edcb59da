"""Values reach SQL through one helper, and the identifiers destinations match on are
normalised without guessing.

The macros are rendered outside dbt (tests/support/macros.py) and run on DuckDB,
PostgreSQL and Spark; phone numbers are checked against libphonenumber (``phonenumbers``),
hashes against hashlib. A grep over the project keeps values from being pasted into SQL
by string formatting.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import phonenumbers
import psycopg2
import pytest

from tests.support.macros import REPO, CompilerError, Macros

TRICKY = [
    "plain",
    "côte d'azur",
    "north') or ('1' = '1",
    "back\\slash",
    "it\\'s",
    "tab\tand\nnewline",
    "",
    "🎯 émoji",
    "'",
    "\\",
]


@pytest.fixture(params=["duckdb", "postgres", "spark"])
def engine(request) -> tuple[str, Callable[[str], Any]]:
    """(adapter, run): ``run(expression)`` is the value of ``SELECT expression``."""
    if request.param == "duckdb":
        con = duckdb.connect()
        request.addfinalizer(con.close)
        return "duckdb", lambda sql: con.execute(f"SELECT {sql}").fetchall()[0][0]
    if request.param == "spark":
        spark = request.getfixturevalue("spark_session")
        return "spark", lambda sql: spark.sql(f"SELECT {sql}").first()[0]
    server = request.getfixturevalue("postgres_server")
    conn = psycopg2.connect(server.dsn())
    request.addfinalizer(conn.close)

    def run(sql: str) -> Any:
        with conn.cursor() as cur:
            cur.execute(f"SELECT {sql}")
            return cur.fetchone()[0]

    return "postgres", run


def test_a_quoted_string_comes_back_as_it_was(engine):
    adapter, run = engine
    macros = Macros(adapter)
    for value in TRICKY:
        assert run(macros.call("sql_string", value)) == value, value


@pytest.mark.parametrize("adapter", ["snowflake", "bigquery", "trino", "databricks"])
def test_the_cloud_adapters_escape_what_their_parsers_read(adapter):
    """Not run (no such warehouse here): the literal must at least parse in sqlglot's
    dialect as the very value."""
    import sqlglot
    from sqlglot import exp

    dialect = {"databricks": "databricks"}.get(adapter, adapter)
    macros = Macros(adapter)
    for value in TRICKY:
        literal = macros.call("sql_string", value)
        parsed = sqlglot.parse_one(f"SELECT {literal}", read=dialect)
        assert isinstance(parsed.expressions[0], exp.Literal), (adapter, value, literal)
        assert parsed.expressions[0].this == value, (adapter, value, literal)


def test_declared_regions_are_values_not_sql(engine):
    """An audience's regions once went into SQL between quotes: `côte d'azur` broke the
    build and `north') or ('1' = '1` let customers of every region in."""
    adapter, run = engine
    macros = Macros(adapter)
    regions = ["côte d'azur", "north') or ('1' = '1"]
    for region, expected in (("côte d'azur", True), ("south", False), ("north", False)):
        condition = macros.call("sql_in_list", macros.call("sql_string", region), regions)
        assert run(condition) is expected, region


def test_numbers_are_checked_and_exact(engine):
    adapter, run = engine
    macros = Macros(adapter)
    assert run(macros.call("sql_number", 0.1)) == 0.1
    assert run(macros.call("sql_number", 7)) == 7
    assert run(macros.call("sql_number", -2.5e-17)) == -2.5e-17
    assert run(macros.call("sql_double", 1)) == 1.0
    assert run(macros.call("sql_double", 0.3)) == 0.3
    for bad in (True, float("nan"), float("inf"), "1; drop table x", None):
        for helper in ("sql_number", "sql_double"):
            with pytest.raises(CompilerError, match="cost_per_contact must be a finite number"):
                macros.call(helper, bad, "cost_per_contact")


PHONES = [
    "+33 6 12 34 56 78",
    "06 12 34 56 78",
    "06.12.34.56.78",
    "06-12-34-56-78",
    "0033 6 12 34 56 78",
    "+33 (0)6 12 34 56 78",
    "+44 (0)20 7946 0018",
    " \t+33612345678\n",
    "(06) 12 34 56 78",
    "06 12 34 56 78 ext. 12",
    "06 12 34 56 78 x12",
    "+33 6 12 34 56 78 #1",
    "12",
    "+",
    "",
    "0612+345678",
]


def _libphonenumber(typed: str) -> str | None:
    """E.164 as libphonenumber gives it (France as the home country, as the var says);
    an extension or anything beyond a number makes it None: scorehouse drops what it cannot
    take whole rather than keep a part of it."""
    if re.search(r"[^0-9+()./\s-]", typed):
        return None
    try:
        number = phonenumbers.parse(typed, "FR")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def test_phone_numbers_as_libphonenumber_reads_them(engine):
    adapter, run = engine
    macros = Macros(adapter, {"scorehouse_phone_country_code": 33})
    for typed in PHONES:
        literal = macros.call("sql_string", typed)
        got = run(macros.call("phone_e164", literal))
        assert got == _libphonenumber(typed), typed


def test_a_national_number_without_a_country_code_var_is_not_guessed(engine):
    adapter, run = engine
    macros = Macros(adapter)
    national, international = (
        macros.call("sql_string", t) for t in ("06 12 34 56 78", "+33 6 12 34 56 78")
    )
    assert run(macros.call("phone_e164", national)) is None
    assert run(macros.call("phone_e164", international)) == "+33612345678"


EMAILS = {
    "  Jane.Doe@Example.COM ": "jane.doe@example.com",
    "jane\t@example.com": "jane@example.com",
    "jane@exam\nple.com": "jane@example.com",
    "jane@example.com\r\n": "jane@example.com",
    "no-at-sign": None,
    "two@at@signs": None,
    "": None,
    " \t ": None,
}


def test_emails_lose_every_whitespace_and_case(engine):
    adapter, run = engine
    macros = Macros(adapter)
    for typed, expected in EMAILS.items():
        assert run(macros.call("normalized_email", macros.call("sql_string", typed))) == expected


# --- no value pasted into SQL text ------------------------------------------------------

# the helpers themselves
JINJA_ALLOWED = {"macros/cross_db/sql_string.sql"}
JINJA_PASTED = re.compile(r"""'\{\{|\}\}'|"'"\s*~|~\s*"'"|replace\("'", "''"\)""")
# an f-string putting an expression between single quotes: '{value}'
PYTHON_PASTED = re.compile(r"""f(["']).*?'\{(?!:)[^}]*\}'.*?\1""")


def _project_sql() -> list[Path]:
    folders = ["macros", "models", "analyses", "data-tests"]
    return [p for f in folders for p in sorted((REPO / f).rglob("*.sql"))]


def test_no_jinja_value_is_pasted_between_sql_quotes():
    found = []
    for path in _project_sql():
        relative = path.relative_to(REPO).as_posix()
        if relative in JINJA_ALLOWED:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if JINJA_PASTED.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert not found, "use scorehouse.sql_string / sql_number:\n" + "\n".join(found)


def test_no_python_value_is_pasted_between_sql_quotes():
    found = []
    for path in sorted((REPO / "ml" / "scorehouse").rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if PYTHON_PASTED.search(line):
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not found, "bind with ?, or use scorehouse.sqltext:\n" + "\n".join(found)


def test_the_grep_would_see_a_pasted_value():
    assert JINJA_PASTED.search("where region = '{{ region }}'")
    assert JINJA_PASTED.search("""{{ "'" ~ region ~ "'" }}""")
    assert PYTHON_PASTED.search("""sql = f"where name = '{name}'" """)
    assert not PYTHON_PASTED.search("""f"p={_number(x, '{:.2g}')}" """)
