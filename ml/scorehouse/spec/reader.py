"""Reading one mapping of a spec, key by key, so that every problem names its key and an
unknown key is refused."""

from __future__ import annotations

import math
import re
from typing import Any

from scorehouse.names import IDENTIFIER_RULE, is_identifier
from scorehouse.spec.model import CADENCES, SpecError, Step

_DURATION = re.compile(r"^(\d+)\s*d(ays?)?$")


def parse_days(value: Any, where: str) -> int:
    """'weekly', 'monthly', '30d', '45 days' or an integer number of days."""
    if isinstance(value, bool):
        raise SpecError(f"{where}: expected a cadence such as 'weekly' or '30d', got {value!r}")
    if isinstance(value, int) and value > 0:
        return value
    text = str(value).strip().lower()
    if text in CADENCES:
        return CADENCES[text]
    match = _DURATION.match(text)
    if match and int(match.group(1)) > 0:
        return int(match.group(1))
    allowed = ", ".join(CADENCES)
    raise SpecError(
        f"{where}: {value!r} is not a cadence ({allowed}, or a number of days like '30d')"
    )


class Reader:
    """Reads one mapping, recording which keys were used, so unknown keys can be named."""

    def __init__(self, mapping: Any, where: str):
        if not isinstance(mapping, dict):
            raise SpecError(f"{where}: expected a mapping, got {type(mapping).__name__}")
        self.mapping = mapping
        self.where = where
        self.used: set[str] = set()

    def get(self, key: str, default: Any = None, *, required: bool = False) -> Any:
        self.used.add(key)
        value = self.mapping.get(key, default)
        if required and (value is None or value == ""):
            raise SpecError(f"{self.where}: {key!r} is required")
        return value

    def text(self, key: str, default: str | None = None, *, required: bool = False) -> str:
        value = self.get(key, default, required=required)
        if value is not None and not isinstance(value, str):
            raise SpecError(f"{self.where}.{key}: expected text, got {value!r}")
        return value if value is not None else ""

    def identifier(self, key: str, default: str | None = None, *, required: bool = False) -> str:
        """A column or relation name, which the generated SQL writes as it is."""
        value = self.text(key, default, required=required)
        if value and not is_identifier(value):
            raise SpecError(f"{self.where}.{key}: {value!r} is not {IDENTIFIER_RULE}")
        return value

    def choice(self, key: str, allowed: tuple[str, ...], default: str | None = None) -> str:
        value = self.text(key, default, required=default is None)
        if value not in allowed:
            raise SpecError(f"{self.where}.{key}: {value!r} is not one of {', '.join(allowed)}")
        return value

    def names(self, key: str) -> tuple[str, ...]:
        value = self.get(key, []) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SpecError(f"{self.where}.{key}: expected a list of names")
        return tuple(value)

    def columns(self, key: str) -> tuple[str, ...]:
        value = self.names(key)
        for i, name in enumerate(value):
            if not is_identifier(name):
                raise SpecError(f"{self.where}.{key}[{i}]: {name!r} is not {IDENTIFIER_RULE}")
        return value

    def number(self, key: str, default: float | None = None) -> float | None:
        value = self.get(key, default)
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
        ):
            raise SpecError(f"{self.where}.{key}: expected a finite number, got {value!r}")
        return None if value is None else float(value)

    def child(self, key: str, *, required: bool = False) -> Reader:
        value = self.get(key, None if required else {}, required=required)
        return Reader(value, f"{self.where}.{key}")

    def done(self) -> None:
        unknown = sorted(set(self.mapping) - self.used)
        if unknown:
            known = ", ".join(sorted(self.used))
            raise SpecError(
                f"{self.where}: unknown key(s) {', '.join(unknown)} (known here: {known})"
            )


def steps(reader: Reader, key: str) -> tuple[Step, ...]:
    items = reader.get(key, []) or []
    if not isinstance(items, list):
        raise SpecError(f"{reader.where}.{key}: expected a list of steps")
    return tuple(step(item, f"{reader.where}.{key}[{i}]") for i, item in enumerate(items))


def step(item: Any, where: str) -> Step:
    r = Reader(item, where)
    cls = r.text("class", required=True)
    params = r.get("params", {}) or {}
    if not isinstance(params, dict):
        raise SpecError(f"{where}.params: expected a mapping")
    r.done()
    return Step(cls, dict(params))
