"""The one rule for the names scorehouse turns into dbt models, SQL identifiers and folders.

A model's name becomes dbt models (``<name>_scores``, ``<name>_score_history``...), string
values in SQL and a folder under ``artifacts/``; an audience's or an experiment's name
becomes keys and rows the same way. The rule is the intersection of what dbt, every
supported warehouse and every file system accept without quoting or escaping, so a name
that passes cannot break a parse, an identifier or a path. The dbt macros check audience
names against the same pattern (``macros/naming/_name_pattern.sql``).
"""

from __future__ import annotations

import re

from scorehouse.errors import ScorehouseError

MAX_LENGTH = 40  # <name>_score_history and friends stay within PostgreSQL's 63 characters
PATTERN = rf"^[a-z][a-z0-9_]{{0,{MAX_LENGTH - 1}}}$"
RULE = (
    f"lowercase letters, digits and underscores, starting with a letter, at most "
    f"{MAX_LENGTH} characters (pattern {PATTERN})"
)
_NAME = re.compile(PATTERN)

IDENTIFIER_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
IDENTIFIER_RULE = (
    "a plain SQL identifier: letters, digits and underscores, not starting with a digit "
    f"(pattern {IDENTIFIER_PATTERN})"
)
_IDENTIFIER = re.compile(IDENTIFIER_PATTERN)


class InvalidNameError(ScorehouseError):
    """A name that breaks the naming rule."""


def is_valid(name: object) -> bool:
    return isinstance(name, str) and _NAME.match(name) is not None


def check_name(name: object, kind: str, where: str = "") -> str:
    """``name`` when it follows the rule, else an error naming it, its kind and the rule."""
    if not is_valid(name):
        prefix = f"{where}: " if where else ""
        raise InvalidNameError(f"{prefix}{kind} name {name!r} breaks the naming rule: {RULE}")
    return str(name)


def is_identifier(name: object) -> bool:
    return isinstance(name, str) and _IDENTIFIER.match(name) is not None


def check_identifier(name: object, what: str, where: str = "") -> str:
    """``name`` when it is a plain SQL identifier (a column or relation name)."""
    if not is_identifier(name):
        prefix = f"{where}: " if where else ""
        raise InvalidNameError(f"{prefix}{what} {name!r} is not {IDENTIFIER_RULE}")
    return name
