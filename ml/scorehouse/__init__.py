"""scorehouse: warehouse-native, SQL-first machine learning for marketing teams."""

from scorehouse.compiler import compile_sql

__all__ = ["compile_sql"]
__version__ = "0.1.0"
