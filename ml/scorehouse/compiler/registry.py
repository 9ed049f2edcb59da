"""The explicit table from scikit-learn class to translator.

An explicit mapping, rather than registration by import side effect, keeps it easy to see
what is supported and where each translation lives. Only exact classes are matched: a
subclass may change what ``predict`` does, and a silently wrong score is worse than an
error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scorehouse.errors import UnsupportedEstimatorError

TransformerTranslator = Callable[..., Any]
ModelTranslator = Callable[..., Any]

TRANSFORMERS: dict[type, TransformerTranslator] = {}
MODELS: dict[type, ModelTranslator] = {}


def _load() -> None:
    from scorehouse.compiler.table import model_table, transformer_table

    TRANSFORMERS.update(transformer_table())
    MODELS.update(model_table())


def supported_names() -> list[str]:
    return sorted({cls.__name__ for cls in (*TRANSFORMERS, *MODELS)} | {"Pipeline"})


def unsupported(estimator: Any) -> UnsupportedEstimatorError:
    name = type(estimator).__name__
    return UnsupportedEstimatorError(
        f"scorehouse cannot compile {name} to SQL. Supported: {', '.join(supported_names())}"
    )


_load()
