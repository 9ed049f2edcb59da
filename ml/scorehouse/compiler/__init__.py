"""Compile fitted scikit-learn estimators to SQL that scores inside the warehouse."""

from scorehouse.compiler.compile import compile_sql

__all__ = ["compile_sql"]
