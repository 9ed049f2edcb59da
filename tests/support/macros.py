"""Render the project's dbt macros outside dbt, for fast tests of their SQL on real engines.

A small stand-in for dbt's Jinja context: every ``macros/**/*.sql`` file is loaded into
one namespace ``scorehouse``; ``adapter.dispatch(name, 'scorehouse')`` picks
``<adapter>__name`` when the adapter has one, else ``default__name`` (``databricks`` falls
back to ``spark``, as dbt-databricks does); ``return(...)`` ends a macro with a value, as in
dbt; ``var``, ``exceptions.raise_compiler_error``, ``modules.re`` and dbt's type macros
behave as dbt's do. Only what the tested macros use is there.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2

REPO = Path(__file__).resolve().parents[2]
FALLBACKS = {"databricks": ("spark",)}
TYPES = {
    "duckdb": {"string": "varchar", "int": "integer", "bigint": "bigint", "timestamp": "timestamp"},
    "postgres": {"string": "text", "int": "integer", "bigint": "bigint", "timestamp": "timestamp"},
    "spark": {"string": "string", "int": "int", "bigint": "bigint", "timestamp": "timestamp"},
}


class CompilerError(Exception):
    """What ``exceptions.raise_compiler_error`` raises here."""


class _Returned(Exception):
    def __init__(self, value: Any):
        self.value = value


def _return(value: Any) -> Any:
    raise _Returned(value)


def _raise_compiler_error(message: str) -> None:
    raise CompilerError(message)


class _Namespace:
    """``scorehouse.<macro>`` inside the macros, resolved when called."""

    def __init__(self, macros: Macros):
        self._owner = macros

    def __getattr__(self, name: str) -> Any:
        return self._owner._callable(name)


class Macros:
    """The project's macros for one adapter; ``macros.call('phone_e164', "'06 12'")``."""

    def __init__(self, adapter: str, variables: dict[str, Any] | None = None):
        self.adapter = adapter
        self.variables = dict(variables or {})
        self.env = jinja2.Environment(extensions=["jinja2.ext.do"])
        self.env.globals.update(
            {
                "return": _return,
                "var": self._var,
                "exceptions": SimpleNamespace(raise_compiler_error=_raise_compiler_error),
                "modules": SimpleNamespace(re=re),
                "adapter": SimpleNamespace(dispatch=self._dispatch),
                "target": SimpleNamespace(type=adapter),
                "execute": True,
                # set before the files load: a template's context copies the globals
                "scorehouse": _Namespace(self),
                "dbt": SimpleNamespace(
                    **{
                        f"type_{k}": (lambda v=v: v)
                        for k, v in TYPES.get(adapter, TYPES["duckdb"]).items()
                    }
                ),
            }
        )
        self._macros: dict[str, Any] = {}
        for path in sorted((REPO / "macros").rglob("*.sql")):
            if "generic_tests" in path.parts:
                continue  # dbt's own {% test %} blocks
            template = self.env.from_string(path.read_text())
            context = template.new_context()
            for _ in template.root_render_func(context):
                pass
            # private macros (_name) too, which a template module would not export
            for name, item in context.vars.items():
                if isinstance(item, jinja2.runtime.Macro):
                    self._macros[name] = item

    def _var(self, name: str, default: Any = None) -> Any:
        return self.variables.get(name, default)

    def _callable(self, name: str) -> Any:
        return lambda *args, **kwargs: self.call(name, *args, **kwargs)

    def _dispatch(self, name: str, package: str = "scorehouse") -> Any:
        for prefix in (self.adapter, *FALLBACKS.get(self.adapter, ()), "default"):
            if f"{prefix}__{name}" in self._macros:
                return self._callable(f"{prefix}__{name}")
        raise KeyError(f"no macro {name} for {self.adapter}")

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """The macro's returned value, or its rendered text (stripped)."""
        try:
            rendered = self._macros[name](*args, **kwargs)
        except _Returned as returned:
            return returned.value
        return str(rendered).strip()
